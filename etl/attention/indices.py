"""百度指数 / 微信指数 / 巨量算数 tables as users export or copy them (FORMATS.md section 8).

None of the three tools offers one fixed CSV download; what users keep is a copied or exported
table in one of these shapes (layouts from the tools' pages and public scrapers' outputs, not
from a file we have seen: see FORMATS.md for which is which):

- measures per day: `日期` plus measure columns — 百度指数 `整体` / `PC` / `移动` (`PC端`,
  `移动端`, `整体指数`), 巨量算数 `综合指数` / `搜索指数`, 微信指数 `微信指数` or a bare `指数` —
  with an optional `关键词` (else the keyword is the part of the file name after its last `_`)
  and optional `地区`. Each measure is its own series: the main one (整体, 综合指数, 微信指数,
  指数) under the tool's name, the others as `百度指数·PC`, `百度指数·移动`,
  `巨量算数·搜索指数`;
- dates as columns: `关键词` then one column per date (`2025-01-01`, `2025/1/1`, `2025-01`),
  one row per keyword (a 百度指数 table copied across); the source is `--source-name` or a tool
  named in the file name;
- a 百度指数 summary (`关键词, 整体日均值, 移动日均值, 整体同比 ...`, no 日期) is not a series:
  refused with that reason.

The granularity is the spacing of the dates (百度指数 shows weekly points for long ranges).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from etl.attention.series import (
    Cell,
    SeriesRow,
    mark_far_dates,
    parse_dates,
    parse_numbers,
    stage_series_rows,
)
from etl.errors import IngestError
from etl.reading import RawTable
from etl.schemas import Staged
from survey.text import clean_text

DATE = "日期"
KEYWORD_HEADERS = ("关键词", "关键字", "搜索词", "keyword")
REGION = "地区"
KNOWN_SOURCES = ("百度指数", "微信指数", "巨量算数", "抖音指数", "微博指数", "微博热度")
# header -> (tool, measure suffix; "" = the tool's main series)
MEASURES: dict[str, tuple[str, str]] = {
    "整体": ("百度指数", ""),
    "整体指数": ("百度指数", ""),
    "PC": ("百度指数", "PC"),
    "PC端": ("百度指数", "PC"),
    "移动": ("百度指数", "移动"),
    "移动端": ("百度指数", "移动"),
    "综合指数": ("巨量算数", ""),
    "搜索指数": ("巨量算数", "搜索指数"),
    "微信指数": ("微信指数", ""),
}
BARE_INDEX = "指数"
SUMMARY_HEADERS = ("整体日均值", "移动日均值")


def source_from_name(path: Path) -> str | None:
    """The attention tool a file's name mentions (`百度指数_AI.csv`), if exactly one."""
    found = [s for s in KNOWN_SOURCES if s in path.name]
    return found[0] if len(found) == 1 else None


def keyword_from_name(path: Path) -> str:
    """The keyword a file without a 关键词 column is about: its name after the last `_`."""
    return clean_text(path.stem.rsplit("_", 1)[-1]) or path.stem


def _dates_wide(table: RawTable, headers: list[str]) -> bool:
    if len(headers) < 3 or headers[0].casefold() not in KEYWORD_HEADERS:
        return False
    probe = [SeriesRow(1, h, h) for h in headers[1:]]
    parse_dates(probe)
    return all(row.date_on is not None for row in probe)


def pick_index_layout(table: RawTable) -> str | None:
    """Which of this module's layouts a table has (None: the generic attention layouts)."""
    headers = [clean_text(h) or "" for h in table.headers]
    if DATE not in headers and any(h in SUMMARY_HEADERS for h in headers):
        return "baidu_summary"
    if _dates_wide(table, headers):
        return "dates_wide"
    if DATE in headers and any(h in MEASURES for h in headers):
        return "measures"
    if (
        DATE in headers
        and BARE_INDEX in headers
        and not any(h.casefold() in KEYWORD_HEADERS for h in headers)
        and "来源" not in headers
    ):
        return "measures"
    return None


def stage_index_table(table: RawTable, layout: str, *, source_name: str | None) -> Staged:
    """Parse a table of a layout `pick_index_layout` named."""
    if layout == "baidu_summary":
        raise IngestError(
            table.path,
            "a 百度指数 summary (日均值 over the chosen period, no 日期 column) is not a "
            "series: export or copy the trend table (日期 per row, or one column per date)",
            row=1,
        )
    if layout == "dates_wide":
        return _stage_dates_wide(table, source_name)
    return _stage_measures(table, source_name)


