"""The dashboard's one data-access module: a per-process Reader, frames returned as copies."""

from __future__ import annotations

import polars as pl

from warehouse.query import Reader
from warehouse.settings import load_settings

_reader: Reader | None = None


def reader() -> Reader:
    """This process's Reader, created lazily so it is opened after gunicorn forks."""
    global _reader
    if _reader is None:
        _reader = Reader(load_settings().home)
    return _reader


def table_counts() -> pl.DataFrame:
    """Tables of the current snapshot with row counts."""
    return reader().table_counts().clone()


def loads() -> pl.DataFrame:
    """Committed loads with read/loaded/rejected counts."""
    return reader().query("loads").clone()
