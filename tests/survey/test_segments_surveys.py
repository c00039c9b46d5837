"""Segments of a survey that is not the gala's: its dimensions and default clustering features
come from its stored questionnaire, unusable features are reported (never dropped silently), a
run records what it clustered on, and the survey to cluster is chosen or refused by name."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from survey.segments import (
    SegmentError,
    cluster_profiles,
    load_clustering_config,
    population,
    run_clustering,
)
from survey.segments import surveys as survey_segments
from survey.segments.runs import latest_run, survey_to_cluster
from survey.segments.surveys import (
    survey_dimensions,
    survey_features,
    survey_population,
    survey_profile,
)
from tests.dashboard.world_survey import QUESTIONS, SURVEY_ID, add_world_survey
from warehouse.query import Reader
from warehouse.settings import Settings

QUICK = dataclasses.replace(load_clustering_config(), n_bootstrap=2, n_init=2, k_max=3)


def world_questions() -> tuple[pl.DataFrame, pl.DataFrame]:
    """The world survey's questions and options as survey_questions / survey_options read them."""
    questions = pl.DataFrame(
        [
            {
                "question_id": qid,
                "position": position,
                "question_type": kind,
                "text_zh": zh,
                "text_en": en,
                "is_pii": False,
                "semantic": semantic,
            }
            for position, (qid, kind, zh, en, semantic, _) in enumerate(QUESTIONS, 1)
        ]
    )
    options = pl.DataFrame(
        [
            {"question_id": qid, "item_key": key, "label_zh": ozh, "label_en": oen}
            for qid, *_, opts in QUESTIONS
            for key, ozh, oen in opts
        ]
    )
    return questions, options


def world_dimensions() -> survey_segments.SurveyDimensions:
    questions, options = world_questions()
    return survey_dimensions(SURVEY_ID, questions, options)


def small_population() -> pl.DataFrame:
    """Three respondents of the world survey, answered as the warehouse stores them."""
    respondents = pl.DataFrame(
        {
            "response_id": ["r1", "r2", "r3"],
            "participant_id": ["p1", "p2", "p3"],
            "edition_year": [2024, 2024, 2023],
            "submitted_at": [None, None, None],
            "age_band": ["25_29", "18_24", None],
            "gender": ["female", "male", "male"],
            "role": [None, None, None],
            "city_zh": [None, None, None],
            "country_code": [None, None, None],
        },
        schema_overrides={
            "submitted_at": pl.Datetime,
            "role": pl.String,
            "city_zh": pl.String,
            "country_code": pl.String,
        },
    )
    rows = [
        ("r1", "q_country", "", "德国", None, None),
        ("r2", "q_country", "", "美国", None, None),
        ("r1", "q_tools", "sora", "sora", 1.0, None),
        ("r1", "q_tools", "kling", "kling", 1.0, None),
        ("r2", "q_tools", "midjourney", "midjourney", 1.0, None),
        ("r1", "q_rank", "money", "money", None, 2),
        ("r1", "q_rank", "compute", "compute", None, 1),
        ("r1", "q_sat", "", None, 4.0, None),
        ("r3", "q_edu", "", "phd", None, None),
    ]
    answers = pl.DataFrame(
        rows,
        schema={
            "response_id": pl.String,
            "question_id": pl.String,
            "item_key": pl.String,
            "answer_text": pl.String,
            "answer_number": pl.Float64,
            "answer_rank": pl.Int64,
        },
        orient="row",
    )
    return survey_population(respondents, answers, world_dimensions())


def test_the_world_surveys_demographics_come_first_and_free_text_is_no_dimension() -> None:
    dims = world_dimensions()
    assert dims.names == ("q_country", "q_age", "q_edu", "q_gender", "q_tools", "q_sat", "q_rank")
    kinds = {d.name: (d.kind, d.is_demographic) for d in dims.dimensions}
    assert kinds["q_country"] == ("single", True)
    assert kinds["q_edu"] == ("single", True)  # a single-choice question drafted as education
    assert kinds["q_tools"] == ("multi", False)
    assert kinds["q_sat"] == ("number", False)
    assert "q_note" not in dims.names


