"""Cohort workbook benchmark: our .xlsx writer against xlsxwriter's constant_memory mode.

Run ``python -m bench.workbook --data DIR --out DIR [--work DIR] [--small] [--repeat N]
[--openpyxl]``.

DESIGN.md section 7: the researcher cohort workbook at 100k rows x 40 columns in at most 1.3x
the time of xlsxwriter `constant_memory` writing the same data, with peak RSS at most 600 MB.

Data: a deterministic synthetic frame shaped like the cohort Data sheet (`synthetic_cohort`,
fixed seed), not `build_cohort` on a 100k-respondent warehouse: pseudonymous ids, edition,
generalised quasi-identifiers and single-choice answers as Chinese text, multi-choice text,
option codes, 0/1 flags, ratings, measures, a date and a datetime, nulls, and formula-like text
("=1+1", "+86 138 …", "-", "@…") that must come back as text. `--data` is accepted like every
benchmark's but not read. The frame is written to parquet first; each side reads it in its own
process (`bench.harness.run_isolated`) and times only the writing (`{"seconds": ...}`).

- contender: `warehouse.cohort.write_cohort_xlsx`, the whole workbook (README, Data, Codebook,
  Summary; the three small sheets are a few dozen rows);
- baseline: xlsxwriter `Workbook(path, {"constant_memory": True})` writing the same four sheets
  with the same headers, frozen header, auto-filter, column widths and number formats, text
  with `write_string` (never a formula);
- `--openpyxl` adds a third, informational run: the fastest the workbook gets through openpyxl's
  own cell path (plain values appended row-wise, one styled template cell per numeric column,
  lxml installed), to show why the contender renders rows column-wise instead.

Both files are then read back with openpyxl (read-only): every Data cell is compared with the
frame (value and type: numbers as numbers, dates as datetimes, text, formula-like text as text)
and its number format checked, the row count must be rows + 1, and the frozen pane and filter
are checked in the sheet XML (read-only sheets don't parse them).
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import zipfile
from datetime import UTC, date, datetime, timedelta
from itertools import zip_longest
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bench.harness import (
    BenchResult,
    Run,
    Target,
    best_of,
    common_arguments,
    fmt_mb,
    fmt_seconds,
    ratio_line,
    run_isolated,
    write_result,
)

FULL_ROWS = 100_000
SMALL_ROWS = 2_000
SEED = 20260216
MAX_RATIO = 1.3
MAX_RSS_MB = 600
WORK = "cohort workbook 100k × 40 (≤ 1.3× xlsxwriter constant_memory; RSS ≤ 600 MB)"
TARGET = "≤ 1.3× xlsxwriter constant_memory; peak RSS ≤ 600 MB"

AGE_BANDS = ["under_25", "25_29", "30_34", "35_plus"]
GENDERS = ["男", "女", "其他/不愿透露"]
LOCATIONS = [
    "北京",
    "上海",
    "广东",
    "浙江",
    "四川",
    "江苏",
    "湖北",
    "重庆",
    "陕西",
    "海外",
    "港澳台",
]
ROLES = ["产品/技术", "设计/影视/艺术", "市场/创业", "学生/教育科研", "其他"]
SINGLES = {
    "hours_per_week": ["5小时以下", "5-10小时", "10-20小时", "20小时以上"],
    "income": ["没有收入", "1000元以下", "1000-1万元", "1万-5万元", "5万元以上"],
    "next_year": ["会", "不会", "还没想好"],
    "source": ["手机提交", "微信", "链接"],
}
TOOLS = [
    "Midjourney",
    "Stable Diffusion/LoRA训练",
    "ComfyUI",
    "可灵",
    "即梦",
    "Sora",
    "Suno",
    "通义",
]
PROGRAM_TYPES = ["相声", "小品", "舞蹈", "音乐/歌曲", "MV", "动画", "短片"]
FORMULA_LIKE = ["=1+1", "+86 138 0013 8000", "-", "@某人", '=HYPERLINK("http://x")', "-5分", "\t=1"]
NOTES = ["无", "微信同号", "邮件联系", "希望明年继续办", "节目质量很高，期待更多AI作品 & 线下活动"]


# ---------------------------------------------------------------------------------------------
# Data


def synthetic_cohort(rows: int, seed: int = SEED) -> pl.DataFrame:
    """A cohort Data sheet of `rows` rows and 40 columns, the same for the same seed."""
    rng = np.random.default_rng(seed)

    def nulls(series: pl.Series, share: float) -> pl.Series:
        return series.scatter(np.flatnonzero(rng.random(rows) < share), None) if share else series

    def pick(options: list[str], null_share: float = 0.0) -> pl.Series:
        values = pl.Series(options, dtype=pl.String).gather(rng.integers(0, len(options), rows))
        return nulls(values, null_share)

    def ints(low: int, high: int, null_share: float, dtype: Any = pl.Int64) -> pl.Series:
        return nulls(pl.Series(rng.integers(low, high + 1, rows)).cast(dtype), null_share)

    def multi(options: list[str]) -> pl.Series:
        chosen = rng.random((rows, len(options))) < 0.35
        texts = ["┋".join(o for o, c in zip(options, row, strict=True) if c) for row in chosen]
        return pl.Series([t or None for t in texts], dtype=pl.String)

    columns: dict[str, pl.Series] = {
        "cohort_id": pl.Series([f"c_{v:016x}" for v in rng.integers(0, 2**63, rows)]),
        "edition_year": pl.Series(rng.integers(2024, 2027, rows)),
        "age_band": pick(AGE_BANDS),
        "gender": pick(GENDERS),
        "location": pick(LOCATIONS),
        "role": pick(ROLES),
        "returned_next": ints(0, 1, 0.3, pl.Int8),
        "works_after_gala": ints(0, 40, 0.2),
    }
    for name, options in SINGLES.items():
        columns[name] = pick(options, 0.05)
        columns[f"{name}_code"] = ints(1, len(options), 0.05)
    columns["tools_text"] = multi(TOOLS)
    columns["program_types_text"] = multi(PROGRAM_TYPES)
    for key in ("midjourney", "stable_diffusion", "comfyui", "kling", "jimeng", "sora", "suno"):
        columns[f"tools.{key}"] = ints(0, 1, 0.05, pl.Int8)
    for key in ("sketch", "dance", "mv", "animation"):
        columns[f"program_types.{key}"] = ints(0, 1, 0.05, pl.Int8)
    for name in ("satisfaction", "aspects.organisation", "aspects.technical", "aspects.promotion"):
        columns[name] = ints(1, 10, 0.1)
    columns["experience_months"] = pl.Series(rng.gamma(2.0, 8.0, rows)).round(1)
    columns["hours_spent"] = nulls(pl.Series(rng.random(rows) * 300), 0.1)
    first = date(2024, 2, 9)
    columns["first_seen"] = pl.Series(
        [first + timedelta(days=int(d)) for d in rng.integers(0, 900, rows)], dtype=pl.Date
    )
    submitted = datetime(2026, 2, 16)
    columns["submitted_at"] = pl.Series(
        [submitted + timedelta(seconds=int(s)) for s in rng.integers(0, 86_400 * 30, rows)]
    )
    columns["support_ranking.feedback"] = ints(1, 5, 0.2)
    columns["contact_note"] = pick(FORMULA_LIKE + NOTES, 0.5)
    columns["comment"] = pick(FORMULA_LIKE + NOTES, 0.3)
    frame = pl.DataFrame(columns)
    if frame.width != 40:
        raise AssertionError(f"the synthetic cohort has {frame.width} columns, not 40")
    return frame


def small_sheets(data: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """README, Codebook and Summary frames shaped like the real ones (a few dozen rows)."""
    readme = pl.DataFrame(
        [
            ("workbook 文件", "Researcher cohort workbook 研究者群体数据（去标识化）"),
            ("cohort 群体", "=cmd|' /C calc'!A0 — a formula-like label"),
            ("rows in Data 导出行数", str(data.height)),
            ("columns in Data 列数", str(data.width)),
            ("k (minimum cell size 最小格子)", "5"),
        ],
        schema={"item": pl.String, "value": pl.String},
        orient="row",
    )
    codebook = pl.DataFrame(
        {
            "column": data.columns,
            "label_zh": [f"列 {c}" for c in data.columns],
            "label_en": [f"column {c}" for c in data.columns],
            "type": [str(t) for t in data.dtypes],
            "question_id": [c.split(".")[0] for c in data.columns],
            "value": [None] * data.width,
            "option_code": pl.Series(range(1, data.width + 1), dtype=pl.Int64),
            "value_zh": [None] * data.width,
            "value_en": [None] * data.width,
            "note": ["empty = not answered"] * data.width,
        }
    )
    counts = data.group_by("location").len().sort("location")
    summary = pl.DataFrame(
        {
            "section": ["dimension"] * counts.height,
            "edition": ["all"] * counts.height,
            "dimension": ["location"] * counts.height,
            "value": counts["location"],
            "value_zh": counts["location"],
            "value_en": counts["location"],
        }
    ).with_columns(
        # As the real Summary: counts as numbers, "<5" as text in one Object column.
        pl.Series("people", [n if n >= 5 else "<5" for n in counts["len"]], dtype=pl.Object)
    )
    return {"readme": readme, "codebook": codebook, "summary": summary}


# ---------------------------------------------------------------------------------------------
# The sides (each runs in its own process)


def _cohort(parquet: str) -> Any:
    from warehouse.cohort import Cohort

    data = pl.read_parquet(parquet)
    sheets = small_sheets(data)
    return Cohort(
        data=data,
        codebook=sheets["codebook"],
        summary=sheets["summary"],
        readme=sheets["readme"],
        count_matching=data.height,
        count_suppressed=0,
        levels={},
        k=5,
    )


def write_ours(parquet: str, path: str) -> dict:
    """Contender: the cohort workbook as `write_cohort_xlsx` writes it."""
    import time

    from warehouse.cohort import write_cohort_xlsx

    cohort = _cohort(parquet)
    started = time.perf_counter()
    write_cohort_xlsx(cohort, path)
    return {"seconds": time.perf_counter() - started, "bytes": Path(path).stat().st_size}


def write_xlsxwriter(parquet: str, path: str) -> dict:
    """Baseline: the same four sheets with xlsxwriter in constant_memory mode."""
    import time

    import xlsxwriter

    from warehouse.cohort import (
        CODEBOOK_HEADERS,
        README_HEADERS,
        SUMMARY_HEADERS,
        data_number_formats,
    )
    from warehouse.exports import column_formats, column_widths

    cohort = _cohort(parquet)
    started = time.perf_counter()
    readme = cohort.readme.vstack(
        pl.DataFrame([("Data sheets 数据表", "Data")], schema=cohort.readme.schema, orient="row")
    )
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    styles: dict[str, Any] = {}

    def sheet(title: str, frame: pl.DataFrame, headers: Any, formats: dict | None = None) -> None:
        worksheet = workbook.add_worksheet(title)
        names = list(headers) if headers is not None else frame.columns
        for col, width in enumerate(column_widths(frame, names)):
            worksheet.set_column(col, col, width)
        worksheet.freeze_panes(1, 0)
        worksheet.autofilter(0, 0, frame.height, max(frame.width - 1, 0))
        cell_formats = [
            (styles.setdefault(f, workbook.add_format({"num_format": f})) if f else None)
            for f in column_formats(frame, formats)
        ]
        for col, name in enumerate(names):
            worksheet.write_string(0, col, str(name))
        write_string, write_number = worksheet.write_string, worksheet.write_number
        write_datetime, write_boolean = worksheet.write_datetime, worksheet.write_boolean
        for row, values in enumerate(frame.iter_rows(), start=1):
            for col, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, str):
                    if value:
                        write_string(row, col, value)
                elif isinstance(value, bool):
                    write_boolean(row, col, value, cell_formats[col])
                elif isinstance(value, (int, float)):
                    if not (isinstance(value, float) and not math.isfinite(value)):
                        write_number(row, col, value, cell_formats[col])
                elif isinstance(value, (date, datetime)):
                    write_datetime(row, col, value, cell_formats[col])
                else:
                    write_string(row, col, str(value))

    sheet("README", readme, README_HEADERS)
    sheet("Data", cohort.data, None, data_number_formats(cohort.data))
    sheet("Codebook", cohort.codebook, CODEBOOK_HEADERS)
    sheet("Summary", cohort.summary, SUMMARY_HEADERS)
    workbook.close()
    return {"seconds": time.perf_counter() - started, "bytes": Path(path).stat().st_size}


def write_openpyxl_cells(parquet: str, path: str) -> dict:
    """Informational: the fastest openpyxl's own cell path writes the same Data sheet.

    Plain values appended row-wise (openpyxl reuses one unstyled cell for them), one styled
    template cell per numeric column whose value is rebound per row, and a text cell only for
    strings openpyxl would otherwise take for a formula ("=..."); lxml installed. The three
    small sheets are written as the contender writes them.
    """
    import time

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    from warehouse.cohort import (
        CODEBOOK_HEADERS,
        README_HEADERS,
        SUMMARY_HEADERS,
        data_number_formats,
    )
    from warehouse.exports import column_formats, column_widths, write_frame_sheets

    cohort = _cohort(parquet)
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    write_frame_sheets(workbook, "README", cohort.readme, README_HEADERS)
    data = cohort.data
    sheet = workbook.create_sheet("Data")
    sheet.freeze_panes = "A2"
    for col, width in enumerate(column_widths(data, data.columns), start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.auto_filter.ref = f"A1:{get_column_letter(data.width)}{data.height + 1}"
    header = []
    for name in data.columns:
        cell = WriteOnlyCell(sheet, name)
        cell.data_type = "s"
        header.append(cell)
    sheet.append(header)
    templates: list[Any] = []
    for fmt, dtype in zip(
        column_formats(data, data_number_formats(data)), data.dtypes, strict=True
    ):
        if dtype == pl.String:
            templates.append(None)
        else:
            template = WriteOnlyCell(sheet)
            template.number_format = fmt or "General"
            templates.append(template)
    for values in data.iter_rows():
        row: list[Any] = []
        for value, template in zip(values, templates, strict=True):
            if value is None or (isinstance(value, float) and not math.isfinite(value)):
                row.append(None)
            elif template is not None:
                template.value = value
                row.append(template)
            elif value.startswith("="):
                text = WriteOnlyCell(sheet)
                text._value, text.data_type = value, "s"
                row.append(text)
            else:
                row.append(value)
        sheet.append(row)
    write_frame_sheets(workbook, "Codebook", cohort.codebook, CODEBOOK_HEADERS)
    write_frame_sheets(workbook, "Summary", cohort.summary, SUMMARY_HEADERS)
    workbook.save(path)
    return {"seconds": time.perf_counter() - started, "bytes": Path(path).stat().st_size}


# ---------------------------------------------------------------------------------------------
# Reading back


FORMAT_ROWS = 1_000  # rows whose number formats are checked cell by cell


def _expected_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame as openpyxl should read it back: dates as datetimes, no NaN, no empty text."""
    return frame.with_columns(
        pl.col(pl.Date).cast(pl.Datetime("us")),
        pl.col(pl.Float64).fill_nan(None),
        pl.col(pl.String).replace("", None),
    )


