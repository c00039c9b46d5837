"""The segments page: a segment from URL conditions with its size, share, lift and outcomes
(small cells suppressed), saved segments, two segments side by side, and the learned clusters of
the latest clustering run."""

from __future__ import annotations

import base64
import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from dash import Dash

from dashboard import data
from dashboard.app import LOCATION
from dashboard.components import filters_id
from dashboard.pages import segments
from survey.segments import run_clustering, store_segments
from tests.dashboard.callbacks import download_as, post_callback
from warehouse.query import Reader
from warehouse.settings import Settings, load_settings

SHANGHAI_PM = {"lang": "zh", "page": "segments", "a_city": "上海", "a_role": "product_manager"}


def _population(settings: Settings) -> pl.DataFrame:
    """The population read independently of the page (the named query, no rules module)."""
    return Reader(settings.home).query("segment_population")


def _shanghai_pm(pop: pl.DataFrame) -> pl.DataFrame:
    return pop.filter((pl.col("city_zh") == "上海") & (pl.col("role") == "product_manager"))


def _kpi(blocks: list, name: str) -> str:
    """The value text of the KPI card with the DOM id `segments-kpi-NAME`."""
    found: list[str] = []

    def walk(node: object) -> None:
        if getattr(node, "id", None) == f"segments-kpi-{name}":
            found.append(node.children)  # type: ignore[attr-defined]
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    for block in blocks:
        walk(block)
    assert found, name
    return found[0]


