"""Google Trends downloads as the site writes them, in any UI language (FORMATS.md section 8).

Two files, one shape: an optional single-cell category line (`Category: All categories`,
`类别：所有类别`, `類別：所有類別`, `Categoría: Todas las categorías` ...), a blank line, then a
header whose first cell names the rows and whose other cells are `term: (paren)`:

- `multiTimeline.csv`: first cell the period word (`Day`/`Week`/`Month`, `天`/`日`/`周`/`月份`,
  `週`/`月`, `Día`/`Semana`/`Mes`, `Tag`/`Woche`/`Monat` ...), paren the region
  (`AI: (全球)`, `ChatGPT: (Worldwide)`), one row per day / week (dated by its first day) /
  month (`2024-01`); values 0..100 or `<1`;
- `geoMap.csv`: first cell the geo level (`Country`/`Region`/`City`/`Metro`, `国家/地区`, `地区`,
  `城市` ...), paren the date range (`2/1/25 - 4/30/25`, `2025/2/1 - 2025/4/30`), one row per
  place; values 0..100, `<1`, blank (too little volume) or, when terms are compared, `16%`.

The file is recognised by that structure, never by its name or the UI language's words: the
words only name the granularity / geo level, and when a word is unknown the dates' spacing
(timeline) or the paren's shape (a date range: geoMap) decides. `<1` is stored as 0.5 with
is_below_one. Hourly data (a 1-7 day range: `Time`, `2025-02-01T08`) is refused: the warehouse
holds days.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from etl.attention.series import Cell, SeriesRow, mark_far_dates, parse_dates, stage_series_rows
from etl.errors import IngestError, Reject
from etl.frames import sorted_rejects
from etl.reading import XLS_MAGIC, XLSX_MAGIC, check_input_path, decode_strict, read_capped
from etl.schemas import TOPIC_REGION, Staged, conform
from survey.text import clean_text

SOURCE = "Google Trends"
BELOW_ONE_VALUE = 0.5
_HEAD_BYTES = 65_536
# The paren runs to the last closing parenthesis: a region may hold its own `(...)`.
_TERM = re.compile(r"^(?P<term>.+?)\s*[:：]\s*[(（](?P<paren>.*)[)）]\s*$")
_RANGE = re.compile(r"^(?P<a>[0-9][0-9./\-年月日 ]*?[0-9]日?)\s+[-–—~～]\s+(?P<b>[0-9].*)$")
_HOURLY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}")
_VALUE = re.compile(r"^(?P<num>[0-9]+(?:\.[0-9]+)?)(?P<pct>\s*%)?$")

# The first header cell, case-folded, in the UI languages seen or documented; unknown words
# fall back on the data's shape.
PERIOD_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ["day", "天", "日", "día", "dia", "tag", "jour", "일", "giorno", "dag", "день"], "day"
    ),
    **dict.fromkeys(
        ["week", "周", "週", "semana", "woche", "semaine", "주", "settimana", "неделя"], "week"
    ),
    **dict.fromkeys(
        ["month", "月份", "月", "mes", "monat", "mois", "월", "mese", "mês", "maand", "месяц"],
        "month",
    ),
    **dict.fromkeys(["time", "时间", "時間", "hora", "zeit", "heure", "시간", "ora"], "hour"),
}
GEO_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ["country", "国家/地区", "國家/地區", "国家", "país", "pais", "land", "pays", "国", "국가"],
        "country",
    ),
    **dict.fromkeys(
        ["region", "subregion", "地区", "地區", "区域", "región", "région", "地域", "지역"],
        "region",
    ),
    **dict.fromkeys(["city", "城市", "ciudad", "stadt", "ville", "都市", "도시", "città"], "city"),
    **dict.fromkeys(["metro", "dma", "都市圈", "大都市圈", "área metropolitana"], "metro"),
}


@dataclass(frozen=True)
class TrendsFile:
    """A Google Trends download split into its parts (line numbers are the file's, 1-based)."""

    path: Path
    encoding: str
    category: str | None
    header_line: int
    headers: list[str]
    terms: list[tuple[str, str]]  # (term, paren) of each column after the first
    records: list[tuple[int, list[str]]]  # data lines, trailing blank lines dropped
    kind: str  # timeline | geo
    word: str | None  # granularity (timeline) or geo level (geo) the header's word names


def _records(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    out = []
    try:
        for cells in reader:
            out.append((reader.line_num, cells))
    except csv.Error:
        pass  # a damaged tail: the header check below decides on the lines read so far
    return out


def _is_blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


def _header_at(records: list[tuple[int, list[str]]]) -> tuple[str | None, int] | None:
    """(category line, index of the header record), or None when the lines are not Google's."""
    index, category = 0, None
    if not records:
        return None
    first = [c.strip() for c in records[0][1] if c.strip()]
    is_header = len(first) >= 2 and all(_TERM.match(clean_text(c) or "") for c in first[1:])
    if first and re.search(r"[:：]", first[0]) and not is_header:
        # A category name may itself hold a comma, which splits the line into cells.
        category, index = ", ".join(first), 1
        if index >= len(records) or not _is_blank(records[index][1]):
            return None
        while index < len(records) and _is_blank(records[index][1]):
            index += 1
    if index >= len(records):
        return None
    cells = list(records[index][1])
    while cells and not cells[-1].strip():
        cells.pop()
    if len(cells) < 2 or not cells[0].strip():
        return None
    if not all(_TERM.match(clean_text(c) or "") for c in cells[1:]):
        return None
    return category, index


def _head_text(path: Path) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if head.startswith(XLSX_MAGIC) or head.startswith(XLS_MAGIC):
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # the cut split a character
                return head[: exc.start].decode(encoding, errors="strict")
    return None


def is_google_trends(path: Path) -> bool:
    """True when the file has Google Trends' structure (category line, blank, `term: (..)`)."""
    if not path.is_file():
        return False
    text = _head_text(path)
    if text is None:
        return False
    # The head may end inside a line: judge only the lines it holds whole.
    return _header_at(_records(text.rsplit("\n", 1)[0] if "\n" in text else text)) is not None


def split_trends_file(path: Path) -> TrendsFile | None:
    """The parts of a Google Trends download, or None when the file does not have its shape."""
    check_input_path(path)
    data = read_capped(path)
    if data.startswith(XLSX_MAGIC) or data.startswith(XLS_MAGIC):
        return None
    text, encoding, _guessed = decode_strict(path, data)
    records = _records(text)
    found = _header_at(records)
    if found is None:
        return None
    category, index = found
    header_line, header_cells = records[index]
    headers = [clean_text(c) or "" for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    terms = []
    for header in headers[1:]:
        match = _TERM.match(header)
        assert match is not None  # _header_at checked every term cell
        terms.append((match["term"].strip(), match["paren"].strip()))
    body = records[index + 1 :]
    while body and _is_blank(body[-1][1]):
        body.pop()
    word = headers[0].casefold()
    if word in PERIOD_WORDS:
        kind, named = "timeline", PERIOD_WORDS[word]
    elif word in GEO_WORDS:
        kind, named = "geo", GEO_WORDS[word]
    else:
        kind = "geo" if all(_RANGE.match(paren) for _, paren in terms) else "timeline"
        named = None
    return TrendsFile(path, encoding, category, header_line, headers, terms, body, kind, named)


def read_google_trends(path: Path | str) -> Staged | None:
    """A multiTimeline.csv or geoMap.csv as a Staged bundle; None when not a Google Trends file."""
    path = Path(path)
    if not path.is_file():
        raise IngestError(path, "no such file")
    parts = split_trends_file(path)
    if parts is None:
        return None
    return stage_timeline(parts) if parts.kind == "timeline" else stage_geo_map(parts)


def trends_value(raw: str) -> tuple[float | None, bool, bool, str | None]:
    """(value, is_below_one, is_percent, problem) of one Google Trends cell."""
    text = raw.strip().replace("＜", "<")
    if text in ("<1", "< 1"):
        return BELOW_ONE_VALUE, True, False, None
    match = _VALUE.match(text)
    if match is None:
        return None, False, False, "not a Google Trends value (0-100 or <1)"
    value = float(match["num"])
    if value > 100:
        return None, False, False, "above 100 (Google Trends values are 0-100)"
    return value, False, bool(match["pct"]), None


def _check_terms(parts: TrendsFile) -> None:
    seen: dict[tuple[str, str], str] = {}
    for header, term in zip(parts.headers[1:], parts.terms, strict=True):
        if term in seen:
            raise IngestError(
                parts.path,
                f"two columns are the same term {term[0]!r} ({seen[term]!r}, {header!r})",
                row=parts.header_line,
                column=header,
            )
        seen[term] = header


def stage_timeline(parts: TrendsFile) -> Staged:
    """multiTimeline.csv: one row per period, one column per `term: (Region)`."""
    _check_terms(parts)
    if parts.word == "hour" or any(
        _HOURLY.match(cells[0].strip()) for _, cells in parts.records if cells
    ):
        raise IngestError(
            parts.path,
            "hourly Google Trends data (a range of 7 days or less) is not supported: the "
            "warehouse holds days; download a range of 8 days or more, which Google gives daily",
            row=parts.header_line,
            column=parts.headers[0],
        )
    date_column = parts.headers[0]
    rows, blank_lines, width = [], [], len(parts.headers)
    for line, cells in parts.records:
        if _is_blank(cells):
            blank_lines.append(line)
            continue
        if any(c.strip() for c in cells[width:]):
            raise IngestError(
                parts.path, f"row has {len(cells)} cells but only {width} headers", row=line
            )
        row = SeriesRow(line, date_column, cells[0].strip() or None)
        padded = (cells + [""] * width)[1:width]
        for header, (term, region), raw in zip(parts.headers[1:], parts.terms, padded, strict=True):
            if not raw.strip():
                continue
            value, below, percent, problem = trends_value(raw)
            if percent:
                value, problem = None, "a percent in a time series (expected 0-100 or <1)"
            row.cells.append(Cell(header, raw, SOURCE, term, region or None, value, below, problem))
        rows.append(row)
    parse_dates(rows, serials=False)  # a CSV: its numbers are never Excel days
    mark_far_dates(rows)
    return stage_series_rows(
        parts.path,
        rows,
        rows_read=len(rows) + len(blank_lines),
        layout="google_trends_timeline",
        granularity=parts.word,
        unique_dates=True,
        blank_lines=blank_lines,
        details={
            "encoding": parts.encoding,
            "category": parts.category,
            "terms": [t for t, _ in parts.terms],
            "regions": sorted({r for _, r in parts.terms if r}),
        },
    )


def _two_digit_year(year: int) -> int:
    return 2000 + year if year < 100 else year


def parse_period(text: str) -> tuple[date | None, date | None]:
    """The start and end of a geoMap date range, or (None, None) when ambiguous or unreadable.

    `2025-02-01 - 2025-04-30` / `2025/2/1 - 2025/4/30` (year first) and `01.02.25 - 30.04.25`
    (day first, German) are clear; `2/1/25 - 4/30/25` is month first when a number over 12
    says so in either date (US) or day first when it says the other way; a range where neither
    date tells (`2/1/25 - 3/1/25`) is ambiguous.
    """
    match = _RANGE.match(text.strip())
    if match is None:
        return None, None
    parts = [re.findall(r"[0-9]+", match[g]) for g in ("a", "b")]
    if any(len(p) != 3 for p in parts):
        return None, None
    numbers = [[int(n) for n in p] for p in parts]
    try:
        if all(len(p[0]) == 4 for p in parts):
            ends = [date(y, m, d) for y, m, d in numbers]
        elif "." in match["a"]:
            ends = [date(_two_digit_year(y), m, d) for d, m, y in numbers]
        else:
            month_first = any(n[1] > 12 for n in numbers)
            day_first = any(n[0] > 12 for n in numbers)
            if month_first == day_first:
                return None, None
            order = (lambda n: (n[0], n[1])) if month_first else (lambda n: (n[1], n[0]))
            ends = [date(_two_digit_year(n[2]), *order(n)) for n in numbers]
    except ValueError:
        return None, None
    return (ends[0], ends[1]) if ends[0] <= ends[1] else (None, None)


def stage_geo_map(parts: TrendsFile) -> Staged:
    """geoMap.csv: one row per place, one column per `term: (date range)`."""
    _check_terms(parts)
    geo_level = parts.word or "unknown"
    column = parts.headers[0]
    periods = {paren: parse_period(paren) for _, paren in parts.terms}
    warnings = [
        f"the date range {paren!r} is ambiguous or unreadable: kept as written, dates left empty"
        for paren, (start, _end) in periods.items()
        if start is None
    ]
    percent_columns = {
        i
        for _, cells in parts.records
        for i, raw in enumerate(cells[1 : len(parts.headers)])
        if raw.strip().endswith("%")
    }
    rejects: list[Reject] = []
    loaded: list[tuple[Any, ...]] = []
    seen: dict[str, int] = {}
    rows_read = 0
    width = len(parts.headers)
    for line, cells in parts.records:
        rows_read += 1
        if _is_blank(cells):
            rejects.append(Reject(line, None, None, "blank row"))
            continue
        if any(c.strip() for c in cells[width:]):
            raise IngestError(
                parts.path, f"row has {len(cells)} cells but only {width} headers", row=line
            )
        place = clean_text(cells[0])
        if not place:
            rejects.append(Reject(line, column, cells[0] or None, "missing"))
            continue
        values: list[tuple[str, str, float | None, str, bool]] = []
        bad: list[Reject] = []
        padded = (cells + [""] * width)[1:width]
        for i, (header, (term, paren), raw) in enumerate(
            zip(parts.headers[1:], parts.terms, padded, strict=True)
        ):
            kind = "share_pct" if i in percent_columns else "index"
            if not raw.strip():
                values.append((term, paren, None, kind, False))
                continue
            value, below, percent, problem = trends_value(raw)
            if problem is None and percent != (i in percent_columns):
                problem = "a column mixes percents and plain values"
            if problem:
                bad.append(Reject(line, header, raw, problem))
            values.append((term, paren, value, kind, below))
        if bad:
            rejects += bad
            continue
        if place in seen:
            reason = f"duplicate of row {seen[place]} (same {column})"
            rejects.append(Reject(line, column, cells[0], reason))
            continue
        seen[place] = line
        for term, paren, value, kind, below in values:
            start, end = periods[paren]
            loaded.append(
                (SOURCE, term, geo_level, place, paren, start, end, value, kind, below, line)
            )
    frame = conform(pl.DataFrame(loaded, schema=TOPIC_REGION, orient="row"), TOPIC_REGION).sort(
        ["keyword", "region_name"]
    )
    return Staged(
        kind="attention",
        rows_read=rows_read,
        frames={"topic_region": frame},
        rejects=sorted_rejects(rejects),
        warnings=warnings,
        details={
            "layout": "google_trends_geo_map",
            "encoding": parts.encoding,
            "category": parts.category,
            "geo_level": geo_level,
            "rows_loaded": len(seen),
            "observations": frame.height,
            "terms": [t for t, _ in parts.terms],
            "regions": frame["region_name"].n_unique(),
            "periods": sorted(periods),
            "sources": [SOURCE],
        },
    )
