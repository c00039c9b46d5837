"""The dashboard's one data-access module: named queries and analytics, cached per snapshot.

Every read goes through `query` (a named SQL file in warehouse/queries) or `analytic` (a
function of `warehouse.analytics` that takes a Reader). Results are cached per published
snapshot, so a new load is picked up on the next call and never mixed with an older one, and
every caller gets its own copy of the frame. A page's whole rendered output is cached the same
way (`output`), keyed also by what in the viewer it depends on. Concurrent requests for one
missing entry compute it once.

When a new snapshot is published, a server (`creatorpulse serve` sets CREATORPULSE_WARM_LIMIT)
does not switch to it at once: every request would find every cache empty at the same moment
and wait for the same cold queries (on 10M rows, tens of seconds). Each worker instead goes on
answering from the snapshot it serves while a background thread re-renders, on the new one,
every render its users asked for in the last WARM_RECENT_S (into the renders shared through
HOME/cache, not into its memory, which goes on serving); then it switches. The switch happens
when they are warm or after the limit, whichever comes first. Nothing is ever mixed: every request reads one
snapshot, pinned for the whole of it.

With CREATORPULSE_CACHE=off (`creatorpulse serve --no-cache`) nothing is cached across requests:
every request computes its queries, analytics, products and render afresh (each one once per
request), and a new snapshot is served at once. That is how the benchmarks measure what a user
who changes a filter waits for.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import polars as pl
from flask import current_app, g, has_request_context
from plotly.io.json import to_json_plotly

from warehouse import store
from warehouse.query import Reader
from warehouse.settings import load_limits, load_settings

CACHE_ENTRIES = 256
# Rendered callback outputs are large (figures, grid rows): fewer of them. Room for two
# snapshots' worth while the next one is warmed beside the one being served.
OUTPUT_ENTRIES = 128
CACHE_DIR = "cache"  # HOME/cache/<snapshot>/: renders shared by the server's workers
WARM_ENV = "CREATORPULSE_WARM_LIMIT"  # seconds; unset or 0: switch to a new snapshot at once
# A new snapshot is warmed with every render this worker served in the last WARM_RECENT_S
# (most recent first; at most OUTPUT_ENTRIES): a render left out is built cold by the first
# request after the switch, and under load that one request waits seconds.
WARM_RECENT_S = 900.0
CACHE_ENV = "CREATORPULSE_CACHE"  # "off": no query, product or render cache (cache-miss bench)

log = logging.getLogger(__name__)
_cache_lock = threading.Lock()
_home: Path | None = None
_readers: dict[Path, Reader] = {}  # one pinned Reader per snapshot this process reads
_local = threading.local()  # .snapshot: the snapshot the warming thread renders on
_serving: dict[str, Any] = {"snapshot": None, "warming": None, "since": 0.0}


def home() -> Path:
    """The warehouse home (read from the settings once per process)."""
    global _home
    if _home is None:
        _home = load_settings().home
    return _home


def reader(current: Path | None = None) -> Reader:
    """A Reader pinned to `current` (default: the snapshot this request reads), opened lazily
    so it is opened after gunicorn forks; request threads of one worker share it."""
    current = current or snapshot()
    with _cache_lock:
        found = _readers.get(current)
        if found is None:
            found = _readers[current] = Reader(home(), snapshot=current)
    return found


def snapshot() -> Path:
    """The snapshot this request reads; WarehouseError when nothing is published.

    Normally the published one. While a server warms a newly published snapshot, requests go
    on reading the one it served before (see the module docstring); the warming thread reads
    the new one.
    """
    override = getattr(_local, "snapshot", None)
    if override is not None:
        return override
    if has_request_context():  # one request reads one snapshot, even across a switch
        pinned = g.get("_creatorpulse_snapshot")
        if pinned is None:
            pinned = g._creatorpulse_snapshot = _serve()
        return pinned
    return _serve()


def _serve() -> Path:
    """The snapshot new requests read (see `snapshot`)."""
    where = home()
    current = store.current_snapshot(where)
    if current is None:
        raise store.WarehouseError(
            f"no warehouse at {where}: run `creatorpulse demo` or `creatorpulse ingest`"
        )
    with _cache_lock:
        served = _serving["snapshot"]
        if served == current:
            return current
        limit = _warm_limit()
        if served is None or limit <= 0 or not served.exists():
            _switch(current)
            return current
        if _serving["warming"] != current:
            _start_warming(served, current)
        elif time.monotonic() - _serving["since"] > limit:
            _switch(current)
            return current
        return served


def caching() -> bool:
    """False when CREATORPULSE_CACHE says off (read per call, so a test may switch it)."""
    return os.environ.get(CACHE_ENV, "on").strip().lower() not in ("off", "0", "false", "no")


def _warm_limit() -> float:
    if not caching():  # nothing would be warmed: serve a new snapshot at once
        return 0.0
    try:
        return float(os.environ.get(WARM_ENV) or 0)
    except ValueError:
        return 0.0


def _switch(current: Path) -> None:
    """Serve `current` from now on and close the readers of other snapshots (under the lock;
    a query running on one of them holds that reader's own lock, and `close` waits for it)."""
    _serving.update(snapshot=current, warming=None)
    for path in [p for p in _readers if p != current]:
        _readers.pop(path).close()


def _start_warming(served: Path, new: Path) -> None:
    """Start the thread that re-renders on `new` every render of `served` asked for in the
    last WARM_RECENT_S, most recent first (under the lock)."""
    _serving.update(warming=new, since=time.monotonic())
    since = time.monotonic() - WARM_RECENT_S
    recipes = [
        r for key, r in reversed(_recipes.items()) if key[0] == str(served) and r.used >= since
    ]
    thread = threading.Thread(
        target=_warm, args=(new, recipes), name="snapshot-warmer", daemon=True
    )
    thread.start()


def _warm(new: Path, recipes: list[_Recipe]) -> None:
    """Render `recipes` on `new`, then switch to it (unless something newer came meanwhile)."""
    _local.snapshot = new
    started = time.monotonic()
    done = 0
    try:
        # First pass: skip a render another worker is building (its file lock is taken), so
        # the workers warm different renders side by side instead of queueing on the same one;
        # second pass: the skipped ones, waiting for (and then reading) the other's file.
        deferred: list[_Recipe] = []
        for patient, batch in ((False, recipes), (True, deferred)):
            _local.patient = patient
            for recipe in batch:
                if time.monotonic() - started > _warm_limit():
                    break
                try:
                    recipe.replay()
                    done += 1
                except _Busy:
                    deferred.append(recipe)
                except Exception:  # a render that fails now fails for its user later, visibly
                    log.exception("warming %s on %s failed", recipe.function.__qualname__, new.name)
    finally:
        _local.snapshot = None
        with _cache_lock:
            if _serving["warming"] == new:
                _switch(new)
        log.info(
            "serving %s: %d of %d renders warmed in %.1f s",
            new.name,
            done,
            len(recipes),
            time.monotonic() - started,
        )


class _Busy(Exception):
    """Another worker process is building this render right now."""


class _Recipe:
    """How a cached render was made: enough to make it again on another snapshot, in a
    request context with the same signed-in user (renders read the user from `flask.g`)."""

    def __init__(
        self, function: Callable[..., Any], args: tuple, kwargs: dict, viewer: Hashable
    ) -> None:
        self.function, self.args, self.kwargs, self.viewer = function, args, kwargs, viewer
        self.app = current_app._get_current_object() if has_request_context() else None
        self.user = g.get("user") if has_request_context() else None
        self.used = time.monotonic()  # the last time a request asked for this render

    def replay(self) -> None:
        if self.app is None:
            output(self.function, *self.args, viewer=self.viewer, **self.kwargs)
            return
        with self.app.test_request_context("/"):
            g.user = self.user
            output(self.function, *self.args, viewer=self.viewer, **self.kwargs)


_recipes: OrderedDict[Hashable, _Recipe] = OrderedDict()


def freeze(value: Any) -> Hashable:
    """A hashable form of filters or parameters (lists and dicts as sorted tuples), for keys."""
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, freeze(v)) for k, v in value.items()))
    return value


