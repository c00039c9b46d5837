"""Tests for the platform side of the sample generator (issue 3): formats and planted facts.

Every check reads the written files with its own small parsers (never the generator's), so the
planted.yaml numbers are verified against what a reader will actually see.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import math
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from etl.sample import SampleFile, generate_sample_exports
from etl.sample.generate import DEFAULT_SEED

PLATFORMS = ("bilibili", "douyin", "wechat_channels", "xiaohongshu", "weibo", "youtube")
CN = PLATFORMS[:-1]
EDITIONS = (2024, 2025)
# Headers exactly as FORMATS.md section 3 and the alias tables name them.
CN_HEADERS = {
    "bilibili": "统计日期,BV号,标题,累计播放,累计点赞,累计投币,累计收藏,累计弹幕,累计评论,累计分享",
    "douyin": "日期,作品ID,作品名称,播放量,点赞,评论,分享,收藏,完播率,平均播放时长,涨粉",
    "wechat_channels": "日期,视频ID,视频标题,播放量,点赞,推荐,评论,转发,收藏,新增粉丝",
    "xiaohongshu": "时间,笔记ID,笔记标题,观看量,点赞数,收藏,评论数,分享,涨粉,曝光",
    "weibo": "日期,微博ID,标题,发布时间,播放量,转发,评论,点赞,观看人数",
}
CN_ENCODINGS = {
    "bilibili": "utf-8-sig",
    "douyin": "gb18030",
    "wechat_channels": "utf-8",
    "xiaohongshu": "utf-8-sig",
    "weibo": "utf-8",
}
VIEWS_HEADER = {"bilibili": "累计播放", "douyin": "播放量", "wechat_channels": "播放量",
                "xiaohongshu": "观看量", "weibo": "播放量"}  # fmt: skip
YT_TABLE = (
    "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,"
    "Impressions,Impressions click-through rate (%),Unique viewers,Average view duration,"
    "Average percentage viewed (%)"
)
YT_CHART = "Date,Content,Video title,Video publish time,Duration,Views"
ID_PATTERNS = {
    "bilibili": r"BV1[1-9A-HJ-NP-Za-km-z]{9}",
    "douyin": r"7\d{18}",
    "wechat_channels": r"export/[A-Za-z0-9_-]{20,}",
    "xiaohongshu": r"[0-9a-f]{24}",
    "weibo": r"\d{16}",
    "youtube": r"[A-Za-z0-9_-]{11}",
}
PLATFORM_NAMES = {
    "B站": "bilibili",
    "哔哩哔哩": "bilibili",
    "抖音": "douyin",
    "视频号": "wechat_channels",
    "小红书": "xiaohongshu",
    "微博": "weibo",
    "youtube": "youtube",
}
GENRES = {"相声", "小品", "舞蹈", "音乐", "MV", "纪录片", "动画", "短片"}
FESTIVALS = {
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[SampleFile]]:
    """Generate the default-seed sample once for the module."""
    out = tmp_path_factory.mktemp("platform_sample")
    return out, generate_sample_exports(out)


@pytest.fixture(scope="module")
def out(sample: tuple[Path, list[SampleFile]]) -> Path:
    """The output folder."""
    return sample[0]


@pytest.fixture(scope="module")
def planted(out: Path) -> dict[Any, Any]:
    """Load the planted.yaml written next to the exports."""
    return yaml.safe_load((out / "planted.yaml").read_text(encoding="utf-8"))


# --- independent parsers -------------------------------------------------------------------


def read_csv(path: Path, encoding: str) -> list[list[str]]:
    """Decode strictly and parse a CSV file (header included)."""
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def parse_count(text: str) -> int:
    """1234, 1,234, 1.2万, 3.4w -> int; anything else raises ValueError."""
    t = text.strip().replace(",", "")
    if t.endswith(("万", "w")):
        if not re.fullmatch(r"\d+(\.\d)?", t[:-1]):
            raise ValueError(text)
        return int(Decimal(t[:-1]) * 10000)
    if not re.fullmatch(r"\d+", t):
        raise ValueError(text)
    return int(t)


def parse_day(text: str) -> date:
    """2025-02-01, 2025/2/1, 20250201, Feb 1, 2025 -> date; anything else raises ValueError."""
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%b %d, %Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            pass
    raise ValueError(text)


def contact_key(raw: Any) -> str | None:
    """Normalise a written contact: phone digits without +86, others lower-cased."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    if not text:
        return None
    if re.fullmatch(r"[+\d\s\-()]+", text):
        digits = re.sub(r"\D", "", text)
        return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
    return text.lower()


