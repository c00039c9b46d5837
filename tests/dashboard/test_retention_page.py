"""The retention page: cohort table (bounded / unbounded, by edition / month), lifecycle, return
rate, survival by segment with small groups merged, and audience-retention curves per program
against the median of similar programs — checked against the warehouse's own queries."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import timedelta

import polars as pl
import pytest

from dashboard import charts_retention, components
from dashboard.components import FILTER, filters_id
from dashboard.pages import retention
from tests.dashboard.callbacks import download_as, post_callback
from warehouse.privacy import DEFAULT_K
from warehouse.query import Reader
from warehouse.settings import Settings

pytestmark = pytest.mark.usefixtures("demo_data", "as_organizer")


def _reader(settings: Settings) -> Reader:
    return Reader(settings.home)


def _heatmap_cells(fig) -> dict[tuple[str, str], float | None]:
    trace = fig.data[0]
    return {
        (cohort, period): value
        for cohort, row in zip(trace.y, trace.z, strict=True)
        for period, value in zip(trace.x, row, strict=True)
    }


# -- creator cohorts -------------------------------------------------------------------------------
@pytest.mark.parametrize("measure", ["bounded", "unbounded"])
def test_the_cohort_table_shows_each_cohorts_retained_share_for_the_chosen_measure(
    demo_data: Settings, measure: str
) -> None:
    fig = retention.cohorts_figure({"lang": "zh", "by": "edition", "mode": measure})
    raw = _reader(demo_data).query("retention_creator_cohorts", by="edition")
    cells = _heatmap_cells(fig)
    # Later cohorts have fewer periods: the triangle's missing corner is blank, not 0%.
    assert sum(v is not None for v in cells.values()) == raw.height
    for row in raw.iter_rows(named=True):
        expected = row[f"count_retained_{measure}"] / row["count_cohort"]
        assert cells[(row["cohort"], str(row["period_n"]))] == pytest.approx(expected)
    title = "当期留存" if measure == "bounded" else "无界留存"
    assert title in fig.layout.title.text
    # Rows are labelled with the cohort's size; the axes say what N counts.
    size_2024 = raw.filter(pl.col("cohort") == "2024")["count_cohort"][0]
    assert f"2024年（{size_2024}人）" in fig.layout.yaxis.ticktext
    assert fig.layout.xaxis.title.text == "此后第 N 届（0 = 首次参与当届）"


def test_unbounded_retention_is_never_below_bounded_and_open_periods_are_starred() -> None:
    bounded = _heatmap_cells(retention.cohorts_figure({"by": "edition", "mode": "bounded"}))
    unbounded_fig = retention.cohorts_figure({"by": "edition", "mode": "unbounded"})
    unbounded = _heatmap_cells(unbounded_fig)
    assert bounded.keys() == unbounded.keys()
    assert all(unbounded[k] >= bounded[k] for k in bounded if bounded[k] is not None)
    frame = retention.cohorts({"by": "edition"})
    open_cells = frame.filter(~pl.col("is_complete"))
    assert not open_cells.is_empty()  # the demo's data ends inside the 2027 season
    texts = [cell for row in unbounded_fig.data[0].text for cell in row]
    assert sum(cell.endswith("*") for cell in texts) == open_cells.height
    assert "该期尚未结束" in unbounded_fig.layout.title.subtitle.text


def test_month_cohorts_are_the_months_of_first_work() -> None:
    frame = retention.cohorts({"by": "month"})
    fig = retention.cohorts_figure({"by": "month", "lang": "en"})
    assert frame["cohort"].str.contains(r"^\d{4}-\d{2}$").all()
    assert len(fig.data[0].y) == frame["cohort"].n_unique()
    assert fig.layout.yaxis.title.text == "Cohort (month of first work)"


# -- lifecycle and return rate ---------------------------------------------------------------------
def test_lifecycle_bars_stack_each_states_people_with_dormant_below_zero(
    demo_data: Settings,
) -> None:
    fig = retention.lifecycle_figure({"lang": "zh", "by": "edition"})
    raw = _reader(demo_data).query("retention_creator_lifecycle", by="edition")
    assert [tr.name for tr in fig.data] == ["新创作者", "持续活跃", "回流", "沉寂"]
    assert fig.layout.barmode == "relative"
    for trace in fig.data:
        state = trace.meta["lifecycle_state"]
        expected = raw.filter(pl.col("lifecycle_state") == state)["count_participants"]
        sign = -1 if state == "dormant" else 1
        assert list(trace.y) == [sign * v for v in expected.to_list()]
    assert list(fig.data[0].x) == [f"{p}年" for p in raw["period_label"].unique().sort()]
    # The last season is still open: its bars are pale and a note says why.
    assert fig.data[0].marker.opacity[-1] == charts_retention.INCOMPLETE_OPACITY
    assert fig.layout.title.subtitle.text == "浅色柱：该期尚未结束"


def test_the_return_table_has_each_editions_share_coming_back(demo_data: Settings) -> None:
    rows, defs = retention.grid(retention.returns({"lang": "zh"}), "zh")
    raw = _reader(demo_data).query("retention_edition_return")
    assert [r["edition_year"] for r in rows] == raw["edition_year"].to_list()
    assert rows[0]["share_returned"] == pytest.approx(raw["share_returned"][0])
    headers = {d["field"]: d["headerName"] for d in defs}
    assert headers["share_returned"] == "回归比例"


# -- survival --------------------------------------------------------------------------------------
def test_survival_of_all_creators_starts_with_the_one_and_done_share(demo_data: Settings) -> None:
    fig = retention.survival_figure({"lang": "zh"})
    spans = _reader(demo_data).query("retention_creator_spans")
    cutoff = spans["data_end_on"][0] - timedelta(days=90)
    one_and_done = spans.filter(
        (pl.col("first_work_on") == pl.col("last_work_on")) & (pl.col("last_work_on") < cutoff)
    ).height
    curve = next(tr for tr in fig.data if tr.showlegend is not False)
    assert curve.name == f"全部创作者（{spans.height}人）"
    assert curve.y[0] == 1.0 and curve.x[0] == 0
    assert curve.y[1] == pytest.approx(1 - one_and_done / spans.height)
    assert curve.line.shape == "hv"
    # Its 95% band is drawn as a filled pair of lines around it.
    bands = [tr for tr in fig.data if (tr.meta or {}).get("band")]
    assert [b.meta["band"] for b in bands] == ["upper", "lower"]
    assert all(lo <= s <= hi for lo, s, hi in zip(bands[1].y, curve.y, bands[0].y, strict=True))


def test_survival_by_gender_draws_no_group_under_k_people_and_says_so(
    demo_data: Settings,
) -> None:
    fig = retention.survival_figure({"lang": "zh", "segment": "gender"})
    curves = [tr for tr in fig.data if tr.showlegend is not False]
    sizes = {tr.name: tr.meta["count_people"] for tr in curves}
    assert all(n >= DEFAULT_K for n in sizes.values())
    reader = _reader(demo_data)
    profile = reader.query("retention_page_creator_profile")
    creators = reader.query("retention_creator_spans").join(
        profile, on="participant_id", how="left"
    )
    by_gender = dict(creators.group_by("gender").len().iter_rows())
    assert sizes[f"男（{by_gender['male']}人）"] == by_gender["male"]
    assert sizes[f"未知/未填问卷（{by_gender[None]}人）"] == by_gender[None]
    small = [g for g, n in by_gender.items() if g is not None and n < DEFAULT_K]
    assert small == ["undisclosed"]  # the demo has a handful of "prefer not to say"
    assert fig.layout.title.subtitle.text == "不足5人的组未绘制：不愿透露"
    assert len([tr for tr in fig.data if (tr.meta or {}).get("band")]) == 2 * len(curves)
    # Roles keep their theme colours on this page too.
    role_fig = retention.survival_figure({"lang": "zh", "segment": "role"})
    manager = next(tr for tr in role_fig.data if str(tr.name).startswith("产品经理"))
    assert manager.line.color == "#CC6677"


def test_survival_by_role_merges_the_smallest_roles_into_one_curve() -> None:
    frame = retention.survival({"lang": "en", "segment": "role"})
    groups = frame.group_by("survival_group", maintain_order=True).agg(
        pl.col("count_people").first()
    )
    assert groups.height <= retention.MAX_SURVIVAL_GROUPS + 1
    assert "Smaller groups (merged)" in groups["survival_group"].to_list()
    assert groups["count_people"].min() >= DEFAULT_K
    # So many curves with their bands would be a blur: the bands are left out, and it says so.
    fig = retention.survival_figure({"lang": "en", "segment": "role"})
    assert not [tr for tr in fig.data if (tr.meta or {}).get("band")]
    assert "no intervals drawn for more than 4 groups" in fig.layout.title.subtitle.text
    assert "merged into “smaller groups”: Other" in fig.layout.title.subtitle.text


def test_survival_curves_chart_has_an_empty_state_with_its_note() -> None:
    empty = retention._survival({"segment": "all"})[0].clear()
    fig = charts_retention.survival_curves(
        empty.rename({"survival_group": "group_label"}), lang="en", note="left out: x"
    )
    assert [a.text for a in fig.layout.annotations] == [
        "No creators with at least one work to estimate survival for"
    ]
    assert fig.layout.title.subtitle.text == "left out: x"


def test_every_chart_says_why_it_is_empty_in_both_languages() -> None:
    cohorts = pl.DataFrame(
        schema={
            "cohort": pl.String,
            "period_n": pl.Int64,
            "share_retained": pl.Float64,
            "is_complete": pl.Boolean,
            "count_cohort": pl.Int64,
        }
    )
    states = pl.DataFrame(
        {
            "period": ["2024"] * 4,
            "lifecycle_state": list(charts_retention.LIFECYCLE_STATES),
            "count_participants": [0, 0, 0, 0],
            "is_complete": [True] * 4,
        }
    )
    curves = pl.DataFrame(
        schema={
            "platform_id": pl.String,
            "content_id": pl.String,
            "length_band": pl.String,
            "count_curves_in_band": pl.Int64,
            "position_pct": pl.Int64,
            "audience_share": pl.Float64,
            "band_median_share": pl.Float64,
            "drop_rank": pl.Int64,
        }
    )
    for lang, expected in (
        ("zh", ["还没有可计算留存的创作者队列", "还没有导入创作者作品记录，无法计算生命周期"]),
        (
            "en",
            [
                "No creator cohorts to compute retention for yet",
                "No creator works loaded yet: no lifecycle to show",
            ],
        ),
    ):
        figs = [
            charts_retention.cohort_table(cohorts, lang=lang),
            charts_retention.lifecycle_bars(states, lang=lang),
        ]
        assert [f.layout.annotations[0].text for f in figs] == expected
        assert all(len(f.data) == 0 for f in figs)
    fig = charts_retention.audience_curves(
        curves, lang="en", program_title="远行", empty_key="retention.empty.no_curves_loaded"
    )
    assert fig.layout.annotations[0].text == (
        "No platform has reported an audience-retention curve yet"
    )
    assert fig.layout.title.text.endswith("· 远行")
    with pytest.raises(ValueError, match="needs column"):
        charts_retention.lifecycle_bars(states.drop("is_complete"))


# -- audience retention ----------------------------------------------------------------------------
def test_the_default_program_is_the_latest_with_a_curve_and_unknown_urls_fall_back() -> None:
    catalogue = retention.programs()
    chosen = retention.selected_program({}, catalogue)
    row = catalogue.filter(pl.col("program_id") == chosen).row(0, named=True)
    assert row["count_curves"] > 0
    assert row["edition_year"] == catalogue["edition_year"].max()
    assert retention.selected_program({"program": "x' or 1=1"}, catalogue) == chosen
    assert retention.basis({"by": "week"}) == "edition"
    assert retention.mode({"mode": "drop table"}) == "bounded"
    assert retention.segment({"segment": "phone"}) == "all"


def test_a_programs_curves_are_drawn_per_platform_against_their_band_median(
    demo_data: Settings,
) -> None:
    summary = _reader(demo_data).query("retention_audience_summary", program_id=None)
    two = summary.group_by("program_id").len().filter(pl.col("len") == 2)["program_id"][0]
    fig = retention.audience_figure({"lang": "zh", "program": two})
    curves = _reader(demo_data).query("retention_audience_curves", program_id=two)
    lines = [tr for tr in fig.data if (tr.meta or {}).get("platform_id")]
    assert sorted(tr.meta["platform_id"] for tr in lines) == sorted(curves["platform_id"].unique())
    for trace in lines:
        own = curves.filter(pl.col("content_id") == trace.meta["content_id"])
        assert list(trace.y) == own["audience_share"].to_list()
    band = curves["length_band"][0]
    median = next(tr for tr in fig.data if (tr.meta or {}).get("role") == "band_median")
    count = summary.filter(pl.col("length_band") == band)["count_curves_in_band"][0]
    assert median.name.startswith("同类节目中位数（") and f"{count}条曲线" in median.name
    assert fig.layout.yaxis.tickformat == ".0%"
    titles = set(retention.program_options(retention.programs(), "en")["label"])
    assert "年兽不想上班 (2025 · 2 curves)" in titles


def test_a_program_without_a_curve_says_the_platform_reported_none() -> None:
    catalogue = retention.programs()
    none = catalogue.filter(pl.col("count_curves") == 0)["program_id"][0]
    fig = retention.audience_figure({"lang": "zh", "program": none})
    assert len(fig.data) == 0
    assert [a.text for a in fig.layout.annotations] == ["平台没有提供该节目的观众留存曲线"]
    label = dict(retention.program_options(catalogue, "zh").rows())[none]
    assert label.endswith("无曲线）")


def test_the_program_table_compares_each_curve_with_its_band(demo_data: Settings) -> None:
    rows, defs = retention.grid(retention.program_table({"lang": "zh"}), "zh")
    summary = _reader(demo_data).query("retention_audience_summary", program_id=None)
    assert len(rows) == summary.height
    best = summary.sort("avg_pct_viewed_vs_band", descending=True).row(0, named=True)
    assert rows[0]["program_title_zh"] == best["program_title_zh"]
    assert rows[0]["avg_pct_viewed"] == pytest.approx(best["avg_pct_viewed"])
    assert rows[0]["avg_pct_viewed_index"] == pytest.approx(
        best["avg_pct_viewed"] / best["band_avg_pct_viewed"]
    )
    assert {r["platform_name"] for r in rows} == {"哔哩哔哩", "YouTube"}
    specs = {d["field"]: d for d in defs}
    assert specs["avg_pct_viewed"]["headerName"] == "平均观看比例"
    assert "pp" in specs["avg_pct_viewed_vs_band"]["valueFormatter"]["function"]


# -- page, callbacks, downloads --------------------------------------------------------------------
def test_the_layout_builds_controls_with_the_urls_values_in_english() -> None:
    page = retention.layout(lang="en", by="month", mode="unbounded", segment="role")
    text = str(page)
    assert "Retention" in text and "Split survival by" in text
    store = next(c for c in page.children if getattr(c, "id", None) == filters_id("retention"))
    assert store.data["by"] == "month" and store.data["mode"] == "unbounded"
    assert store.data["segment"] == "role" and store.data["program"] is not None


def test_the_callbacks_answer_over_http_like_the_browser_calls_them(dash_app) -> None:
    filters = {"page": "retention", "lang": "en", "by": "month", "segment": "age_band_coarse"}
    body = post_callback(
        dash_app,
        outputs=[
            ("retention-cohorts", "figure"),
            ("retention-lifecycle", "figure"),
            ("retention-returns", "rowData"),
            ("retention-returns", "columnDefs"),
            ("retention-survival", "figure"),
        ],
        inputs=[(filters_id("retention"), "data", filters)],
    )["response"]
    assert body["retention-cohorts"]["figure"]["layout"]["title"]["text"] == (
        "Creator retention by cohort · bounded"
    )
    assert body["retention-lifecycle"]["figure"]["data"][0]["name"] == "New"
    names = [tr.get("name") for tr in body["retention-survival"]["figure"]["data"]]
    assert any(str(n).startswith("25–34 (n=") for n in names)
    body = post_callback(
        dash_app,
        outputs=[
            ("retention-audience", "figure"),
            ("retention-programs", "rowData"),
            ("retention-programs", "columnDefs"),
        ],
        inputs=[(filters_id("retention"), "data", {"page": "retention", "program": "P2025-03"})],
    )["response"]
    traces = body["retention-audience"]["figure"]["data"]
    assert {tr.get("name") for tr in traces} >= {"哔哩哔哩", "YouTube"}
    assert len(body["retention-programs"]["rowData"]) == 30


def test_the_survival_csv_download_has_chinese_headers_and_group_labels() -> None:
    payload = download_as(
        "organizer", "retention", "survival", "csv", [{"page": "retention", "segment": "gender"}]
    )
    body = base64.b64decode(payload["content"]) if payload.get("base64") else payload["content"]
    body = body if isinstance(body, bytes) else body.encode()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["分组", "人数", "距首个作品天数"]
    assert {r[0] for r in rows[1:]} >= {"男", "女"}


def test_a_researcher_sees_no_cohort_or_cell_of_fewer_than_k_people(dash_app) -> None:
    from tests.dashboard.callbacks import as_user

    filters = {"lang": "zh", "by": "month", "mode": "bounded"}
    exact = retention.cohorts(filters)
    with as_user(dash_app, "researcher"):
        shown = retention.cohorts(filters)
        states = retention.lifecycle(filters)
    assert exact.filter(pl.col("count_cohort") < 5).height > 0, "the demo has small cohorts"
    assert shown["count_cohort"].min() >= 5
    retained = shown["count_retained"].drop_nulls()
    assert retained.filter((retained > 0) & (retained < 5)).len() == 0
    counts = states["count_participants"].drop_nulls()
    assert counts.filter((counts > 0) & (counts < 5)).len() == 0


def test_a_cohort_table_of_many_months_drops_the_cell_text_but_keeps_the_open_cell_marks() -> None:
    periods = charts_retention.MAX_TEXT_PERIODS + 5
    cohorts = pl.DataFrame(
        {
            "cohort": ["2024-01"] * periods,
            "period_n": list(range(periods)),
            "share_retained": [0.5] * periods,
            "is_complete": [True] * (periods - 1) + [False],
            "count_cohort": [12] * periods,
        }
    )
    fig = charts_retention.cohort_table(cohorts, by="month", lang="zh")
    heatmap = fig.data[0]
    assert heatmap.texttemplate == ""
    assert heatmap.text[0][-1] == "50%*"
    assert fig.layout.title.subtitle.text == "* 该期尚未结束，数字仍可能变化"


def test_the_program_list_is_searched_on_the_server_and_keeps_the_chosen_one(dash_app) -> None:
    """Every edition's programs (110 in the demo) are more than the list holds at once (50):
    typed text finds the others, with the program already chosen kept first."""
    labels = retention.program_options(retention.programs(), "zh").rows()
    assert len(labels) > components.LIST_OPTIONS
    first_value, first_label = labels[0]
    last_value, last_label = labels[-1]
    program = {"type": FILTER, "page": "retention", "key": "program"}
    request = {
        "outputs": [(program, "options")],
        "inputs": [(program, "search_value", last_label[:4])],
        "state": [
            (program, "value", first_value),
            (filters_id("retention"), "data", {"page": "retention", "lang": "zh"}),
        ],
    }
    for role in ("organizer", "researcher"):
        body = post_callback(dash_app, **request, role=role)["response"]
        options = body[json.dumps(program, sort_keys=True, separators=(",", ":"))]["options"]
        assert options[0] == {"label": first_label, "value": first_value}
        assert {"label": last_label, "value": last_value} in options
        assert all(last_label[:4] in o["label"] for o in options[1:])
    post_callback(dash_app, **request, role="sponsor", expect_status=403)
