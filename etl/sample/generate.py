"""Deterministic, seeded generator of realistic raw AI春晚 survey exports.

``generate_sample_exports(out_dir, seed=...)`` writes, from one shared population of ~650
co-creators:

* ``wjx_aigala_2024_text.xlsx`` - a 问卷星 text export of the 2024 edition (age as a fill-in);
* ``tencent_aigala_2025.csv`` - a 腾讯问卷 CSV export of the 2025 edition (GB18030, CRLF);
* ``roster_aigala.csv`` - the participant roster of both editions (UTF-8 with BOM);
* the platform side (``etl.sample.platforms``): the program catalogue, creator-centre and
  YouTube Studio exports, live minutes, retention, creator activity and topic attention;
* ``planted.yaml`` - what was planted: exact row counts, the mess (duplicates, repeat
  submissions, invalid rows) row by row, target shares with tolerance and the achieved shares;
* ``truth.json`` - the true answer of every valid respondent, the catalogue and the plays per
  content item, for tests only (a reader must never need it).

Only ``random.Random(seed)`` instances are used and the .xlsx has fixed document and zip
timestamps, so one seed always gives byte-identical files.

Run ``python -m etl.sample.generate OUT_DIR [--seed N]``; ``--write-planted`` refreshes the
committed ``etl/sample/planted.yaml`` (default seed).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from etl.sample import vocab
from etl.sample.exports import (
    TENCENT_META,
    WJX_META,
    Question,
    SampleFile,
    load_questionnaire,
    question_columns,
    render_tencent,
    render_wjx,
    tencent_header,
    wjx_header,
    write_csv,
    write_xlsx,
)
from etl.sample.model import (
    EDITION_NEW,
    EDITION_OLD,
    Answers,
    Person,
    build_population,
    decked_draws,
    format_contact,
    iid_draw,
    make_answers,
    make_contact,
    make_name,
    vary,
)
from etl.sample.platforms import generate_platform_side
from survey.questionnaire import definition_yaml

DEFAULT_SEED = 20240210
PLANTED_COPY = Path(__file__).with_name("planted.yaml")
WJX_FILE = "wjx_aigala_2024_text.xlsx"
TENCENT_FILE = "tencent_aigala_2025.csv"
ROSTER_FILE = "roster_aigala.csv"
TENCENT_ENCODING = "gb18030"
ROSTER_ENCODING = "utf-8-sig"
ROSTER_HEADER = ["姓名", "联系方式", "社区", "参与届次", "分工"]
XLSX_STAMP = datetime(2024, 3, 11, 10, 0, 0)
HOUR_WEIGHTS = (2, 1, 1, 1, 1, 1, 2, 4, 6, 8, 10, 10, 9, 9, 10, 10, 10, 10, 12, 16, 18, 18, 14, 8)


@dataclass(frozen=True)
class Defect:
    """A single planted defect that makes a row invalid."""

    question: str
    value: Any
    kind: str  # out_of_range / unknown_option / missing_required / not_a_number


@dataclass(frozen=True)
class EditionSpec:
    """How one edition's export is planted."""

    year: int
    source: str
    filename: str
    start: datetime
    end: datetime
    repeats: tuple[int, ...]  # submissions per person who submitted more than once
    duplicates: int  # exact duplicate rows (double submits)
    unmappable_cities: int
    pm_variants: int  # product managers who wrote their role in the "other" slot
    defects: tuple[Defect, ...]


