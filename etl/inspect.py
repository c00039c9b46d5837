"""What a file is before anything is loaded: `inspect_file(path) -> dict` for `creatorpulse
inspect` and the dashboard's Import page.

`inspect_file` is a dispatcher over a small registry of per-family describers, `DESCRIBERS`:
a list of `Describer(family, detect, describe)` entries tried in order. `detect(probe)` scores
the file against the family's layouts (`Fit`: score in [0, 1], what it lacked); the first entry
whose fit passes has its `describe(path)` called. When no entry fits, one IngestError names the
closest layout across ALL families and what it lacked (never a survey question's error for a
platform file).

Plugging in a describer from another package is one line in `DESCRIBERS` (see the comments
there). `detect` may be None: then `describe(path)` is tried, and None or an IngestError from it
means "not this family".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import polars as pl

from etl.errors import IngestError
from etl.reading import RawTable, check_input_path, peek, read_table

FAMILIES = (
    "survey",
    "platform",
    "attention",
    "catalogue",
    "roster",
    "live",
    "retention",
    "activity",
)
MAX_OPTIONS = 30  # options listed per question (a text question's answers are not options)
MAX_SINGLE_DISTINCT = 20  # more distinct answers than this read as free text


@dataclass(frozen=True)
class Fit:
    """How well a file fits one family's closest layout: score in [0, 1] and what it lacked."""

    family: str
    layout: str
    score: float
    missing: tuple[str, ...] = ()
    fits: bool = False


@dataclass
class Probe:
    """A file looked at once for every detector: sheet names and first-row headers (cheap), and
    the whole table only when a detector asks for it."""

    path: Path
    sheets: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)

    error: IngestError | None = None

    @cached_property
    def table(self) -> RawTable | None:
        """The first sheet read as text with raw headers; None (and `error`) when unreadable."""
        try:
            return read_table(self.path, raw_headers=True)
        except IngestError as exc:
            self.error = exc
            return None


Detect = Callable[[Probe], Fit | None]
Describe = Callable[[Path], dict[str, Any] | None]


@dataclass(frozen=True)
class Describer:
    """One registry entry: the family, how a file is recognised, and how it is described."""

    family: str
    detect: Detect | None
    describe: Describe


# -- detectors ------------------------------------------------------------------------------------


def _name_prefix(probe: Probe) -> str:
    return probe.path.name.split("_", 1)[0].lower()


def detect_by_prefix(family: str) -> Detect:
    """A detector for the families `etl.ingest` recognises by a file-name prefix (`live_...`)."""
    from etl.ingest import NAME_PREFIXES

    def detect(probe: Probe) -> Fit | None:
        if probe.path.is_file() and NAME_PREFIXES.get(_name_prefix(probe)) == family:
            return Fit(family, f"{family} file (name prefix '{family}_')", 1.0, fits=True)
        return None

    return detect


def detect_youtube_folder(probe: Probe) -> Fit | None:
    """A YouTube Studio Content export: a folder with `Table data.csv` or `Chart data.csv`."""
    if not probe.path.is_dir():
        return None
    found = [n for n in ("Table data.csv", "Chart data.csv") if (probe.path / n).exists()]
    return Fit(
        "platform",
        "YouTube Studio folder",
        1.0 if found else 0.0,
        () if found else ("Table data.csv",),
        fits=bool(found),
    )


def detect_catalogue(probe: Probe) -> Fit | None:
    """The program catalogue workbook: sheets 节目 and 发布."""
    wanted = ("节目", "发布")
    have = [s for s in wanted if s in probe.sheets]
    if not probe.sheets:
        return None
    return Fit(
        "catalogue",
        "program catalogue workbook",
        len(have) / len(wanted),
        tuple(f"sheet {s}" for s in wanted if s not in have),
        fits=len(have) == len(wanted),
    )


