"""Pair the two 问卷星 exports of one survey given together (text export + option-number export).

问卷星 downloads a survey twice: as option texts and as option numbers (`第N题(option)` 0/1
columns, `-3`/`-2` skipped). Given both to `creatorpulse ingest` (in any order), the text export
is loaded once with the tool's option codes the code export gives (`pair_wjx_codes`), instead of
being loaded as two surveys.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from etl.errors import IngestError
from etl.reading import peek
from etl.survey.export import read_survey_export
from etl.survey.layouts.base import SurveyExport
from etl.survey.layouts.common import column_values
from etl.survey.layouts.wjx import pair_wjx_codes

# Metadata every 问卷星 export has (the header check that keeps other files from being read).
_WJX_HEADERS = {"序号", "提交答卷时间"}


def _looks_like_wjx(path: Path) -> bool:
    """Whether the file's header row has 问卷星's metadata (read from its head only)."""
    if not path.is_file():
        return False
    try:
        _sheets, headers = peek(path)
    except (IngestError, OSError, ValueError):
        return False
    return {h.strip() for h in headers if isinstance(h, str)} >= _WJX_HEADERS


def _numbers(export: SurveyExport) -> list[str]:
    """The respondents' 序号, in file order."""
    index = next((c.index for c in export.columns if c.meta == "response_no"), None)
    if index is None:
        return []
    cells = column_values(export.table, index, export.data_start, export.data_end).to_list()
    return [n.strip().removesuffix(".0") for n in cells if n is not None]


def same_survey(text: SurveyExport, code: SurveyExport) -> bool:
    """Whether a code export holds the text export's respondents (by 序号) and its questions."""
    numbers = _numbers(text)
    return (
        bool(numbers)
        and sorted(numbers) == sorted(_numbers(code))
        # a code export may leave a question out (a ranking), never add one
        and set(code.question_columns()) <= set(text.question_columns())
    )


def wjx_pairs(paths: Iterable[Path]) -> dict[Path, Path]:
    """Each 问卷星 text export among the files -> the code export of the same survey."""
    candidates = [path for path in paths if _looks_like_wjx(path)]
    if len(candidates) < 2:
        return {}
    exports: dict[Path, SurveyExport] = {}
    for path in candidates:
        try:
            exports[path] = read_survey_export(path)
        except IngestError:
            continue  # its own load says what is wrong with it
    texts = [p for p, e in exports.items() if e.tool == "wjx_text"]
    codes = [p for p, e in exports.items() if e.tool == "wjx_code"]
    pairs: dict[Path, Path] = {}
    for text in texts:
        for code in codes:
            if code not in pairs.values() and same_survey(exports[text], exports[code]):
                pairs[text] = code
                break
    return pairs


def with_tool_codes(export: SurveyExport, code_path: Path) -> SurveyExport:
    """The text export with the option codes its code export gives (IngestError if they clash)."""
    export.codes = {**export.codes, **pair_wjx_codes(export, read_survey_export(code_path))}
    return export