SPECS = {
    EDITION_OLD: EditionSpec(
        year=EDITION_OLD,
        source="wjx",
        filename=WJX_FILE,
        start=datetime(2024, 2, 12),
        end=datetime(2024, 3, 10, 23, 59, 59),
        repeats=(3, 2, 2, 2, 2),
        duplicates=8,
        unmappable_cities=3,
        pm_variants=7,
        defects=(
            Defect("age", "150", "out_of_range"),
            Defect("age", "3岁", "out_of_range"),
            Defect("will_return", "也许吧", "unknown_option"),
            Defect("satisfaction", 11, "out_of_range"),
            Defect("gender", "(空)", "missing_required"),
            Defect("experience_months", "abc", "not_a_number"),
            Defect("works_past_year", -2, "out_of_range"),
            Defect("city", "(空)", "missing_required"),
        ),
    ),
    EDITION_NEW: EditionSpec(
        year=EDITION_NEW,
        source="tencent",
        filename=TENCENT_FILE,
        start=datetime(2025, 1, 30),
        end=datetime(2025, 3, 5, 23, 59, 59),
        repeats=(3, 3, 2, 2, 2, 2),
        duplicates=10,
        unmappable_cities=4,
        pm_variants=6,
        defects=(
            Defect("age", "150岁", "out_of_range"),
            Defect("gender", "", "missing_required"),
            Defect("will_return", "也许吧", "unknown_option"),
            Defect("satisfaction", "11", "out_of_range"),
            Defect("experience_months", "abc", "not_a_number"),
            Defect("works_past_year", "-2", "out_of_range"),
            Defect("hours_per_week", "看心情", "unknown_option"),
            Defect("role", "", "missing_required"),
        ),
    ),
}


@dataclass
class Row:
    """One written submission row with its provenance."""

    idx: int
    kind: str  # valid / superseded / duplicate / invalid
    person: Person
    answers: Answers
    time: datetime
    duration: int
    ip: tuple[str, str, str]  # address, province (or country / 未知), city ("" if unknown)
    channel: tuple[str, str]
    dup_of: Row | None = None
    superseded_by: Row | None = None
    defect: Defect | None = None
    cells: list[Any] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    row_id: int = 0


# --- edition rows ----------------------------------------------------------------------------


def _moment(spec: EditionSpec, rng: random.Random) -> datetime:
    """Draw a submission time: busiest right after launch and in the evenings."""
    days = (spec.end.date() - spec.start.date()).days + 1
    day = rng.choices(range(days), weights=[0.85**d + 0.04 for d in range(days)])[0]
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    t = spec.start + timedelta(
        days=day, hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60)
    )
    return min(t, spec.end - timedelta(minutes=5))


def _moments(spec: EditionSpec, k: int, rng: random.Random) -> list[datetime]:
    """Draw k sorted submission times at least 20 minutes apart."""
    while True:
        times = sorted(_moment(spec, rng) for _ in range(k))
        if all(b - a >= timedelta(minutes=20) for a, b in itertools.pairwise(times)):
            return times


def _duration(rng: random.Random) -> int:
    """Draw seconds spent answering."""
    return max(40, min(1800, int(rng.lognormvariate(math.log(260), 0.5))))


def _ip(person: Person, rng: random.Random) -> tuple[str, str, str]:
    """Return (address, province or country, city) located at the person's real city."""
    city = vocab.CITY_BY_NAME[person.city]
    prefixes = vocab.IP_PREFIXES_OVERSEAS if city.overseas else vocab.IP_PREFIXES
    address = f"{rng.choice(prefixes)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
    if city.overseas:
        return (address, "未知", "") if rng.random() < 0.3 else (address, city.province, "")
    return address, city.province, city.name


def _channel(rng: random.Random) -> tuple[str, str]:
    """Return the 问卷星 (来源, 来源详情) pair."""
    pairs = (("手机提交", "直接访问"), ("手机提交", "N/A"), ("微信", "微信"), ("链接", "直接访问"))
    return rng.choices(pairs, weights=(35, 20, 35, 10))[0]


