"""A publish rebuilds only the models whose inputs changed, and gets the same marts as rebuilding all.

build_models returns the names it rebuilt; the tests record them by wrapping it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from etl.ingest import ingest_files
from tests.builders import WJX_META, WJX_QUESTIONS, wjx_row, write_csv, write_workbook, write_xlsx
from warehouse import parts, schema
from warehouse.settings import Settings
from warehouse.store import current_snapshot, open_for_write

CONTENT_MODELS = {"fct_content_reach_daily", "mart_program_daily", "mart_reach_content_daily"}
SURVEY_MODELS = {
    "fct_survey_response_current",
    "mart_survey_response",
    "mart_survey_roster",
}
CATALOGUE: dict[str, list[list[object]]] = {
    "届次": [["年份", "播出日期", "名称"], [2025, "2025-01-28", "2025 AI春晚"]],
    "节目": [
        ["节目编号", "节目名称", "类型", "时长", "届次"],
        ["P2025-01", "《AI舞狮》", "舞蹈", "2:30", 2025],
        ["P2025-02", "《算力不够》", "小品", "300", 2025],
    ],
    "赞助商": [["赞助商编号", "名称", "英文名"], ["S01", "星河科技", "Galaxy"]],
    "赞助": [["赞助商编号", "节目编号"], ["S01", "P2025-01"]],
    "发布": [
        ["节目编号", "平台", "内容ID", "链接"],
        ["P2025-01", "抖音", "dy1", ""],
        ["P2025-01", "抖音", "dy1b", ""],  # a second item of the same program on one platform
        ["P2025-02", "抖音", "dy2", ""],
    ],
}
DOUYIN = ["日期", "作品ID", "作品名称", "播放量", "点赞", "评论", "分享"]


def douyin(path: Path, plays: int) -> Path:
    """dy1, dy1b (one program), dy2 and dy9 (no program) over three days."""
    rows = [
        [f"2025-01-{day}", item, "t", str(plays + day + offset), "5", "1", ""]
        for offset, item in enumerate(["dy1", "dy1b", "dy2", "dy9"])
        for day in (28, 29, 30)
    ]
    return write_csv(path, DOUYIN, rows)


@pytest.fixture
def rebuilt(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """The names each build_models call rebuilt, one list per publish."""
    calls: list[list[str]] = []
    real = schema.build_models

    def recording(*args: object, **kwargs: object) -> list[str]:
        names = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(names)
        return names

    monkeypatch.setattr(schema, "build_models", recording)
    yield calls


def ingest(settings: Settings, *paths: Path) -> None:
    reports = ingest_files(settings, list(paths))
    assert [r.status for r in reports] == ["loaded"] * len(paths), [r.error for r in reports]


@pytest.fixture
def loaded(tmp_path: Path, settings: Settings) -> Settings:
    """Catalogue, one Douyin export and one survey file, published."""
    ingest(
        settings,
        write_workbook(tmp_path / "catalogue_aigala.xlsx", CATALOGUE),
        douyin(tmp_path / "douyin_aigala_2025.csv", 100),
        write_xlsx(tmp_path / "a_2025.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(1), wjx_row(2)]),
    )
    return settings


def every_model() -> set[str]:
    return {name for _layer, name, _path in schema.models()}


def test_the_first_publish_builds_every_model_and_an_unchanged_one_none(
    tmp_path: Path, settings: Settings, rebuilt: list[list[str]]
) -> None:
    ingest(settings, douyin(tmp_path / "douyin_aigala_2025.csv", 100))
    assert set(rebuilt[-1]) == every_model()
    with open_for_write(settings.home) as session:
        session.mark_changed("load_log")  # a table no model reads
    assert rebuilt[-1] == []


def test_a_survey_load_rebuilds_no_content_model(
    tmp_path: Path, loaded: Settings, rebuilt: list[list[str]]
) -> None:
    ingest(loaded, write_xlsx(tmp_path / "b_2025.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(3)]))
    assert set(rebuilt[-1]) >= SURVEY_MODELS
    assert not CONTENT_MODELS & set(rebuilt[-1])


def test_a_content_load_rebuilds_the_reach_and_program_marts_and_their_dependents(
    tmp_path: Path, loaded: Settings, rebuilt: list[list[str]]
) -> None:
    ingest(loaded, douyin(tmp_path / "douyin_aigala_2025_b.csv", 200))
    names = rebuilt[-1]
    assert CONTENT_MODELS | {"mart_overview_edition"} <= set(names)
    assert names.index("fct_content_reach_daily") < names.index("mart_program_daily")
    assert not SURVEY_MODELS & set(names)


def test_a_changed_model_sql_forces_its_rebuild(
    tmp_path: Path, loaded: Settings, rebuilt: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    models = tmp_path / "models"
    shutil.copytree(schema.MODELS, models)
    changed = models / "marts" / "mart_reach_program.sql"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n-- edited\n", encoding="utf-8")
    monkeypatch.setattr(schema, "MODELS", models)
    with open_for_write(loaded.home) as session:
        session.mark_changed("load_log")
    assert rebuilt[-1] == ["mart_reach_program"]
    with open_for_write(loaded.home) as session:
        session.mark_changed("load_log")
    assert rebuilt[-1] == []


def test_a_change_the_session_cannot_name_rebuilds_every_model(
    loaded: Settings, rebuilt: list[list[str]]
) -> None:
    with open_for_write(loaded.home) as session:
        session.con.execute("delete from fct_content_daily where content_id = 'dy9'")
        session.mark_changed()
    assert set(rebuilt[-1]) == every_model()
    path = current_snapshot(loaded.home)
    with parts.connect(path, read_only=True) as con:
        [(rows,)] = con.execute(
            "select count(*) from fct_content_reach_daily where content_id = 'dy9'"
        ).fetchall()
    assert rows == 0


def test_marts_after_mixed_loads_equal_a_full_rebuild(
    tmp_path: Path, loaded: Settings, rebuilt: list[list[str]]
) -> None:
    ingest(loaded, write_xlsx(tmp_path / "b_2025.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(3)]))
    ingest(loaded, douyin(tmp_path / "douyin_aigala_2025_b.csv", 300))
    renamed = {**CATALOGUE, "节目": [row[:] for row in CATALOGUE["节目"]]}
    renamed["节目"][1][1] = "《AI舞狮》重制版"
    ingest(loaded, write_workbook(tmp_path / "catalogue_aigala_b.xlsx", renamed))
    ingest(loaded, write_xlsx(tmp_path / "c_2025.xlsx", WJX_META + WJX_QUESTIONS, [wjx_row(4)]))
    assert all(set(names) != every_model() for names in rebuilt[-4:])

    copy = tmp_path / "copy.duckdb"
    path = current_snapshot(loaded.home)
    assert path is not None
    shutil.copyfile(path, copy)
    with duckdb.connect(str(copy)) as con:
        names = sorted(every_model())
        for name in names:
            con.execute(f"create table incremental_{name} as select * from {name}")
        assert set(schema.build_models(con)) == every_model()
        for name in names:
            [(missing, extra, _count)] = con.execute(
                f"select (select count(*) from (select * from {name}"
                f" except all select * from incremental_{name})),"
                f" (select count(*) from (select * from incremental_{name}"
                f" except all select * from {name})),"
                f" (select count(*) from {name})"
            ).fetchall()
            assert (name, missing, extra) == (name, 0, 0)
        [(title,)] = con.execute(
            "select distinct program_title_zh from mart_program_daily where program_id = 'P2025-01'"
        ).fetchall()
        assert title == "《AI舞狮》重制版"


def test_program_daily_equals_a_plain_sum_over_content_days(loaded: Settings) -> None:
    path = current_snapshot(loaded.home)
    assert path is not None
    plain = """
        select
            g.platform_id, g.program_id, g.date_on, p.edition_year,
            p.title_zh as program_title_zh, c.year as calendar_year, c.days_from_spring_festival,
            g.count_content, g.views, g.count_interactions, g.impressions, g.watch_time_s,
            g.is_first_snapshot, g.is_interval
        from (
            select
                platform_id, program_id, date_on, count(*) as count_content,
                cast(sum(views) as bigint) as views,
                cast(sum(count_interactions) as bigint) as count_interactions,
                cast(sum(impressions) as bigint) as impressions,
                sum(watch_time_s) as watch_time_s,
                bool_or(is_first_snapshot) as is_first_snapshot,
                bool_or(is_interval) as is_interval
            from fct_content_reach_daily
            group by platform_id, program_id, date_on
        ) as g
        left join dim_program as p on p.program_id = g.program_id
        left join dim_calendar as c on c.date_on = g.date_on
    """
    with parts.connect(path, read_only=True) as con:
        assert con.execute(
            f"select count(*) from (({plain}) except all (select * from mart_program_daily))"
        ).fetchall() == [(0,)]
        assert con.execute(
            f"select count(*) from ((select * from mart_program_daily) except all ({plain}))"
        ).fetchall() == [(0,)]
        by_program = dict(
            con.execute(
                "select coalesce(program_id, '-'), max(count_content) from mart_program_daily"
                " group by 1"
            ).fetchall()
        )
    # Two items of one program summed, a sole item passed through, unmatched content summed.
    assert by_program == {"P2025-01": 2, "P2025-02": 1, "-": 1}
