"""Render true answers in the raw layouts of 问卷星 and 腾讯问卷 exports; byte-stable writers.

The questionnaire YAML is the single source of question ids, zh texts, option labels and matrix
rows; question number N is the 1-based position in its ``questions`` list.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import yaml
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from etl.sample.model import Answers

QUESTIONNAIRE = (
    Path(__file__).resolve().parents[2] / "survey" / "questionnaires" / "aigala-participant.yaml"
)

WJX_META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
TENCENT_META = ["编号", "开始答题时间", "结束答题时间", "答题时长", "IP省份", "IP城市"]

# the header mess of a real 问卷星 text export, per question id (appended to "N、{text.zh}")
WJX_HEADER_SUFFIX = {
    "age": "*必答",
    "gender": "？",
    "role": " ",
    "city": "?",
    "experience_months": "？",
    "tools": "(多选题 *必答)",
    "program_types": "【多选题】",
    "communities": "【多选题】 ",
    "motivations": "(多选题 *必答)",
    "income": "？",
    "satisfaction": " ",
    "will_return": "?",
    "contact": " ",
    "suggestions": "？",
}
WJX_SKIPPED = "(跳过)"
WJX_EMPTY = "(空)"
WJX_MULTI_SEP = "┋"
WJX_RANK_SEP = "→"
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
AGE_FORMS = {
    "plain": 42,
    "sui": 20,
    "fullwidth": 8,
    "birth_year": 7,
    "birth_year_nian": 8,
    "band": 15,
}


@dataclass(frozen=True)
class SampleFile:
    """One generated raw export (a file, or a folder for a YouTube Studio export)."""

    path: Path
    source: str  # wjx / tencent / roster / catalogue / youtube / bilibili / ... / attention
    edition_year: int
    description: str


@dataclass(frozen=True)
class Question:
    """The parts of one questionnaire question the generator needs."""

    n: int
    id: str
    type: str
    zh: str
    options: dict[str, str]  # key -> zh label, in questionnaire order
    rows: dict[str, str]  # matrix row key -> zh


def load_questionnaire(path: Path = QUESTIONNAIRE) -> list[Question]:
    """Load the questionnaire YAML into Question records numbered from 1."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Question(
            n=i,
            id=q["id"],
            type=q["type"],
            zh=q["text"]["zh"],
            options={str(o["key"]): o["zh"] for o in q.get("options", [])},
            rows={str(r["key"]): r["zh"] for r in q.get("rows", [])},
        )
        for i, q in enumerate(doc["questions"], 1)
    ]


def _is_multi_column(q: Question, *, tencent: bool) -> bool:
    """Return whether the question spreads over several columns in the export."""
    return q.type == "matrix" or (tencent and q.type in ("multi", "ranking"))


def wjx_header(questions: list[Question]) -> list[str]:
    """Return the 问卷星 text-export header row."""
    cols = list(WJX_META)
    for q in questions:
        if q.type == "matrix":
            cols += [f"{q.n}、{q.zh}—{row}" for row in q.rows.values()]
        else:
            cols.append(f"{q.n}、{q.zh}{WJX_HEADER_SUFFIX.get(q.id, '')}")
    return cols


def tencent_header(questions: list[Question]) -> list[str]:
    """Return the 腾讯问卷 CSV header row."""
    cols = list(TENCENT_META)
    for q in questions:
        if q.type == "matrix":
            cols += [f"{q.n}.{q.zh}:{row}" for row in q.rows.values()]
        elif _is_multi_column(q, tencent=True):
            cols += [f"{q.n}.{q.zh}:{label}" for label in q.options.values()]
        else:
            cols.append(f"{q.n}.{q.zh}")
    return cols


def question_columns(questions: list[Question], *, tencent: bool) -> dict[str, list[int]]:
    """Map question id to its column indexes in the header (after the metadata)."""
    out: dict[str, list[int]] = {}
    i = len(TENCENT_META if tencent else WJX_META)
    for q in questions:
        if q.type == "matrix":
            width = len(q.rows)
        elif _is_multi_column(q, tencent=tencent):
            width = len(q.options)
        else:
            width = 1
        out[q.id] = list(range(i, i + width))
        i += width
    return out


def _multi_of(a: Answers, qid: str) -> tuple[list[str], str | None]:
    """Return (chosen keys, other text) of a multi-choice answer."""
    return getattr(a, qid), getattr(a, f"{qid}_other")


def _band_label(q: Question, band: str, rng: random.Random, tilde_rate: float) -> tuple[str, bool]:
    """Return the band's option label, sometimes written with ~ instead of -."""
    label = q.options[band]
    if "-" in label and rng.random() < tilde_rate:
        return label.replace("-", "~"), True
    return label, False