def per_request(key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()`, once per request for one key (outside a request: every call): a page's
    figures each read and filter the same population, and a request must not do that once per
    figure. Nothing outlives the request, so this is no cache: with the caches off a new request
    computes everything again. Callers must treat the value as read-only."""
    if not has_request_context():
        return compute()
    seen = g.setdefault("_creatorpulse_request_memo", {})
    if key not in seen:
        seen[key] = compute()
    return seen[key]


class _Memo:
    """A bounded LRU of values per key where concurrent misses of one key compute it once.

    Under threaded workers a page's first render after a new snapshot is requested by many
    users at once; without this each request thread would compute the same result (and the CPU
    they share would make every one of them slow). The first thread computes; the others wait
    for its value (or, if it failed, compute themselves).
    """

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self.values: OrderedDict[Hashable, Any] = OrderedDict()
        self.pending: dict[Hashable, threading.Event] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        if not caching():
            return per_request(key, compute)
        while True:
            with _cache_lock:
                if key in self.values:
                    self.values.move_to_end(key)
                    return self.values[key]
                waiting = self.pending.get(key)
                if waiting is None:
                    done = self.pending[key] = threading.Event()
                    break
            waiting.wait()
        try:
            value = compute()
            with _cache_lock:
                self.values[key] = value
                while len(self.values) > self.entries:
                    self.values.popitem(last=False)
            return value
        finally:
            with _cache_lock:
                del self.pending[key]
            done.set()

    def clear(self) -> None:
        self.values.clear()


_frames = _Memo(CACHE_ENTRIES)
_products = _Memo(CACHE_ENTRIES // 4)
_outputs = _Memo(OUTPUT_ENTRIES)


def _cached(key: Hashable, compute: Callable[[Reader], pl.DataFrame]) -> pl.DataFrame:
    current = snapshot()
    return _frames.get((str(current), key), lambda: compute(reader(current))).clone()


def query(name: str, **params: Any) -> pl.DataFrame:
    """The named query's result (a copy) on the current snapshot; parameters are bound."""
    return _cached(("query", name, freeze(params)), lambda r: r.query(name, **params))


def analytic(function: Callable[..., pl.DataFrame], **params: Any) -> pl.DataFrame:
    """`function(reader, **params)` from warehouse.analytics, cached like a query."""
    key = ("analytic", function.__module__, function.__qualname__, freeze(params))
    return _cached(key, lambda r: function(r, **params))


def product(function: Callable[..., Any], **params: Any) -> Any:
    """`function(reader, **params)` for a read-side product that is not one frame (a sponsor
    report), cached per snapshot like a query. Callers must treat it as read-only."""
    current = snapshot()
    key = (str(current), function.__module__, function.__qualname__, freeze(params))
    return _products.get(key, lambda: function(reader(current), **params))


# The packages whose code decides what a render shows (the page, its queries and analytics).
CODE_PACKAGES = ("dashboard", "warehouse", "survey")


@functools.cache
def code_version() -> str:
    """A digest of the code that builds renders (every .py and .sql file of CODE_PACKAGES),
    once per process: part of every render's key, so a release that changes what a page shows
    (a protection, a figure) never serves renders an older release left in HOME/cache for the
    same snapshot."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in CODE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".sql") and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def output(function: Callable[..., Any], *args: Any, viewer: Hashable, **kwargs: Any) -> Any:
    """`function(*args, **kwargs)` — a page's layout or whole render (figures, tables, texts) —
    cached per snapshot, per arguments and per `viewer` (whatever in the signed-in user the
    output depends on).

    Building Plotly figures costs far more than reading their cached data (a dozen figures
    take hundreds of milliseconds), so a repeated render returns what the first one built. The
    value is kept as the JSON text Dash would send (figures and components already serialised),
    parsed the first time a later request reads it: Dash serialises it afresh for every response
    and never changes it. The request that builds a render (every request, with the caches off)
    hands Dash the objects it built, serialised once: turning them into JSON and parsing that
    back for Dash to serialise again cost two more passes over ~1.4 MB for the views page
    (~170 ms of a cache miss at 10M rows).

    Renders are also shared between the server's worker processes through files under
    HOME/cache/<snapshot> (see `_shared`), so each is built once per snapshot, not once per
    worker.
    """
    current = snapshot()
    key = (
        str(current),
        code_version(),
        function.__module__,
        function.__qualname__,
        freeze(args),
        freeze(kwargs),
        viewer,
    )
    if not caching():
        return function(*args, **kwargs)
    if getattr(_local, "snapshot", None) is None:  # a user's request, not the warming thread
        with _cache_lock:
            if key in _recipes:
                _recipes.move_to_end(key)
                _recipes[key].used = time.monotonic()
            else:
                _recipes[key] = _Recipe(function, args, kwargs, viewer)
                while len(_recipes) > OUTPUT_ENTRIES:
                    _recipes.popitem(last=False)
    if getattr(_local, "snapshot", None) is not None:
        # The warming thread builds (or finds) the render in the new snapshot's shared files; it
        # does not keep it in this worker's memory, where the renders still being served would
        # have to make way for it. The first request after the switch reads the file.
        _shared(current, key[1:], lambda: function(*args, **kwargs), keep=False)
        return None
    render = _outputs.get(key, lambda: _shared(current, key[1:], lambda: function(*args, **kwargs)))
    return render.take()


_FRESH_TAKEN = object()


class _Render:
    """A render kept for later requests: the objects its request built, handed to that request
    once (`take`), and its JSON text, parsed once when a later request reads it."""

    __slots__ = ("_fresh", "_lock", "_text", "_value")

    def __init__(self, *, fresh: Any = _FRESH_TAKEN, text: str | None = None, value: Any = None):
        self._fresh, self._text, self._value = fresh, text, value
        self._lock = threading.Lock()

    @classmethod
    def built(cls, fresh: Any) -> tuple[_Render, str]:
        """The render of objects just built, and their JSON text."""
        text = to_json_plotly(fresh)
        return cls(fresh=fresh, text=text), text

    def take(self) -> Any:
        with self._lock:
            if self._fresh is not _FRESH_TAKEN:
                fresh, self._fresh = self._fresh, _FRESH_TAKEN
                return fresh
            if self._text is not None:
                self._value, self._text = json.loads(self._text), None
            return self._value


def _cache_dir(current: Path) -> Path:
    return home() / CACHE_DIR / current.name.removesuffix(".duckdb")


def _shared(
    current: Path, key: Hashable, compute: Callable[[], Any], keep: bool = True
) -> _Render | None:
    """A render shared between processes: read from its JSON file, else computed by the first
    process to take the file's lock (the others wait and read it) and written atomically.
    With `keep=False` only the file matters (the warming thread): one already there is not read,
    and None is returned.

    The file name is a digest of the key; a snapshot's folder goes when the snapshot does, and
    holds at most CREATORPULSE_CACHE_MAX_ENTRIES files and CREATORPULSE_CACHE_MAX_BYTES bytes:
    the least recently used go first (a read touches its file).
    """
    folder = _cache_dir(current)
    digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:40]
    path = folder / f"{digest}.json"
    found = _existing(path, keep)
    if found is not _ABSENT:
        return found
    try:
        folder.parent.mkdir(exist_ok=True, mode=0o700)  # HOME/cache, private like the home
        folder.mkdir(exist_ok=True, mode=0o700)
        lock = open(folder / f"{digest}.lock", "a+b")  # noqa: SIM115 (held across the compute)
    except OSError:  # a read-only home: compute here, share nothing
        return _Render.built(compute())[0]
    with lock:
        if getattr(_local, "snapshot", None) is not None and not getattr(_local, "patient", True):
            try:  # the warming thread's first pass never waits for another process
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise _Busy from None
        else:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if (found := _existing(path, keep)) is not _ABSENT:
            render = found
        else:
            render, text = _Render.built(compute())
            tmp = path.with_name(f"{digest}.{os.getpid()}.tmp")
            # Readable by the server's user only, like the session secret (renders may hold
            # small counts only organizers see).
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as sink:
                sink.write(text)
            os.replace(tmp, path)
            _bound_cache(folder)
        fcntl.flock(lock, fcntl.LOCK_UN)
    _prune_cache(current)
    return render


_ABSENT = object()


def _existing(path: Path, keep: bool) -> Any:
    """The render in `path` (with `keep=False`: None, unread) or _ABSENT; either way the file is
    marked recently used, so it is evicted last."""
    if keep:
        value = _read_json(path)
        return _ABSENT if value is None else _Render(value=value)
    try:
        os.utime(path)
        return None
    except OSError:
        return _ABSENT


def _read_json(path: Path) -> Any:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
        os.utime(path)  # recently used: evicted last
        return value
    except (OSError, ValueError):
        return None


def _bound_cache(folder: Path) -> None:
    """Remove the least recently used renders of a snapshot's folder until it is within the
    entry and byte bounds (every distinct filter value would otherwise add a file for good)."""
    limits = load_limits()
    files = []
    for entry in os.scandir(folder):
        if entry.name.endswith(".json"):
            try:
                info = entry.stat()
            except OSError:
                continue
            files.append((info.st_mtime_ns, info.st_size, entry.path))
    count, total = len(files), sum(size for _at, size, _path in files)
    for _at, size, path in sorted(files):
        if count <= limits.cache_max_entries and total <= limits.cache_max_bytes:
            break
        for gone in (path, path.removesuffix(".json") + ".lock"):
            with contextlib.suppress(OSError):
                os.unlink(gone)
        count, total = count - 1, total - size


def _prune_cache(current: Path) -> None:
    """Remove the cache folders of snapshots that no longer exist (pruned by a later load)."""
    root = home() / CACHE_DIR
    snapshots = current.parent
    try:
        folders = list(root.iterdir())
    except OSError:
        return
    for folder in folders:
        if not (snapshots / f"{folder.name}.duckdb").exists():
            shutil.rmtree(folder, ignore_errors=True)


def forget_outputs() -> None:
    """Forget the cached renders only (the data they were built from stays cached)."""
    with _cache_lock:
        _outputs.clear()


def table_counts() -> pl.DataFrame:
    """Tables of the current snapshot with row counts."""
    return _cached(("table_counts",), lambda r: r.table_counts())


def clear_cache() -> None:
    """Forget every cached result and the home (tests that swap warehouses)."""
    global _home
    with _cache_lock:
        _frames.clear()
        _products.clear()
        _outputs.clear()
        _recipes.clear()
        for opened in _readers.values():
            opened.close()
        _readers.clear()
        _serving.update(snapshot=None, warming=None)
        _home = None