def roster_editions(out: Path) -> dict[str, set[int]]:
    """Contact key -> editions, from the valid roster rows."""
    rows = read_csv(out / "roster_aigala.csv", "utf-8-sig")[1:]
    found: dict[str, set[int]] = {}
    for r in rows:
        key = contact_key(r[1])
        editions = r[3].split(";")
        if key and set(editions) <= {"2024", "2025"}:
            found[key] = {int(e) for e in editions}
    return found


def catalogue_sheets(out: Path) -> dict[str, list[list[Any]]]:
    """Every sheet of the catalogue workbook as rows (header included)."""
    wb = openpyxl.load_workbook(out / "catalogue_aigala.xlsx")
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


def duration_s(cell: Any) -> int:
    """4:23 or 263 -> seconds."""
    if isinstance(cell, int):
        return cell
    m, s = str(cell).split(":")
    return int(m) * 60 + int(s)


def cn_rows(out: Path, platform: str, edition: int) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of one creator-centre export."""
    rows = read_csv(out / f"{platform}_aigala_{edition}.csv", CN_ENCODINGS[platform])
    return rows[0], rows[1:]


def load_cn(out: Path, platform: str, edition: int) -> dict[str, Any]:
    """Read one export like a strict loader: valid rows, rejects (file row, column), plays."""
    header, rows = cn_rows(out, platform, edition)
    views = header.index(VIEWS_HEADER[platform])
    valid: list[tuple[str, date, int]] = []
    rejects: list[tuple[int, str]] = []
    for i, r in enumerate(rows, 2):
        if not r[1].strip():
            rejects.append((i, header[1]))
            continue
        try:
            day = parse_day(r[0])
        except ValueError:
            rejects.append((i, header[0]))
            continue
        try:
            v = parse_count(r[views])
        except ValueError:
            rejects.append((i, header[views]))
            continue
        valid.append((r[1], day, v))
    if platform == "bilibili":
        last: dict[str, tuple[date, int]] = {}
        for cid, day, v in valid:
            if cid not in last or day > last[cid][0]:
                last[cid] = (day, v)
        per_content = {cid: v for cid, (_, v) in last.items()}
    else:
        per_content = defaultdict(int)
        for cid, _, v in valid:
            per_content[cid] += v
    return {
        "rows": len(rows),
        "valid": valid,
        "rejects": rejects,
        "per_content": dict(per_content),
        "total": sum(per_content.values()),
    }


def load_youtube(out: Path, edition: int) -> dict[str, Any]:
    """Read one Studio folder: valid chart rows, rejects, table and totals."""
    folder = out / f"youtube_aigala_{edition}"
    chart = read_csv(folder / "Chart data.csv", "utf-8")
    table = read_csv(folder / "Table data.csv", "utf-8")
    totals = read_csv(folder / "Totals.csv", "utf-8")
    valid, rejects = [], []
    for i, r in enumerate(chart[1:], 2):
        if not r[1]:
            rejects.append((i, "Content"))
            continue
        try:
            day = parse_day(r[0])
        except ValueError:
            rejects.append((i, "Date"))
            continue
        try:
            v = parse_count(r[5])
        except ValueError:
            rejects.append((i, "Views"))
            continue
        valid.append((r[1], day, v))
    per_content: dict[str, int] = defaultdict(int)
    for cid, _, v in valid:
        per_content[cid] += v
    return {
        "chart": chart,
        "table": table,
        "totals": totals,
        "valid": valid,
        "rejects": rejects,
        "per_content": dict(per_content),
        "total": sum(per_content.values()),
    }


def publications(out: Path) -> dict[str, set[str]]:
    """Platform -> content ids of the valid 发布 rows of the catalogue."""
    sheets = catalogue_sheets(out)
    programs = {r[0] for r in sheets["节目"][1:] if r[2] in GENRES}
    found: dict[str, set[str]] = defaultdict(set)
    for pid, platform, cid, _link in sheets["发布"][1:]:
        name = PLATFORM_NAMES.get(platform, PLATFORM_NAMES.get(str(platform).lower(), platform))
        if pid in programs and name in PLATFORMS:
            found[name].add(cid)
    return found


def sha(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files in name order."""
    h = hashlib.sha256()
    for p in sorted(path.iterdir()) if path.is_dir() else [path]:
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


# --- determinism and the file list ---------------------------------------------------------


