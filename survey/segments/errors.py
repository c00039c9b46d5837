"""The one error type of segmentation: a request that cannot be answered, as one clear message."""

from __future__ import annotations


class SegmentError(ValueError):
    """A bad segment definition, an unknown dimension, a clustering request that cannot run."""
