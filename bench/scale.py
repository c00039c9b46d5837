"""Deterministic, streaming scale generator: a large AI春晚 instance in the real export formats.

``generate_instance(out_dir, platform_rows=..., respondents=..., seed=...)`` writes, in ingest
order (listed in ``manifest.json``):

* ``wjx_aigala_2026_text.csv`` (UTF-8; optionally ``.xlsx``) - a 问卷星 text export of the
  participant questionnaire, one row per respondent, rendered by ``etl.sample.exports``;
* ``catalogue_aigala.xlsx`` - programs of the 2024-2026 editions, their creators (respondents,
  by contact), sponsors and every published content item;
* ``<platform>_aigala_<year>.csv`` / ``youtube_aigala_<year>/`` - one creator-centre export per
  platform per calendar year, daily from each item's publish day (B站 cumulative snapshots,
  抖音 GB18030 with ``1.2万`` / ``35.2%`` / ``1分42秒``, 视频号, 小红书, 微博, YouTube Studio folders),
  in the headers, encodings and date forms of ``etl.sample.plays.CN_EXPORTS``;
* ``live_aigala_<year>.csv`` and ``activity_aigala.csv`` at a proportionate scale.

Every content id in the platform exports is a row of the catalogue's 发布 sheet, so plays attach
to programs. Nothing is planted to be rejected: a clean instance, so the ETL's loaded daily views
must equal ``expected_total_plays`` of the manifest, computed from what was written.

Memory: only the plan (programs and content items, O(contents)) and the respondents' contacts are
held; platform rows are produced one day at a time by generators and written in chunks of
``chunk_rows`` rows, so the 10M-row instance never exists in memory. Determinism: seeded
``random.Random`` and ``numpy`` generators per part (named streams), fixed xlsx timestamps, so
one seed always gives byte-identical files.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import math
import random
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import numpy as np
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.writer.excel import ExcelWriter

from etl.sample import platform_vocab as pv
from etl.sample import vocab
from etl.sample.catalogue import (
    SHEET_HEADERS,
    Content,
    Program,
    _duration_cell,
    content_id,
    content_url,
    platform_title,
)
from etl.sample.exports import load_questionnaire, render_wjx, wjx_header
from etl.sample.generate import Row, _channel, _duration, _ip, _wjx_line
from etl.sample.model import (
    Person,
    format_contact,
    iid_draw,
    make_answers,
    make_contact,
    make_name,
)
from etl.sample.platforms import ZH
from etl.sample.plays import (
    CN_EXPORTS,
    METRIC_RATES,
    YT_CHART,
    YT_TABLE,
    YT_TOTALS,
    fmt_date,
    fmt_fen_miao,
    fmt_hms,
    fmt_wan,
    noisy,
)
from etl.sample.signals import ACTIVITY_HEADER, LIVE_HEADER, _live_shape

DEFAULT_PLATFORM_ROWS = 10_000_000
DEFAULT_RESPONDENTS = 100_000
DEFAULT_SEED = 20260216
CHUNK_ROWS = 20_000

EDITIONS = {2024: date(2024, 2, 9), 2025: date(2025, 1, 28), 2026: date(2026, 2, 16)}  # 除夕
EDITION_NAMES = {2024: "第一届AI春晚", 2025: "第二届AI春晚", 2026: "第三届AI春晚"}
EDITION_WEIGHTS = {2024: 0.25, 2025: 0.35, 2026: 0.40}  # share of programs: the community grows
DATA_END = date(2026, 10, 31)  # last day of every platform export
LIFE_DAYS = {121: 0.55, 365: 0.30, 730: 0.15}  # how long an item's daily rows are exported
PEAK_VIEWS = {  # median views on the first full day, before the program's popularity
    "bilibili": 4000,
    "douyin": 15000,
    "wechat_channels": 2500,
    "xiaohongshu": 1800,
    "weibo": 3000,
    "youtube": 900,
}
SURVEY_EDITION = 2026
SURVEY_FILE = f"wjx_aigala_{SURVEY_EDITION}_text"
SURVEY_START = datetime(2026, 2, 18, 9, 0, 0)
SURVEY_END = datetime(2026, 3, 31, 23, 0, 0)
CATALOGUE_FILE = "catalogue_aigala.xlsx"
ACTIVITY_FILE = "activity_aigala.csv"
ACTIVITY_START = date(2023, 6, 1)
LIVE_GALA_PLATFORMS = ("bilibili", "douyin", "wechat_channels")
LIVE_CREATOR_PLATFORMS = ("bilibili", "douyin", "wechat_channels", "xiaohongshu", "weibo")
LIVE_ROWS_PER_STREAM = 100_000  # one creator live stream per edition per this many platform rows
XLSX_STAMP = datetime(2026, 4, 1, 9, 0, 0)
WAN_CELLS = {  # (metrics written as 1.2万 / 3.4w at times, unit, odds), as in etl.sample.plays
    "douyin": (("views", "likes"), "万", 0.35),
    "xiaohongshu": (("views", "impressions"), "w", 0.3),
}
ENCODINGS = {"survey": "utf-8", "live": "utf-8-sig", "activity": "utf-8-sig", "youtube": "utf-8"}


# --- chunked writing -----------------------------------------------------------------------


class ChunkedCsvWriter:
    """Write a header and then rows to a CSV file, ``chunk_rows`` rows per encoded write."""

    def __init__(
        self,
        path: Path,
        header: Sequence[Any],
        encoding: str,
        *,
        chunk_rows: int = CHUNK_ROWS,
        lineterminator: str = "\r\n",
    ) -> None:
        """Open the file (text mode: a BOM, if the encoding has one, is written once)."""
        if chunk_rows < 1:
            raise ValueError("chunk_rows must be at least 1")
        self.path = path
        self.chunk_rows = chunk_rows
        self.lineterminator = lineterminator
        self.rows_written = 0
        self.chunks_written = 0
        self._handle = open(path, "w", encoding=encoding, newline="")  # noqa: SIM115
        self._handle.write(self._render([header]))

    def _render(self, rows: Iterable[Sequence[Any]]) -> str:
        """Render rows as minimally quoted CSV text."""
        buf = io.StringIO(newline="")
        csv.writer(buf, lineterminator=self.lineterminator).writerows(rows)
        return buf.getvalue()

    def write_chunk(self, rows: Sequence[Sequence[Any]]) -> None:
        """Encode and write one chunk of rows."""
        self._handle.write(self._render(rows))
        self.rows_written += len(rows)
        self.chunks_written += 1

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> int:
        """Consume an iterator of rows chunk by chunk; return how many rows were written."""
        before = self.rows_written
        it = iter(rows)
        while chunk := list(itertools.islice(it, self.chunk_rows)):
            self.write_chunk(chunk)
        return self.rows_written - before

    def close(self) -> None:
        """Flush and close the file."""
        self._handle.close()

    def __enter__(self) -> ChunkedCsvWriter:
        """Use as a context manager."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close on leaving the block."""
        self.close()


