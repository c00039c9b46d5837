"""The participants page: distributions, the map by city, the cross-tabs, and filters that apply
to every chart, checked against independent reads of the demo warehouse."""

from __future__ import annotations

import base64
import csv
import io
from collections import Counter
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import charts_participants, i18n
from dashboard.components import filters_id
from dashboard.pages import participants
from tests.dashboard.callbacks import download_as, post_callback
from warehouse import parts, store
from warehouse.query import Reader
from warehouse.settings import Settings

pytestmark = pytest.mark.usefixtures("demo_data", "as_organizer")

ASSETS = Path(participants.__file__).resolve().parents[1] / "assets"
LATEST = 2025


def _population(settings: Settings, year: int = LATEST) -> pl.DataFrame:
    """The segments package's population query: an independent read of the same responses."""
    frame = Reader(settings.home).query("segment_population")
    return frame.filter(pl.col("edition_year") == year)


def _sql(settings: Settings, sql: str, params: list | None = None) -> pl.DataFrame:
    path = store.current_snapshot(settings.home)
    con = parts.connect(path, read_only=True)
    try:
        return con.sql(sql, params=params).pl()
    finally:
        con.close()


def _figures(filters: dict) -> dict[str, go.Figure]:
    _summary, *figures = participants.render({"page": "participants", **filters})
    return dict(zip(participants.OUTPUT_NAMES, figures, strict=True))


def _bars(fig: go.Figure) -> dict[str, int]:
    (bar,) = fig.data
    return dict(zip(bar.x, bar.y, strict=True))


def test_the_latest_edition_is_shown_by_default_and_the_summary_counts_its_participants(
    demo_data: Settings,
) -> None:
    editions = Reader(demo_data.home).query("responses_by_edition")
    latest = editions.filter(pl.col("edition_year") == LATEST)["count_participants"][0]
    text = participants.summary({"lang": "zh"})
    assert text == f"符合筛选条件的参与者：{latest:,} 人（第二届AI春晚共 {latest:,} 人）"
    assert participants.people({})["edition_year"].unique().to_list() == [LATEST]


def test_the_role_chart_counts_people_per_role_with_chinese_labels_and_role_colours(
    demo_data: Settings,
) -> None:
    expected = Counter(_population(demo_data)["role"].to_list())
    fig = participants.distribution_figure({"lang": "zh"}, "role")
    assert fig.layout.title.text == "职业/角色分布"
    assert fig.layout.xaxis.title.text == "职业/角色"
    assert fig.layout.yaxis.title.text == "人数（人）"
    bars = _bars(fig)
    assert bars["产品经理"] == expected["product_manager"]
    assert bars["工程师/程序员"] == expected["engineer"]
    assert sum(bars.values()) == sum(expected.values())
    (bar,) = fig.data
    assert list(bar.y) == sorted(bar.y, reverse=True)  # most common first
    colours = dict(zip(bar.meta["categories"], bar.marker.color, strict=True))
    assert colours["product_manager"] == "#CC6677"  # the role's colour on every page


def test_age_and_income_keep_the_questionnaires_order_and_show_unanswered_as_unknown(
    demo_data: Settings,
) -> None:
    age = participants.distribution_figure({"lang": "zh"}, "age")
    assert list(age.data[0].meta["categories"]) == [
        "under_18",
        "18_24",
        "25_29",
        "30_34",
        "35_39",
        "40_44",
        "45_49",
        "50_plus",
    ]
    income = participants.distribution({"lang": "en"}, dimension="income")
    assert income["category_label"].to_list() == [
        "None",
        "Under ¥1k",
        "¥1k-10k",
        "¥10k-50k",
        "Over ¥50k",
        "Unknown",
    ]
    expected = _population(demo_data)["income"].null_count()
    assert income["count_participants"][-1] == expected


def test_multi_select_questions_count_each_person_once_under_every_option_chosen(
    demo_data: Settings,
) -> None:
    pop = _population(demo_data)
    expected = Counter(pop.explode("tools")["tools"].drop_nulls().to_list())
    tools = participants.distribution({"lang": "zh"}, dimension="tools")
    got = dict(zip(tools["category_key"], tools["count_participants"], strict=True))
    assert got == dict(expected)
    kling = tools.filter(pl.col("category_key") == "kling")
    assert kling["category_label"][0] == "可灵"
    assert kling["share_of_filtered"][0] == pytest.approx(expected["kling"] / pop.height)