def detect_roster(probe: Probe) -> Fit | None:
    """The participant roster: a contact column and an editions column."""
    from etl.roster import ROSTER_COLUMNS

    cleaned = {h.strip().lower() for h in probe.headers}
    needs = {f: {n.lower() for n in ROSTER_COLUMNS[f]} for f in ("contact", "editions")}
    have = [f for f, names in needs.items() if names & cleaned]
    return Fit(
        "roster",
        "participant roster",
        len(have) / len(needs),
        tuple(
            f"a {f} column ({'/'.join(sorted(ROSTER_COLUMNS[f])[:3])})"
            for f in needs
            if f not in have
        ),
        fits=len(have) == len(needs),
    )


def platform_fits(headers: list[str]) -> list[Fit]:
    """Every creator-centre alias table scored against the headers, best first: the share of its
    best detection rule's words found (a header containing the word), with the words lacked."""
    from etl.platforms.registry import alias_table, creator_platforms
    from etl.values import name_key

    keys = [name_key(h) for h in headers if h]
    fits = []
    for platform_id in creator_platforms():
        table = alias_table(platform_id)
        columns = sum(1 for k in keys if k in table.columns)
        best: tuple[float, tuple[str, ...]] = (0.0, ())
        for rule in table.header_rules:
            lacking = tuple(w for w in rule if not any(w in k for k in keys))
            share = 1 - len(lacking) / len(rule)
            if share > best[0] or not best[1]:
                best = (share, lacking)
        # Columns of the alias table break ties between equally matched rules.
        score = best[0] * 0.9 + 0.1 * min(1.0, columns / 5)
        fits.append(
            Fit(
                "platform",
                f"{platform_id} creator-centre export",
                round(score, 3),
                tuple(f"a header with {w!r}" for w in best[1]),
            )
        )
    return sorted(fits, key=lambda f: -f.score)


def detect_platform_file(probe: Probe) -> Fit | None:
    """A Chinese creator-centre export told by its file name or headers (`detect_platform`)."""
    from etl.platforms import detect_platform

    if not probe.path.is_file():
        return None
    scored = platform_fits(probe.headers)
    try:
        platform_id, _how = detect_platform(probe.path, probe.headers, None)
    except IngestError:
        return scored[0] if scored else None
    return Fit("platform", f"{platform_id} creator-centre export", 1.0, fits=True)


def survey_fit(table: RawTable) -> Fit:
    """The survey layout `read_survey_export` would pick for the table, as a Fit."""
    from etl.survey.layouts import LAYOUT_NAMES, MIN_SCORE, PARTIAL_SCORE, detect_survey_layout

    matches = detect_survey_layout(table)
    best = matches[0]
    if best.tool == "generic":
        partial = [m for m in matches if m.tool != "generic" and m.score >= PARTIAL_SCORE]
        best = partial[0] if partial else best
    # The generic layout scores 0.8 at best (etl/survey/FORMATS.md); a tool must pass every check.
    needed = 0.8 if best.tool == "generic" else MIN_SCORE
    fits = not best.missing and best.score >= needed
    return Fit("survey", LAYOUT_NAMES[best.tool], best.score, tuple(best.missing), fits=fits)


def detect_survey_file(probe: Probe) -> Fit | None:
    """A survey export in any layout of `etl.survey.layouts` (scored, by the file's content)."""
    if not probe.path.is_file() or probe.table is None:
        return None
    return survey_fit(probe.table)


# -- describers -----------------------------------------------------------------------------------


def _values(table: RawTable, index: int, start: int, count: int) -> pl.Series:
    """The answered (non-blank) cells of one column's respondent rows."""
    series = table.frame()[f"c{index}"].slice(start, count)
    return series.filter(series.is_not_null() & (series.str.strip_chars() != ""))


def _all_numbers(answered: pl.Series) -> bool:
    return bool(answered.str.strip_chars().cast(pl.Float64, strict=False).is_not_null().all())


def _reads_as_text(answered: pl.Series) -> bool:
    """Free text rather than a choice: long or multi-line answers, or mostly distinct ones."""
    distinct = answered.n_unique()
    lengths = answered.str.len_chars()
    return bool(
        answered.str.contains("\n").any()
        or cast(float, lengths.mean() or 0) > 12
        or distinct > MAX_SINGLE_DISTINCT
        or (answered.len() > 10 and distinct > answered.len() / 2)
    )