def _build_edition(
    spec: EditionSpec,
    valid: list[Person],
    invalid_pool: list[Person],
    questions: list[Question],
    rng: random.Random,
) -> list[Row]:
    """Create, render and order every row written for one edition."""
    pool = list(valid)
    rng.shuffle(pool)
    repeaters = {p.pid: k for p, k in zip(pool, spec.repeats, strict=False)}
    n_rep = len(spec.repeats)
    dupers = {p.pid for p in pool[n_rep : n_rep + spec.duplicates]}
    rest = pool[n_rep + spec.duplicates :]

    answers = {
        p.pid: make_answers(
            p, spec.year, d, rng, must_give_contact=p.group == "B" or p.pid in repeaters
        )
        for p, d in zip(valid, decked_draws(valid, rng), strict=True)
    }

    def take(pred: Any, k: int) -> list[Person]:
        chosen = [p for p in rest if pred(p)][:k]
        for p in chosen:
            rest.remove(p)
        return chosen

    formulas = vocab.FORMULA_SUGGESTIONS[spec.year]
    for p, text in zip(take(lambda p: True, len(formulas)), formulas, strict=True):
        answers[p.pid].suggestions = text
    tail = [c.name for c in vocab.TAIL_CITIES]
    for p in take(lambda p: p.city in tail, spec.unmappable_cities):
        answers[p.pid].city = None
        answers[p.pid].city_text = rng.choice(vocab.UNMAPPABLE_CITY_TEXTS)
    for p in take(lambda p: p.role == "product_manager", spec.pm_variants):
        answers[p.pid].role_written = "pm_variant"
        answers[p.pid].extra["role_variant"] = rng.choice(vocab.ROLE_PM_VARIANTS)

    rows: list[Row] = []

    def add(**kw: Any) -> Row:
        row = Row(idx=len(rows), **kw)
        rows.append(row)
        return row

    duplicates: list[Row] = []
    for p in valid:
        times = _moments(spec, repeaters.get(p.pid, 1), rng)
        final_kw = {"person": p, "answers": answers[p.pid], "time": times[-1]}
        earlier = [
            add(
                kind="superseded",
                person=p,
                answers=vary(answers[p.pid], p, rng),
                time=t,
                duration=_duration(rng),
                ip=_ip(p, rng),
                channel=_channel(rng),
            )
            for t in times[:-1]
        ]
        final = add(
            kind="valid", duration=_duration(rng), ip=_ip(p, rng), channel=_channel(rng), **final_kw
        )
        for r in earlier:
            r.superseded_by = final
        if p.pid in dupers:
            duplicates.append(final)
    invalid_people = list(invalid_pool)
    rng.shuffle(invalid_people)
    for p, defect in zip(invalid_people, spec.defects, strict=False):
        add(
            kind="invalid",
            person=p,
            answers=make_answers(p, spec.year, iid_draw(p, rng), rng),
            time=_moment(spec, rng),
            duration=_duration(rng),
            ip=_ip(p, rng),
            channel=_channel(rng),
            defect=defect,
        )

    tencent = spec.source == "tencent"
    columns = question_columns(questions, tencent=tencent)
    meta = len(TENCENT_META if tencent else WJX_META)
    for r in rows:
        if tencent:
            r.cells, r.tags = render_tencent(r.answers, questions, rng)
        else:
            r.cells, r.tags = render_wjx(r.answers, questions, spec.year, rng)
        if r.defect is not None:
            r.cells[columns[r.defect.question][0] - meta] = r.defect.value
    for orig in duplicates:
        add(
            kind="duplicate",
            person=orig.person,
            answers=orig.answers,
            time=orig.time + timedelta(seconds=rng.randint(3, 45)),
            duration=orig.duration,
            ip=orig.ip,
            channel=orig.channel,
            dup_of=orig,
            cells=list(orig.cells),
            tags=dict(orig.tags),
        )

    seen: dict[tuple[Any, ...], Row] = {}
    for r in rows:
        if r.kind != "duplicate" and seen.setdefault(tuple(r.cells), r) is not r:
            raise RuntimeError(f"unplanned identical answers in {spec.year}; change the seed")
    rows.sort(key=lambda r: (r.time, r.idx))
    for i, r in enumerate(rows, 1):
        r.row_id = i
    return rows


def _fmt_wjx_time(t: datetime) -> str:
    """Format like 问卷星: 2024/2/18 14:22:55."""
    return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}:{t.second:02d}"


def _wjx_line(r: Row) -> list[Any]:
    """Return the full 问卷星 row."""
    address, province, city = r.ip
    where = f"{province}-{city}" if city else province
    return [
        r.row_id,
        _fmt_wjx_time(r.time),
        f"{r.duration}秒",
        *r.channel,
        f"{address}({where})",
        *r.cells,
    ]