def test_every_chart_follows_the_filters(demo_data: Settings) -> None:
    filters = {"lang": "zh", "role": "designer,engineer", "city": "310000,overseas"}
    pop = _population(demo_data).filter(
        pl.col("role").is_in(["designer", "engineer"])
        & ((pl.col("city_id") == "310000") | pl.col("is_overseas").fill_null(False))
    )
    assert 0 < pop.height < 100
    figures = _figures(filters)
    for name in ("age", "gender", "role", "experience", "hours", "income"):
        assert sum(v for v in _bars(figures[name]).values() if v) == pop.height, name
    assert set(_bars(figures["role"])) == {"设计师", "工程师/程序员"}
    places = dict(zip(figures["map"].data[-1].y, figures["map"].data[-1].x, strict=True))
    assert places == {
        "上海": pop.filter(pl.col("city_id") == "310000").height,
        "海外（合并）": pop.filter(pl.col("is_overseas")).height,
    }
    tools = Counter(pop.explode("tools")["tools"].drop_nulls().to_list())
    assert sum(_bars(figures["tools"]).values()) == sum(tools.values())
    heat = figures["role_city"].data[0]
    assert list(heat.y) == ["设计师", "工程师/程序员"] or list(heat.y) == [
        "工程师/程序员",
        "设计师",
    ]
    assert list(heat.x) == ["上海", "海外"]
    assert participants.summary(filters).startswith(f"符合筛选条件的参与者：{pop.height} 人")


def test_the_community_filter_keeps_people_who_joined_any_chosen_community(
    demo_data: Settings,
) -> None:
    expected = _sql(
        demo_data,
        "select count(distinct participant_id) as n from mart_survey_answer "
        "where edition_year = ? and question_id = 'communities' "
        "and item_key in ('civitai', 'local_meetup')",
        [2024],
    )["n"][0]
    chosen = participants.people({"edition": "2024", "community": "civitai,local_meetup"})
    assert chosen.height == expected
    assert chosen["participant_id"].n_unique() == expected


def test_unknown_url_values_are_dropped_never_used() -> None:
    pop = participants.population()
    sel = participants.selection(
        {
            "edition": "1999",
            "role": "designer,x'); drop table mart_survey_response; --",
            "city": "999999,310000",
            "age": "ancient",
            "gender": "male",
            "community": "nowhere",
        },
        pop,
    )
    assert sel.edition == LATEST
    assert sel.roles == ["designer"]
    assert sel.cities == ["310000"]
    assert sel.ages == []
    assert sel.genders == ["male"]
    assert sel.communities == []


def test_the_map_draws_chinese_cities_and_groups_overseas_people(demo_data: Settings) -> None:
    pop = _population(demo_data)
    fig = participants.map_figure({"lang": "zh"})
    china, cities, places = fig.data
    assert china.type == "choropleth" and set(china.locations) == {"CHN", "HKG", "MAC", "TWN"}
    assert cities.type == "scattergeo"
    domestic = pop.filter(~pl.col("is_overseas").fill_null(True))
    per_city = Counter(domestic["city_zh"].to_list())
    drawn = {c[0]: c for c in cities.customdata}
    assert {name: int(drawn[name][2].split()[0]) for name in drawn} == dict(per_city)
    assert list(drawn["上海"][:2]) == ["上海", "Shanghai"]
    assert list(cities.marker.size) == sorted(cities.marker.size, reverse=True)
    # No bubble at foreign coordinates: every point lies in the map's China window.
    lon_lo, lon_hi = charts_participants.CHINA_LON_RANGE
    lat_lo, lat_hi = charts_participants.CHINA_LAT_RANGE
    assert all(lon_lo <= x <= lon_hi for x in cities.lon)
    assert all(lat_lo <= y <= lat_hi for y in cities.lat)
    overseas = pop.filter(pl.col("is_overseas").fill_null(False)).height
    notes = {a.name: a.text for a in fig.layout.annotations}
    assert notes["overseas"] == f"海外：{overseas} 人（合并显示，未在地图上标出）"
    assert dict(zip(places.y, places.x, strict=True))["海外（合并）"] == overseas
    assert sum(places.x) == pop.height  # the bar beside the map accounts for everyone