def _infer_question(export: Any, columns: list[Any]) -> dict[str, Any]:
    """A question's inferred type and options from its layout hints and its answers."""
    first = columns[0]
    start, count = export.data_start, export.respondents
    kinds = {c.cell for c in columns}
    items = [c.item for c in columns if c.item and c.cell not in ("other_text",)]
    hint = first.type_hint
    answered = _values(export.table, first.index, start, count)
    if hint:
        qtype = hint
    elif kinds & {"flag", "option_text"}:
        qtype = "multi"
    elif "rank" in kinds:
        qtype = "ranking"
    elif "score" in kinds:
        qtype = "matrix" if len(items) > 1 else "rating"
    elif first.multi_sep:
        qtype = "multi"
    elif "code" in kinds:
        qtype = "single"
    elif answered.len() and _all_numbers(answered):
        qtype = "number"
    elif answered.len() and not _reads_as_text(answered):
        qtype = "single"
    else:
        qtype = "text"
    options: list[str] = []
    if items and qtype in ("multi", "ranking", "matrix", "rating"):
        options = items
    elif qtype == "multi" and first.multi_sep:
        seen: dict[str, None] = {}
        for value in answered.to_list():
            for part in str(value).split(first.multi_sep):
                if part.strip():
                    seen.setdefault(part.strip(), None)
        options = list(seen)
    elif qtype in ("single", "rating"):
        options = [str(v) for v in answered.unique(maintain_order=True).to_list()]
    elif qtype == "ranking" and "→" in "".join(answered.head(20).to_list()):
        seen = {}
        for value in answered.to_list():
            for part in str(value).split("→"):
                seen.setdefault(part.strip(), None)
        options = list(seen)
    return {
        "key": first.question_key,
        "id": first.short_id,
        "text": first.question_text or first.header,
        "type": qtype,
        "options": options[:MAX_OPTIONS],
        "count_options": len(options),
        "columns": len(columns),
        "answered": int(answered.len()),
    }


def describe_survey_layout(path: Path) -> dict[str, Any]:
    """Tool, layout, encoding, header rows, respondents and each question (type, options) of a
    survey export; `questionnaire` says which stored questionnaire it matches or what draft it
    would store once drafting (`describe_survey_file`) is plugged in."""
    from etl.survey.layouts import read_survey_export

    table = read_table(path, raw_headers=True)
    export = read_survey_export(table)
    grouped = export.question_columns()
    questions = [_infer_question(export, cols) for cols in grouped.values()]
    return {
        "family": "survey",
        "tool": export.tool,
        "layout": export.layout,
        "file_format": table.file_format,
        "encoding": table.encoding,
        "is_encoding_guessed": table.is_encoding_guessed,
        "header_rows": export.header_rows,
        "rows": export.respondents,
        "respondents": export.respondents,
        "language": export.language,
        "questions": questions,
        "metadata": [
            {"column": c.header, "field": c.meta} for c in export.columns if c.role == "meta"
        ],
        "ignored": [
            {"column": c.header, "reason": c.reason} for c in export.columns if c.role == "ignored"
        ],
        "questionnaire": None,
        "warnings": [*table.warnings, *export.warnings],
    }


def _staged_summary(staged: Any) -> dict[str, Any]:
    return {
        "rows": staged.rows_read,
        "rows_loadable": staged.rows_read - staged.rows_rejected,
        "rows_rejected": staged.rows_rejected,
        "warnings": list(staged.warnings),
    }