def test_same_seed_gives_byte_identical_platform_files(
    sample: tuple[Path, list[SampleFile]], tmp_path: Path
) -> None:
    """Same seed: same bytes for every file and folder; another seed: other bytes."""
    out, files = sample
    again = generate_sample_exports(tmp_path / "again", seed=DEFAULT_SEED)
    other = generate_sample_exports(tmp_path / "other", seed=DEFAULT_SEED + 1)
    assert [f.path.name for f in again] == [f.path.name for f in files]
    for f, g, h in zip(files, again, other, strict=True):
        assert sha(f.path) == sha(g.path), f.path.name
        assert sha(f.path) != sha(h.path), f.path.name
    assert sha(out / "planted.yaml") == sha(tmp_path / "again" / "planted.yaml")


def test_files_are_listed_in_ingest_order(sample: tuple[Path, list[SampleFile]]) -> None:
    """Surveys, roster, catalogue, platforms (both editions), 小红书 snapshots, live, ..."""
    _, files = sample
    expected = [
        ("wjx", 2024),
        ("tencent", 2025),
        ("roster", 2025),
        ("catalogue", 2025),
        *[(p, e) for p in PLATFORMS for e in EDITIONS],
        ("xiaohongshu", 2025),  # the two 笔记列表明细表 snapshots
        ("xiaohongshu", 2025),
        ("live", 2024),
        ("live", 2025),
        ("retention", 2025),
        ("activity", 2025),
        ("attention", 2025),
        ("attention", 2025),  # Google Trends multiTimeline.csv
    ]
    assert [(f.source, f.edition_year) for f in files] == expected
    for f in files:
        assert f.path.exists() and f.description
        assert f.path.is_dir() == (f.source == "youtube")


# --- catalogue -----------------------------------------------------------------------------


def test_catalogue_workbook_layout_and_content(out: Path, planted: dict) -> None:
    """Six sheets with FORMATS headers; 52-60 programs per edition; creators in the roster."""
    wb = openpyxl.load_workbook(out / "catalogue_aigala.xlsx")
    assert wb.properties.created == wb.properties.modified
    sheets = catalogue_sheets(out)
    assert list(sheets) == ["届次", "节目", "主创", "赞助商", "赞助", "发布"]
    assert [s[0] for s in sheets.values()] == [
        ["年份", "播出日期", "名称"],
        ["节目编号", "节目名称", "类型", "时长", "届次"],
        ["节目编号", "联系方式", "分工"],
        ["赞助商编号", "名称", "英文名"],
        ["赞助商编号", "节目编号"],
        ["节目编号", "平台", "内容ID", "链接"],
    ]
    assert [r[:2] for r in sheets["届次"][1:]] == [[2024, "2024-02-09"], [2025, "2025-01-28"]]
    programs = {r[0]: r for r in sheets["节目"][1:] if r[2] in GENRES}
    for edition in EDITIONS:
        mine = [r for r in programs.values() if r[4] == edition]
        assert 52 <= len(mine) <= 60
        assert planted["catalogue"]["editions"][edition]["programs"] == len(mine)
        assert all(re.fullmatch(rf"P{edition}-\d\d", r[0]) for r in mine)
    assert all(90 <= duration_s(r[3]) <= 720 for r in programs.values())
    assert {type(r[3]) for r in programs.values()} == {str, int}
    titles = [r[1] for r in programs.values()]
    assert len(set(titles)) == len(titles)

    roster = roster_editions(out)
    credits: dict[str, list[str]] = defaultdict(list)
    for pid, contact, _duty in sheets["主创"][1:]:
        key = contact_key(contact)
        if key in roster and pid in programs and programs[pid][4] in roster[key]:
            credits[pid].append(key)
    assert set(credits) == set(programs)
    assert all(1 <= len(c) <= 6 for c in credits.values())

    sponsors = {r[0] for r in sheets["赞助商"][1:]}
    assert 4 <= len(sponsors) <= 6
    assert all(re.fullmatch(r"S\d\d", s) for s in sponsors)
    assert all(r[1] and r[2] and r[2].isascii() for r in sheets["赞助商"][1:])
    per_sponsor = Counter(s for s, p in sheets["赞助"][1:] if s in sponsors and p in programs)
    assert set(per_sponsor) == sponsors and all(3 <= n <= 10 for n in per_sponsor.values())

    per_program: dict[str, set[str]] = defaultdict(set)
    for pid, platform, cid, link in sheets["发布"][1:]:
        name = PLATFORM_NAMES.get(platform, str(platform).lower())
        if pid in programs and name in PLATFORMS:
            per_program[pid].add(name)
            assert re.fullmatch(ID_PATTERNS[name], cid), (name, cid)
            assert (link is None) == (name == "wechat_channels")
            assert link is None or cid in link
    assert set(per_program) == set(programs)
    assert all(2 <= len(p) <= 6 for p in per_program.values())