def test_the_base_map_is_served_from_the_apps_own_assets() -> None:
    fig = participants.map_figure({"lang": "en"})
    name = f"{fig.layout.geo.scope}_{fig.layout.geo.resolution}m.json"
    assert name == charts_participants.TOPOJSON_FILE
    assert (ASSETS / "topojson" / name).stat().st_size > 10_000
    assert (ASSETS / "topojson" / "README.md").exists()
    card = participants.map_card()
    graph = card.children[0].children
    assert graph.config["topojsonURL"] == "/assets/topojson/"


def test_cross_tab_cells_under_five_people_read_less_than_five_and_carry_no_count(
    demo_data: Settings,
) -> None:
    pop = _population(demo_data)
    table = participants.age_by_role({"lang": "zh"})
    expected = Counter(zip(pop["role"].to_list(), pop["age_band"].to_list(), strict=True))
    for row in table.iter_rows(named=True):
        n = expected[(row["row_key"], row["col_key"])]
        if n < participants.CROSSTAB_K:
            assert row["count_participants"] is None and row["cell_text"] == "<5"
        else:
            assert row["count_participants"] == n and row["cell_text"] == str(n)
    fig = participants.crosstab_figure(
        table, "participants.title.age_role", "role", "age_band", "zh"
    )
    heat = fig.data[0]
    assert fig.layout.title.text == "职业 × 年龄段（人数）"
    assert fig.layout.yaxis.title.text == "职业/角色"
    assert fig.layout.xaxis.title.text == "年龄段"
    assert heat.y[0] == "产品经理" and heat.x[0] == "18岁以下"
    cell = list(heat.y).index("学生"), list(heat.x).index("50岁及以上")
    assert heat.text[cell[0]][cell[1]] == "<5" and heat.z[cell[0]][cell[1]] is None


def test_role_by_city_shows_the_top_cities_then_other_cities_overseas_and_unknown(
    demo_data: Settings,
) -> None:
    table = participants.role_by_city({"lang": "en"})
    columns = table["col_label"].unique(maintain_order=True).to_list()
    assert columns[:3] == ["Shanghai", "Beijing", "Hangzhou"]
    assert columns[-3:] == ["Other cities", "Overseas", "Unknown"]
    assert len(columns) == participants.TOP_CITIES + 3


def test_filters_that_select_nobody_give_empty_states_that_say_why() -> None:
    filters = {"lang": "en", "age": "under_18", "role": "founder", "gender": "other"}
    assert participants.people(filters).is_empty()
    for name, fig in _figures(filters).items():
        assert [a.text for a in fig.layout.annotations] == ["No participants for these filters"], (
            name
        )
    assert participants.summary(filters).startswith("0 participants match the filters")


def test_the_english_page_labels_every_chart_in_english() -> None:
    figures = _figures({"lang": "en", "edition": "2024"})
    assert figures["map"].layout.title.text == "Where participants live"
    assert figures["tools"].layout.title.text == "AI tools used (multiple choice)"
    assert "Kling" in figures["tools"].data[0].x
    assert figures["gender"].layout.xaxis.title.text == "Gender"
    assert set(figures["gender"].data[0].x) <= {"Male", "Female", "Other", "Prefer not to say"}
    assert figures["role_city"].layout.xaxis.title.text == "City"


def test_the_render_callback_answers_over_http_like_the_browser_calls_it(dash_app) -> None:
    body = post_callback(
        dash_app,
        outputs=[("participants-summary", "children")]
        + [(f"participants-{name}", "figure") for name in participants.OUTPUT_NAMES],
        inputs=[
            (
                filters_id("participants"),
                "data",
                {"page": "participants", "edition": "2024", "gender": ["female"]},
            )
        ],
    )
    response = body["response"]
    assert response["participants-summary"]["children"].startswith("符合筛选条件的参与者")
    gender = response["participants-gender"]["figure"]
    assert gender["data"][0]["x"] == ["女"]
    geo = response["participants-map"]["figure"]["layout"]["geo"]
    assert geo["scope"] == "asia" and geo["resolution"] == 50