def describe_platform_export(path: Path) -> dict[str, Any]:
    """Platform, how it was told, rows, works and the date span of a creator-centre export or a
    YouTube Studio folder, read as the load would read it (nothing is written)."""
    from etl.ingest import detect_source, stage_series

    kind = detect_source(path)
    how = "folder files"
    if path.is_file():
        from etl.platforms import detect_platform

        how = detect_platform(path, peek(path)[1], None)[1]
    staged = stage_series(path, kind, mapping=None)
    daily = staged.frames.get("content_daily")
    span = None
    if daily is not None and daily.height:
        span = [str(daily["date_on"].min()), str(daily["date_on"].max())]  # ISO dates
    content = staged.frames.get("content")
    files = sorted(p.name for p in path.iterdir() if p.is_file()) if path.is_dir() else None
    return {
        "family": "platform",
        "platform": staged.details.get("platform_id", kind),
        "layout": "YouTube Studio Content folder"
        if kind == "youtube"
        else f"{kind} creator-centre export",
        "detected_by": how,
        "encoding": staged.details.get("encoding"),
        "header_rows": 1,
        "works": content.height if content is not None else 0,
        "date_span": span,
        "files": files,
        **_staged_summary(staged),
    }


def _describe_staged(family: str, layout: str, read: Callable[[Path], Any]) -> Describe:
    def describe(path: Path) -> dict[str, Any]:
        staged = read(path)
        return {
            "family": family,
            "layout": layout,
            "encoding": staged.details.get("encoding"),
            "header_rows": 1,
            **_staged_summary(staged),
        }

    return describe


def _read_live(path: Path) -> Any:
    from etl.audience.live import read_live_export

    return read_live_export(path)


def _read_retention(path: Path) -> Any:
    from etl.audience.retention import read_retention_export

    return read_retention_export(path)


def _read_attention(path: Path) -> Any:
    from etl.attention.read import read_attention_export

    return read_attention_export(path)


def describe_table_file(family: str, layout: str) -> Callable[[Path], dict[str, Any]]:
    """Rows and columns of a one-table file whose rows are checked only when loaded (activity)."""

    def describe(path: Path) -> dict[str, Any]:
        table = read_table(path)
        return {
            "family": family,
            "layout": layout,
            "file_format": table.file_format,
            "encoding": table.encoding,
            "header_rows": 1,
            "rows": table.height,
            "columns": list(table.headers),
            "warnings": list(table.warnings),
        }

    return describe


def describe_roster(path: Path) -> dict[str, Any]:
    """Rows and columns of a participant roster."""
    return describe_table_file("roster", "participant roster")(path)


def describe_catalogue(path: Path) -> dict[str, Any]:
    """Sheets and their rows of the program catalogue workbook."""
    from etl.reading import read_sheets

    sheets = read_sheets(path)
    return {
        "family": "catalogue",
        "layout": "program catalogue workbook",
        "file_format": path.suffix.lstrip(".").lower(),
        "header_rows": 1,
        "sheets": {name: table.height for name, table in sheets.items()},
        "rows": sum(t.height for t in sheets.values()),
    }


def _describe_intl(path: Path) -> dict[str, Any] | None:
    from etl.platforms.intl import describe_intl_file

    return describe_intl_file(path) if path.is_file() else None


def _describe_platform(path: Path) -> dict[str, Any]:
    """A Chinese creator-centre export (snapshot or daily) as `describe_platform_file` reads it."""
    from etl.platforms.describe import describe_platform_file

    return describe_platform_file(path)


def _describe_attention(path: Path) -> dict[str, Any] | None:
    """An attention series recognised by its content (not by an `attention_` name prefix)."""
    if path.is_dir():
        return None
    from etl.attention.read import describe_attention_file
    from etl.attention.trends import is_google_trends

    if not is_google_trends(path) and not _looks_like_index_table(path):
        return None
    return describe_attention_file(path)


def _looks_like_index_table(path: Path) -> bool:
    from etl.ingest import detect_source

    try:
        return detect_source(path) == "attention"
    except IngestError:
        return False


# -- the registry ---------------------------------------------------------------------------------
#
# Tried in order; the first entry whose detect fits is described. A describer from another
# package plugs in as one line. `detect=None` means: try describe, and None or an IngestError
# from it is "not this family". The survey entry below describes the layout only;
# `describers_for(home)` swaps in drafting and matching against the questionnaires stored in
# a warehouse (what `creatorpulse inspect` and the Import page use).