def test_catalogue_rejects_are_where_planted(out: Path, planted: dict) -> None:
    """Exactly the five planted rows are invalid, at the recorded sheet, row and column."""
    sheets = catalogue_sheets(out)
    programs = {r[0] for r in sheets["节目"][1:] if r[2] in GENRES}
    sponsors = {r[0] for r in sheets["赞助商"][1:]}
    roster = roster_editions(out)
    found = []
    for i, r in enumerate(sheets["节目"][1:], 2):
        if r[2] not in GENRES:
            found.append(("节目", i, "类型", "unknown_genre", r[2]))
    for i, r in enumerate(sheets["主创"][1:], 2):
        if contact_key(r[1]) not in roster:
            found.append(("主创", i, "联系方式", "unknown_creator", r[1]))
    for i, r in enumerate(sheets["赞助"][1:], 2):
        if r[0] not in sponsors:
            found.append(("赞助", i, "赞助商编号", "unknown_sponsor", r[0]))
    for i, r in enumerate(sheets["发布"][1:], 2):
        if r[0] not in programs:
            found.append(("发布", i, "节目编号", "unknown_program", r[0]))
        elif PLATFORM_NAMES.get(r[1], str(r[1]).lower()) not in PLATFORMS:
            found.append(("发布", i, "平台", "unknown_platform", r[1]))
    want = [
        (r["sheet"], r["file_row"], r["column"], r["kind"], r["value"])
        for r in planted["catalogue"]["rejects"]
    ]
    assert sorted(found) == sorted(want)
    assert {r[3] for r in found} == {
        "unknown_genre",
        "unknown_creator",
        "unknown_sponsor",
        "unknown_program",
        "unknown_platform",
    }
    info = planted["catalogue"]
    for name, rows in sheets.items():
        assert info["rows_written"][name] == len(rows) - 1
        assert info["rows_valid"][name] == len(rows) - 1 - sum(r[0] == name for r in found)


# --- platform exports ----------------------------------------------------------------------


@pytest.mark.parametrize("platform", CN)
def test_creator_centre_headers_and_encodings(out: Path, platform: str) -> None:
    """Headers exactly per FORMATS; douyin is GB18030 (not UTF-8); BOMs where planted."""
    for edition in EDITIONS:
        path = out / f"{platform}_aigala_{edition}.csv"
        raw = path.read_bytes()
        if platform == "douyin":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
        assert raw.startswith(b"\xef\xbb\xbf") == (CN_ENCODINGS[platform] == "utf-8-sig")
        header, rows = cn_rows(out, platform, edition)
        assert ",".join(header) == CN_HEADERS[platform]
        assert all(len(r) == len(header) for r in rows)
    _, rows = cn_rows(out, platform, 2025)
    cells = [c for r in rows for c in r]
    if platform == "douyin":
        assert any(re.fullmatch(r"\d+\.\d万", c) for c in cells)
        assert any(re.fullmatch(r"\d+\.\d%", c) for c in cells)
        assert any(re.fullmatch(r"\d+分\d+秒", c) for c in cells)
    if platform == "xiaohongshu":
        assert any(re.fullmatch(r"\d+\.\dw", c) for c in cells)
    if platform == "weibo":
        assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", c) for c in cells)
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", r[3]) for r in rows)


def test_youtube_studio_folder_layout(out: Path, planted: dict) -> None:
    """Table data with its Total row first, Chart data, Totals; Studio value forms."""
    for edition in EDITIONS:
        yt = load_youtube(out, edition)
        table, chart = yt["table"], yt["chart"]
        assert ",".join(table[0]) == YT_TABLE
        assert ",".join(chart[0]) == YT_CHART
        assert yt["totals"][0] == ["Date", "Views"]
        assert table[1][0] == "Total" and table[1][1:4] == ["", "", ""]
        videos = table[2:]
        assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4}", r[2]) for r in videos)
        form = r"\d+" if edition == 2024 else r"0:\d\d:\d\d"
        assert all(re.fullmatch(form, r[3]) for r in videos)
        assert all(re.fullmatch(r"0:\d\d:\d\d", r[10]) for r in videos)
        assert sum(int(r[6]) < 0 for r in videos) == 2
        assert any("" in r[7:10] for r in videos)
        # the Total row and Totals.csv agree with the Chart data
        assert int(table[1][4]) == sum(int(r[4]) for r in videos) == yt["total"]
        by_day: dict[date, int] = defaultdict(int)
        for _, day, v in yt["valid"]:
            by_day[day] += v
        assert {parse_day(d): int(v) for d, v in yt["totals"][1:]} == dict(by_day)
        assert {r[0]: int(r[4]) for r in videos} == yt["per_content"]
        info = planted["platforms"]["youtube"]["editions"][edition]
        assert info["rows_written"] == len(chart) - 1 + len(table) - 1 + len(yt["totals"]) - 1
        assert info["chart_rows_written"] == len(chart) - 1
        assert [(r["file_row"], r["column"]) for r in info["rejects"]] == sorted(yt["rejects"])
        assert info["total_plays"] == yt["total"]
        negative = {r[0]: int(r[6]) for r in videos if int(r[6]) < 0}
        assert negative == {n["content_id"]: n["subscribers"] for n in info["negative_subscribers"]}


