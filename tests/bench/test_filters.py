"""The filter combinations the cache-miss benchmarks open pages with: drawn from what the page's
controls offer, distinct, and the same for the same seed."""

from __future__ import annotations

import random
from urllib.parse import parse_qsl

from bench import filters


def _components() -> dict[str, dict]:
    def dropdown(key: str, values: list[str], multi: bool = False) -> dict:
        cid = {"type": "filter", "page": "views", "key": key}
        return {"id": cid, "options": [{"label": v, "value": v} for v in values], "multi": multi}

    return {
        "a": dropdown("edition", ["2026", "2025", "2024"]),
        "b": dropdown("city", ["上海", "北京", "杭州", "成都"], multi=True),
        "c": dropdown("lang", ["zh", "en"]),
        "d": {"id": {"type": "filter", "page": "views", "key": "start"}, "type": "hidden"},
        "e": {
            "id": "views-window-choice",
            "options": [{"label": "全部", "value": "all"}, {"label": "自定义", "value": "custom"}],
        },
        "f": {
            "id": "views-dates",
            "min_date_allowed": "2026-02-16",
            "max_date_allowed": "2026-10-31",
        },
        "g": {"id": "views-title", "children": "播放量"},
    }


def test_controls_are_the_filters_with_options_the_window_presets_and_the_date_range() -> None:
    found, dates = filters.controls(_components())
    assert [(c.key, c.values, c.multi) for c in found] == [
        ("city", ("上海", "北京", "杭州", "成都"), True),
        ("edition", ("2026", "2025", "2024"), False),
        ("window", ("all",), False),  # "custom" is what the date range sets
    ]
    assert dates is not None and (dates.first.isoformat(), dates.last.isoformat()) == (
        "2026-02-16",
        "2026-10-31",
    )


def test_drawn_searches_are_distinct_real_values_and_repeatable_with_the_seed() -> None:
    found, dates = filters.controls(_components())
    first = filters.draw_searches(found, dates, random.Random(7), 30)
    assert first == filters.draw_searches(found, dates, random.Random(7), 30)
    assert len(first) == 30 and len(set(first)) == 30 and "" not in first
    for search in first:
        params = dict(parse_qsl(search.lstrip("?")))
        assert set(params) <= {"city", "edition", "window", "start", "end"}
        assert set(params.get("city", "上海").split(",")) <= {"上海", "北京", "杭州", "成都"}
        assert params.get("edition", "2026") in {"2026", "2025", "2024"}
        if "start" in params:
            assert "2026-02-16" <= params["start"] <= params["end"] <= "2026-10-31"
            assert "window" not in params


def test_a_page_with_few_filters_yields_only_the_combinations_it_has() -> None:
    found, dates = filters.controls({"a": _components()["a"]})
    drawn = filters.draw_searches(found, dates, random.Random(1), 30)
    assert sorted(drawn) == ["?edition=2024", "?edition=2025", "?edition=2026"]