DESCRIBERS: list[Describer] = [
    Describer("platform", detect_youtube_folder, describe_platform_export),
    Describer("catalogue", detect_by_prefix("catalogue"), describe_catalogue),
    Describer("roster", detect_by_prefix("roster"), describe_roster),
    Describer(
        "live", detect_by_prefix("live"), _describe_staged("live", "live export", _read_live)
    ),
    Describer(
        "retention",
        detect_by_prefix("retention"),
        _describe_staged("retention", "audience retention export", _read_retention),
    ),
    Describer(
        "activity",
        detect_by_prefix("activity"),
        describe_table_file("activity", "creator activity export"),
    ),
    Describer(
        "attention",
        detect_by_prefix("attention"),
        _describe_staged("attention", "attention series", _read_attention),
    ),
    Describer("catalogue", detect_catalogue, describe_catalogue),
    Describer("roster", detect_roster, describe_roster),
    Describer("platform", None, _describe_intl),  # TikTok Studio files, YouTube Studio tabs
    Describer("platform", detect_platform_file, _describe_platform),
    Describer("attention", None, _describe_attention),  # Google Trends, 百度指数, 巨量算数 ...
    Describer("survey", detect_survey_file, describe_survey_layout),
]


def describers_for(home: Path | None) -> list[Describer]:
    """DESCRIBERS with the survey entry matching against the questionnaires stored in `home`."""
    from etl.survey.describe import describe_survey_file

    def describe(path: Path) -> dict[str, Any]:
        return describe_survey_file(path, home=home)

    return [
        Describer("survey", entry.detect, describe) if entry.family == "survey" else entry
        for entry in DESCRIBERS
    ]


def _probe(path: Path) -> Probe:
    check_input_path(path, folder_ok=True)  # FIFOs, devices, oversize files: before opening
    if path.is_dir():
        return Probe(path)
    if path.stat().st_size == 0:
        raise IngestError(path, "file is empty")
    sheets, headers = peek(path)
    return Probe(path, sheets, headers)


def closest_message(fits: list[Fit]) -> str:
    """One line naming the closest known layout across all families and what it lacked."""
    if not fits:
        return "not a known export: no header row could be read"
    best = max(fits, key=lambda f: f.score)
    lacking = "; ".join(best.missing) or "parts of its signature"
    return (
        f"not a known export: closest is {best.layout} ({best.family}, "
        f"{best.score:.0%} of its signature), missing {lacking}"
    )


def inspect_file(path: Path | str, describers: list[Describer] | None = None) -> dict[str, Any]:
    """What a file is before anything is loaded (family, layout, encoding, header rows, rows,
    and for surveys each question); IngestError with one line naming the closest layout when
    no family fits."""
    path = Path(path)
    probe = _probe(path)
    scored: list[Fit] = []
    for entry in describers if describers is not None else DESCRIBERS:
        if entry.detect is None:
            try:
                described = entry.describe(path)
            except IngestError:
                continue
            if described is None:
                continue
            return _finish(path, entry.family, described, None)
        found = entry.detect(probe)
        if found is None:
            continue
        if found.fits:
            return _finish(path, entry.family, entry.describe(path), found)
        scored.append(found)
    if probe.error is not None and not any(f.score > 0 for f in scored):
        raise probe.error  # unreadable (encoding, damaged workbook): that is the one message
    if probe.headers and path.is_file():
        scored += platform_fits(probe.headers)
    if path.is_dir():  # say first what it is: only a YouTube Studio export may be a folder
        raise IngestError(path, f"is a folder, not a file; {closest_message(scored)}")
    raise IngestError(path, closest_message(scored))


def _finish(
    path: Path, family: str, described: dict[str, Any] | None, fit: Fit | None
) -> dict[str, Any]:
    result: dict[str, Any] = {"file": path.name, "family": family}
    result.update(described or {})
    result.setdefault("family", family)
    if fit is not None:
        result.setdefault("detected_as", fit.layout)
    result.setdefault("warnings", [])
    return result