def _same(read: Any, expected: Any) -> bool:
    """One cell: the value and its kind (text, number, datetime) as written."""
    if expected is None or read is None:
        return read is None and expected is None
    if isinstance(expected, str):
        return isinstance(read, str) and read == expected
    if isinstance(expected, datetime):
        return isinstance(read, datetime) and abs(read - expected) <= timedelta(milliseconds=1)
    if isinstance(expected, (int, float)):
        return (
            isinstance(read, (int, float))
            and not isinstance(read, bool)
            and math.isclose(read, expected, rel_tol=1e-12, abs_tol=1e-12)
        )
    return read == expected


def verify(path: Path, frame: pl.DataFrame, formats: list[str | None]) -> dict:
    """Read the workbook back (openpyxl read-only) and compare every Data cell with `frame`.

    Rows are compared whole first (equal tuples: same values, and text is never equal to a
    number or a datetime), cell by cell only where they differ; number formats are checked on
    the first `FORMAT_ROWS` rows.
    """
    from openpyxl import load_workbook

    width = frame.width
    book = load_workbook(path, read_only=True)
    try:
        if book.sheetnames != ["README", "Data", "Codebook", "Summary"]:
            raise AssertionError(f"{path.name}: sheets {book.sheetnames}")
        sheet = book["Data"]
        rows = sheet.iter_rows(values_only=True)
        header = list(next(rows))
        if header != frame.columns:
            raise AssertionError(f"{path.name}: header {header[:5]}…")
        count = 1
        expected_rows = _expected_rows(frame).iter_rows()
        for count, (read, expected) in enumerate(zip_longest(rows, expected_rows), 2):
            if read is None or expected is None:
                raise AssertionError(
                    f"{path.name}: Data has {'fewer' if read is None else 'more'} rows than the frame"
                )
            read = (*read, *[None] * (width - len(read)))  # read-only drops trailing empties
            if read == expected:
                continue
            for name, got, want in zip(frame.columns, read, expected, strict=True):
                if not _same(got, want):
                    raise AssertionError(f"{path.name}: row {count} {name}: {got!r} != {want!r}")
        for row in sheet.iter_rows(min_row=2, max_row=FORMAT_ROWS + 1):
            for cell in row:
                wanted = formats[cell.column - 1] if cell.value is not None else None
                if wanted and not isinstance(cell.value, str) and cell.number_format != wanted:
                    raise AssertionError(
                        f"{path.name}: {cell.coordinate}: format {cell.number_format!r}, "
                        f"not {wanted!r}"
                    )
    finally:
        book.close()
    if count != frame.height + 1:
        raise AssertionError(f"{path.name}: {count} rows in Data, not {frame.height + 1}")
    sheet_xml = _data_sheet_xml_ends(path)
    if not re.search(
        rb'<pane [^>]*(ySplit="1"[^>]*state="frozen"|state="frozen"[^>]*ySplit="1")', sheet_xml
    ):
        raise AssertionError(f"{path.name}: header row not frozen")
    last = _column_letter(frame.width)
    if f'<autoFilter ref="A1:{last}{frame.height + 1}"'.encode() not in sheet_xml:
        raise AssertionError(f"{path.name}: no auto-filter over A1:{last}{frame.height + 1}")
    return {"rows": count, "cells_compared": frame.height * frame.width}


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _data_sheet_xml_ends(path: Path) -> bytes:
    """The first and last 64 KB of the Data sheet's XML (pane at the start, filter at the end)."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(r'<sheet [^>]*name="Data"[^>]*r:id="(rId\d+)"', workbook)
        rid = rid or re.search(r'<sheet [^>]*r:id="(rId\d+)"[^>]*name="Data"', workbook)
        if rid is None:
            raise AssertionError(f"{path.name}: no Data sheet in workbook.xml")
        target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*/>', rels)
        if target is None:
            raise AssertionError(f"{path.name}: no relationship {rid.group(1)}")
        found = re.search(r'Target="([^"]+)"', target.group(0))
        if found is None:
            raise AssertionError(f"{path.name}: relationship {rid.group(1)} has no target")
        name = found.group(1).lstrip("/")
        name = name if name.startswith("xl/") else f"xl/{name}"
        with archive.open(name) as member:
            head = member.read(65_536)
            tail = b""
            while chunk := member.read(1 << 20):
                tail = (tail + chunk)[-65_536:]
    return head + b"\n" + tail


# ---------------------------------------------------------------------------------------------
# Main


def _side(run: Run) -> dict:
    return {
        "label": run.label,
        "seconds": run.seconds,
        "peak_rss_mb": run.peak_rss_mb,
        "megabytes": run.result.get("bytes", 0) / 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    """Write the frame, run contender and baseline (best of --repeat each), verify, report."""
    parser = common_arguments(__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, help="runs per side, the best counts (default 2; 1 with --small)"
    )
    parser.add_argument(
        "--openpyxl", action="store_true", help="also time openpyxl's own cell path (slow)"
    )
    args = parser.parse_args(argv)
    args.repeat = args.repeat or (1 if args.small else 2)
    rows = SMALL_ROWS if args.small else FULL_ROWS
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bench-workbook-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _run(args, rows, work)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


def _run(args: Any, rows: int, work: Path) -> int:
    from warehouse.cohort import data_number_formats
    from warehouse.exports import column_formats

    frame = synthetic_cohort(rows)
    parquet = work / "cohort.parquet"
    frame.write_parquet(parquet)
    formats = column_formats(frame, data_number_formats(frame))
    paths = {"ours": work / "ours.xlsx", "xlsxwriter": work / "xlsxwriter.xlsx"}
    sides = {
        "ours": ("bench.workbook:write_ours", "write_cohort_xlsx (openpyxl + columnar rows)"),
        "xlsxwriter": ("bench.workbook:write_xlsxwriter", "xlsxwriter constant_memory"),
    }
    runs: dict[str, list[Run]] = {name: [] for name in sides}
    for _ in range(max(args.repeat, 1)):
        for name, (target, label) in sides.items():
            run = run_isolated(
                target, label=label, args={"parquet": str(parquet), "path": str(paths[name])}
            )
            print(run.describe(), flush=True)
            runs[name].append(run)
    ours, baseline = best_of(runs["ours"]), best_of(runs["xlsxwriter"])
    extra: Run | None = None
    if args.openpyxl:
        paths["openpyxl"] = work / "openpyxl.xlsx"
        extra = run_isolated(
            "bench.workbook:write_openpyxl_cells",
            label="openpyxl cell path (plain values, template cells)",
            args={"parquet": str(parquet), "path": str(paths["openpyxl"])},
        )
        print(extra.describe(), flush=True)
    checks = {name: verify(path, frame, formats) for name, path in paths.items()}
    ratio, text = ratio_line(ours, baseline)
    met = ratio <= MAX_RATIO and ours.peak_rss_mb <= MAX_RSS_MB
    measured = f"{text}; peak RSS {fmt_mb(ours.peak_rss_mb)}"
    print(f"ratio {measured} — target {TARGET}: {'met' if met else 'NOT met'}")
    lines = [
        f"Synthetic cohort Data sheet, {rows:,} rows × {frame.width} columns (seed {SEED}), "
        "with README, Codebook and Summary sheets of a few dozen rows; both sides read the same "
        "parquet file and time only the writing; best of "
        f"{max(args.repeat, 1)} runs each, each run in its own process.",
        "",
        "| writer | time | peak RSS | file |",
        "|---|---|---|---|",
    ]
    for run in [ours, baseline, *([extra] if extra else [])]:
        lines.append(
            f"| {run.label} | {fmt_seconds(run.seconds)} | {fmt_mb(run.peak_rss_mb)} | "
            f"{run.result.get('bytes', 0) / 1e6:.0f} MB |"
        )
    if extra:
        lines += ["", f"openpyxl's cell path: {extra.seconds / baseline.seconds:.2f}× xlsxwriter."]
    lines += [
        "",
        "Read back with openpyxl (read-only): "
        + "; ".join(f"{n} {c['rows']:,} rows, every cell as written" for n, c in checks.items())
        + "; frozen header and auto-filter present.",
    ]
    result = BenchResult(
        bench="workbook",
        title="Cohort workbook",
        scale={"rows": rows, "columns": frame.width, "data": f"synthetic (seed {SEED})"},
        targets=[
            Target(
                work=WORK,
                target=TARGET,
                measured=measured,
                met=met,
                ratio=ratio,
                contender=_side(ours),
                baseline=_side(baseline),
            )
        ],
        details="\n".join(lines),
    )
    print(f"wrote {write_result(args.out, result)}  ({datetime.now(UTC):%H:%M:%S} UTC)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
