"""Job titles outside the creator vocabulary map through occupation_map.yaml or stay flagged."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml

from survey.normalise import (
    ROLE_CODES,
    normalise_occupation,
    normalise_occupation_series,
    normalise_role,
)

OCCUPATION_MAP = Path(__file__).parents[2] / "survey" / "data" / "occupation_map.yaml"


@pytest.mark.parametrize(
    ("value", "code", "occupation"),
    [
        pytest.param("Data Scientist", "engineer", "data_scientist", id="Data Scientist"),
        pytest.param(
            "Research Scientist",
            "teacher_researcher",
            "research_scientist",
            id="Research Scientist",
        ),
        pytest.param("Software Engineer", "engineer", "software_engineer", id="Software Engineer"),
        pytest.param("Machine Learning Engineer", "engineer", "ml_engineer", id="ML Engineer"),
        pytest.param("DBA/Database Engineer", "engineer", "database_engineer", id="DBA"),
        pytest.param(
            "Developer Relations/Advocacy",
            "marketing_operations",
            "developer_relations",
            id="DevRel is advocacy, not engineering",
        ),
        pytest.param("Teacher / professor", "teacher_researcher", "teacher", id="Teacher"),
        pytest.param("Student", "student", "student", id="Student"),
        pytest.param("Product Manager", "product_manager", "product_manager", id="PM"),
        pytest.param("算法工程师", "engineer", "ml_engineer", id="算法工程师"),
        pytest.param("运营", "marketing_operations", "operations", id="运营"),
        pytest.param("产品", "product_manager", "product_manager", id="产品"),
        pytest.param("自由职业", "artist_creator", "freelancer", id="自由职业"),
        pytest.param("UI设计师", "designer", None, id="a creator role needs no occupation entry"),
    ],
)
def test_occupations_map_to_creator_roles(value: str, code: str, occupation: str | None) -> None:
    result = normalise_occupation(value)
    assert (result.status, result.code, result.is_mapped) == ("mapped", code, True)
    assert result.occupation == occupation


@pytest.mark.parametrize(
    ("value", "occupation"),
    [
        pytest.param("Data Analyst", "data_analyst", id="Data Analyst"),
        pytest.param("数据分析师", "data_analyst", id="数据分析师"),
        pytest.param("Business Analyst", "business_analyst", id="Business Analyst"),
        pytest.param("Statistician", "statistician", id="Statistician"),
        pytest.param("Currently not employed", "not_employed", id="not employed"),
        pytest.param("退休", "retired", id="退休"),
        pytest.param("公务员", "civil_servant", id="公务员"),
        pytest.param("Program/Project Manager", "project_manager", id="project manager"),
        pytest.param(
            "Manager (Program, Project, Operations, Executive-level, etc)",
            "manager",
            id="a manager is not operations although the text says so",
        ),
        pytest.param(
            "Operations Research Practitioner",
            "operations_research",
            id="operations research is not operations",
        ),
    ],
)
def test_occupations_without_a_creator_role_stay_verbatim_and_flagged(
    value: str, occupation: str
) -> None:
    result = normalise_occupation(value)
    assert (result.status, result.code, result.is_mapped) == ("unmapped", None, False)
    assert result.raw == value
    assert result.occupation == occupation
    assert result.reason == f"occupation {occupation} has no creator role"


def test_an_unknown_occupation_is_flagged_not_dropped() -> None:
    result = normalise_occupation("外卖骑手")
    assert (result.status, result.is_mapped, result.occupation) == ("unmapped", False, None)
    assert (result.raw, result.reason) == ("外卖骑手", "no role matched")


def test_a_wjx_other_answer_keeps_its_option_and_names_the_occupation() -> None:
    result = normalise_occupation("其他【请注明】〖公务员〗")
    assert (result.code, result.is_mapped, result.occupation) == ("other", True, "civil_servant")
    assert normalise_occupation("其他【请注明】〖数据科学家〗").code == "engineer"


def test_the_role_normaliser_uses_the_occupation_map_too() -> None:
    assert normalise_role("Data Scientist").code == "engineer"
    assert normalise_role("Operations Research Practitioner").status == "unmapped"
    assert normalise_role("数据分析师").reason == "no role matched"


def test_every_occupation_names_a_known_role_or_none_and_has_aliases() -> None:
    data = yaml.safe_load(OCCUPATION_MAP.read_text(encoding="utf-8"))
    assert data
    for key, entry in data.items():
        assert entry["role"] is None or entry["role"] in ROLE_CODES, key
        assert entry["en"] and entry["zh"] and entry["aliases"], key
        for alias in [entry["en"], entry["zh"], *entry["aliases"]]:
            assert normalise_occupation(alias).occupation == key, alias


def test_the_series_helper_flags_row_by_row() -> None:
    frame = normalise_occupation_series(pl.Series(["数据分析师", None, "Data Scientist"]))
    assert frame["occupation_is_mapped"].to_list() == [False, False, True]
    assert frame["occupation_code"].to_list() == [None, None, "engineer"]
    assert frame["occupation_raw"].to_list() == ["数据分析师", None, "Data Scientist"]
