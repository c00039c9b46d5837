"""Creator activity (FORMATS.md section 7): `activity_*.csv` -> fct_creator_activity.

Columns `联系方式, 平台, 发布日期, 作品ID` and optionally `标题`; other columns are ignored with
a warning. The contact resolves to a participant exactly as the survey does
(`normalise_contact`, then the keyed `participant_id`), so `+86 138-1234-5678` and
`13812345678` are one person. Decisions where the spec is silent:
- A contact whose id is not in `known_participants` is rejected ("contact matches no
  participant"): activity never creates people.
- Contacts are personal data kept only in the restricted contact table, so a reject on
  联系方式 carries a masked value (`phone ***5678`), never the contact itself.
- 发布日期 takes the date forms of etl.values; a publish time after the date is dropped.
- A 作品ID that Excel stored as a number and shows as `7.3e+18` has lost digits: rejected.
- 标题 is optional and may be blank (null title).
- A second row for the same (participant, platform, 作品ID) is rejected as "duplicate of row N",
  N being the first row that loaded.
- details: `rows_loaded`, `participants` (distinct participants with loaded works).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl

from etl.frames import (
    clean_columns,
    find_columns,
    ignored_columns_warning,
    mark_missing,
    sorted_rejects,
    take_blank_rows,
    take_duplicates,
    take_problems,
    text_frame,
)
from etl.reading import RawTable, read_table
from etl.schemas import ACTIVITY, Staged, conform
from etl.values import parse_column
from survey.identity import Contact, normalise_contact, participant_id

REQUIRED = {"contact": "联系方式", "platform": "平台", "published": "发布日期", "content": "作品ID"}
OPTIONAL = {"title": "标题"}
NO_PARTICIPANT = "contact matches no participant"


def read_activity_export(
    path: Path | str, *, id_key: bytes, known_participants: set[str]
) -> Staged:
    """Read a creator-activity export: one work per row, tied to a known participant."""
    return stage_activity(read_table(path), id_key=id_key, known_participants=known_participants)


def stage_activity(table: RawTable, *, id_key: bytes, known_participants: set[str]) -> Staged:
    """Resolve contacts, parse and check works, drop repeated works of one person."""
    columns = find_columns(table, REQUIRED, OPTIONAL)
    headers = {field: table.headers[index] for field, index in columns.items()}
    frame = text_frame(table, columns)
    if "title" not in columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("title"))
    frame = clean_columns(frame, [*REQUIRED, *OPTIONAL])
    frame, rejects = take_blank_rows(frame, [f"t_{f}" for f in columns])
    ids, problems, shown = resolve_contacts(frame["contact"].to_list(), id_key, known_participants)
    frame = frame.with_columns(
        pl.Series("participant_id", ids, pl.String),
        pl.Series("p_contact", problems, pl.String),
        # The reject shows the masked contact, never the raw one.
        pl.Series("contact", shown, pl.String),
    )

    frame = parse_column(frame, "t_platform", "platform", into="platform_id", problem="p_platform")
    frame = parse_column(frame, "t_content", "id", into="content_id", problem="p_content")
    frame = parse_column(frame, "t_published", "date", into="published_on", problem="p_published")
    frame = mark_missing(frame, ["platform", "content", "published"])
    frame = frame.with_columns(pl.col("t_title").alias("title"))  # title is never checked
    # Checks in the file's column order, so a row's rejects read left to right.
    checks = sorted(
        ((f"p_{field}", field, headers[field]) for field in REQUIRED),
        key=lambda check: columns[check[1]],
    )
    frame, bad_cells = take_problems(frame, checks)
    frame, duplicates = take_duplicates(
        frame,
        ["participant_id", "platform_id", "content_id"],
        header=headers["content"],
        raw="content",
        what="same person, 平台 and 作品ID",
    )
    works = conform(frame, ACTIVITY)
    return Staged(
        kind="activity",
        rows_read=len(table.rows),
        frames={"activity": works},
        rejects=sorted_rejects(rejects + bad_cells + duplicates),
        warnings=table.warnings + ignored_columns_warning(table, columns),
        details={
            "rows_loaded": works.height,
            "participants": works["participant_id"].n_unique(),
        },
    )


def resolve_contacts(
    raw_contacts: Iterable[str | None], id_key: bytes, known_participants: set[str]
) -> tuple[list[str | None], list[str | None], list[str | None]]:
    """Per contact cell: (participant id, problem, masked contact for a reject)."""
    # Cached per distinct cell: one HMAC per person, not per row.
    cache: dict[str | None, tuple[str | None, str | None, str | None]] = {}
    ids: list[str | None] = []
    problems: list[str | None] = []
    shown: list[str | None] = []
    for raw in raw_contacts:
        if raw not in cache:
            contact = normalise_contact(raw)
            if contact is None:
                cache[raw] = (None, "missing", None)
            else:
                found = participant_id(id_key, contact)
                problem = None if found in known_participants else NO_PARTICIPANT
                cache[raw] = (found, problem, mask_contact(contact))
        pid, problem, masked = cache[raw]
        ids.append(pid)
        problems.append(problem)
        shown.append(masked)
    return ids, problems, shown


def mask_contact(contact: Contact) -> str:
    """Enough of a contact to find the row again, not enough to reach the person."""
    value = contact.value
    if contact.kind == "phone":
        return f"phone ***{value[-4:]}"
    if contact.kind == "email" and "@" in value:
        return f"email {value[0]}***@{value.split('@', 1)[1]}"
    return f"{contact.kind} {value[0]}***"