@pytest.mark.parametrize("platform", CN)
def test_platform_planted_counts_equal_files(out: Path, planted: dict, platform: str) -> None:
    """Rows written, valid, rejected (row and column), plays and content window per file."""
    info = planted["platforms"][platform]
    written = valid = rejected = total = 0
    for edition in EDITIONS:
        got = load_cn(out, platform, edition)
        e = info["editions"][edition]
        assert e["rows_written"] == got["rows"]
        assert e["rows_valid"] == len(got["valid"])
        assert [(r["file_row"], r["column"]) for r in e["rejects"]] == sorted(got["rejects"])
        assert {r["kind"] for r in e["rejects"]} == {
            "bad_date",
            "not_a_number",
            "missing_content_id",
        }
        assert e["total_plays"] == got["total"] == e["totals"]["views"]
        days = defaultdict(list)
        for cid, day, _ in got["valid"]:
            days[cid].append(day)
        for cid, ds in days.items():  # publish day .. +120, one row per day
            assert len(ds) == len(set(ds)) == 121, cid
            assert max(ds) - min(ds) == timedelta(days=120)
        assert e["contents"] == len(days)
        written += got["rows"]
        valid += len(got["valid"])
        rejected += len(got["rejects"])
        total += got["total"]
    assert (info["rows_written"], info["rows_valid"], info["rows_rejected"]) == (
        written,
        valid,
        rejected,
    )
    assert info["total_plays"] == total


def test_each_platform_has_one_unmatched_content(out: Path, planted: dict) -> None:
    """Exactly one content id per platform matches no 发布 row; every publication has data."""
    pubs = publications(out)
    for platform in PLATFORMS:
        per_content: dict[str, int] = {}
        for edition in EDITIONS:
            got = (
                load_youtube(out, edition)
                if platform == "youtube"
                else load_cn(out, platform, edition)
            )
            per_content.update(got["per_content"])
        extra = set(per_content) - pubs[platform]
        info = planted["platforms"][platform]["unmatched_content"]
        assert extra == {info["content_id"]}, platform
        assert per_content[info["content_id"]] == info["plays"]
        assert pubs[platform] <= set(per_content), platform
        assert all(re.fullmatch(ID_PATTERNS[platform], c) for c in per_content)


def xhs_snapshot_views(path: Path) -> int:
    """Sum of 观看量 of a 笔记列表明细表 (banner row 1, headers row 2), read with openpyxl."""
    with pytest.warns(UserWarning, match="no default style"):  # POI's stylesheet, as the real one
        sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "最多导出排序后前1000条笔记" and "观看量" in rows[1]
    column = rows[1].index("观看量")
    return int(sum(r[column] for r in rows[2:]))


def test_the_xhs_snapshots_are_a_week_apart_and_only_grow(out: Path, planted: dict) -> None:
    """Two 笔记列表明细表 of the same notes; every running total is at least the earlier one."""
    first, second = (out / name for name in planted["xhs_snapshots"]["files"])
    assert xhs_snapshot_views(first) == planted["xhs_snapshots"]["first_snapshot_plays"]
    assert xhs_snapshot_views(second) == planted["xhs_snapshots"]["total_plays"]
    days = [date.fromisoformat(d) for d in planted["xhs_snapshots"]["as_of"]]
    assert (days[1] - days[0]).days == 7
    assert all(d.strftime("%Y%m%d") in f.name for d, f in zip(days, (first, second), strict=True))


