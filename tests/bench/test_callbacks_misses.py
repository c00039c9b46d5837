"""The cache-miss table of bench.callbacks: one row per callback over its distinct inputs, next
to the bare data calls for the same inputs, judged on p95 ≤ 250 ms and ≤ 1.5× bare."""

from __future__ import annotations

from bench import callbacks


def _case(label: str, servers: list[float], first: float | None = 0.9) -> dict:
    return {
        "role": "organizer",
        "path": "/participants",
        "label": label,
        "first": None if first is None else {"server": first, "client": first, "status": 200},
        "calls": [
            {
                "search": f"?city=上海&n={i}",
                "body": {"i": i},
                "server": s,
                "client": s + 0.001,
                "status": 200,
            }
            for i, s in enumerate(servers)
        ],
    }


def test_each_callback_is_judged_on_its_own_calls_against_the_bare_calls_of_the_same_inputs() -> (
    None
):
    fast = _case("participants-summary.children (+11)", [0.1] * 30)
    slow = _case("_pages_content /participants", [0.1] * 28 + [0.4, 0.5])
    nav = _case("nav.children (+2)", [0.01] * 30, first=None)
    bare = (
        [{"status": 200, "calls": ["query participants_population()"], "seconds": [0.08]}] * 30
        + [{"status": 200, "calls": ["query participants_population()"], "seconds": [0.3]}] * 30
        + [{"status": 200, "calls": [], "seconds": []}] * 30
    )
    rows = callbacks.summarise_misses([fast, slow, nav], bare)
    assert [r["inputs"] for r in rows] == [30, 30, 30]
    assert rows[0]["met"] and abs(rows[0]["ratio"] - 0.1 / 0.08) < 1e-9
    assert not rows[1]["met"] and rows[1]["max"] == 0.5 and rows[1]["p95"] > 0.25
    assert rows[2]["met"] and rows[2]["ratio"] is None and rows[2]["cold"] is None
    table = callbacks.miss_table(rows)
    assert "/participants · _pages_content /participants" in table and "| NO |" in table


def test_a_page_with_few_filters_is_opened_with_them_in_turn_up_to_the_count() -> None:
    components = {
        "e": {
            "id": {"type": "filter", "page": "overview", "key": "edition"},
            "options": [{"label": "2026 AI春晚", "value": 2026}, {"label": "2025", "value": 2025}],
        }
    }
    searches = callbacks.page_searches(components, "/", 5, seed=1)
    assert len(searches) == 5 and set(searches) == {"?edition=2026", "?edition=2025"}
    assert searches == callbacks.page_searches(components, "/", 5, seed=1)
    assert callbacks.page_searches({}, "/contacts", 3, seed=1) == ["", "", ""]


def test_a_missed_callback_shows_where_its_time_goes_call_by_call() -> None:
    slow = _case("sponsor-name.children (+12)", [0.9] * 4)
    fast = _case("nav.children (+2)", [0.01] * 4, first=None)
    bare = [
        {
            "status": 200,
            "calls": ["analytic reach_by(…)", "query sponsor_report_daily(…)"],
            "seconds": [0.7],
            "call_seconds": {
                "analytic warehouse.analytics.reach.reach_by": 0.3 + i / 100,
                "query sponsor_report_daily": 0.2,
                **({"query sponsor_report_live": 0.05} if i == 0 else {}),
            },
        }
        for i in range(4)
    ] + [{"status": 200, "calls": [], "seconds": [], "call_seconds": {}}] * 4
    rows = callbacks.summarise_misses([slow, fast], bare)
    assert [name for name, _, _ in rows[0]["profile"]] == [
        "analytic warehouse.analytics.reach.reach_by",
        "query sponsor_report_daily",
        "query sponsor_report_live",
    ]
    assert abs(rows[0]["profile"][0][1] - 0.315) < 1e-9 and rows[0]["profile"][2][2] == 1
    text = callbacks.miss_profiles(rows)
    # Only the missed callback, its slowest call first, and the rest of its server time.
    assert text.count("\n") == 0 and text.startswith("- /participants · sponsor-name")
    assert "`analytic warehouse.analytics.reach.reach_by` 315 ms (4×)" in text
    assert "`query sponsor_report_live` 50 ms (1×)" in text
    assert "server p50 900 ms = data calls 700 ms" in text and "≈ 200 ms" in text
