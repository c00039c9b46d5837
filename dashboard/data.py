"""The dashboard's one data-access module: named queries and analytics, cached per snapshot.

Every read goes through `query` (a named SQL file in warehouse/queries) or `analytic` (a
function of `warehouse.analytics` that takes a Reader). Results are cached per published
snapshot, so a new load is picked up on the next call and never mixed with an older one, and
every caller gets its own copy of the frame.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import polars as pl

from warehouse import store
from warehouse.query import Reader
from warehouse.settings import load_settings

CACHE_ENTRIES = 256

_reader: Reader | None = None
_cache: OrderedDict[Hashable, pl.DataFrame] = OrderedDict()
_cache_lock = threading.Lock()


def reader() -> Reader:
    """This process's Reader, created lazily so it is opened after gunicorn forks."""
    global _reader
    if _reader is None:
        _reader = Reader(load_settings().home)
    return _reader


def snapshot() -> Path:
    """The published snapshot now current; WarehouseError when nothing is published."""
    home = reader().home
    current = store.current_snapshot(home)
    if current is None:
        raise store.WarehouseError(
            f"no warehouse at {home}: run `creatorpulse demo` or `creatorpulse ingest`"
        )
    return current


def _freeze(value: Any) -> Hashable:
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def _cached(key: Hashable, compute: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    full_key = (str(snapshot()), key)
    with _cache_lock:
        if full_key in _cache:
            _cache.move_to_end(full_key)
            return _cache[full_key].clone()
    frame = compute()
    with _cache_lock:
        _cache[full_key] = frame
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)
    return frame.clone()


def query(name: str, **params: Any) -> pl.DataFrame:
    """The named query's result (a copy) on the current snapshot; parameters are bound."""
    return _cached(("query", name, _freeze(params)), lambda: reader().query(name, **params))


def analytic(function: Callable[..., pl.DataFrame], **params: Any) -> pl.DataFrame:
    """`function(reader, **params)` from warehouse.analytics, cached like a query."""
    key = ("analytic", function.__module__, function.__qualname__, _freeze(params))
    return _cached(key, lambda: function(reader(), **params))


_products: OrderedDict[Hashable, Any] = OrderedDict()


def product(function: Callable[..., Any], **params: Any) -> Any:
    """`function(reader, **params)` for a read-side product that is not one frame (a sponsor
    report), cached per snapshot like a query. Callers must treat it as read-only."""
    key = (str(snapshot()), function.__module__, function.__qualname__, _freeze(params))
    with _cache_lock:
        if key in _products:
            _products.move_to_end(key)
            return _products[key]
    value = function(reader(), **params)
    with _cache_lock:
        _products[key] = value
        while len(_products) > CACHE_ENTRIES // 4:
            _products.popitem(last=False)
    return value


def table_counts() -> pl.DataFrame:
    """Tables of the current snapshot with row counts."""
    return _cached(("table_counts",), lambda: reader().table_counts())


def clear_cache() -> None:
    """Forget every cached result (tests that swap warehouses)."""
    global _reader
    with _cache_lock:
        _cache.clear()
        _products.clear()
    if _reader is not None:
        _reader.close()
    _reader = None
