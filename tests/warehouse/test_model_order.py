"""The build order of SQL models: what a model reads builds before it, whatever the names."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse import schema
from warehouse.query import Reader
from warehouse.settings import Settings


def _models(root: Path, files: dict[str, str]) -> None:
    for relative, sql in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql, encoding="utf-8")


def test_a_model_builds_after_the_models_it_reads_even_when_its_name_sorts_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _models(
        tmp_path,
        {
            "core/fct_b.sql": "select 1 as x",
            # Reads mart_z (a later name) and fct_b; the comment naming mart_y is no input.
            "marts/mart_a.sql": "-- unlike mart_y\nselect x from mart_z join fct_b using (x)",
            "marts/mart_y.sql": "-- materialized: table\nselect x + 1 as x from mart_a",
            "marts/mart_z.sql": "-- materialized: table\nselect x from fct_b",
            "marts/mart_c.sql": "select 3 as x",
        },
    )
    monkeypatch.setattr(schema, "MODELS", tmp_path)
    order = [name for _layer, name, _path in schema.models()]
    assert order == ["fct_b", "mart_c", "mart_z", "mart_a", "mart_y"]
    con = duckdb.connect()
    assert schema.build_models(con) == order
    assert con.execute("select x from mart_y").fetchall() == [(2,)]


def test_models_that_read_each_other_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _models(
        tmp_path,
        {
            "marts/mart_a.sql": "select x from mart_b",
            "marts/mart_b.sql": "select x from mart_a",
            "marts/mart_c.sql": "select 1 as x",
        },
    )
    monkeypatch.setattr(schema, "MODELS", tmp_path)
    with pytest.raises(ValueError, match="cycle: mart_a, mart_b"):
        schema.models()


def test_the_shipped_models_build_in_an_order_that_reads_only_what_is_built() -> None:
    order = [name for _layer, name, _path in schema.models()]
    names = set(order)
    for position, (_layer, name, path) in enumerate(schema.models()):
        sql = schema._COMMENT.sub("", path.read_text(encoding="utf-8"))
        assert schema.model_inputs(sql, names - {name}) <= set(order[:position]), name


def test_queries_without_order_by_read_tables_in_their_stored_order(
    demo_settings: Settings,
) -> None:
    reader = Reader(demo_settings.home)
    population = reader.query("segment_population")
    assert population.height > 100
    assert population.equals(population.sort("edition_year", "participant_id", nulls_last=True))
    profile = reader.query("retention_page_creator_profile")
    assert profile.height > 100 and profile["participant_id"].is_sorted()