def test_total_plays_sum_to_about_ten_million(out: Path, planted: dict) -> None:
    """The plays written over all platforms and editions sum to the planted total (~10M)."""
    total = 0
    by_platform = {}
    for platform in PLATFORMS:
        by_platform[platform] = sum(
            (load_youtube(out, e) if platform == "youtube" else load_cn(out, platform, e))["total"]
            for e in EDITIONS
        )
        total += by_platform[platform]
    latest = xhs_snapshot_views(out / planted["xhs_snapshots"]["files"][-1])
    by_platform["xiaohongshu"] += latest  # the latest snapshot's totals
    total += latest
    tp = planted["total_plays"]
    assert tp["total"] == total and tp["by_platform"] == by_platform
    assert 9_500_000 <= total <= 10_500_000
    assert sum(tp["by_edition"].values()) == total
    assert tp["matched_to_programs"] + tp["unmatched_contents"] == total
    assert tp["loaded_daily_sum"] == total  # the decrease stays a negative, flagged delta


def test_bilibili_has_exactly_one_decreasing_counter(out: Path, planted: dict) -> None:
    """One 累计播放 goes down on one day, as planted; every other counter only grows."""
    planted_counter = planted["platforms"]["bilibili"]["decreasing_counter"]
    decreases = []
    for edition in EDITIONS:
        header, rows = cn_rows(out, "bilibili", edition)
        history: dict[str, list[tuple[date, list[int]]]] = defaultdict(list)
        for r in rows:
            try:
                history[r[1]].append((parse_day(r[0]), [parse_count(c) for c in r[3:]]))
            except ValueError:
                continue
        for cid, snaps in history.items():
            snaps.sort()
            for (_, a), (day, b) in itertools.pairwise(snaps):
                for col, (x, y) in enumerate(zip(a, b, strict=True)):
                    if y < x:
                        decreases.append((cid, day.isoformat(), header[3 + col], x, y))
    assert decreases == [
        (
            planted_counter["content_id"],
            planted_counter["date"],
            "累计播放",
            planted_counter["before"],
            planted_counter["after"],
        )
    ]
    assert planted_counter["before"] - planted_counter["after"] == planted_counter["decrease"]


def test_half_lives_show_in_the_daily_plays(out: Path, planted: dict) -> None:
    """Summed over contents, plays decay with the planted per-platform half-life (±25%)."""
    for platform in ("douyin", "wechat_channels"):
        for edition in EDITIONS:
            got = load_cn(out, platform, edition)
            first: dict[str, date] = {}
            for cid, day, _ in got["valid"]:
                first[cid] = min(day, first.get(cid, day))
            by_age: dict[int, int] = defaultdict(int)
            for cid, day, v in got["valid"]:
                by_age[(day - first[cid]).days] += v
            h = planted["platforms"][platform]["half_life_days"][edition]
            ages = range(1, 8)
            xs = list(ages)
            ys = [math.log2(by_age[a]) for a in ages]
            slope = statistics.linear_regression(xs, ys).slope
            assert abs(-1 / slope - h) <= 0.25 * h, (platform, edition, -1 / slope, h)


# --- live, retention, activity, attention --------------------------------------------------


def test_live_minutes_and_planted_peak(out: Path, planted: dict) -> None:
    """Per-minute streams from 20:00; 2024 peaks at 180,000 on B站 at the planted minute."""
    for edition in EDITIONS:
        raw = (out / f"live_aigala_{edition}.csv").read_bytes()
        rows = read_csv(out / f"live_aigala_{edition}.csv", "utf-8-sig")
        assert raw.startswith(b"\xef\xbb\xbf")
        assert rows[0] == ["平台", "直播ID", "时间", "在线人数", "评论数", "礼物数"]
        info = planted["live"]["editions"][edition]
        streams: dict[str, list[list[str]]] = defaultdict(list)
        for r in rows[1:]:
            streams[r[0]].append(r)
        assert 2 <= len(streams) <= 3
        for s in info["streams"]:
            mine = streams[s["platform_written"]]
            times = [datetime.strptime(r[2], "%Y-%m-%d %H:%M") for r in mine]
            assert times[0].hour == 20 and times[0].minute == 0
            assert all(b - a == timedelta(minutes=1) for a, b in itertools.pairwise(times))
            assert timedelta(hours=3, minutes=50) <= times[-1] - times[0] <= timedelta(hours=4.5)
            online = [int(r[3]) for r in mine]
            assert max(online) == s["peak"]
            assert mine[online.index(s["peak"])][2] == s["peak_minute"]
            assert {r[1] for r in mine} == {s["live_id"]}
        best = max(rows[1:], key=lambda r: int(r[3]))
        peak = info["overall_peak"]
        assert (PLATFORM_NAMES[best[0]], best[2], int(best[3])) == (
            peak["platform"],
            peak["minute"],
            peak["value"],
        )
    peak_2024 = planted["live"]["planted_peak_2024"]
    assert (peak_2024["platform"], peak_2024["value"]) == ("bilibili", 180_000)
    rows = read_csv(out / "live_aigala_2024.csv", "utf-8-sig")[1:]
    at_peak = [r for r in rows if int(r[3]) == 180_000]
    assert [(r[0], r[2]) for r in at_peak] == [("B站", peak_2024["minute"])]
    assert all(int(r[3]) < 180_000 for r in rows if r is not at_peak[0])


