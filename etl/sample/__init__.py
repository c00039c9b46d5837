"""Seeded sample raw exports (surveys, roster, platform side) with planted mess and known truth."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from etl.sample.generate import SampleFile, generate_sample_exports

__all__ = ["SampleFile", "generate_sample_exports"]


def __getattr__(name: str) -> Any:
    """Re-export lazily so ``python -m etl.sample.generate`` does not import itself twice."""
    if name in __all__:
        from etl.sample import generate

        return getattr(generate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