def test_a_cross_tab_downloads_as_csv_with_chinese_headers_and_marked_cells() -> None:
    payload = download_as(
        "organizer",
        "participants",
        "role_city",
        "csv",
        [{"page": "participants", "edition": "2025"}],
    )
    body = base64.b64decode(payload["content"]) if payload.get("base64") else payload["content"]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["行代码", "行", "列代码", "列", "参与者", "显示值"]
    assert any(r[5] == "<5" and r[4] == "" for r in rows[1:])
    assert rows[1][1] == "产品经理" and rows[1][3] == "上海"


def test_the_city_map_chart_groups_overseas_and_has_an_empty_state() -> None:
    frame = pl.DataFrame(
        {
            "city_name_zh": ["上海", "北京", "杭州", "海外", "未知"],
            "city_name_en": ["Shanghai", "Beijing", "Hangzhou", "Overseas", "Unknown"],
            "latitude_deg": [31.23, 39.9, 30.25, None, None],
            "longitude_deg": [121.47, 116.4, 120.21, None, None],
            "is_overseas": [False, False, False, True, False],
            "count_participants": [9, 4, 2, 3, 2],
        }
    )
    fig = charts_participants.city_map(frame, lang="en")
    cities = fig.data[1]
    assert list(cities.lat) == [31.23, 39.9, 30.25]
    assert [c[2] for c in cities.customdata] == ["9 people", "4 people", "2 people"]
    # Hangzhou is too close to Shanghai to carry its name as well.
    assert list(cities.text) == ["Shanghai", "Beijing", ""]
    notes = {a.name: a.text for a in fig.layout.annotations}
    assert notes["overseas"] == "Overseas: 3 people (grouped, not placed on the map)"
    assert notes["unplaced"] == "City unknown: 2 people"
    empty = charts_participants.city_map(frame.clear(), lang="zh")
    assert not empty.data
    assert [a.text for a in empty.layout.annotations] == ["该筛选条件下没有参与者"]


def test_a_researcher_sees_no_group_smaller_than_k(dash_app) -> None:
    from tests.dashboard.callbacks import as_user

    filters = {"lang": "zh", "edition": "2025"}
    exact = participants.distribution(filters, dimension="role")
    cities = participants.city_counts(filters)
    with as_user(dash_app, "researcher"):
        shown = participants.distribution(filters, dimension="role")
        shown_cities = participants.city_counts(filters)
        narrow = participants.summary({"lang": "en", "age": "under_18", "role": "founder"})
    small = exact.filter(pl.col("count_participants") < 5)["category_key"].to_list()
    assert small, "the demo has small role groups to hide"
    hidden = shown.filter(pl.col("is_suppressed"))
    # The small groups, and (one small group alone would follow from the match count) the next
    # smallest group as its complement.
    assert set(small) < set(hidden["category_key"].to_list())
    assert len(small) > 1 or hidden.height == 2
    assert hidden["count_participants"].null_count() == hidden.height
    assert shown_cities["count_participants"].min() >= 5
    assert shown_cities.height == cities.filter(pl.col("count_participants") >= 5).height
    assert narrow.startswith("<5 participants")


def test_a_researchers_map_with_every_city_hidden_says_why_not_that_nobody_matches(
    dash_app,
) -> None:
    from tests.dashboard.callbacks import as_user

    filters = {"lang": "en", "edition": "2024", "role": "founder"}
    organizer = participants.map_figure(filters)
    assert organizer.data, "the organizer sees the founders' cities"
    with as_user(dash_app, "researcher"):
        assert participants.city_counts(filters).is_empty()  # no city of 5 founders
        fig = participants.map_figure(filters)
        nobody = participants.map_figure({**filters, "age": "under_18", "gender": "other"})
    (note,) = fig.layout.annotations
    assert note.text == i18n.t("empty.all_cities_hidden", "en").format(k=5)
    assert nobody.layout.annotations[0].text == i18n.t("empty.no_participants", "en")