def _resample(points: list[tuple[float, float]]) -> list[float]:
    """Linear interpolation of (progress %, rate) at every 1%."""
    out = []
    for k in range(101):
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if x0 <= k <= x1:
                out.append(y0 + (y1 - y0) * ((k - x0) / (x1 - x0) if x1 > x0 else 0))
                break
    return out


def test_retention_curves_and_average_percentage_viewed(out: Path, planted: dict) -> None:
    """~30 curves, seconds and percent progress; the planted APV is the area of the file's curve."""
    rows = read_csv(out / "retention_aigala.csv", "utf-8")
    assert rows[0] == ["平台", "内容ID", "进度", "留存率", "时长"]
    curves: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    for r in rows[1:]:
        curves[(r[0], r[1])].append(r)
    info = planted["retention"]
    assert 25 <= len(curves) <= 35 and len(curves) == info["curves"]
    assert {p for p, _ in curves} == {"bilibili", "youtube"}
    kinds = set()
    yt_table = {r[0]: float(r[11]) for e in EDITIONS for r in load_youtube(out, e)["table"][2:]}
    for item in info["items"]:
        mine = curves[(item["platform"], item["content_id"])]
        seconds = not mine[0][2].endswith("%")
        kinds.add(seconds)
        rate = [float(r[3][:-1]) / 100 if r[3].endswith("%") else float(r[3]) for r in mine]
        assert rate[0] == 1.0 and min(rate) > 0
        if seconds:
            dur = int(mine[0][4])
            xs = [int(r[2]) / dur * 100 for r in mine]
            assert xs[-1] == 100
        else:
            assert all(r[4] == "" for r in mine)
            xs = [float(r[2][:-1]) for r in mine]
        curve = _resample(list(zip(xs, rate, strict=True)))
        area = sum((a + b) / 2 for a, b in itertools.pairwise(curve))
        assert abs(area - item["avg_pct_viewed"]) < 1e-3
        assert 20 <= area <= 90
        if item["platform"] == "youtube":
            assert yt_table[item["content_id"]] == round(item["avg_pct_viewed"], 2)
    assert kinds == {True, False}


def test_activity_one_and_done_and_cohorts(out: Path, planted: dict) -> None:
    """Most creators publish 2-3 works then stop; shares and rejects as planted."""
    rows = read_csv(out / "activity_aigala.csv", "utf-8-sig")
    assert rows[0] == ["联系方式", "平台", "发布日期", "作品ID", "标题"]
    roster = roster_editions(out)
    info = planted["activity"]
    works: dict[str, list[date]] = defaultdict(list)
    bad = []
    for i, r in enumerate(rows[1:], 2):
        key = contact_key(r[0])
        if key not in roster:
            bad.append(i)
            continue
        day = parse_day(r[2])
        assert date(2023, 6, 1) <= day <= date(2026, 6, 30)
        assert r[1] in PLATFORMS and re.fullmatch(ID_PATTERNS[r[1]], r[3])
        works[key].append(day)
    assert bad == [r["file_row"] for r in info["rejects"]] and len(bad) == 2
    n = len(works)
    counts = Counter(len(d) for d in works.values())
    assert n == info["creators_with_works"]
    assert sum(counts.values()) == n and sum(k * v for k, v in counts.items()) == info["works"]
    one = counts[1] / n
    two_three = (counts[2] + counts[3]) / n
    assert round(one, 4) == info["share_one_and_done"]
    assert round(two_three, 4) == info["share_two_or_three"]
    assert two_three > 0.5 and 0.1 < one < 0.3
    nxt = {2024: date(2025, 1, 28), 2025: date(2026, 2, 16)}
    active = sum(max(d) > nxt[min(roster[k])] for k, d in works.items())
    assert round(active / n, 4) == info["share_active_after_next_edition"]
    assert active / n < 0.35
    monthly = Counter(f"{d.year}-{d.month:02d}" for ds in works.values() for d in ds)
    assert dict(sorted(monthly.items())) == info["monthly_works"]
    for gala in ("2024-01", "2025-01"):
        assert monthly[gala] > 1.5 * statistics.median(monthly.values())