def test_the_default_features_are_the_demographic_and_choice_questions() -> None:
    assert world_dimensions().default_features() == (
        "q_country",
        "q_age",
        "q_edu",
        "q_gender",
        "q_tools",
        "q_rank",
    )


def test_the_population_holds_each_question_as_the_survey_answered_it() -> None:
    pop = small_population()
    by_id = {r["response_id"]: r for r in pop.to_dicts()}
    assert by_id["r1"]["q_country"] == "DE" and by_id["r2"]["q_country"] == "US"
    assert by_id["r1"]["q_tools"] == ["kling", "sora"]
    assert by_id["r3"]["q_tools"] == []  # answered nothing there: an empty list, not null
    assert by_id["r1"]["q_rank"] == "compute"  # the option ranked first
    assert by_id["r1"]["q_age"] == "25_29" and by_id["r3"]["q_age"] is None
    assert by_id["r1"]["q_gender"] == "female"  # normalised values from the response
    assert by_id["r1"]["q_sat"] == 4.0


def test_labels_speak_the_surveys_language() -> None:
    dims = world_dimensions()
    assert dims.value_label("q_country", "DE") == ("德国", "Germany")
    assert dims.value_label("q_tools", "kling") == ("可灵", "Kling")
    assert dims.value_label("q_edu", None) == ("未知", "Unknown")
    assert dims.context("q_rank") == ("最想要的支持", "Support wanted most")
    assert dims.context("q_country") is None  # a demographic value speaks for itself


def test_features_that_cannot_be_used_are_reported_with_the_reason() -> None:
    dims = world_dimensions()
    pop = small_population()
    choice = survey_features(
        pop, dims, QUICK, ["q_country", "q_note", "q_nope", "q_tools", "q_sat", "q_edu"]
    )
    assert choice.config.categorical == ("q_country", "q_edu")
    assert choice.config.multi == ("q_tools",) and choice.config.numeric == ("q_sat",)
    reasons = dict(choice.unused)
    assert set(reasons) == {"q_note", "q_nope"}
    assert "text" in reasons["q_note"]

    nobody = pop.with_columns(pl.lit(None, dtype=pl.String).alias("q_edu"))
    unanswered = dict(survey_features(nobody, dims, QUICK, ["q_edu", "q_country"]).unused)
    assert unanswered == {"q_edu": "nobody answered it"}


def test_a_question_with_too_many_answers_is_reported_not_one_hot_encoded() -> None:
    dims = world_dimensions()
    many = pl.DataFrame(
        {
            "participant_id": [f"p{i}" for i in range(40)],
            "q_country": [f"C{i}" for i in range(40)],
            "q_gender": ["male", "female"] * 20,
        }
    )
    choice = survey_features(many, dims, QUICK, ["q_country", "q_gender"])
    assert choice.config.categorical == ("q_gender",)
    assert dict(choice.unused)["q_country"].startswith("40 distinct answers")


def test_filters_take_the_surveys_questions_and_option_keys() -> None:
    dims = world_dimensions()
    assert dims.parse_filters({"q_tools": "sora", "edition": [2024]}) == {
        "edition": [2024],
        "q_tools": ["sora"],
    }
    with pytest.raises(SegmentError, match="unknown value 'dalle'.*midjourney, sora"):
        dims.parse_filters({"q_tools": ["dalle"]})
    with pytest.raises(SegmentError, match="'city' is not a question of survey"):
        dims.parse_filters({"city": ["上海"]})
    profile = survey_profile(small_population(), dims, {"q_tools": ["sora", "midjourney"]}, k=None)
    assert profile.summary["size"] == 2 and profile.summary["share"] == pytest.approx(2 / 3)
    lift = {(r["dimension"], r["value"]): r for r in profile.lift.to_dicts()}
    assert lift["q_gender", "female"]["lift"] == pytest.approx((1 / 2) / (1 / 3))


# -- in the warehouse ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world_home(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse plus the world survey (these tests write runs into it)."""
    return add_world_survey(demo_settings.home, tmp_path_factory.mktemp("segw") / "home")


