"""Survey exports into the warehouse: every format, rejects with reasons, idempotence, safety."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etl.ingest import ingest_files
from tests.builders import (
    WJX_META,
    WJX_QUESTIONS,
    published_rows,
    wjx_row,
    write_csv,
    write_xls,
    write_xlsx,
)
from warehouse import parts
from warehouse.query import Reader
from warehouse.settings import Settings
from warehouse.store import current_snapshot
from warehouse.survey_wide import survey_wide


def sql(settings: Settings, query: str, params: list[Any] | None = None) -> list[tuple]:
    """Rows of a query on the published snapshot."""
    return published_rows(settings.home, query, params)


def wjx_file(tmp_path: Path, rows: list[list[object]], name: str = "wjx_2024.xlsx") -> Path:
    return write_xlsx(tmp_path / name, WJX_META + WJX_QUESTIONS, rows)


def test_a_wjx_text_export_loads_answers_long_with_skips_empties_and_other_text(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [wjx_row(1), wjx_row(2, tools="Midjourney", m1="(空)", contact="(空)", name="(空)")]
    [report] = ingest_files(settings, [wjx_file(tmp_path, rows)])
    assert (report.status, report.rows_read, report.rows_loaded, report.rows_rejected) == (
        "loaded",
        2,
        2,
        0,
    )
    assert report.details["flavour"] == "wjx_text"
    tools = sql(
        settings,
        "select item_key, answer_status, other_text from fct_survey_answer a "
        "join fct_survey_response r using (response_id) where question_id='tools' "
        "and r.source_response_no='1' order by item_key",
    )
    assert tools == [
        ("jimeng", "answered", None),
        ("kling", "answered", None),
        ("other", "other", "Pika"),
    ]
    ranks = sql(
        settings,
        "select item_key, answer_rank from fct_survey_answer a join fct_survey_response r "
        "using (response_id) where question_id='support_ranking' and r.source_response_no='1' "
        "order by answer_rank",
    )
    assert ranks == [("feedback", 1), ("theme", 2)]
    matrix = sql(
        settings,
        "select r.source_response_no, item_key, answer_status, answer_number "
        "from fct_survey_answer a join fct_survey_response r using (response_id) "
        "where question_id='aspects' order by 1, 2",
    )
    assert matrix == [
        ("1", "organisation", "answered", 4.0),
        ("1", "tech_support", "skipped", None),
        ("2", "organisation", "empty", None),
        ("2", "tech_support", "skipped", None),
    ]


def test_demographics_are_normalised_on_the_response(tmp_path: Path, settings: Settings) -> None:
    ingest_files(
        settings,
        [
            wjx_file(
                tmp_path, [wjx_row(1, age="1996年", city="沪", role="其他【请注明】〖AI产品经理〗")]
            )
        ],
    )
    [row] = sql(
        settings,
        "select age_band, gender, role, role_raw, city_zh, province_zh, ip_region, "
        "edition_year, duration_s from fct_survey_response",
    )
    assert row == (
        "25_29",
        "male",
        "product_manager",
        "其他【请注明】〖AI产品经理〗",
        "上海",
        "上海",
        "上海-上海",
        2024,
        136,
    )


def test_contacts_and_names_live_only_in_the_restricted_table(
    tmp_path: Path, settings: Settings
) -> None:
    ingest_files(
        settings, [wjx_file(tmp_path, [wjx_row(1, contact="+86 138-1234-0001", name="王小明")])]
    )
    assert sql(settings, "select name_text, phone from pii_participant_contact") == [
        ("王小明", "13812340001")
    ]
    path = current_snapshot(settings.home)
    with parts.connect(path, read_only=True) as con:
        tables = [
            t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()
        ]
        for table in tables:
            if table == "pii_participant_contact":
                continue
            text = str(con.execute(f'select * from "{table}"').fetchall())
            assert "13812340001" not in text and "1234-0001" not in text, table
            assert "王小明" not in text, table


def test_the_same_contact_gets_the_same_participant_id_in_any_format(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [wjx_row(1, contact="138 1234 0001"), wjx_row(2, contact="13812340002")]
    ingest_files(settings, [wjx_file(tmp_path, rows, "wjx_2024.xlsx")])
    rows25 = [wjx_row(1, contact="+86-138-1234-0001", time="2025/2/10 10:00:00")]
    ingest_files(settings, [wjx_file(tmp_path, rows25, "wjx_2025.xlsx")])
    per_person = sql(
        settings,
        "select participant_id, list(edition_year order by edition_year) "
        "from fct_survey_response group by 1 order by 2",
    )
    assert [years for _, years in per_person] == [[2024], [2024, 2025]]


BAD_ROWS = [
    (wjx_row(1, age="150"), "您的年龄", "out of range"),
    (wjx_row(2, age="3岁"), "您的年龄", "out of range"),
    (wjx_row(3, gender="(空)"), "您的性别", "required question gender is empty"),
    (wjx_row(4, tools="可灵┋剪映"), "您使用过哪些AI创作工具", "unknown option '剪映'"),
    (wjx_row(5, sat="11"), "整体满意度", "outside the allowed range 0-10"),
    (wjx_row(6, months="abc"), "多少个月", "not a number"),
    (wjx_row(7, rank="作品反馈→作品反馈"), "排序", "ranked twice"),
    (wjx_row(8, m1="9分"), "组织协调", "outside the allowed range 1-5"),
    (wjx_row(9, suggest="长" * 2100), "建议", "over the 2000 allowed"),
]


def test_each_bad_row_is_rejected_with_its_column_and_reason(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [row for row, _, _ in BAD_ROWS] + [wjx_row(20), wjx_row(21)]
    [report] = ingest_files(settings, [wjx_file(tmp_path, rows)])
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (11, 2, 9)
    rejects = sql(
        settings, "select row_number, column_name, reason from load_reject order by row_number"
    )
    assert len(rejects) == 9
    for (row_number, column, reason), (_, want_column, want_reason) in zip(
        rejects, BAD_ROWS, strict=True
    ):
        assert want_column in column, (row_number, column)
        assert want_reason in reason, (row_number, reason)
    assert [r[0] for r in rejects] == list(range(2, 11))  # file rows: header is row 1
    [(read, loaded, rejected)] = sql(
        settings, "select count_rows_read, count_rows_loaded, count_rows_rejected from load_log"
    )
    assert read == loaded + rejected


def test_duplicates_exact_and_repeat_submissions_are_rejected_keeping_the_latest(
    tmp_path: Path, settings: Settings
) -> None:
    first = wjx_row(1, sat="6", time="2024/2/12 10:00:00")
    exact = [2, *first[1:]]
    later = wjx_row(3, sat="9", time="2024/2/20 10:00:00", contact=first[-2])
    [report] = ingest_files(settings, [wjx_file(tmp_path, [first, exact, later])])
    assert (report.rows_loaded, report.rows_rejected) == (1, 2)
    reasons = [r for (r,) in sql(settings, "select reason from load_reject order by row_number")]
    assert reasons[0].startswith("superseded by a later submission (row 4)")
    assert reasons[1] == "exact duplicate of row 2"
    assert sql(
        settings, "select answer_number from fct_survey_answer where question_id='satisfaction'"
    ) == [(9.0,)]


def test_loading_the_same_file_twice_changes_nothing(tmp_path: Path, settings: Settings) -> None:
    path = wjx_file(tmp_path, [wjx_row(1), wjx_row(2)])
    ingest_files(settings, [path])
    snapshot = current_snapshot(settings.home)
    before = sql(settings, "select count(*) from fct_survey_answer")
    [again] = ingest_files(settings, [path])
    assert again.status == "unchanged"
    assert current_snapshot(settings.home) == snapshot
    assert sql(settings, "select count(*) from fct_survey_answer") == before
    assert sql(settings, "select count(*) from load_log") == [(1,)]


def test_a_corrected_re_export_replaces_the_earlier_answers(
    tmp_path: Path, settings: Settings
) -> None:
    ingest_files(settings, [wjx_file(tmp_path, [wjx_row(1, sat="3"), wjx_row(2)], "wjx_2024.xlsx")])
    ingest_files(
        settings, [wjx_file(tmp_path, [wjx_row(1, sat="8"), wjx_row(2)], "wjx_2024_fixed.xlsx")]
    )
    assert sql(settings, "select count(*) from fct_survey_response") == [(2,)]
    assert sql(
        settings,
        "select answer_number from fct_survey_answer a join fct_survey_response r "
        "using (response_id) where question_id='satisfaction' and source_response_no='1'",
    ) == [(8.0,)]


def test_a_file_that_fails_leaves_the_warehouse_exactly_as_it_was(
    tmp_path: Path, settings: Settings
) -> None:
    ingest_files(settings, [wjx_file(tmp_path, [wjx_row(1)])])
    snapshot = current_snapshot(settings.home)
    digest = snapshot.read_bytes()
    # The gala's own export with its gender column removed (a short survey asking only age is
    # another survey, drafted on its own: tests/etl/test_survey_real_layout_traps.py).
    gender = len(WJX_META) + WJX_QUESTIONS.index("2、您的性别？")
    row = wjx_row(1)
    no_gender = write_xlsx(
        tmp_path / "nogender_2024.xlsx",
        [h for i, h in enumerate(WJX_META + WJX_QUESTIONS) if i != gender],
        [[c for i, c in enumerate(row) if i != gender]],
    )
    [report] = ingest_files(settings, [no_gender])
    assert report.status == "failed"
    assert "missing required column for question gender" in report.error
    assert current_snapshot(settings.home) == snapshot
    assert snapshot.read_bytes() == digest


def test_a_wjx_code_export_decodes_option_numbers_and_minus_three_skips(
    tmp_path: Path, settings: Settings
) -> None:
    headers = [
        "序号",
        "提交答卷时间",
        "所用时间",
        "来自IP",
        "来源",
        "来源详情",
        "1、您的年龄",
        "2、您的性别",
        "3、您目前的职业/角色",
        "4、您所在的城市",
        "6(可灵)",
        "6(即梦)",
        "6(Midjourney)",
        "15、明年您还会参加AI春晚吗",
    ]
    rows = [
        [
            1,
            "2024/2/18 14:22:55",
            "100秒",
            "1.2.3.4(上海-上海)",
            "手机提交",
            "微信",
            4,
            2,
            1,
            "上海",
            1,
            0,
            1,
            1,
        ],
        [
            2,
            "2024/2/18 15:00:00",
            "90秒",
            "1.2.3.5(北京-北京)",
            "链接",
            "直接访问",
            3,
            1,
            6,
            "北京",
            0,
            0,
            0,
            -3,
        ],
    ]
    [report] = ingest_files(settings, [write_xlsx(tmp_path / "wjx_codes_2024.xlsx", headers, rows)])
    assert report.details["flavour"] == "wjx_code", report
    assert report.rows_loaded == 2
    demo = sql(
        settings,
        "select age_band, gender, role from fct_survey_response order by source_response_no",
    )
    assert demo == [("30_34", "female", "product_manager"), ("25_29", "male", "artist_creator")]
    tools = sql(
        settings,
        "select source_response_no, item_key, answer_status from fct_survey_answer "
        "join fct_survey_response using (response_id) where question_id='tools' order by 1, 2",
    )
    assert tools == [
        ("1", "kling", "answered"),
        ("1", "midjourney", "answered"),
        ("2", "", "empty"),
    ]
    assert sql(
        settings,
        "select answer_status from fct_survey_answer join fct_survey_response using (response_id) "
        "where question_id='will_return' order by source_response_no",
    ) == [("answered",), ("skipped",)]


def test_a_tencent_export_in_gb18030_with_one_column_per_option(
    tmp_path: Path, settings: Settings
) -> None:
    headers = [
        "编号",
        "开始答题时间",
        "结束答题时间",
        "答题时长",
        "IP省份",
        "IP城市",
        "1.您的年龄",
        "2.您的性别",
        "3.您目前的职业/角色",
        "4.您所在的城市",
        "6.您使用过哪些AI创作工具:可灵",
        "6.您使用过哪些AI创作工具:Suno",
        "6.您使用过哪些AI创作工具:其他",
        "11.请按重要性对您最需要的支持排序:作品反馈",
        "11.请按重要性对您最需要的支持排序:流量曝光",
        "14.请为以下方面打分:组织协调",
    ]
    rows = [
        [
            "1",
            "2025-02-05 20:10:00",
            "2025-02-05 20:11:09",
            "69",
            "浙江",
            "杭州",
            "30~34岁",
            "女",
            "其他(广告导演)",
            "杭州市西湖区",
            "1",
            "",
            "Pika",
            "2",
            "1",
            "5",
        ]
    ]
    path = write_csv(tmp_path / "tencent_2025.csv", headers, rows, encoding="gb18030")
    [report] = ingest_files(settings, [path])
    assert (report.status, report.details["flavour"], report.details["encoding"]) == (
        "loaded",
        "tencent",
        "gb18030",
    )
    [demo] = sql(
        settings, "select age_band, role, city_zh, ip_region, edition_year from fct_survey_response"
    )
    assert demo == ("30_34", "film_advertising", "杭州", "浙江-杭州", 2025)
    answers = sql(
        settings,
        "select question_id, item_key, answer_status, answer_rank, answer_number, other_text "
        "from fct_survey_answer where question_id in ('tools', 'support_ranking', 'aspects') order by 1, 2",
    )
    assert answers == [
        ("aspects", "organisation", "answered", None, 5.0, None),
        ("support_ranking", "exposure", "answered", 1, None, None),
        ("support_ranking", "feedback", "answered", 2, None, None),
        ("tools", "kling", "answered", None, 1.0, None),
        ("tools", "other", "other", None, 1.0, "Pika"),
    ]


def test_a_generic_csv_is_mapped_by_the_questionnaire_ids_or_texts(
    tmp_path: Path, settings: Settings
) -> None:
    headers = ["response_id", "submitted_at", "age", "您的性别", "role", "city", "tools"]
    rows = [
        ["a1", "2024-02-20 10:00:00", "31", "female", "设计师", "Shenzhen", "Midjourney;ComfyUI"]
    ]
    [report] = ingest_files(settings, [write_csv(tmp_path / "generic.csv", headers, rows)])
    assert (report.status, report.details["flavour"], report.rows_loaded) == (
        "loaded",
        "generic",
        1,
    )
    assert sql(
        settings, "select age_band, gender, role, city_zh, edition_year from fct_survey_response"
    ) == [("30_34", "female", "designer", "深圳", 2024)]
    assert sql(
        settings,
        "select list(item_key order by item_key) from fct_survey_answer where question_id='tools'",
    ) == [(["comfyui", "midjourney"],)]


LEGACY_HEADERS = [
    "序号",
    "提交答卷时间",
    "所用时间",
    "来自IP",
    "来源",
    "来源详情",
    "1、请问您的性别？ ",
    "2、您所在的城市? ",
    "3、您目前的职业/角色",
    "4、您的年龄",
]


def test_a_legacy_xls_export_with_null_metadata_loads_and_identical_answers_stay_distinct(
    tmp_path: Path, settings: Settings
) -> None:
    # Like real old 问卷星 .xls exports: time and IP are the text NULL, and on a short survey
    # many respondents give the same answers. Without an address those are different people.
    same = ["NULL", "NULL", "NULL", "手机提交", "直接访问", "男", "上海", "产品经理", "25~29岁"]
    rows = [
        [2, *same],
        [3, *same],
        [4, "NULL", "NULL", "NULL", "手机提交", "直接访问", "女", "北京", "设计师", "30~34岁"],
    ]
    path = write_xls(tmp_path / "wjx_legacy.xls", LEGACY_HEADERS, rows)
    [report] = ingest_files(settings, [path], edition=2024)
    assert (report.status, report.details["flavour"], report.rows_loaded, report.rows_rejected) == (
        "loaded",
        "wjx_text",
        3,
        0,
    )
    assert sql(
        settings,
        "select source_response_no, gender, age_band, submitted_at from fct_survey_response "
        "order by 1",
    ) == [
        ("2", "male", "25_29", None),
        ("3", "male", "25_29", None),
        ("4", "female", "30_34", None),
    ]


def test_a_file_without_dates_or_year_in_its_name_asks_for_the_edition(
    tmp_path: Path, settings: Settings
) -> None:
    rows = [
        [2, "NULL", "NULL", "NULL", "手机提交", "直接访问", "男", "上海", "产品经理", "25~29岁"]
    ]
    [report] = ingest_files(
        settings, [write_xls(tmp_path / "wjx_legacy.xls", LEGACY_HEADERS, rows)]
    )
    assert report.status == "failed"
    assert report.error == "wjx_legacy.xls: cannot tell the edition: give --edition YEAR"
    assert current_snapshot(settings.home) is None  # nothing was published for a failed first load


def test_the_same_answers_from_the_same_address_an_hour_apart_are_two_responses(
    tmp_path: Path, settings: Settings
) -> None:
    first = wjx_row(1, time="2024/2/12 10:00:00", contact="(空)", name="(空)")
    second = wjx_row(2, time="2024/2/12 11:30:00", contact="(空)", name="(空)")
    soon = wjx_row(3, time="2024/2/12 10:00:40", contact="(空)", name="(空)")
    [report] = ingest_files(settings, [wjx_file(tmp_path, [first, second, soon])])
    assert (report.rows_loaded, report.rows_rejected) == (2, 1)
    assert sql(settings, "select row_number, reason from load_reject") == [
        (4, "exact duplicate of row 2")
    ]


def test_answers_export_wide_one_row_per_response_without_a_wide_mart(
    tmp_path: Path, settings: Settings
) -> None:
    ingest_files(
        settings, [wjx_file(tmp_path, [wjx_row(1), wjx_row(2, tools="(跳过)", sat="(空)")])]
    )
    reader = Reader(settings.home)
    try:
        wide = survey_wide(reader)
    finally:
        reader.close()
    assert wide.columns[:4] == [
        "response_id",
        "edition_year",
        "questionnaire_id",
        "questionnaire_version",
    ]
    assert wide.columns[4:] == sorted(wide.columns[4:])  # as DuckDB's PIVOT ordered them
    assert wide["response_id"].to_list() == sorted(
        r[0] for r in sql(settings, "select response_id from fct_survey_response_current")
    )
    cells = wide.select(
        "tools.kling", "tools.other", "tools", "satisfaction", "aspects.tech_support", "contact"
    ).rows()
    assert sorted(cells, key=lambda r: r[0] or "") == [
        (None, None, "(skipped)", "(empty)", "(skipped)", "(answered)"),
        ("1", "1:Pika", None, "9.0", "(skipped)", "(answered)"),
    ]
    # The pivot is built on demand only: a publish no longer builds a wide table.
    assert sql(
        settings,
        "select count(*) from information_schema.tables where table_name = 'mart_survey_wide'",
    ) == [(0,)]
