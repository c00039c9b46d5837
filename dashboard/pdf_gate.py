"""At most `pdf_concurrency` PDF renders at once per warehouse home, with a bounded queue.

Each PDF is a headless Chromium (~250 MB, a dozen processes), so sixteen at once took 4 GB. A
render holds one of `pdf_concurrency` slot lock files under HOME/run/; a request that finds
every slot taken holds one of `pdf_queue` queue lock files while it waits (at most
`pdf_queue_wait_s`); a request that finds the queue full, or waits too long, is told to retry
(`Busy`, answered 503 with Retry-After). The locks are flock()s, so they are shared by every
gunicorn worker and thread, and the kernel releases them when a worker dies mid-render.
"""

from __future__ import annotations

import fcntl
import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.settings import Limits

_POLL_S = 0.05  # how often a queued request looks for a free slot


class Busy(RuntimeError):
    """Every render slot and queue place is taken (or the wait ran out): retry later."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def _take_any(folder: Path, stem: str, count: int) -> int | None:
    """The descriptor of the first of `count` lock files no one holds (now locked), or None."""
    for index in range(count):
        fd = os.open(folder / f"{stem}-{index}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return fd
    return None


@contextmanager
def render_slot(home: Path, limits: Limits) -> Iterator[None]:
    """Hold one PDF render slot for the block; wait in the queue for one, or raise Busy."""
    folder = Path(home) / "run"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    retry = max(1, math.ceil(limits.pdf_queue_wait_s / 4))
    slots = max(1, limits.pdf_concurrency)
    slot = _take_any(folder, "pdf-slot", slots)
    if slot is None:
        place = _take_any(folder, "pdf-queue", max(0, limits.pdf_queue))
        if place is None:
            raise Busy(f"{slots} PDF reports are being made and the queue is full", retry)
        try:
            deadline = time.monotonic() + limits.pdf_queue_wait_s
            while (slot := _take_any(folder, "pdf-slot", slots)) is None:
                if time.monotonic() >= deadline:
                    raise Busy("waited too long for a PDF report slot", retry)
                time.sleep(_POLL_S)
        finally:
            os.close(place)
    try:
        yield
    finally:
        os.close(slot)
