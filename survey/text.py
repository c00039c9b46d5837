"""Text clean-up shared by the normalisers and the export readers."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def clean_text(value: object) -> str | None:
    """Return NFKC-normalised, trimmed text with runs of whitespace folded, or None if blank.

    NFKC turns full-width digits, letters and punctuation (２８, ？, （）) into their
    ASCII forms, which is what every matcher downstream expects.
    """
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from spreadsheet readers
        return None
    text = unicodedata.normalize("NFKC", str(value))
    text = _SPACE.sub(" ", text).strip()
    return text or None
