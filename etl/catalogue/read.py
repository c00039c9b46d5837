"""Read the catalogue workbook (sheets 届次 节目 主创 赞助商 赞助 发布, see FORMATS.md §1).

References are checked across the sheets and against what the warehouse already holds: a row
that names an unknown program, sponsor, edition, creator, genre or platform is rejected with the
reason, and everything else loads. Rows are counted per sheet: read = loaded + rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from etl.errors import IngestError, Reject
from etl.frames import find_columns
from etl.reading import RawTable, read_sheets
from etl.values import normalise_platform, parse_date, parse_duration_s
from survey.identity import normalise_contact, participant_id
from survey.text import clean_text

SHEETS = {
    "editions": ("届次", {"year": "年份", "broadcast_on": "播出日期", "name": "名称"}),
    "programs": (
        "节目",
        {
            "program_id": "节目编号",
            "title": "节目名称",
            "genre": "类型",
            "duration": "时长",
            "edition": "届次",
        },
    ),
    "creators": ("主创", {"program_id": "节目编号", "contact": "联系方式", "role": "分工"}),
    "sponsors": ("赞助商", {"sponsor_id": "赞助商编号", "name_zh": "名称", "name_en": "英文名"}),
    "sponsorships": ("赞助", {"sponsor_id": "赞助商编号", "program_id": "节目编号"}),
    "content": (
        "发布",
        {"program_id": "节目编号", "platform": "平台", "content_id": "内容ID", "url": "链接"},
    ),
}
REQUIRED = {"programs", "content"}
OPTIONAL_COLUMNS = {"name", "broadcast_on", "duration", "role", "name_en", "url"}
GENRES = {
    "相声": "crosstalk",
    "小品": "sketch",
    "舞蹈": "dance",
    "音乐": "music",
    "歌曲": "music",
    "mv": "mv",
    "纪录片": "documentary",
    "访谈": "documentary",
    "动画": "animation",
    "短片": "short_film",
    "crosstalk": "crosstalk",
    "sketch": "sketch",
    "dance": "dance",
    "music": "music",
    "documentary": "documentary",
    "animation": "animation",
    "short film": "short_film",
}


@dataclass
class Catalogue:
    """Staged catalogue frames plus per-sheet rejects (file_name carries the sheet)."""

    frames: dict[str, pl.DataFrame]
    rows_read: int
    rejects: list[Reject] = field(default_factory=list)  # file_name = "<workbook>[<sheet>]"
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        """Distinct (sheet, row) pairs rejected."""
        return len({(r.file_name, r.row_number) for r in self.rejects})


class _Sheet:
    """One sheet with its columns resolved by header."""

    def __init__(self, key: str, table: RawTable | None) -> None:
        self.name, wanted = SHEETS[key]
        self.table = table
        self.index: dict[str, int] = {}
        if table is None:
            return
        required = {f: h for f, h in wanted.items() if f not in OPTIONAL_COLUMNS}
        optional = {f: h for f, h in wanted.items() if f in OPTIONAL_COLUMNS}
        try:
            self.index = find_columns(table, required, optional)
        except IngestError as exc:
            raise IngestError(
                table.path, f"sheet {self.name!r}: {exc.reason}", row=1, column=exc.column
            ) from exc

    def rows(self) -> list[tuple[int, dict[str, str | None]]]:
        if self.table is None:
            return []
        return [
            (self.table.line_number(i), {k: clean_text(row[j]) for k, j in self.index.items()})
            for i, row in enumerate(self.table.rows)
        ]


SHEETS_HEADER = {f: h for _, (_, cols) in SHEETS.items() for f, h in cols.items()}


def read_catalogue(
    path: Path,
    *,
    id_key: bytes,
    known_participants: set[str],
    known_programs: set[str],
    known_sponsors: set[str],
    known_editions: set[int],
) -> Catalogue:
    """Parse and cross-check the catalogue workbook against itself and the warehouse."""
    sheets_by_name = read_sheets(path)
    sheets = {key: _Sheet(key, sheets_by_name.get(name)) for key, (name, _) in SHEETS.items()}
    for key in REQUIRED:
        if sheets[key].table is None:
            raise IngestError(
                path,
                f"no sheet {SHEETS[key][0]!r} (needs {', '.join(SHEETS[k][0] for k in REQUIRED)})",
            )
    unknown = set(sheets_by_name) - {name for name, _ in SHEETS.values()}
    cat = Catalogue(frames={}, rows_read=sum(len(s.table.rows) for s in sheets.values() if s.table))
    if unknown:
        cat.warnings.append(f"sheets not read: {', '.join(sorted(unknown))}")

    def reject(sheet: _Sheet, row: int, field_name: str | None, value: Any, reason: str) -> None:
        column = SHEETS_HEADER.get(field_name, field_name) if field_name else None
        value_text = None if value is None else str(value)
        cat.rejects.append(
            Reject(row, column, value_text, reason, file_name=f"{path.name}[{sheet.name}]")
        )

    editions = _editions(sheets["editions"], reject)
    edition_years = known_editions | {e["edition_year"] for e in editions}
    programs = _programs(sheets["programs"], edition_years, reject)
    program_ids = known_programs | {p["program_id"] for p in programs}
    creators = _creators(sheets["creators"], program_ids, id_key, known_participants, reject)
    sponsors = _unique(sheets["sponsors"], "sponsor_id", reject, required=("name_zh",))
    sponsor_ids = known_sponsors | {s["sponsor_id"] for s in sponsors}
    sponsorships = []
    seen_pairs: dict[tuple[str, str], int] = {}
    for row, values in sheets["sponsorships"].rows():
        sid, pid = values.get("sponsor_id"), values.get("program_id")
        if sid not in sponsor_ids:
            reject(sheets["sponsorships"], row, "sponsor_id", sid, f"unknown sponsor {sid!r}")
        elif pid not in program_ids:
            reject(sheets["sponsorships"], row, "program_id", pid, f"unknown program {pid!r}")
        elif (sid, pid) in seen_pairs:
            reject(
                sheets["sponsorships"],
                row,
                None,
                None,
                f"duplicate of row {seen_pairs[(sid, pid)]}",
            )
        else:
            seen_pairs[(sid, pid)] = row
            sponsorships.append({"sponsor_id": sid, "program_id": pid})
    content = _content(sheets["content"], program_ids, reject)
    cat.frames = {
        "stg_edition": pl.DataFrame(
            editions,
            schema={"edition_year": pl.Int64, "broadcast_on": pl.Date, "name_zh": pl.String},
        ),
        "stg_program": pl.DataFrame(
            programs,
            schema={
                "program_id": pl.String,
                "edition_year": pl.Int64,
                "title_zh": pl.String,
                "genre": pl.String,
                "duration_s": pl.Float64,
            },
        ),
        "stg_program_participant": pl.DataFrame(
            creators,
            schema={"program_id": pl.String, "participant_id": pl.String, "credit_role": pl.String},
        ),
        "stg_sponsor": pl.DataFrame(
            [
                {
                    "sponsor_id": s["sponsor_id"],
                    "name_zh": s["name_zh"],
                    "name_en": s.get("name_en"),
                }
                for s in sponsors
            ],
            schema={"sponsor_id": pl.String, "name_zh": pl.String, "name_en": pl.String},
        ),
        "stg_sponsor_program": pl.DataFrame(
            sponsorships, schema={"sponsor_id": pl.String, "program_id": pl.String}
        ),
        "stg_program_content": pl.DataFrame(
            content,
            schema={
                "program_id": pl.String,
                "platform_id": pl.String,
                "content_id": pl.String,
                "url": pl.String,
            },
        ),
    }
    return cat


def _unique(
    sheet: _Sheet, key: str, reject: Any, required: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row, values in sheet.rows():
        ident = values.get(key)
        missing = next((f for f in (key, *required) if not values.get(f)), None)
        if missing:
            reject(sheet, row, missing, None, f"{SHEETS_HEADER[missing]} is empty")
        elif ident in seen:
            reject(
                sheet,
                row,
                key,
                ident,
                f"duplicate {SHEETS_HEADER[key]} {ident!r} (first on row {seen[ident]})",
            )
        else:
            seen[ident] = row
            out.append(values | {"_row": row})
    return out


def _editions(sheet: _Sheet, reject: Any) -> list[dict[str, Any]]:
    out = []
    for values in _unique(sheet, "year", reject):
        year_text = values["year"] or ""
        if not re.fullmatch(r"20\d\d", year_text):
            reject(sheet, values["_row"], "year", year_text, f"not an edition year: {year_text!r}")
            continue
        broadcast: date | None = None
        if values.get("broadcast_on"):
            broadcast = parse_date(values["broadcast_on"])
            if broadcast is None:
                reject(sheet, values["_row"], "broadcast_on", values["broadcast_on"], "not a date")
                continue
        out.append(
            {
                "edition_year": int(year_text),
                "broadcast_on": broadcast,
                "name_zh": values.get("name"),
            }
        )
    return out


def _programs(sheet: _Sheet, editions: set[int], reject: Any) -> list[dict[str, Any]]:
    out = []
    for values in _unique(sheet, "program_id", reject, required=("title", "genre", "edition")):
        row = values["_row"]
        genre = GENRES.get((values["genre"] or "").lower())
        edition = values["edition"] or ""
        duration = parse_duration_s(values["duration"]) if values.get("duration") else None
        if genre is None:
            reject(sheet, row, "genre", values["genre"], f"unknown genre {values['genre']!r}")
        elif not edition.isdigit() or int(edition) not in editions:
            reject(sheet, row, "edition", edition, f"unknown edition {edition!r}")
        elif values.get("duration") and duration is None:
            reject(sheet, row, "duration", values["duration"], "not a duration (4:23 or seconds)")
        else:
            out.append(
                {
                    "program_id": values["program_id"],
                    "edition_year": int(edition),
                    "title_zh": values["title"],
                    "genre": genre,
                    "duration_s": duration,
                }
            )
    return out


def _creators(
    sheet: _Sheet, programs: set[str], id_key: bytes, known: set[str], reject: Any
) -> list[dict[str, Any]]:
    out = []
    seen: dict[tuple[str, str], int] = {}
    for row, values in sheet.rows():
        program, raw_contact = values.get("program_id"), values.get("contact")
        contact = normalise_contact(raw_contact)
        if program not in programs:
            reject(sheet, row, "program_id", program, f"unknown program {program!r}")
            continue
        if contact is None:
            reject(sheet, row, "contact", None, "no contact: cannot identify the creator")
            continue
        pid = participant_id(id_key, contact)
        if pid not in known:
            reject(
                sheet,
                row,
                "contact",
                "<contact>",
                "contact matches no participant (load the roster first)",
            )
        elif (program, pid) in seen:
            reject(sheet, row, None, None, f"duplicate of row {seen[(program, pid)]}")
        else:
            seen[(program, pid)] = row
            out.append(
                {"program_id": program, "participant_id": pid, "credit_role": values.get("role")}
            )
    return out


def _content(sheet: _Sheet, programs: set[str], reject: Any) -> list[dict[str, Any]]:
    out = []
    seen: dict[tuple[str, str], int] = {}
    for row, values in sheet.rows():
        program, content_id = values.get("program_id"), values.get("content_id")
        platform = normalise_platform(values.get("platform"))
        if program not in programs:
            reject(sheet, row, "program_id", program, f"unknown program {program!r}")
        elif platform is None:
            reject(
                sheet,
                row,
                "platform",
                values.get("platform"),
                f"unknown platform {values.get('platform')!r}",
            )
        elif not content_id:
            reject(sheet, row, "content_id", None, "内容ID is empty")
        elif (platform, content_id) in seen:
            reject(
                sheet,
                row,
                "content_id",
                content_id,
                f"duplicate of row {seen[(platform, content_id)]}",
            )
        else:
            seen[(platform, content_id)] = row
            out.append(
                {
                    "program_id": program,
                    "platform_id": platform,
                    "content_id": content_id,
                    "url": values.get("url"),
                }
            )
    return out
