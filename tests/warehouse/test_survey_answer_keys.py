"""fct_survey_answer keeps (response_id, question_id, item_key) unique without a PRIMARY KEY.

Migration 0005 dropped the key's index (it cost most of a 100k-respondent load); uniqueness now
rests on the parser staging each key once, loads/survey.sql refusing staged rows that repeat a
key, and the load deleting a re-loaded response's stored answers before inserting its new ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

import etl.survey.load as survey_load
from etl.ingest import ingest_files
from tests.builders import WJX_META, WJX_QUESTIONS, published_rows, wjx_row, write_csv, write_xlsx
from warehouse import schema
from warehouse.settings import Settings
from warehouse.store import current_snapshot

KEY = "response_id, question_id, item_key"
ANSWER_COLUMNS = (
    "response_id, question_id, item_key, answer_status, option_code, answer_text, "
    "answer_number, answer_rank, other_text"
)


def _answers(settings: Settings) -> list[tuple]:
    """Every stored answer (without its load id), in key order."""
    return published_rows(
        settings.home, f"select {ANSWER_COLUMNS} from fct_survey_answer order by {KEY}"
    )


def _key_counts(settings: Settings) -> tuple[int, int]:
    [(rows, keys)] = published_rows(
        settings.home,
        f"select count(*), count(distinct ({KEY})) from fct_survey_answer",
    )
    return rows, keys


def _wjx(path: Path, rows: list[list[object]]) -> Path:
    return write_xlsx(path, WJX_META + WJX_QUESTIONS, rows)


def test_reloading_the_same_answers_from_another_file_changes_nothing(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [wjx_row(1), wjx_row(2, tools="Midjourney"), wjx_row(3, m1="(空)")]
    [first] = ingest_files(settings, [_wjx(tmp_path / "wjx_2024.xlsx", rows)])
    assert first.status == "loaded"
    before = _answers(settings)
    # The same rows in other bytes (CSV, not xlsx): not "unchanged" by SHA, so the load runs.
    csv = write_csv(tmp_path / "wjx_2024.csv", WJX_META + WJX_QUESTIONS, rows)
    [again] = ingest_files(settings, [csv])
    assert again.status == "loaded"
    assert again.rows_loaded == 3
    assert _answers(settings) == before
    assert _key_counts(settings)[0] == len(before)


def test_a_resubmitted_response_replaces_all_its_answers(
    tmp_path: Path, settings: Settings
) -> None:
    ingest_files(
        settings, [_wjx(tmp_path / "wjx_2024.xlsx", [wjx_row(1), wjx_row(2, tools="即梦")])]
    )
    ingest_files(
        settings,
        [_wjx(tmp_path / "wjx_2024_fixed.xlsx", [wjx_row(1, tools="Midjourney", sat="4")])],
    )
    tools = published_rows(
        settings.home,
        "select r.source_response_no, list(a.item_key order by a.item_key) "
        "from fct_survey_answer as a join fct_survey_response as r using (response_id) "
        "where a.question_id = 'tools' group by all order by 1",
    )
    # Response 1's three earlier tools (可灵, 即梦, other) are gone, not kept beside the new one;
    # response 2, absent from the corrected file, keeps its answers.
    assert tools == [("1", ["midjourney"]), ("2", ["jimeng"])]
    assert published_rows(
        settings.home,
        "select a.answer_number from fct_survey_answer as a "
        "join fct_survey_response as r using (response_id) "
        "where a.question_id = 'satisfaction' and r.source_response_no = '1'",
    ) == [(4.0,)]


def test_keys_stay_unique_after_mixed_loads(tmp_path: Path, settings: Settings) -> None:
    loads = [
        [wjx_row(1), wjx_row(2), wjx_row(3)],
        [wjx_row(2, tools="可灵┋可灵┋Midjourney"), wjx_row(4), wjx_row(5, m2="3分")],
        [wjx_row(1, rank="主题命题→作品反馈"), wjx_row(5), wjx_row(6, tools="(跳过)")],
    ]
    for n, rows in enumerate(loads):
        [report] = ingest_files(settings, [_wjx(tmp_path / f"wjx_2024_{n}.xlsx", rows)])
        assert report.status == "loaded", report.error
    rows, keys = _key_counts(settings)
    assert rows == keys
    assert rows > 6 * 10  # every response answered many items
    [(responses,)] = published_rows(
        settings.home, "select count(distinct response_id) from fct_survey_answer"
    )
    assert responses == 6


def _with_extra_answer(parsed: Any, *, orphan: bool) -> Any:
    """The parse with its first answer staged a second time (or under an unknown response)."""
    extra = parsed.answers.head(1)
    if orphan:
        extra = extra.with_columns(pl.lit("r_not_staged").alias("response_id"))
    parsed.answers = pl.concat([parsed.answers, extra])
    return parsed


@pytest.mark.parametrize(
    ("orphan", "message"),
    [(False, "stg_survey_answer repeats the key"), (True, "not among the staged responses")],
)
def test_a_load_whose_staged_answers_break_the_key_fails_and_changes_nothing(
    tmp_path: Path,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    orphan: bool,
    message: str,
) -> None:
    ingest_files(settings, [_wjx(tmp_path / "wjx_2024.xlsx", [wjx_row(1)])])
    snapshot = current_snapshot(settings.home)
    before = _answers(settings)
    parse = survey_load.parse_survey

    def broken(*args: Any, **kwargs: Any) -> Any:
        return _with_extra_answer(parse(*args, **kwargs), orphan=orphan)

    monkeypatch.setattr(survey_load, "parse_survey", broken)
    # The failing file is rolled back on its own and reported, naming the database's reason.
    [report] = ingest_files(settings, [_wjx(tmp_path / "wjx_2024_b.xlsx", [wjx_row(2)])])
    assert report.status == "failed"
    assert "InvalidInputException" in (report.error or "") and message in (report.error or "")
    assert current_snapshot(settings.home) == snapshot
    assert _answers(settings) == before


def test_a_load_whose_staged_responses_repeat_an_id_fails(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    parse = survey_load.parse_survey

    def broken(*args: Any, **kwargs: Any) -> Any:
        parsed = parse(*args, **kwargs)
        parsed.responses = pl.concat([parsed.responses, parsed.responses.head(1)])
        parsed.rows_read += 1  # keep read = loaded + rejected, so only the load can object
        return parsed

    monkeypatch.setattr(survey_load, "parse_survey", broken)
    [report] = ingest_files(settings, [_wjx(tmp_path / "wjx_2024.xlsx", [wjx_row(1)])])
    assert report.status == "failed"
    assert "stg_survey_response repeats" in (report.error or "")
    assert current_snapshot(settings.home) is None


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select column_name, data_type, is_nullable from information_schema.columns "
        "where table_name = 'fct_survey_answer' order by ordinal_position"
    ).fetchall()


def test_migration_0005_keeps_every_answer_and_the_columns_and_drops_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    all_migrations = schema.migrations()
    assert 5 in [version for version, _, _ in all_migrations]
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    monkeypatch.setattr(schema, "migrations", lambda: [m for m in all_migrations if m[0] <= 4])
    schema.migrate(con)
    rows = [
        ("r_1", "tools", "kling", "answered", 1, None, None, None, None, "L1"),
        ("r_1", "tools", "other", "other", 9, None, None, None, "Pika", "L1"),
        ("r_1", "satisfaction", "", "answered", None, None, 9.0, None, None, "L1"),
        ("r_2", "support_ranking", "feedback", "answered", 2, None, None, 1, None, "L2"),
        ("r_2", "suggestions", "", "empty", None, None, None, None, None, "L2"),
    ]
    con.executemany("insert into fct_survey_answer values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    with pytest.raises(duckdb.ConstraintException):  # the old table still has its key
        con.execute("insert into fct_survey_answer values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows[0])
    columns = _columns(con)
    stored = con.execute("select * from fct_survey_answer order by all").fetchall()

    monkeypatch.setattr(schema, "migrations", lambda: all_migrations)
    assert 5 in schema.migrate(con)
    assert _columns(con) == columns
    assert con.execute("select * from fct_survey_answer order by all").fetchall() == stored
    assert con.execute(
        "select count(*) from duckdb_constraints() "
        "where table_name = 'fct_survey_answer' and constraint_type = 'PRIMARY KEY'"
    ).fetchone() == (0,)
    with pytest.raises(duckdb.ConstraintException):  # NOT NULLs survive the rebuild
        con.execute(
            "insert into fct_survey_answer values "
            "('r_3', 'tools', null, 'answered', 1, null, null, null, null, 'L3')"
        )
    con.close()