def _tencent_line(r: Row) -> list[Any]:
    """Return the full 腾讯问卷 row."""
    start = r.time - timedelta(seconds=r.duration)
    fmt = "%Y-%m-%d %H:%M:%S"
    return [
        r.row_id,
        start.strftime(fmt),
        r.time.strftime(fmt),
        r.duration,
        r.ip[1],
        r.ip[2] or ("未知" if r.ip[1] == "未知" else ""),
        *r.cells,
    ]


# --- roster ----------------------------------------------------------------------------------


def _build_roster(
    people: list[Person], rng: random.Random
) -> tuple[list[list[str]], list[dict[str, Any]]]:
    """Return roster data rows and the planted invalid rows."""
    order = list(people)
    rng.shuffle(order)
    rows = [
        [
            p.name,
            format_contact(p.contact_kind, p.contact_value, rng),
            p.community,
            ";".join(str(e) for e in p.editions()),
            p.duty,
        ]
        for p in order
    ]
    names = {p.name for p in people}
    contacts = {p.contact_key for p in people}
    bad: list[tuple[list[str], dict[str, Any]]] = []
    for kind in ("missing_contact", "unknown_edition"):
        gender = rng.choice(("male", "female"))
        name = make_name(gender, rng)
        while name in names:
            name = make_name(gender, rng)
        names.add(name)
        ckind, cvalue = make_contact(rng)
        while f"{ckind}:{cvalue}" in contacts:
            ckind, cvalue = make_contact(rng)
        contact = "" if kind == "missing_contact" else format_contact(ckind, cvalue, rng)
        edition = "2019" if kind == "unknown_edition" else "2025"
        row = [name, contact, "WaytoAGI", edition, rng.choice(vocab.ROSTER_DUTIES)]
        column = "联系方式" if kind == "missing_contact" else "参与届次"
        bad.append(
            (row, {"kind": kind, "column": column, "value": row[ROSTER_HEADER.index(column)]})
        )
    for row, _ in bad:
        rows.insert(rng.randrange(len(rows) + 1), row)
    invalid = [
        {"row": rows.index(row) + 1, "file_row": rows.index(row) + 2, "name": row[0], **info}
        for row, info in sorted(bad, key=lambda b: rows.index(b[0]))
    ]
    return rows, invalid


# --- planted summary -------------------------------------------------------------------------


def _shares(counter: Counter[Any], keys: list[Any], n: int) -> dict[Any, float]:
    """Return rounded shares of the keys."""
    return {k: round(counter.get(k, 0) / n, 4) if n else 0.0 for k in keys}


def summarise(answers: list[Answers]) -> dict[str, Any]:
    """Compute the planted dimensions over a list of true answers."""
    n = len(answers)
    main = list(vocab.MAIN_CITY_SHARES)
    overseas = {c.name for c in vocab.OVERSEAS_CITIES}

    def city_group(a: Answers) -> str:
        if a.city is None:
            return "unmappable"
        if a.city in main:
            return a.city
        return "overseas" if a.city in overseas else "tail"

    tools = Counter(t for a in answers for t in a.tools)
    tool_order = list(vocab.TOOL_SHARES)
    income = [a.income for a in answers if a.income is not None]
    experience = [a.experience_months for a in answers if a.experience_months is not None]
    age = Counter(a.age_band for a in answers)
    return {
        "age_band": _shares(age, list(vocab.AGE_SHARES), n),
        "age_25_34": round((age["25_29"] + age["30_34"]) / n, 4),
        "gender": _shares(Counter(a.gender for a in answers), list(vocab.GENDER_SHARES), n),
        "role": _shares(Counter(a.role for a in answers), list(vocab.ROLE_SHARES), n),
        "city": _shares(
            Counter(city_group(a) for a in answers), [*main, "tail", "overseas", "unmappable"], n
        ),
        "tools": _shares(tools, tool_order, n),
        "tools_top4": sorted(tool_order, key=lambda k: (-tools[k], tool_order.index(k)))[:4],
        "hours_per_week": _shares(
            Counter(a.hours_per_week for a in answers), list(vocab.HOURS_SHARES), n
        ),
        "income": _shares(Counter(income), list(vocab.INCOME_SHARES), len(income)),
        "will_return": _shares(
            Counter(a.will_return for a in answers), list(vocab.WILL_RETURN_SHARES), n
        ),
        "satisfaction_mean": round(sum(a.satisfaction for a in answers) / n, 3),
        "works_past_year_2_3": round(sum(1 for a in answers if a.works_past_year in (2, 3)) / n, 4),
        "experience_months_range": [min(experience), max(experience)],
    }


