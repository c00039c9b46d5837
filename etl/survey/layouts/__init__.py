"""Survey-export layout readers, one module per tool; each yields a `base.SurveyExport`.

`read_survey_export` recognises the tool from the file's own signature (header names, header
rows, metadata columns; never the file name) and hands the table to that tool's reader.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from etl.errors import IngestError
from etl.reading import RawTable, read_table
from etl.survey.layouts import (
    alchemer,
    generic,
    google_forms,
    kobo,
    ms_forms,
    qualtrics,
    surveymonkey,
    tencent,
    typeform,
    wjx,
)
from etl.survey.layouts.base import LayoutMatch, SurveyExport
from etl.survey.layouts.common import split_joined_multi
from etl.survey.layouts.wjx import pair_wjx_codes

__all__ = [
    "LAYOUT_NAMES",
    "detect_survey_layout",
    "pair_wjx_codes",
    "read_survey_export",
    "split_joined_multi",
]

# tool -> (human name, detector, reader), in the order ties are broken.
_LAYOUTS: dict[
    str, tuple[str, Callable[[RawTable], LayoutMatch], Callable[[RawTable], SurveyExport]]
] = {
    "wjx_text": ("问卷星 text export", wjx.detect_text, wjx.read_text),
    "wjx_code": ("问卷星 option-number export", wjx.detect_code, wjx.read_code),
    "tencent": ("腾讯问卷 export", tencent.detect, tencent.read),
    "qualtrics": ("Qualtrics CSV", qualtrics.detect, qualtrics.read),
    "qualtrics_legacy": ("legacy Qualtrics CSV", qualtrics.detect_legacy, qualtrics.read_legacy),
    "surveymonkey": ("SurveyMonkey export", surveymonkey.detect, surveymonkey.read),
    "google_forms": ("Google Forms responses", google_forms.detect, google_forms.read),
    "typeform": ("Typeform download", typeform.detect, typeform.read),
    "alchemer": ("Alchemer (SurveyGizmo) export", alchemer.detect, alchemer.read),
    "ms_forms": ("Microsoft Forms workbook", ms_forms.detect, ms_forms.read),
    "kobo": ("KoboToolbox export", kobo.detect, kobo.read),
    "generic": ("generic survey table", generic.detect, generic.read),
}
LAYOUT_NAMES = {tool: name for tool, (name, _, _) in _LAYOUTS.items()}
MIN_SCORE = 0.99  # every signature check of the best layout must pass (generic: 0.8 at best)
_GENERIC_MIN = 0.8
PARTIAL_SCORE = 0.5


def detect_survey_layout(table: RawTable) -> list[LayoutMatch]:
    """Every known survey layout scored against the table, best first (ties in table order)."""
    order = list(_LAYOUTS)
    matches = [detect(table) for _, detect, _ in _LAYOUTS.values()]
    return sorted(matches, key=lambda m: (-m.score, order.index(m.tool)))


def _fits(found: LayoutMatch) -> bool:
    return not found.missing and found.score >= (
        _GENERIC_MIN if found.tool == "generic" else MIN_SCORE
    )


def read_survey_export(source: Path | str | RawTable) -> SurveyExport:
    """Read a survey export in any known tool's layout; IngestError names the closest one if none."""
    table = source if isinstance(source, RawTable) else read_table(source, raw_headers=True)
    matches = detect_survey_layout(table)
    best = matches[0]
    if best.tool == "generic":
        # Half of a tool's own signature means that tool's export with a part missing (edited or
        # exported with other options): reading it as a generic table would misread it.
        partial = [m for m in matches if m.tool != "generic" and m.score >= PARTIAL_SCORE]
        best = partial[0] if partial else best
    if not _fits(best):
        lacking = "; ".join(best.missing) or "its signature"
        raise IngestError(
            table.path,
            f"not a survey export: closest is {LAYOUT_NAMES[best.tool]}, missing {lacking}",
        )
    export = _LAYOUTS[best.tool][2](table)
    if export.respondents == 0:
        raise IngestError(table.path, f"{export.layout}: header rows only, no respondents")
    return export
