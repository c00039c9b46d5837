"""Build the demo warehouse: generate the sample exports and load each with its reader."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from pathlib import Path

from etl.ingest import ingest_files
from etl.report import LoadReport
from etl.sample import generate_sample_exports
from warehouse import attention_fits
from warehouse.settings import Settings

DEFAULT_SEED = 20240210


def build_demo(
    settings: Settings,
    *,
    seed: int = DEFAULT_SEED,
    on_file: Callable[[LoadReport], None] | None = None,
) -> list[LoadReport]:
    """Write the sample exports to HOME/samples and ingest them into a fresh warehouse."""
    samples = settings.home / "samples"
    if samples.exists():
        shutil.rmtree(samples)
    files = generate_sample_exports(samples, seed=seed)
    reports: list[LoadReport] = []
    for i, sample in enumerate(files):
        kind = "survey" if sample.source in {"wjx", "tencent"} else sample.source
        edition = sample.edition_year if kind == "survey" else None
        # Only the last snapshot is read: the attention fits are computed once, at its publish.
        last = i == len(files) - 1
        with contextlib.nullcontext() if last else attention_fits.deferred():
            reports += ingest_files(
                settings,
                [sample.path],
                source=kind,
                edition=edition,
                fresh=i == 0,
                on_file=on_file,
            )
    return reports


def sample_dir(settings: Settings) -> Path:
    """Where the demo's sample exports are written."""
    return settings.home / "samples"