def targets(edition: int) -> dict[str, Any]:
    """Return the planted target shares for an edition (tolerance is absolute)."""
    sat_mean = sum(k * v for k, v in vocab.SATISFACTION_SHARES.items())
    out: dict[str, Any] = {
        "tolerance": 0.03,
        "age_band": dict(vocab.AGE_SHARES),
        "age_25_34": round(vocab.AGE_SHARES["25_29"] + vocab.AGE_SHARES["30_34"], 4),
        "gender": dict(vocab.GENDER_SHARES),
        "role": dict(vocab.ROLE_SHARES),
        "city": {
            **vocab.MAIN_CITY_SHARES,
            "tail": vocab.TAIL_SHARE,
            "overseas": vocab.OVERSEAS_SHARE,
        },
        "tools": dict(vocab.TOOL_SHARES),
        "tools_top4": list(vocab.TOOL_SHARES)[:4],
        "hours_per_week": dict(vocab.HOURS_SHARES),
        "income": dict(vocab.INCOME_SHARES),
        "will_return": dict(vocab.WILL_RETURN_SHARES),
        "satisfaction_mean": {"value": round(sat_mean, 2), "tolerance": 0.25},
        "works_past_year_2_3": round(vocab.WORKS_BUCKETS[(2, 2)] + vocab.WORKS_BUCKETS[(3, 3)], 4),
        "experience_months_range": list(vocab.EXPERIENCE_RANGE),
    }
    if edition == EDITION_NEW:
        out["returning_share"] = vocab.RETURNING_SHARE_2025
    return out


def _edition_planted(
    spec: EditionSpec, rows: list[Row], header: list[str], returning_pids: set[str]
) -> dict[str, Any]:
    """Count what one edition's file really contains."""
    valid = [r for r in rows if r.kind == "valid"]
    superseded = [r for r in rows if r.kind == "superseded"]
    invalid = [r for r in rows if r.kind == "invalid"]
    tencent = spec.source == "tencent"
    columns = question_columns(load_questionnaire(), tencent=tencent)
    repeats: dict[str, list[Row]] = {}
    for r in superseded:
        assert r.superseded_by is not None
        repeats.setdefault(r.person.pid, []).append(r)
    out: dict[str, Any] = {
        "file": spec.filename,
        "source": spec.source,
        "encoding": TENCENT_ENCODING if tencent else "xlsx",
        "row_id_column": header[0],
        "rows_written": len(rows),
        "valid_unique_responses": len(valid),
        "exact_duplicate_rows": sum(r.kind == "duplicate" for r in rows),
        "repeat_submissions": {"people": len(repeats), "superseded_rows": len(superseded)},
        "invalid_rows": {
            "total": len(invalid),
            "by_kind": dict(sorted(Counter(r.defect.kind for r in invalid if r.defect).items())),
            "rows": [
                {
                    "row_id": r.row_id,
                    "file_row": r.row_id + 1,
                    "question": r.defect.question,
                    "column": header[columns[r.defect.question][0]],
                    "value": r.defect.value,
                    "kind": r.defect.kind,
                }
                for r in invalid
                if r.defect is not None
            ],
        },
        "duplicates": [
            {"row_id": r.row_id, "duplicate_of": r.dup_of.row_id}
            for r in rows
            if r.kind == "duplicate" and r.dup_of is not None
        ],
        "repeats": [
            {
                "kept_row_id": rs[0].superseded_by.row_id,
                "superseded_row_ids": sorted(r.row_id for r in rs),
            }
            for rs in sorted(repeats.values(), key=lambda rs: rs[0].row_id)
            if rs[0].superseded_by is not None
        ],
        "valid_with_contact": sum(r.answers.contact is not None for r in valid),
        "unmappable_cities": [
            {"row_id": r.row_id, "value": r.answers.city_text}
            for r in valid
            if r.answers.city is None
        ],
        "role_product_manager_free_text": [
            {"row_id": r.row_id, "value": r.answers.extra["role_variant"]}
            for r in valid
            if r.answers.role_written == "pm_variant"
        ],
        "formula_like_text": [
            {"row_id": r.row_id, "question": "suggestions", "value": r.answers.suggestions}
            for r in rows
            if r.kind in ("valid", "duplicate") and (r.answers.suggestions or " ")[0] in "=+-@"
        ],
        "income_skipped_students": sum(r.answers.income_skipped for r in valid),
        "age_written_forms": dict(sorted(Counter(r.tags["age_form"] for r in valid).items())),
    }
    if spec.year == EDITION_NEW:
        back = [r for r in valid if r.person.pid in returning_pids]
        out["returning_respondents"] = {
            "count": len(back),
            "share": round(len(back) / len(valid), 4),
            "matched_by": "contact (same person, phone layouts may differ between files)",
        }
    out["targets"] = targets(spec.year)
    out["actual"] = summarise([r.answers for r in valid])
    if spec.year == EDITION_NEW:
        out["actual"]["returning_share"] = out["returning_respondents"]["share"]
    return out