def test_a_run_of_another_survey_says_what_it_clustered_on(world_home: Path) -> None:
    result = run_clustering(world_home, config=QUICK, questionnaire_id=SURVEY_ID)
    assert result.params["questionnaire_id"] == SURVEY_ID
    assert result.params["features"] == {
        "categorical": ["q_country", "q_age", "q_edu", "q_gender", "q_rank"],
        "numeric": [],
        "multi": ["q_tools"],
    }
    assert result.params["features_unused"] == []
    assert result.count_participants == 84
    reader = Reader(world_home)
    try:
        stored = latest_run(reader, SURVEY_ID)
        assert stored is not None and stored["run_id"] == result.run_id
        assert json.loads(json.dumps(stored["params"]))["questionnaire_id"] == SURVEY_ID
        assert latest_run(reader, "aigala-participant") is None  # the gala has no run here
        clusters = cluster_profiles(reader, result.run_id, k=None)
        assert clusters["count_participants"].sum() == 84
        # described in the survey's own terms, never the gala's dimensions
        words = " ".join(clusters["label_zh"].to_list() + clusters["label_en"].to_list())
        assert any(term in words for term in ("岁", "德国", "美国", "Germany", "最想要的支持"))
        assert "城市" not in words and clusters["satisfaction_mean"].is_null().all()
    finally:
        reader.close()


def test_a_feature_named_that_cannot_be_used_is_recorded_with_the_run(world_home: Path) -> None:
    result = run_clustering(
        world_home,
        config=QUICK,
        k=2,
        questionnaire_id=SURVEY_ID,
        features=["q_country", "q_note", "q_sat"],
    )
    assert result.params["features"]["categorical"] == ["q_country"]
    assert result.params["features"]["numeric"] == ["q_sat"]
    assert [u["feature"] for u in result.params["features_unused"]] == ["q_note"]
    with pytest.raises(SegmentError, match="no clustering feature can be used.*q_note"):
        run_clustering(world_home, config=QUICK, questionnaire_id=SURVEY_ID, features=["q_note"])


def test_the_gala_is_the_default_survey_and_other_surveys_are_named(
    world_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = Reader(world_home)
    try:
        assert survey_to_cluster(reader, None) == "aigala-participant"
        assert survey_to_cluster(reader, SURVEY_ID) == SURVEY_ID
        with pytest.raises(SegmentError, match="no survey 'nope'.*aigala-participant, world"):
            survey_to_cluster(reader, "nope")

        def only(*names: str) -> None:
            frame = pl.DataFrame(
                {"questionnaire_id": list(names)}, schema={"questionnaire_id": pl.String}
            )
            monkeypatch.setattr(survey_segments, "survey_candidates", lambda _source: frame)

        only(SURVEY_ID)
        assert survey_segments.resolve_survey(reader, None) == SURVEY_ID  # the only survey
        only(SURVEY_ID, "kaggle-2021")
        with pytest.raises(SegmentError, match="2 surveys.*--survey: world-creators, kaggle-2021"):
            survey_segments.resolve_survey(reader, None)
    finally:
        reader.close()


def test_segment_command_clusters_the_survey_named(world_home: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    home = tmp_path / "home"
    shutil.copytree(world_home, home)
    result = CliRunner().invoke(
        app,
        [
            "segment",
            "--home",
            str(home),
            "--survey",
            SURVEY_ID,
            "--k",
            "2",
            "--feature",
            "q_age",
            "--feature",
            "q_note",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["survey"] == SURVEY_ID and out["run"]["k"] == 2
    assert out["run"]["params"]["features"]["categorical"] == ["q_age"]
    assert out["run"]["params"]["features_unused"][0]["feature"] == "q_note"
    refused = CliRunner().invoke(app, ["segment", "--home", str(home), "--survey", "nope"])
    assert isinstance(refused.exception, SegmentError)  # main() prints it as one line
    assert "surveys: aigala-participant, world-creators" in str(refused.exception)


def test_the_gala_population_leaves_another_surveys_respondents_out(world_home: Path) -> None:
    reader = Reader(world_home)
    try:
        pop = population(reader)
        assert pop.height > 0 and set(pop["questionnaire_id"]) == {"aigala-participant"}
        assert not pop.filter(pl.col("participant_id").str.starts_with("p_world_")).height
    finally:
        reader.close()