@pytest.fixture(scope="module")
def clustered_home(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo warehouse with the saved segments stored and a clustering run (k=3)."""
    home = tmp_path_factory.mktemp("segments") / "home"
    shutil.copytree(demo_settings.home, home, ignore=shutil.ignore_patterns("samples"))
    mp = pytest.MonkeyPatch()
    mp.setenv("CREATORPULSE_ID_KEY", "demo-session-secret")
    try:
        store_segments(home)
        run_clustering(home, k=3)
    finally:
        mp.undo()
    return home


@pytest.fixture
def clustered_data(
    dash_app: Dash, clustered_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The dashboard's data module reading the clustered copy of the demo warehouse."""
    monkeypatch.setenv("CREATORPULSE_HOME", str(clustered_home))
    data.clear_cache()
    yield load_settings(clustered_home)
    data.clear_cache()


# -- URL state -------------------------------------------------------------------------------------
def test_url_conditions_are_checked_and_canonicalised_and_unknown_values_dropped(
    demo_data: Settings,
) -> None:
    params = {
        "a_city": "Shanghai,沪,atlantis",
        "a_role": "product_manager,'; drop table x; --",
        "a_edition": "2025,1999,x",
        "a_exp_min": "24",
        "a_exp_max": "6",  # below the minimum: dropped
        "a_tools": "kling,not_a_tool",
        "b_tier": "",
        "dim": "nonsense",
    }
    assert segments.side_filters(params, "a") == {
        "edition": [2025],
        "role": ["product_manager"],
        "city": ["上海"],
        "experience_months": {"min": 24},
        "tools": ["kling"],
    }
    a, b = segments.segments_of(params)
    assert b is None
    assert segments.lift_dimension(params, a) == "age_band_coarse"  # role is filtered on
    state = segments.page_params(params)
    assert state == {
        "lang": "zh",
        "a_edition": "2025",
        "a_role": "product_manager",
        "a_city": "上海",
        "a_tools": "kling",
        "a_exp_min": "24",
    }


def test_saved_segments_fall_back_to_the_shipped_defaults_when_none_are_stored(
    demo_data: Settings,
) -> None:
    saved, is_default = segments.saved_segments()
    assert is_default
    assert "shanghai-pm-25-34" in saved
    for definition in saved.values():
        # Every saved segment can be written to the URL and read back unchanged.
        params = segments.filter_params(definition.filters, "b")
        assert segments.side_filters(params, "b") == definition.filters


def test_choosing_a_saved_segment_writes_its_conditions_to_the_url_and_clearing_clears_them(
    demo_data: Settings,
) -> None:
    current = {**SHANGHAI_PM, "b_tier": "overseas", "dim": "gender", "lang": "en"}
    search = segments.saved_search(current, "b", "shanghai-pm-25-34")
    assert search == (
        "?a_city=%E4%B8%8A%E6%B5%B7&a_role=product_manager&b_age=25_34"
        "&b_city=%E4%B8%8A%E6%B5%B7&b_role=product_manager&dim=gender&lang=en"
        "&saved_b=shanghai-pm-25-34"
    )
    assert segments.saved_search(current, "b", None) == (
        "?a_city=%E4%B8%8A%E6%B5%B7&a_role=product_manager&dim=gender&lang=en"
    )
    _, b = segments.segments_of(dict(__import__("urllib.parse").parse.parse_qsl(search[1:])))
    assert b is not None and b.description("zh") == "上海 · 产品经理 · 25–34岁"
    changed = segments.Segment("b", {"city": ["上海"]}, b.saved)
    assert (
        changed.description("en") == "Shanghai (changed from “Shanghai · Product managers · 25–34”)"
    )


# -- rule segments ---------------------------------------------------------------------------------
def test_a_segments_size_share_and_outcomes_match_the_population(demo_data: Settings) -> None:
    pop = _population(demo_data)
    seg = _shanghai_pm(pop)
    blocks = segments.kpi_blocks(SHANGHAI_PM)
    assert _kpi(blocks, "a-size") == f"{seg.height:,}"
    assert _kpi(blocks, "a-share") == f"{seg.height / pop.height:.1%}"
    will_return = (seg["will_return"].drop_nulls() == "yes").mean()
    assert _kpi(blocks, "a-will_return_share") == f"{will_return:.1%}"
    table = {r["measure"]: r for r in segments.compare_table(SHANGHAI_PM).to_dicts()}
    assert table["不同参与者"]["segment_a"] == str(seg["participant_id"].n_unique())
    assert table["规模（人次）"]["everyone"] == f"{pop.height:,}"
    assert "segment_b" not in next(iter(table.values()))


def test_the_lift_chart_reads_share_in_segment_over_share_overall_and_hides_small_cells(
    demo_data: Settings,
) -> None:
    filters = {**SHANGHAI_PM, "dim": "age_band_coarse"}
    fig = segments.lift_figure(filters)
    assert fig.layout.title.text == "分群画像：提升度 · 年龄段"
    assert [tr.name for tr in fig.data] == ["分群 A"]
    pop = _population(demo_data)
    seg = _shanghai_pm(pop)
    cells = zip(fig.data[0].y, fig.data[0].text, strict=True)
    bars = dict(zip(fig.data[0].meta["values"], cells, strict=True))
    for band, (lift, text) in bars.items():
        inside = seg.filter(pl.col("age_band_coarse") == band).height
        if inside < segments.K:
            assert (lift, text) == (0, "<5")  # suppressed: no height, "<5"
            continue
        expected = (inside / seg.height) / (
            pop.filter(pl.col("age_band_coarse") == band).height / pop.height
        )
        assert lift == pytest.approx(expected)
        assert text == f"{expected:.2f}"
    assert list(bars)[:3] == ["under_18", "18_24", "25_34"]  # age keeps its own order
    assert fig.layout.shapes[0].y0 == 1  # the "same as everyone" line


def test_segment_b_is_drawn_beside_a_and_everyone_is_the_grey_reference(
    demo_data: Settings,
) -> None:
    filters = {**SHANGHAI_PM, "b_tier": "overseas", "lang": "en"}
    lift = segments.lift_figure(filters)
    assert [tr.name for tr in lift.data] == ["Segment A", "Segment B"]
    outcomes = segments.outcomes_figure(filters)
    assert [tr.name for tr in outcomes.data] == ["Segment A", "Segment B", "Everyone"]
    assert outcomes.data[2].marker.color == "#777777"
    pop = _population(demo_data)
    overseas = pop.filter(pl.col("city_tier") == "overseas")
    measures = outcomes.data[1].meta["measures"]
    will_return = outcomes.data[1].y[measures.index("will_return_share")]
    assert will_return == pytest.approx((overseas["will_return"] == "yes").mean())
    assert outcomes.data[0].x[0] == "Say they'll<br>return"  # long labels are wrapped
    table = segments.compare_table(filters)
    assert table.columns == ["measure", "segment_a", "segment_b", "everyone"]
    assert table.row(0) == (
        "Size (responses)",
        f"{_shanghai_pm(pop).height}",
        f"{overseas.height}",
        f"{pop.height}",
    )


def test_a_segment_of_fewer_than_five_people_shows_less_than_five_and_nobody_says_so(
    demo_data: Settings,
) -> None:
    small = {"page": "segments", "a_role": "other", "lang": "zh"}
    assert 0 < _population(demo_data).filter(pl.col("role") == "other").height < 5
    table = {r["measure"]: r["segment_a"] for r in segments.compare_table(small).to_dicts()}
    assert table["规模（人次）"] == "<5"
    assert table["表示还会参加"] == "<5"
    outcomes = segments.outcomes_figure(small)
    assert outcomes.data[0].text[0] == "<5"
    nobody = {"page": "segments", "a_city": "上海", "a_tier": "overseas"}
    fig = segments.lift_figure(nobody)
    assert not fig.data
    assert fig.layout.annotations[0].text == "没有参与者符合该分群条件"


def test_the_profile_table_lists_every_category_with_share_and_lift(demo_data: Settings) -> None:
    table = segments.profile_table({**SHANGHAI_PM, "lang": "en"})
    role = table.filter(
        (pl.col("dimension_label") == "Role") & (pl.col("category") == "Product manager")
    ).row(0, named=True)
    pop = _population(demo_data)
    share_overall = pop.filter(pl.col("role") == "product_manager").height / pop.height
    assert role["share_a"] == 1.0
    assert role["lift_a"] == pytest.approx(1 / share_overall)
    assert role["share_everyone"] == pytest.approx(share_overall)
    designers = table.filter(pl.col("category") == "Designer").row(0, named=True)
    assert designers["is_suppressed_a"] and designers["share_a"] is None
    _, defs = segments.grid_with_suppression(table, "en", {"share_a": "is_suppressed_a"})
    share_def = next(d for d in defs if d["field"] == "share_a")
    assert share_def["valueFormatter"]["function"].startswith("params.data.is_suppressed_a ? '<5'")
    assert next(d for d in defs if d["field"] == "is_suppressed_a")["hide"] is True


def test_a_csv_download_of_the_lift_data_has_chinese_headers(demo_data: Settings) -> None:
    payload = download_as("organizer", "segments", "lift", "csv", [SHANGHAI_PM])
    body = base64.b64decode(payload["content"]) if payload.get("base64") else payload["content"]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["分群", "分群", "维度", "取值"]
    assert {r[4] for r in rows[1:]} >= {"25–34", "35–44"}


# -- learned clusters ------------------------------------------------------------------------------
def test_without_a_clustering_run_the_clusters_say_how_to_make_one(demo_data: Settings) -> None:
    assert segments.latest_run() is None
    assert segments.run_text("zh") == "还没有聚类结果：运行 creatorpulse segment 生成"
    assert segments.clusters_table({"lang": "zh"}).is_empty()
    fig = segments.cluster_profile_figure({"lang": "en"})
    assert not fig.data
    assert fig.layout.annotations[0].text.startswith("No clustering run yet")


def test_the_clusters_table_and_profile_match_the_latest_runs_assignments(
    clustered_data: Settings,
) -> None:
    reader = Reader(clustered_data.home)
    run_id = reader.query("segment_runs")["run_id"][0]
    members = reader.query("segment_assignments", run_id=run_id)
    table = segments.clusters_table({"lang": "en"})
    assert table["cluster_id"].to_list() == [1, 2, 3]
    sizes = members.group_by("cluster_id").len().sort("cluster_id")["len"].to_list()
    assert table["count_participants"].to_list() == sizes
    assert table["cluster_share"].sum() == pytest.approx(1.0)
    descriptions = table["cluster_description"].to_list()
    assert all(text and not any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in descriptions)
    assert "3 clusters of" in segments.run_text("en")

    fig = segments.cluster_profile_figure({"lang": "zh", "cl_dim": "gender"})
    assert fig.layout.title.text == "群体画像 · 性别"
    heatmap = fig.data[0]
    assert list(heatmap.y) == ["群体 1", "群体 2", "群体 3"]
    assert list(heatmap.x)[:2] == ["男", "女"]
    people = _population(clustered_data).join(
        members.select("participant_id", "edition_year", "cluster_id"),
        on=["participant_id", "edition_year"],
    )
    first = people.filter(pl.col("cluster_id") == 1)
    assert heatmap.z[0][0] == pytest.approx((first["gender"] == "male").mean())


def test_stored_saved_segments_are_offered_instead_of_the_defaults(
    clustered_data: Settings,
) -> None:
    saved, is_default = segments.saved_segments()
    assert not is_default
    assert saved["tier1-pm"].filters == {"role": ["product_manager"], "city_tier": ["1"]}


# -- callbacks over HTTP ---------------------------------------------------------------------------
def test_the_callbacks_answer_over_http_like_the_browser_calls_them(
    clustered_data: Settings, dash_app: Dash
) -> None:
    store = {**SHANGHAI_PM, "b_tier": "overseas", "lang": "en"}
    body = post_callback(
        dash_app,
        outputs=[
            ("segments-kpis", "children"),
            ("segments-lift", "figure"),
            ("segments-outcomes", "figure"),
            ("segments-compare", "rowData"),
            ("segments-compare", "columnDefs"),
            ("segments-profile", "rowData"),
            ("segments-profile", "columnDefs"),
        ],
        inputs=[(filters_id("segments"), "data", store)],
    )["response"]
    assert body["segments-lift"]["figure"]["layout"]["title"]["text"].startswith(
        "Segment profile: lift"
    )
    assert [c["headerName"] for c in body["segments-compare"]["columnDefs"]] == [
        "Measure",
        "Segment A",
        "Segment B",
        "Everyone",
    ]
    clusters = post_callback(
        dash_app,
        outputs=[
            ("segments-run", "children"),
            ("segments-clusters", "rowData"),
            ("segments-clusters", "columnDefs"),
            ("segments-cluster_profile", "figure"),
        ],
        inputs=[(filters_id("segments"), "data", store)],
    )["response"]
    assert len(clusters["segments-clusters"]["rowData"]) == 3
    # The saved-segment picker writes the URL beside the shell's callback (allow_duplicate: the
    # output's property carries a hash of the inputs).
    key = next(
        k
        for k, spec in dash_app.callback_map.items()
        if k.startswith(f"{LOCATION}.search@")
        and any(i["id"] == "segments-saved-a" for i in spec["inputs"])
    )
    prop = key.split(".", 1)[1]
    saved = post_callback(
        dash_app,
        outputs=[(LOCATION, prop)],
        inputs=[("segments-saved-a", "value", "tier1-pm"), ("segments-saved-b", "value", None)],
        state=[(filters_id("segments"), "data", store)],
    )["response"]
    assert saved[LOCATION]["search"] == (
        "?a_role=product_manager&a_tier=1&b_tier=overseas&lang=en&saved_a=tier1-pm"
    )