def test_attention_spikes_at_each_festival(out: Path, planted: dict) -> None:
    """Each series spikes at every Spring Festival; gaps, outliers and half-lives as planted."""
    rows = read_csv(out / "attention_ai_topics.csv", "utf-8")
    assert rows[0] == ["日期", "关键词", "指数", "来源"]
    series: dict[tuple[str, str], dict[date, int]] = defaultdict(dict)
    for d, kw, v, src in rows[1:]:
        series[(kw, src)][parse_day(d)] = int(v)
    info = planted["attention"]
    assert len(rows) - 1 == info["rows_written"]
    assert {k for k, _ in series} == {"AI", "AI视频", "AI春晚", "大模型"}
    assert {s for _, s in series} == {"百度指数", "微信指数"}
    all_days = {date(2023, 1, 1) + timedelta(days=i) for i in range(1277)}
    gaps = {(kw, src, d.isoformat()) for (kw, src), s in series.items() for d in all_days - set(s)}
    assert gaps == {(g["keyword"], g["source"], g["date"]) for g in info["gaps"]}
    for o in info["outliers"]:
        assert series[(o["keyword"], o["source"])][date.fromisoformat(o["date"])] == o["value"]
    assert 2 <= len(info["outliers"]) <= 3
    for key, s in series.items():
        for year, fest in FESTIVALS.items():
            peak = max(v for d, v in s.items() if abs((d - fest).days) <= 3)
            before = [v for d, v in s.items() if -30 <= (d - fest).days <= -8]
            assert peak > 1.5 * statistics.median(before), (key, year)
        # after March, a lower plateau than January
        for year in (2024, 2025):
            jan = statistics.median(v for d, v in s.items() if d.year == year and d.month == 1)
            summer = statistics.median(
                v for d, v in s.items() if d.year == year and d.month in (5, 6, 7)
            )
            assert summer < jan, (key, year)
    # the planted half-life per year, fitted on the 微信指数 AI春晚 spike (baseline removed)
    wx = series[("AI春晚", "微信指数")]
    levels = next(x for x in info["series"] if x["source"] == "微信指数")["level_jan_feb"]
    for year, fest in FESTIVALS.items():
        pts = [
            (n, math.log2(wx[fest + timedelta(days=n)] - levels[year]))
            for n in range(0, 21)
            if fest + timedelta(days=n) in wx
        ]
        slope = statistics.linear_regression(*zip(*pts, strict=True)).slope
        h = info["half_life_days"][year]
        assert abs(-1 / slope - h) <= 0.15 * h, (year, -1 / slope, h)
        share = info["spike_share_of_peak_left"][year]
        assert share["+30d"] == round(2 ** (-30 / h), 4)
        assert share["+60d"] == round(2 ** (-60 / h), 4)


def test_the_google_trends_file_is_written_as_the_zh_cn_ui_downloads_it(
    out: Path, planted: dict
) -> None:
    """BOM, `类别：所有类别`, a blank line, `天,AI春晚: (中国)`, one unquoted line per day, `<1` kept."""
    info = planted["google_trends"]
    raw = (out / info["file"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and b'"' not in raw
    lines = raw.decode("utf-8-sig").split("\n")
    assert lines[:3] == ["类别：所有类别", "", "天,AI春晚: (中国)"]
    assert lines[-1] == ""
    days = [line.split(",") for line in lines[3:-1]]
    assert len(days) == info["rows_written"] == 120
    assert (days[0][0], days[-1][0]) == tuple(info["period"])
    values = [v for _, v in days]
    assert [d for d, v in days if v == "<1"] == info["below_one"]["dates"]
    assert max(int(v) for v in values if v != "<1") == 100
    assert dict(days)[info["peak_on"]] == "100"
    fest = date.fromisoformat(info["spring_festival"])
    assert abs((date.fromisoformat(info["peak_on"]) - fest).days) <= 1
    # The decay: a week after the peak well under half of it, a month after a few percent.
    peak = date.fromisoformat(info["peak_on"])
    by_day = {date.fromisoformat(d): v for d, v in days}
    assert int(by_day[peak + timedelta(days=7)]) < 50
    assert int(by_day[peak + timedelta(days=30)]) <= 5  # 2^(-30/6) of the peak plus the floor