def _stage_measures(table: RawTable, source_name: str | None) -> Staged:
    headers = [clean_text(h) or "" for h in table.headers]
    measure_columns = [i for i, h in enumerate(headers) if h in MEASURES or h == BARE_INDEX]
    tools = {MEASURES[headers[i]][0] for i in measure_columns if headers[i] in MEASURES}
    named = source_name or source_from_name(table.path)
    if BARE_INDEX in (headers[i] for i in measure_columns) and named is None:
        raise IngestError(
            table.path,
            "a 日期, 指数 table names no tool: pass --source-name (e.g. --source-name 微信指数) "
            "or put the tool's name in the file name",
            row=1,
            column=BARE_INDEX,
        )
    if len(tools) > 1 and source_name is None:
        raise IngestError(
            table.path,
            f"the measure columns belong to different tools ({', '.join(sorted(tools))}): "
            "pass --source-name",
            row=1,
        )
    keyword_at = next((i for i, h in enumerate(headers) if h.casefold() in KEYWORD_HEADERS), None)
    region_at = headers.index(REGION) if REGION in headers else None
    date_at = headers.index(DATE)
    warnings = []
    file_keyword = None
    if keyword_at is None:
        file_keyword = keyword_from_name(table.path)
        warnings.append(
            f"no 关键词 column: the keyword {file_keyword!r} is taken from the file name"
        )

    def source_of(header: str) -> str:
        tool, suffix = MEASURES.get(header, (named or "", ""))
        base = source_name or tool
        return f"{base}·{suffix}" if suffix else base

    rows, blank_lines = [], []
    for index, cells in enumerate(table.rows):
        line = table.line_number(index)
        if not any(c is not None and c.strip() for c in cells):
            blank_lines.append(line)
            continue
        keyword = clean_text(cells[keyword_at]) if keyword_at is not None else file_keyword
        region = clean_text(cells[region_at]) if region_at is not None else None
        row = SeriesRow(line, table.headers[date_at], cells[date_at])
        if not keyword and keyword_at is not None:
            # Rejected naming the 关键词 cell: the row is the unit, as for a bad date.
            row.date_column, row.date_raw = table.headers[keyword_at], cells[keyword_at]
            row.date_problem = "missing"
        for i in measure_columns:
            raw = cells[i]
            if raw is None or not raw.strip():
                continue
            cell = Cell(table.headers[i], raw.strip(), source_of(headers[i]), keyword or "", region)
            row.cells.append(cell)
        row.cells = parse_numbers(row.cells)
        rows.append(row)
    parse_dates(rows, serials=table.file_format != "csv")
    mark_far_dates(rows)
    return stage_series_rows(
        table.path,
        rows,
        rows_read=len(table.rows),
        layout="index_measures",
        warnings=[*table.warnings, *warnings],
        blank_lines=blank_lines,
        details={"encoding": table.encoding},
    )


def _stage_dates_wide(table: RawTable, source_name: str | None) -> Staged:
    source = source_name or source_from_name(table.path)
    if source is None:
        raise IngestError(
            table.path,
            "a table with one column per date names no tool: pass --source-name "
            "(e.g. --source-name 百度指数) or put the tool's name in the file name",
            row=1,
        )
    columns = [SeriesRow(1, h, h) for h in table.headers[1:]]
    parse_dates(columns, serials=table.file_format != "csv")
    rows, blank_lines = [], []
    for index, cells in enumerate(table.rows):
        line = table.line_number(index)
        if not any(c is not None and c.strip() for c in cells):
            blank_lines.append(line)
            continue
        keyword = clean_text(cells[0])
        row = SeriesRow(line, table.headers[0], cells[0], is_keyword_row=True)
        row.is_month_text = all(c.is_month_text for c in columns)
        if not keyword:
            row.date_problem = "missing"
        for column, raw in zip(columns, cells[1:], strict=True):
            if raw is not None and raw.strip():
                cell = Cell(column.date_column, raw.strip(), source, keyword or "")
                row.cells.append(replace(cell, date_on=column.date_on))
        row.cells = parse_numbers(row.cells)
        rows.append(row)
    return stage_series_rows(
        table.path,
        rows,
        rows_read=len(table.rows),
        layout="index_dates_wide",
        warnings=table.warnings,
        blank_lines=blank_lines,
        details={"encoding": table.encoding},
    )