def save_reproducible(wb: Workbook, path: Path, stamp: datetime, creator: str) -> None:
    """Save a (write-only) workbook, then re-zip it streaming with fixed timestamps."""
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = creator
    tmp = path.with_name(path.name + ".tmp")
    # ExcelWriter directly: Workbook.save() would stamp `modified` with the current time.
    ExcelWriter(wb, ZipFile(tmp, "w", ZIP_DEFLATED, allowZip64=True)).save()
    with ZipFile(tmp) as src, ZipFile(path, "w", ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            with src.open(info) as reader, dst.open(fixed, "w", force_zip64=True) as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
    tmp.unlink()


def _xlsx_row(ws: Any, row: Sequence[Any]) -> list[Any]:
    """Cells for a write-only sheet; text that looks like a formula stays text."""
    out: list[Any] = []
    for value in row:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(value)
    return out


def numpy_rng(seed: int, name: str) -> np.random.Generator:
    """A numpy generator for one named stream (stable across processes, unlike hash())."""
    digest = hashlib.sha256(f"{seed}/{name}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def noisy_counts(mu: np.ndarray, sigma: float, gen: np.random.Generator) -> np.ndarray:
    """Vector form of etl.sample.plays.noisy: log-normal noise, Poisson below 30, 0 at mu <= 0."""
    x = mu * np.exp(gen.normal(0.0, sigma, mu.shape) - sigma * sigma / 2)
    out = np.rint(x)
    small = x < 30
    out[small] = gen.poisson(x[small])
    out[mu <= 0] = 0
    return out.astype(np.int64)


# --- survey --------------------------------------------------------------------------------


def _weighted(shares: Mapping[Any, float], rng: random.Random) -> Any:
    """Draw one key by its weight."""
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _respondent(i: int, rng: random.Random, used: set[str]) -> Person:
    """One respondent of the survey edition, with a contact no one else has."""
    band = _weighted(vocab.AGE_SHARES, rng)
    lo, hi = vocab.AGE_BAND_YEARS[band]
    person = Person(
        pid=f"R{i:07d}",
        group="C",
        gender=_weighted(vocab.GENDER_SHARES, rng),
        role=_weighted(vocab.ROLE_SHARES, rng),
        city=_weighted(vocab.CITY_SHARES, rng),
        age24=rng.randint(lo, hi) - (SURVEY_EDITION - 2024),
        exp25=round(rng.triangular(1, 60, 8)) - 12 * (SURVEY_EDITION - 2025),
        p25=True,
    )
    if person.role == "other":
        person.role_other = rng.choice(vocab.ROLE_OTHER_TEXTS)
    person.name = make_name(person.gender, rng)
    while True:
        kind, value = make_contact(rng)
        if f"{kind}:{value}" not in used:
            used.add(f"{kind}:{value}")
            person.contact_kind, person.contact_value = kind, value
            return person


def iter_survey_rows(
    n: int, seed: int, contacts: list[tuple[str, str]] | None = None
) -> Iterator[list[Any]]:
    """Yield n 问卷星 text-export rows in submission order; collect respondents' contacts."""
    rng = random.Random(f"{seed}/survey")
    questions = load_questionnaire()
    span = (SURVEY_END - SURVEY_START).total_seconds()
    used: set[str] = set()
    elapsed = 0.0
    for i in range(1, n + 1):
        person = _respondent(i, rng, used)
        answers = make_answers(person, SURVEY_EDITION, iid_draw(person, rng), rng)
        cells, _ = render_wjx(answers, questions, SURVEY_EDITION, rng)
        elapsed += span / max(n, 1) * (0.5 + rng.random())
        row = Row(
            idx=i,
            kind="valid",
            person=person,
            answers=answers,
            time=SURVEY_START + timedelta(seconds=int(elapsed)),
            duration=_duration(rng),
            ip=_ip(person, rng),
            channel=_channel(rng),
            cells=cells,
            row_id=i,
        )
        if contacts is not None and answers.contact is not None:
            contacts.append((person.contact_kind, person.contact_value))
        yield _wjx_line(row)


def write_survey(
    out_dir: Path, n: int, seed: int, *, xlsx: bool, chunk_rows: int
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Write the 问卷星 export (csv, and xlsx in write-only mode); return entries and contacts."""
    contacts: list[tuple[str, str]] = []
    header = wjx_header(load_questionnaire())
    csv_path = out_dir / f"{SURVEY_FILE}.csv"
    rows: Iterable[list[Any]] = iter_survey_rows(n, seed, contacts)
    wb: Workbook | None = None
    if xlsx:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Sheet1")
        ws.append(header)
        rows = _tee_to_sheet(rows, ws)
    with ChunkedCsvWriter(csv_path, header, ENCODINGS["survey"], chunk_rows=chunk_rows) as out:
        written = out.write_rows(rows)
    entries = [_entry(out_dir, csv_path, "survey", SURVEY_EDITION, written, encoding="utf-8")]
    if wb is not None:
        xlsx_path = out_dir / f"{SURVEY_FILE}.xlsx"
        save_reproducible(wb, xlsx_path, XLSX_STAMP, creator="wjx.cn")
        entries.append(
            _entry(out_dir, xlsx_path, "survey", SURVEY_EDITION, written, ingest=False)
            | {"note": "same rows as the .csv, as an .xlsx (openpyxl write-only)"}
        )
    return entries, contacts


def _tee_to_sheet(rows: Iterable[list[Any]], ws: Any) -> Iterator[list[Any]]:
    """Pass rows through, appending each to a write-only sheet on the way."""
    for row in rows:
        ws.append(_xlsx_row(ws, row))
        yield row


# --- the plan: programs and content items --------------------------------------------------


@dataclass
class Item:
    """One published content item with its daily-series parameters."""

    content: Content
    rows: int  # daily rows exported, from the publish day
    peak: float
    half_life: float
    tail: float  # long-tail share of the peak that never decays
    published_at: str  # 2026-02-17 21:05
    rates: dict[str, float]
    extra: dict[str, float] = field(default_factory=dict)


@dataclass
class Plan:
    """Everything the catalogue holds; items per platform in publish order."""

    programs: list[Program]
    credits: list[list[tuple[int, str]]]  # per program: (index into contacts, duty)
    sponsorships: list[tuple[str, str]]  # (sponsor id, program id)
    items: dict[str, list[Item]]
    rows: int


def build_plan(n_rows: int, seed: int, n_contacts: int) -> Plan:
    """Deal programs and their publications until the items' daily rows add up to n_rows."""
    rng = random.Random(f"{seed}/plan")
    programs: list[Program] = []
    credits: list[list[tuple[int, str]]] = []
    items: dict[str, list[Item]] = {p: [] for p in pv.PLATFORMS}
    used: set[str] = set()
    per_edition = dict.fromkeys(EDITIONS, 0)
    title_uses: dict[str, int] = {}
    total = 0
    while total < n_rows:
        edition = _weighted(EDITION_WEIGHTS, rng)
        per_edition[edition] += 1
        genre = _weighted(pv.GENRE_SHARES, rng)
        base = rng.choice(pv.TITLES[genre])
        title_uses[base] = title_uses.get(base, 0) + 1
        lo, hi = pv.GENRE_DURATION_S[genre]
        prog = Program(
            pid=f"P{edition}-{per_edition[edition]:03d}",
            edition=edition,
            title=base if title_uses[base] == 1 else f"{base}（{title_uses[base]}）",
            genre=genre,
            duration_s=rng.randint(lo, hi),
            popularity=rng.lognormvariate(0, 0.9),
        )
        k = min(_weighted(pv.CREATORS_PER_PROGRAM, rng), n_contacts)
        credits.append(
            [(i, rng.choice(pv.CREDIT_DUTIES)) for i in rng.sample(range(n_contacts), k)]
        )
        programs.append(prog)
        chosen = [p for p in pv.PLATFORMS if rng.random() < pv.PUBLISH_ODDS[p]]
        for p in sorted(pv.PLATFORMS, key=lambda p: -pv.PUBLISH_ODDS[p]):
            if len(chosen) < 2 and p not in chosen:
                chosen.append(p)
        for platform in (p for p in pv.PLATFORMS if p in chosen):
            if total >= n_rows:
                break
            item = _item(prog, platform, rng, used)
            item.rows = min(item.rows, n_rows - total)
            total += item.rows
            prog.contents.append(item.content)
            items[platform].append(item)
    sponsorships = [
        (f"S{s:02d}", prog.pid)
        for prog in programs
        for s in range(1, len(pv.SPONSORS) + 1)
        if rng.random() < 0.03
    ]
    for platform in items:
        items[platform].sort(key=lambda it: it.content.publish_on)  # stable: creation order
    return Plan(programs, credits, sponsorships, items, total)


def _item(prog: Program, platform: str, rng: random.Random, used: set[str]) -> Item:
    """Publish one program on one platform."""
    cid = content_id(platform, prog.edition, rng, used)
    publish_on = EDITIONS[prog.edition] + timedelta(days=_weighted(pv.PUBLISH_DELAY_DAYS, rng))
    life = _weighted(LIFE_DAYS, rng)
    content = Content(
        platform=platform,
        content_id=cid,
        title=platform_title(platform, prog, rng),
        edition=prog.edition,
        publish_on=publish_on,
        duration_s=prog.duration_s,
        url=content_url(platform, cid, rng),
        popularity=prog.popularity * rng.lognormvariate(0, 0.35),
        program=prog,
    )
    half_life = pv.HALF_LIFE_DAYS[platform][2025] * rng.lognormvariate(0, 0.25)
    extra: dict[str, float] = {}
    if platform == "douyin":
        extra["cr"] = rng.uniform(0.12, 0.4) * (300 / max(prog.duration_s, 150)) ** 0.3
        extra["share"] = rng.uniform(0.25, 0.55)
    if platform == "youtube":
        extra["pct"] = rng.uniform(25, 55)
        extra["ctr"] = rng.uniform(2.0, 9.0)
    return Item(
        content=content,
        rows=min(life, (DATA_END - publish_on).days + 1),
        peak=PEAK_VIEWS[platform] * content.popularity,
        half_life=half_life,
        tail=rng.uniform(0.002, 0.02),
        published_at=f"{publish_on.isoformat()} {rng.randint(20, 23)}:{rng.randrange(60):02d}",
        rates={m: r * rng.lognormvariate(0, 0.3) for m, r in METRIC_RATES[platform].items()},
        extra=extra,
    )


# --- platform exports: one day at a time ---------------------------------------------------


@dataclass
class DayBlock:
    """One platform-day of rows, with the views they mean (per row) for the tallies."""

    day: date
    rows: list[tuple[Any, ...]]
    positions: np.ndarray  # indexes into the platform's items
    views: np.ndarray  # views each row means (1.2万 -> 12000)


def iter_platform_days(plan: Plan, platform: str, seed: int) -> Iterator[DayBlock]:
    """Yield a platform's rows day by day, in date then item order (state: running totals)."""
    items = plan.items[platform]
    if not items:
        return
    gen = numpy_rng(seed, f"platform/{platform}")
    prng = random.Random(f"{seed}/format/{platform}")
    n = len(items)
    starts = np.array([it.content.publish_on.toordinal() for it in items], dtype=np.int64)
    ends = starts + np.array([it.rows for it in items], dtype=np.int64) - 1
    peak = np.array([it.peak for it in items])
    half_life = np.array([it.half_life for it in items])
    tail = np.array([it.tail for it in items])
    metrics = list(METRIC_RATES[platform])
    rates = {m: np.array([it.rates[m] for it in items]) for m in metrics}
    ids = [it.content.content_id for it in items]
    titles = [it.content.title for it in items]
    spec = CN_EXPORTS.get(platform)
    cumulative = spec is not None and spec["mode"] == "cumulative"
    running = {m: np.zeros(n, dtype=np.int64) for m in ["views", *metrics]} if cumulative else {}
    weekly = np.array(pv.WEEKLY_PLAYS)
    active = np.zeros(0, dtype=np.int64)
    pointer = 0
    for ordinal in range(int(starts.min()), int(ends.max()) + 1):
        active = active[ends[active] >= ordinal]
        first = pointer
        while pointer < n and starts[pointer] <= ordinal:
            pointer += 1
        if pointer > first:
            active = np.concatenate([active, np.arange(first, pointer, dtype=np.int64)])
        if not active.size:
            continue
        day = date.fromordinal(ordinal)
        age = ordinal - starts[active]
        shape = np.where(
            age == 0,
            pv.PUBLISH_DAY_SHARE,
            np.exp2(-np.maximum(age - 1, 0) / half_life[active]) + tail[active],
        )
        views = noisy_counts(peak[active] * shape * weekly[day.weekday()], 0.1, gen)
        values = {"views": views}
        for m in metrics:
            drawn = noisy_counts(views * rates[m][active], 0.2, gen)
            values[m] = np.where(views > 0, drawn, 0)
        if "unique_viewers" in values:
            values["unique_viewers"] = np.minimum(values["unique_viewers"], views)
        if platform == "youtube":
            rows, meant = _youtube_rows(day, active, items, views)
        else:
            assert spec is not None
            if cumulative:
                for m, v in values.items():
                    running[m][active] += v
            rows, meant = _cn_rows(
                platform, spec, day, active, ids, titles, items, values, running, gen, prng
            )
        yield DayBlock(day, rows, active, meant)


def _cn_rows(
    platform: str,
    spec: dict[str, Any],
    day: date,
    active: np.ndarray,
    ids: list[str],
    titles: list[str],
    items: list[Item],
    values: dict[str, np.ndarray],
    running: dict[str, np.ndarray],
    gen: np.random.Generator,
    prng: random.Random,
) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    """Render one day of a creator-centre export like etl.sample.plays does, per column."""
    pos = active.tolist()
    views = values["views"]
    meant = views
    columns: list[list[Any]] = []
    for metric in spec["columns"].values():
        if metric == "published_at":
            columns.append([items[i].published_at for i in pos])
        elif metric == "completion_rate":
            cr = np.array([items[i].extra["cr"] for i in pos])
            cr = np.minimum(0.95, cr * gen.lognormal(0, 0.08, cr.shape))
            columns.append(
                [
                    f"{c * 100:.1f}%" if v else ""
                    for c, v in zip(cr.tolist(), views.tolist(), strict=True)
                ]
            )
        elif metric == "avg_view_duration_s":
            dur = np.array([items[i].content.duration_s for i in pos])
            share = np.array([items[i].extra["share"] for i in pos])
            sec = np.minimum(
                np.maximum(3, np.rint(dur * share * gen.lognormal(0, 0.1, dur.shape))), dur
            )
            columns.append(
                [
                    fmt_fen_miao(int(s)) if v else ""
                    for s, v in zip(sec.tolist(), views.tolist(), strict=True)
                ]
            )
        elif running:
            columns.append(running[metric][active].tolist())
        else:
            raw = values[metric].tolist()
            wan = WAN_CELLS.get(platform)
            if wan and metric in wan[0]:
                pairs = [fmt_wan(v, wan[1], wan[2], prng) for v in raw]
                columns.append([text for text, _ in pairs])
                if metric == "views":
                    meant = np.array([v for _, v in pairs], dtype=np.int64)
            elif platform == "weibo":
                columns.append([f"{v:,}" if v >= 1000 and prng.random() < 0.5 else v for v in raw])
            else:
                columns.append(raw)
    day_text = fmt_date(day, spec["date_form"])
    rows = list(
        zip(itertools.repeat(day_text), [ids[i] for i in pos], [titles[i] for i in pos], *columns)
    )
    return rows, meant


def _youtube_rows(
    day: date, active: np.ndarray, items: list[Item], views: np.ndarray
) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    """Render one day of a YouTube Studio Chart data.csv."""
    form = _youtube_date_form(day.year)
    day_text = fmt_date(day, form)
    rows = []
    for i, v in zip(active.tolist(), views.tolist(), strict=True):
        c = items[i].content
        rows.append(
            (
                day_text,
                c.content_id,
                c.title,
                fmt_date(c.publish_on, "Mon D, YYYY"),
                _youtube_duration(c.duration_s, day.year),
                v,
            )
        )
    return rows, views


def _youtube_date_form(year: int) -> str:
    """Studio exports of 2024 wrote 'Feb 9, 2024'; later ones ISO dates (as in the demo)."""
    return "Mon D, YYYY" if year == 2024 else "YYYY-MM-DD"


def _youtube_duration(seconds: int, year: int) -> str:
    """Duration as seconds (2024) or 0:04:23."""
    return str(seconds) if year == 2024 else fmt_hms(seconds)


def export_path(out_dir: Path, platform: str, year: int) -> Path:
    """The file (or YouTube folder) of one platform-year."""
    suffix = "" if platform == "youtube" else ".csv"
    return out_dir / f"{platform}_aigala_{year}{suffix}"


def write_platform_exports(
    out_dir: Path, plan: Plan, seed: int, *, chunk_rows: int
) -> list[dict[str, Any]]:
    """Write one export per platform per calendar year, streaming the days into chunks."""
    entries = []
    for platform in pv.PLATFORMS:
        days = iter_platform_days(plan, platform, seed)
        for year, blocks in itertools.groupby(days, key=lambda b: b.day.year):
            path = export_path(out_dir, platform, year)
            tally = _Tally()
            if platform == "youtube":
                entry = _write_youtube(
                    path, year, plan.items[platform], blocks, tally, seed, chunk_rows
                )
            else:
                spec = CN_EXPORTS[platform]
                header = [
                    spec["date_column"],
                    spec["id_column"],
                    spec["title_column"],
                    *spec["columns"],
                ]
                with ChunkedCsvWriter(path, header, spec["encoding"], chunk_rows=chunk_rows) as out:
                    rows = out.write_rows(tally.rows(blocks))
                entry = _entry(out_dir, path, platform, year, rows, encoding=spec["encoding"])
            entry["plays"] = tally.plays
            entry["mode"] = CN_EXPORTS[platform]["mode"] if platform in CN_EXPORTS else "daily"
            entry["contents"] = len(tally.contents)
            entries.append(entry)
    return entries


class _Tally:
    """Counts what passes through: plays, per-item and per-day views."""

    def __init__(self) -> None:
        """Start at zero."""
        self.plays = 0
        self.contents: dict[int, int] = {}
        self.per_day: dict[date, int] = {}

    def rows(self, blocks: Iterable[DayBlock]) -> Iterator[tuple[Any, ...]]:
        """Yield the blocks' rows, tallying each block as it goes."""
        for block in blocks:
            total = int(block.views.sum())
            self.plays += total
            self.per_day[block.day] = total
            for i, v in zip(block.positions.tolist(), block.views.tolist(), strict=True):
                self.contents[i] = self.contents.get(i, 0) + v
            yield from block.rows


def _write_youtube(
    folder: Path,
    year: int,
    items: list[Item],
    blocks: Iterable[DayBlock],
    tally: _Tally,
    seed: int,
    chunk_rows: int,
) -> dict[str, Any]:
    """Write a Studio advanced-mode folder: Chart data streamed, then Totals and Table data."""
    folder.mkdir(parents=True, exist_ok=True)
    enc = ENCODINGS["youtube"]
    with ChunkedCsvWriter(folder / "Chart data.csv", YT_CHART, enc, chunk_rows=chunk_rows) as out:
        chart_rows = out.write_rows(tally.rows(blocks))
    form = _youtube_date_form(year)
    with ChunkedCsvWriter(folder / "Totals.csv", YT_TOTALS, enc, chunk_rows=chunk_rows) as out:
        out.write_rows((fmt_date(d, form), v) for d, v in sorted(tally.per_day.items()))
    rng = random.Random(f"{seed}/youtube-table/{year}")
    ranked = sorted(
        tally.contents.items(), key=lambda kv: (-kv[1], items[kv[0]].content.content_id)
    )
    table: list[list[Any]] = []
    tot = {"views": 0, "watch": 0.0, "subs": 0, "impr": 0, "clicks": 0.0, "watch_s": 0}
    for i, views in ranked:
        it = items[i]
        c = it.content
        pct = it.extra["pct"]
        avd = max(1, round(c.duration_s * pct / 100))
        watch = round(views * avd / 3600, 4)
        subs = round(views * 0.004 * rng.lognormvariate(0, 0.3))
        if views < 200 and rng.random() < 0.2:
            subs = -rng.randint(1, 5)  # lost subscribers
        ctr = round(it.extra["ctr"], 2)
        impr = round(views / (ctr / 100) * rng.uniform(0.6, 0.9))
        unique = round(views * rng.uniform(0.7, 0.9))
        table.append(
            [
                c.content_id,
                c.title,
                fmt_date(c.publish_on, "Mon D, YYYY"),
                _youtube_duration(c.duration_s, year),
                views,
                f"{watch:.4f}",
                subs,
                impr,
                f"{ctr:.2f}",
                unique,
                fmt_hms(avd),
                f"{pct:.2f}",
            ]
        )
        tot["views"] += views
        tot["watch"] += watch
        tot["subs"] += subs
        tot["impr"] += impr
        tot["clicks"] += impr * ctr / 100
        tot["watch_s"] += views * avd
    total_row = [
        "Total",
        "",
        "",
        "",
        tot["views"],
        f"{tot['watch']:.4f}",
        tot["subs"],
        tot["impr"],
        f"{tot['clicks'] / tot['impr'] * 100:.2f}" if tot["impr"] else "",
        "",
        fmt_hms(round(tot["watch_s"] / tot["views"])) if tot["views"] else "",
        "",
    ]
    with ChunkedCsvWriter(folder / "Table data.csv", YT_TABLE, enc, chunk_rows=chunk_rows) as out:
        out.write_rows([total_row, *table])
    entry = _entry(folder.parent, folder, "youtube", year, chart_rows, encoding=enc)
    entry["other_rows"] = {"Table data.csv": len(table) + 1, "Totals.csv": len(tally.per_day)}
    return entry


# --- catalogue -----------------------------------------------------------------------------


def write_catalogue(
    out_dir: Path, plan: Plan, contacts: list[tuple[str, str]], seed: int
) -> dict[str, Any]:
    """Write the catalogue workbook (write-only mode, fixed timestamps)."""
    rng = random.Random(f"{seed}/catalogue")
    wb = Workbook(write_only=True)
    counts: dict[str, int] = {}

    def sheet(name: str, rows: Iterable[Sequence[Any]]) -> None:
        ws = wb.create_sheet(name)
        ws.append(SHEET_HEADERS[name])
        n = 0
        for row in rows:
            ws.append(_xlsx_row(ws, row))
            n += 1
        counts[name] = n

    sheet("届次", ([y, d.isoformat(), EDITION_NAMES[y]] for y, d in EDITIONS.items()))
    sheet(
        "节目",
        (
            [p.pid, p.title, p.genre, _duration_cell(p.duration_s, rng)[0], p.edition]
            for p in plan.programs
        ),
    )
    sheet(
        "主创",
        (
            [p.pid, format_contact(*contacts[i], rng), duty]
            for p, credits in zip(plan.programs, plan.credits, strict=True)
            for i, duty in credits
        ),
    )
    sheet("赞助商", ([f"S{i:02d}", zh, en] for i, (zh, en) in enumerate(pv.SPONSORS, 1)))
    sheet("赞助", ([sid, pid] for sid, pid in plan.sponsorships))
    sheet(
        "发布",
        (
            [p.pid, _weighted(pv.PLATFORM_SPELLINGS[c.platform], rng), c.content_id, c.url]
            for p in plan.programs
            for c in p.contents
        ),
    )
    path = out_dir / CATALOGUE_FILE
    save_reproducible(wb, path, XLSX_STAMP, creator="AI春晚组委会")
    entry = _entry(out_dir, path, "catalogue", max(EDITIONS), sum(counts.values()))
    entry["sheets"] = counts
    return entry


# --- live minutes and creator activity -----------------------------------------------------


def iter_live_rows(edition: int, creator_streams: int, seed: int) -> Iterator[list[Any]]:
    """Yield one edition's live minutes: the gala on three platforms, then creators' streams."""
    rng = random.Random(f"{seed}/live/{edition}")
    used: set[str] = set()
    broadcast = datetime.combine(EDITIONS[edition], datetime.min.time())
    streams: list[tuple[str, datetime, int, float]] = [
        (p, broadcast + timedelta(hours=20), pv.LIVE_MINUTES, rng.uniform(80_000, 320_000))
        for p in LIVE_GALA_PLATFORMS
    ]
    for _ in range(creator_streams):
        day = broadcast + timedelta(days=rng.randint(-30, 60), hours=rng.randint(18, 21))
        streams.append(
            (
                rng.choice(LIVE_CREATOR_PLATFORMS),
                day + timedelta(minutes=rng.choice((0, 15, 30, 45))),
                rng.randint(60, 180),
                rng.lognormvariate(math.log(3000), 1.0),
            )
        )
    for platform, start, minutes, level in streams:
        while (live_id := _live_id(platform, edition, rng)) in used:
            pass
        used.add(live_id)
        highlights = [(rng.randint(20, minutes - 5), rng.uniform(0.04, 0.1)) for _ in range(4)]
        shape = _live_shape(highlights)[:minutes]
        top = max(shape)
        no_gifts = platform == "wechat_channels"
        for m, s in enumerate(shape):
            online = round(level * s / top * rng.lognormvariate(0, 0.012))
            yield [
                ZH[platform],
                live_id,
                (start + timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M"),
                online,
                noisy(online * 0.01, 0.15, rng),
                "" if no_gifts else noisy(online * 0.0012, 0.25, rng),
            ]


def _live_id(platform: str, edition: int, rng: random.Random) -> str:
    """A platform-shaped live room / stream id."""
    if platform == "bilibili":
        return str(rng.randint(21_000_000, 32_999_999))
    if platform == "douyin":
        return ("73" if edition == 2024 else "74") + f"{rng.randrange(10**17):017d}"
    return "live_" + "".join(rng.choice("0123456789abcdef") for _ in range(16))


def iter_activity_rows(contacts: Sequence[tuple[str, str]], seed: int) -> Iterator[list[Any]]:
    """Yield the works of every respondent who left a contact, person by person."""
    rng = random.Random(f"{seed}/activity")
    span = (DATA_END - ACTIVITY_START).days + 1
    platforms = list(pv.ACTIVITY_PLATFORMS)
    weights = list(pv.ACTIVITY_PLATFORMS.values())
    for kind, value in contacts:
        how = _weighted(pv.ACTIVITY_KINDS, rng)
        n = {"none": 0, "one": 1, "two_three": rng.choice((2, 3))}.get(how) or rng.randint(4, 12)
        used: set[str] = set()
        for offset in sorted(rng.sample(range(span), n)):
            d = ACTIVITY_START + timedelta(days=offset)
            platform = rng.choices(platforms, weights=weights)[0]
            title = rng.choice(pv.ACTIVITY_TITLE_FORMS).format(
                w=rng.choice(pv.ACTIVITY_WORDS),
                t=rng.choice(pv.ACTIVITY_TOOLS),
                k=rng.choice(pv.ACTIVITY_WORK_KINDS),
            )
            yield [
                format_contact(kind, value, rng),
                platform,
                f"{d.year}/{d.month}/{d.day}" if rng.random() < 0.1 else d.isoformat(),
                content_id(platform, 2024 if d.year <= 2024 else 2025, rng, used),
                title,
            ]


# --- the whole instance --------------------------------------------------------------------


def _entry(
    root: Path,
    path: Path,
    source: str,
    edition: int | None,
    rows: int,
    *,
    encoding: str | None = None,
    ingest: bool = True,
) -> dict[str, Any]:
    """A manifest entry: where, what, how many data rows and bytes."""
    members = sorted(path.iterdir()) if path.is_dir() else [path]
    return {
        "path": path.relative_to(root).as_posix(),
        "source": source,
        "edition": edition,
        "rows": rows,
        "bytes": sum(p.stat().st_size for p in members),
        "encoding": encoding,
        "ingest": ingest,
    }


def generate_instance(
    out_dir: Path | str,
    *,
    platform_rows: int = DEFAULT_PLATFORM_ROWS,
    respondents: int = DEFAULT_RESPONDENTS,
    seed: int = DEFAULT_SEED,
    survey_xlsx: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> dict[str, Any]:
    """Write the whole instance into out_dir and return (and write) its manifest."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files, contacts = write_survey(out, respondents, seed, xlsx=survey_xlsx, chunk_rows=chunk_rows)
    plan = build_plan(platform_rows, seed, len(contacts))
    files.append(write_catalogue(out, plan, contacts, seed))
    platform_files = write_platform_exports(out, plan, seed, chunk_rows=chunk_rows)
    files += platform_files
    streams = max(1, round(platform_rows / LIVE_ROWS_PER_STREAM))
    for edition in EDITIONS:
        path = out / f"live_aigala_{edition}.csv"
        with ChunkedCsvWriter(path, LIVE_HEADER, ENCODINGS["live"], chunk_rows=chunk_rows) as w:
            rows = w.write_rows(iter_live_rows(edition, streams, seed))
        files.append(_entry(out, path, "live", edition, rows, encoding=ENCODINGS["live"]))
    path = out / ACTIVITY_FILE
    with ChunkedCsvWriter(path, ACTIVITY_HEADER, ENCODINGS["activity"], chunk_rows=chunk_rows) as w:
        rows = w.write_rows(iter_activity_rows(contacts, seed))
    files.append(_entry(out, path, "activity", None, rows, encoding=ENCODINGS["activity"]))

    by_platform = {
        p: sum(f["plays"] for f in platform_files if f["source"] == p) for p in pv.PLATFORMS
    }
    manifest = {
        "generator": "bench.scale",
        "seed": seed,
        "platform_rows": sum(f["rows"] for f in platform_files),
        "respondents": respondents,
        "participants_with_contact": len(contacts),
        "editions": {y: d.isoformat() for y, d in EDITIONS.items()},
        "data_end": DATA_END.isoformat(),
        "programs": len(plan.programs),
        "contents": {p: len(v) for p, v in plan.items.items()},
        "expected_total_plays": sum(by_platform.values()),
        "expected_plays_by_platform": by_platform,
        "plays_definition": "sum of the daily views written, as the ETL reads them (1.2万 = "
        "12000); B站 files are cumulative snapshots continuing across years, so load them in "
        "year order and the sum of daily deltas equals this",
        "files": files,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest
