"""The program catalogue of both editions: programs, creators, sponsors and publications.

``build_catalogue`` deals 52-60 programs per edition from the survey population (creators are
participants of that edition, written by contact), 4-6 sponsors and 2-6 publications per program
with platform-shaped content ids, then renders the ``catalogue_aigala.xlsx`` sheets with five
planted rejects (unknown creator, sponsor, program, platform and genre).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from etl.sample import platform_vocab as pv
from etl.sample.model import Person, format_contact, make_contact, quota

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
YT_CHARS = string.ascii_letters + string.digits + "-_"
B64URL = string.ascii_letters + string.digits + "-_"
HEX = "0123456789abcdef"

SHEET_HEADERS = {
    "届次": ["年份", "播出日期", "名称"],
    "节目": ["节目编号", "节目名称", "类型", "时长", "届次"],
    "主创": ["节目编号", "联系方式", "分工"],
    "赞助商": ["赞助商编号", "名称", "英文名"],
    "赞助": ["赞助商编号", "节目编号"],
    "发布": ["节目编号", "平台", "内容ID", "链接"],
}


@dataclass
class Content:
    """One published item on one platform (program None: matches no program)."""

    platform: str
    content_id: str
    title: str
    edition: int
    publish_on: date
    duration_s: int
    url: str
    popularity: float
    program: Program | None = None

    @property
    def key(self) -> tuple[str, str]:
        """Return (platform, content id)."""
        return self.platform, self.content_id


@dataclass
class Program:
    """One gala program."""

    pid: str
    edition: int
    title: str
    genre: str
    duration_s: int
    popularity: float
    creators: list[tuple[Person, str]] = field(default_factory=list)
    sponsors: list[str] = field(default_factory=list)
    contents: list[Content] = field(default_factory=list)


@dataclass
class Catalogue:
    """Everything the catalogue workbook holds, plus what was planted in it."""

    programs: list[Program]
    sponsors: list[tuple[str, str, str]]
    contents: list[Content]  # matched publications, in 发布 order
    sheets: dict[str, list[list[Any]]]
    rejects: list[dict[str, Any]]
    duration_forms: dict[str, int]


def content_id(platform: str, edition: int, rng: random.Random, used: set[str]) -> str:
    """Return a fresh platform-shaped content id (BV号, 19-digit 作品ID, 笔记ID, ...)."""
    while True:
        if platform == "bilibili":
            cid = "BV1" + "".join(rng.choice(B58) for _ in range(9))
        elif platform == "douyin":
            cid = ("73" if edition == 2024 else "74") + f"{rng.randrange(10**17):017d}"
        elif platform == "xiaohongshu":
            cid = ("65c6" if edition == 2024 else "6798") + "".join(
                rng.choice(HEX) for _ in range(20)
            )
        elif platform == "weibo":
            cid = ("50" if edition == 2024 else "51") + f"{rng.randrange(10**14):014d}"
        elif platform == "wechat_channels":
            cid = "export/UzFfAgtgekIEAQAAAAAA" + "".join(rng.choice(B64URL) for _ in range(30))
        else:
            cid = "".join(rng.choice(YT_CHARS) for _ in range(11))
        if cid not in used:
            used.add(cid)
            return cid


def content_url(platform: str, cid: str, rng: random.Random) -> str:
    """Return the public link of a content item ('' for 视频号, which has none)."""
    if platform == "bilibili":
        return f"https://www.bilibili.com/video/{cid}"
    if platform == "douyin":
        return f"https://www.douyin.com/video/{cid}"
    if platform == "xiaohongshu":
        return f"https://www.xiaohongshu.com/explore/{cid}"
    if platform == "weibo":
        return f"https://m.weibo.cn/detail/{cid}"
    if platform == "youtube":
        return rng.choice((f"https://www.youtube.com/watch?v={cid}", f"https://youtu.be/{cid}"))
    return ""


def platform_title(platform: str, prog: Program, rng: random.Random) -> str:
    """Return the title the platform shows for a program's clip."""
    t, y = prog.title, prog.edition
    forms = {
        "bilibili": (f"【{y} AI春晚】{t}", f"{t}｜{prog.genre}｜{y}AI春晚"),
        "douyin": (f"{t} #AI春晚 #AIGC", f"AI春晚{prog.genre}《{t}》"),
        "wechat_channels": (f"AI春晚｜{t}", f"{y}AI春晚·{t}"),
        "xiaohongshu": (f"AI春晚节目《{t}》", f"{t}｜AI春晚{prog.genre}"),
        "weibo": (f"#AI春晚# 《{t}》", f"#{y}AI春晚# {t}"),
        "youtube": (
            f"{t} | AI Spring Festival Gala {y}",
            f"《{t}》, AI春晚 {y} (full performance)",
        ),
    }
    return rng.choice(forms[platform])


def _weighted(weights: dict[Any, int], rng: random.Random) -> Any:
    """Draw one key by its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _duration_cell(seconds: int, rng: random.Random) -> tuple[Any, str]:
    """Write a duration as 4:23 (mostly) or as plain seconds."""
    if rng.random() < 0.2:
        return seconds, "seconds"
    return f"{seconds // 60}:{seconds % 60:02d}", "m:ss"


def _programs(
    edition: int, people: list[Person], rng: random.Random, used_titles: dict[str, list[str]]
) -> list[Program]:
    """Deal one edition's programs (titles unique over both editions) and their creators."""
    n = rng.randint(52, 60)
    genres = [g for g, k in quota(pv.GENRE_SHARES, n).items() for _ in range(k)]
    rng.shuffle(genres)
    programs = []
    for i, genre in enumerate(genres, 1):
        pool = [t for t in pv.TITLES[genre] if t not in used_titles.setdefault(genre, [])]
        title = rng.choice(pool)
        used_titles[genre].append(title)
        lo, hi = pv.GENRE_DURATION_S[genre]
        prog = Program(
            pid=f"P{edition}-{i:02d}",
            edition=edition,
            title=title,
            genre=genre,
            duration_s=rng.randint(lo, hi),
            popularity=rng.lognormvariate(0, 0.9),
        )
        k = _weighted(pv.CREATORS_PER_PROGRAM, rng)
        prog.creators = [(p, rng.choice(pv.CREDIT_DUTIES)) for p in rng.sample(people, k)]
        programs.append(prog)
    return programs


def _publish(
    prog: Program, rng: random.Random, used: set[str], titles: dict[str, set[str]]
) -> None:
    """Publish a program on 2-6 platforms."""
    chosen = [p for p in pv.PLATFORMS if rng.random() < pv.PUBLISH_ODDS[p]]
    for p in sorted(pv.PLATFORMS, key=lambda p: -pv.PUBLISH_ODDS[p]):
        if len(chosen) >= 2:
            break
        if p not in chosen:
            chosen.append(p)
    broadcast = pv.EDITION_BROADCAST[prog.edition]
    for platform in (p for p in pv.PLATFORMS if p in chosen):
        cid = content_id(platform, prog.edition, rng, used)
        title = platform_title(platform, prog, rng)
        while title in titles.setdefault(platform, set()):
            title = platform_title(platform, prog, rng) + f" {rng.randint(2, 9)}"
        titles[platform].add(title)
        delay = _weighted(pv.PUBLISH_DELAY_DAYS, rng)
        prog.contents.append(
            Content(
                platform=platform,
                content_id=cid,
                title=title,
                edition=prog.edition,
                publish_on=broadcast + timedelta(days=delay),
                duration_s=prog.duration_s,
                url=content_url(platform, cid, rng),
                popularity=prog.popularity * rng.lognormvariate(0, 0.35),
                program=prog,
            )
        )


def unmatched_contents(rng: random.Random, used: set[str]) -> list[Content]:
    """Return one content per platform that matches no program."""
    out = []
    for platform in pv.PLATFORMS:
        edition, title = pv.UNMATCHED[platform]
        broadcast = pv.EDITION_BROADCAST[edition]
        shift = -8 if "预告" in title else rng.randint(1, 4)
        cid = content_id(platform, edition, rng, used)
        out.append(
            Content(
                platform=platform,
                content_id=cid,
                title=title,
                edition=edition,
                publish_on=broadcast + timedelta(days=shift),
                duration_s=rng.randint(60, 420),
                url=content_url(platform, cid, rng),
                popularity=0.6,
            )
        )
    return out


def _insert(rows: list[list[Any]], row: list[Any], rng: random.Random, lo: int = 1) -> None:
    """Insert a row at a random position (never before data row lo)."""
    rows.insert(rng.randint(min(lo, len(rows)), len(rows)), row)


def build_catalogue(people: list[Person], rng: random.Random, used: set[str]) -> Catalogue:
    """Deal the catalogue of both editions and render its sheets with the planted rejects."""
    programs: list[Program] = []
    titles: dict[str, set[str]] = {}
    used_titles: dict[str, list[str]] = {}
    for edition in pv.EDITION_BROADCAST:
        members = [p for p in people if edition in p.editions()]
        edition_programs = _programs(edition, members, rng, used_titles)
        for prog in edition_programs:
            _publish(prog, rng, used, titles)
        programs += edition_programs

    n_sponsors = rng.randint(4, 6)
    sponsors = [(f"S{i:02d}", zh, en) for i, (zh, en) in enumerate(pv.SPONSORS[:n_sponsors], 1)]
    for sid, _, _ in sponsors:
        for prog in rng.sample(programs, rng.randint(3, 10)):
            prog.sponsors.append(sid)

    by_id = {p.pid: p for p in programs}
    known_contacts = {p.contact_key for p in people}
    forms: dict[str, int] = {}
    prog_rows: list[list[Any]] = []
    for prog in programs:
        cell, form = _duration_cell(prog.duration_s, rng)
        forms[form] = forms.get(form, 0) + 1
        prog_rows.append([prog.pid, prog.title, prog.genre, cell, prog.edition])
    last_2025 = max(int(p.pid[-2:]) for p in programs if p.edition == 2025)
    genre_zh, genre_title = pv.UNKNOWN_GENRE
    bad_genre = [f"P2025-{last_2025 + 1:02d}", genre_title, genre_zh, "6:30", 2025]
    prog_rows.append(bad_genre)

    credit_rows: list[list[Any]] = []
    bad_credit: list[Any] = []
    bad_credit_prog = rng.choice(programs)
    for prog in programs:
        for person, duty in prog.creators:
            credit_rows.append(
                [prog.pid, format_contact(person.contact_kind, person.contact_value, rng), duty]
            )
        if prog is bad_credit_prog:
            kind, value = make_contact(rng)
            while f"{kind}:{value}" in known_contacts:
                kind, value = make_contact(rng)
            bad_credit = [prog.pid, format_contact(kind, value, rng), rng.choice(pv.CREDIT_DUTIES)]
            credit_rows.append(bad_credit)

    sponsor_rows = [[sid, zh, en] for sid, zh, en in sponsors]
    pair_rows = [
        [sid, prog.pid] for sid, _, _ in sponsors for prog in programs if sid in prog.sponsors
    ]
    bad_sponsor = [f"S{n_sponsors + 2:02d}", rng.choice(programs).pid]
    _insert(pair_rows, bad_sponsor, rng)

    contents = [c for prog in programs for c in prog.contents]
    pub_rows = [
        [c.program.pid, _weighted(pv.PLATFORM_SPELLINGS[c.platform], rng), c.content_id, c.url]
        for c in contents
        if c.program is not None
    ]
    ghost = content_id("douyin", 2024, rng, used)
    bad_program = [f"P2024-{rng.randint(70, 99)}", "抖音", ghost, content_url("douyin", ghost, rng)]
    _insert(pub_rows, bad_program, rng)
    xigua = f"{rng.randrange(10**18, 10**19)}"
    bad_platform = [
        rng.choice(programs).pid,
        pv.UNKNOWN_PLATFORM,
        xigua,
        f"https://www.ixigua.com/{xigua}",
    ]
    _insert(pub_rows, bad_platform, rng)

    sheets = {
        "届次": [
            [year, day.isoformat(), pv.EDITION_NAMES[year]]
            for year, day in pv.EDITION_BROADCAST.items()
        ],
        "节目": prog_rows,
        "主创": credit_rows,
        "赞助商": sponsor_rows,
        "赞助": pair_rows,
        "发布": pub_rows,
    }
    mess = (
        ("主创", bad_credit, "联系方式", "unknown_creator"),
        ("赞助", bad_sponsor, "赞助商编号", "unknown_sponsor"),
        ("发布", bad_program, "节目编号", "unknown_program"),
        ("发布", bad_platform, "平台", "unknown_platform"),
        ("节目", bad_genre, "类型", "unknown_genre"),
    )
    rejects = []
    for sheet, row, column, kind in mess:
        rows = sheets[sheet]
        index = next(i for i, r in enumerate(rows) if r is row)
        rejects.append(
            {
                "sheet": sheet,
                "file_row": index + 2,
                "column": column,
                "kind": kind,
                "value": row[SHEET_HEADERS[sheet].index(column)],
                "program": row[0] if sheet != "赞助" else row[1],
            }
        )
    assert all(p.pid in by_id for p in programs)
    return Catalogue(
        programs=programs,
        sponsors=sponsors,
        contents=contents,
        sheets={name: [SHEET_HEADERS[name], *rows] for name, rows in sheets.items()},
        rejects=rejects,
        duration_forms=dict(sorted(forms.items())),
    )


def catalogue_planted(cat: Catalogue, file: str) -> dict[str, Any]:
    """Summarise what the catalogue workbook holds."""
    out: dict[str, Any] = {"file": file, "sheets": list(cat.sheets), "editions": {}}
    for edition in pv.EDITION_BROADCAST:
        progs = [p for p in cat.programs if p.edition == edition]
        genres: dict[str, int] = {}
        for p in progs:
            genres[pv.GENRES[p.genre]] = genres.get(pv.GENRES[p.genre], 0) + 1
        contents = [c for p in progs for c in p.contents]
        per_platform = {
            pl: sum(c.platform == pl for c in contents)
            for pl in pv.PLATFORMS
            if any(c.platform == pl for c in contents)
        }
        out["editions"][edition] = {
            "broadcast": pv.EDITION_BROADCAST[edition].isoformat(),
            "programs": len(progs),
            "genres": dict(sorted(genres.items())),
            "duration_s": {
                "min": min(p.duration_s for p in progs),
                "max": max(p.duration_s for p in progs),
                "total": sum(p.duration_s for p in progs),
            },
            "credits": sum(len(p.creators) for p in progs),
            "distinct_creators": len({c.pid for p in progs for c, _ in p.creators}),
            "publications": len(contents),
            "publications_by_platform": per_platform,
        }
    out["sponsors"] = [
        {
            "id": sid,
            "zh": zh,
            "en": en,
            "programs": sum(sid in p.sponsors for p in cat.programs),
        }
        for sid, zh, en in cat.sponsors
    ]
    out["sponsorships"] = sum(len(p.sponsors) for p in cat.programs)
    out["duration_written_as"] = cat.duration_forms
    rows = {name: len(r) - 1 for name, r in cat.sheets.items()}
    out["rows_written"] = rows
    rejected: dict[str, int] = {}
    for r in cat.rejects:
        rejected[r["sheet"]] = rejected.get(r["sheet"], 0) + 1
    out["rows_valid"] = {name: n - rejected.get(name, 0) for name, n in rows.items()}
    out["rejects"] = cat.rejects
    out["notes"] = {
        "platform_spellings": "B站/哔哩哔哩/bilibili, 抖音/douyin, 视频号/wechat_channels, "
        "小红书/xiaohongshu, 微博/weibo, YouTube/youtube",
        "wechat_channels_link": "视频号 has no public link: 链接 is empty on those rows",
        "unknown_genre_program": "its 节目 row is the only row naming it (no credits, "
        "sponsors or publications), so rejecting it cascades nowhere",
        "title": "节目名称 is the bare title, without 《》",
    }
    return out