def render_wjx(
    a: Answers, questions: list[Question], edition: int, rng: random.Random
) -> tuple[list[Any], dict[str, str]]:
    """Render one submission's question cells like a 问卷星 text export."""
    cells: list[Any] = []
    tags: dict[str, str] = {}
    for q in questions:
        if q.id == "age":  # a fill-in question in 2024
            form = rng.choices(list(AGE_FORMS), weights=list(AGE_FORMS.values()))[0]
            tags["age_form"] = form
            age, birth = a.age_years, edition - a.age_years
            cells.append(
                {
                    "plain": str(age),
                    "sui": f"{age}岁",
                    "fullwidth": str(age).translate(FULLWIDTH_DIGITS),
                    "birth_year": str(birth),
                    "birth_year_nian": f"{birth}年",
                    "band": _band_label(q, a.age_band, rng, 0.5)[0],
                }[form]
            )
        elif q.id == "role":
            if a.role_written == "option":
                cells.append(q.options[a.role])
            else:
                text = a.role_other if a.role_written == "other" else a.extra["role_variant"]
                cells.append(f"{q.options['other']}【请注明】〖{text}〗")
        elif q.id == "city":
            cells.append(a.city_text)
        elif q.type in ("single", "gender"):
            value = getattr(a, q.id)
            if q.id == "income" and a.income_skipped:
                cells.append(WJX_SKIPPED)
            else:
                cells.append(WJX_EMPTY if value is None else q.options[value])
        elif q.type == "multi":
            keys, other = _multi_of(a, q.id)
            labels = [
                f"{label}【请注明】〖{other}〗" if k == "other" else label
                for k, label in q.options.items()
                if k in keys
            ]
            cells.append(WJX_MULTI_SEP.join(labels) if labels else WJX_EMPTY)
        elif q.type == "ranking":
            order = [q.options[k] for k in a.support_ranking]
            cells.append(WJX_RANK_SEP.join(order) if order else WJX_EMPTY)
        elif q.type == "matrix":
            cells += [WJX_EMPTY if a.aspects is None else f"{a.aspects[k]}分" for k in q.rows]
        else:  # number, rating, contact, text
            value = getattr(a, q.id)
            cells.append(WJX_EMPTY if value is None else value)
    return cells, tags


def render_tencent(
    a: Answers, questions: list[Question], rng: random.Random
) -> tuple[list[str], dict[str, str]]:
    """Render one submission's question cells like a 腾讯问卷 CSV export."""
    cells: list[str] = []
    tags: dict[str, str] = {}
    for q in questions:
        if q.id == "age":  # a single-choice band in 2025
            label, tilde = _band_label(q, a.age_band, rng, 0.12)
            tags["age_form"] = "band_tilde" if tilde else "band"
            cells.append(label)
        elif q.id == "role":
            if a.role_written == "option":
                cells.append(q.options[a.role])
            else:
                text = a.role_other if a.role_written == "other" else a.extra["role_variant"]
                cells.append(f"{q.options['other']}({text})")
        elif q.id == "city":
            cells.append(a.city_text)
        elif q.type in ("single", "gender"):
            value = getattr(a, q.id)
            cells.append("" if value is None else q.options[value])
        elif q.type == "multi":
            keys, other = _multi_of(a, q.id)
            cells += [
                ("" if k not in keys else (other or "") if k == "other" else "1") for k in q.options
            ]
        elif q.type == "ranking":
            rank = {k: i for i, k in enumerate(a.support_ranking, 1)}
            cells += [str(rank[k]) if k in rank else "" for k in q.options]
        elif q.type == "matrix":
            cells += ["" if a.aspects is None else str(a.aspects[k]) for k in q.rows]
        else:
            value = getattr(a, q.id)
            cells.append("" if value is None else str(value))
    return cells, tags


def write_xlsx(path: Path, rows: list[list[Any]], stamp: datetime, sheet: str = "Sheet1") -> None:
    """Write rows to a byte-reproducible .xlsx (fixed document and zip timestamps)."""
    write_workbook(path, {sheet: rows}, stamp)


def write_workbook(
    path: Path, sheets: dict[str, list[list[Any]]], stamp: datetime, creator: str = "wjx.cn"
) -> None:
    """Write one sheet per entry to a byte-reproducible .xlsx (fixed timestamps)."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    for i, (name, rows) in enumerate(sheets.items()):
        ws = first if i == 0 else wb.create_sheet()
        ws.title = name
        for row in rows:
            ws.append(row)
        for row_cells in ws.iter_rows():
            for cell in row_cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # formula-looking answers stay text
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = creator
    raw = io.BytesIO()
    ExcelWriter(wb, ZipFile(raw, "w", ZIP_DEFLATED)).save()  # save() closes the archive
    out = io.BytesIO()
    with ZipFile(raw) as src, ZipFile(out, "w", ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            dst.writestr(fixed, src.read(info.filename))
    path.write_bytes(out.getvalue())


def write_csv(
    path: Path, rows: Iterable[list[Any]], encoding: str, lineterminator: str = "\r\n"
) -> None:
    """Write rows as comma-separated, minimally quoted CSV (CRLF unless told) in an encoding."""
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=lineterminator).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