def _truth_rows(rows: list[Row], returning_pids: set[str]) -> dict[str, Any]:
    """Return the test-only truth of one edition."""
    return {
        "respondents": [
            {
                "person_id": r.person.pid,
                "row_id": r.row_id,
                "contact_key": r.person.contact_key if r.answers.contact else None,
                "returning": r.person.pid in returning_pids,
                "answers": asdict(r.answers),
                "tags": r.tags,
            }
            for r in rows
            if r.kind == "valid"
        ],
        "rows": [
            {
                "row_id": r.row_id,
                "kind": r.kind,
                "person_id": r.person.pid,
                "duplicate_of": r.dup_of.row_id if r.dup_of else None,
                "superseded_by": r.superseded_by.row_id if r.superseded_by else None,
            }
            for r in rows
        ],
    }


# --- entry points ----------------------------------------------------------------------------


def generate_sample_exports(out_dir: Path, *, seed: int = DEFAULT_SEED) -> list[SampleFile]:
    """Write the survey exports, roster, platform-side files, planted.yaml and truth.json.

    The list is in ingest order: surveys, roster, catalogue, then the platform exports, live
    minutes, retention, activity and attention.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    questions = load_questionnaire()
    people = build_population(rng)
    v24 = [p for p in people if p.group in ("A", "B")]
    v25 = [p for p in people if p.group in ("B", "C")]
    d24 = [p for p in people if p.group == "D" and p.p24]
    d25 = [p for p in people if p.group == "D" and p.p25]
    rows24 = _build_edition(SPECS[EDITION_OLD], v24, d24, questions, rng)
    rows25 = _build_edition(SPECS[EDITION_NEW], v25, d25, questions, rng)
    roster_rows, roster_invalid = _build_roster(people, rng)
    returning = {p.pid for p in v24}

    h24, h25 = wjx_header(questions), tencent_header(questions)
    paths = {name: out_dir / name for name in (WJX_FILE, TENCENT_FILE, ROSTER_FILE)}
    write_xlsx(paths[WJX_FILE], [h24, *(_wjx_line(r) for r in rows24)], XLSX_STAMP)
    write_csv(paths[TENCENT_FILE], [h25, *(_tencent_line(r) for r in rows25)], TENCENT_ENCODING)
    write_csv(paths[ROSTER_FILE], [ROSTER_HEADER, *roster_rows], ROSTER_ENCODING)

    participants = Counter(";".join(str(e) for e in p.editions()) for p in people)
    planted = {
        "seed": seed,
        "questionnaire": "survey/questionnaires/aigala-participant.yaml",
        "conventions": {
            "row_id": "序号 (问卷星) / 编号 (腾讯问卷) = 1-based data row, in submission order",
            "file_row": "1-based row of the file counting the header as row 1 (= row_id + 1)",
            "birth_year_age": "age = edition year - birth year (2024 fill-ins 1996 / 1996年)",
            "exact_duplicate": "identical answer cells and IP; only row id and time differ",
            "repeat_submission": "same contact, later time, some answers changed: keep latest",
            "contact_identity": "phones: digits without +86; WeChat id and email as written",
        },
        "population": {
            "co_creators": len(people),
            "participants": {k: participants[k] for k in ("2024", "2025", "2024;2025")},
        },
        "editions": {
            EDITION_OLD: _edition_planted(SPECS[EDITION_OLD], rows24, h24, returning),
            EDITION_NEW: _edition_planted(SPECS[EDITION_NEW], rows25, h25, returning),
        },
        "roster": {
            "file": ROSTER_FILE,
            "encoding": ROSTER_ENCODING,
            "rows_written": len(roster_rows),
            "valid_rows": len(roster_rows) - len(roster_invalid),
            "invalid_rows": roster_invalid,
            "respondents_covered": "every valid respondent of both editions is in the roster",
        },
    }
    platform_files, platform_planted, platform_truth = generate_platform_side(out_dir, people, seed)
    planted.update(platform_planted)
    header = (
        "# Planted facts of the sample exports, written by etl.sample.generate.\n"
        "# Regenerate the committed copy with: python -m etl.sample.generate --write-planted\n"
    )
    (out_dir / "planted.yaml").write_text(
        header + definition_yaml(planted),
        encoding="utf-8",
        newline="\n",
    )
    truth = {
        "seed": seed,
        "note": "test-only ground truth; readers must never depend on this file",
        "editions": {
            str(EDITION_OLD): _truth_rows(rows24, set()),
            str(EDITION_NEW): _truth_rows(rows25, returning),
        },
        "people": [
            {
                "person_id": p.pid,
                "name": p.name,
                "contact_key": p.contact_key,
                "editions": p.editions(),
            }
            for p in people
        ],
        **platform_truth,
    }
    (out_dir / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8",
        newline="\n",
    )

    return [
        SampleFile(
            paths[WJX_FILE],
            "wjx",
            EDITION_OLD,
            "问卷星 text export (xlsx) of the 2024 AI春晚 co-creator survey",
        ),
        SampleFile(
            paths[TENCENT_FILE],
            "tencent",
            EDITION_NEW,
            "腾讯问卷 CSV export (GB18030, CRLF) of the 2025 AI春晚 co-creator survey",
        ),
        SampleFile(
            paths[ROSTER_FILE],
            "roster",
            EDITION_NEW,
            "participant roster of the 2024 and 2025 editions (UTF-8 with BOM)",
        ),
        *platform_files,
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the command line: write the sample exports and/or refresh planted.yaml."""
    parser = argparse.ArgumentParser(
        prog="python -m etl.sample.generate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("out_dir", nargs="?", type=Path, help="directory to write into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--write-planted",
        action="store_true",
        help=f"refresh the committed {PLANTED_COPY.name} (default seed only)",
    )
    args = parser.parse_args(argv)
    if args.out_dir is None and not args.write_planted:
        parser.error("OUT_DIR is required unless --write-planted is given")
    if args.write_planted and args.seed != DEFAULT_SEED:
        parser.error("--write-planted only records the default seed")
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.out_dir or Path(tmp)
        files = generate_sample_exports(out_dir, seed=args.seed)
        if args.out_dir is not None:
            for f in files:
                paths = sorted(f.path.iterdir()) if f.path.is_dir() else [f.path]
                size = sum(p.stat().st_size for p in paths)
                print(f"{f.source}\t{f.edition_year}\t{f.path}\t{size} bytes")
            print(f"planted\t-\t{out_dir / 'planted.yaml'}")
        if args.write_planted:
            shutil.copyfile(out_dir / "planted.yaml", PLANTED_COPY)
            print(f"refreshed {PLANTED_COPY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
