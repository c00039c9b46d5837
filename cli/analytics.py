"""`creatorpulse segment|attention|retention|reach`: the analytics, printed or as JSON."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cli.common import (
    AsJson,
    CliError,
    Home,
    app,
    console,
    open_reader,
    print_frame,
    print_json,
    progress_bar,
)
from warehouse.query import Reader
from warehouse.settings import load_settings


@app.command()
def segment(
    home: Home = None,
    k: Annotated[
        int | None,
        typer.Option(help="Number of clusters (default: best silhouette in the configured range)."),
    ] = None,
    min_cell: Annotated[
        int, typer.Option("--min-cell", help="Suppress cells of fewer people than this.")
    ] = 5,
    survey: Annotated[
        str | None,
        typer.Option(
            "--survey",
            "--questionnaire",
            help="The survey (questionnaire id) to segment (default: the gala's if loaded, "
            "else the only survey).",
        ),
    ] = None,
    features: Annotated[
        list[str] | None,
        typer.Option(
            "--feature",
            help="A question id to cluster on, repeatable (another survey's default: its "
            "demographic and choice questions, or clustering.yaml's surveys.ID.features).",
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Store the saved segment definitions, run a new clustering, and profile both."""
    from survey.segments import (
        cluster_profiles,
        run_clustering,
        segment_definitions,
        segment_profile,
        store_segments,
    )
    from survey.segments.runs import survey_to_cluster
    from survey.segments.surveys import gala_id
    from warehouse.store import open_for_write

    settings = load_settings(home)
    reader = open_reader(home)
    chosen = survey_to_cluster(reader, survey)
    if chosen != gala_id():
        _segment_survey(reader, chosen, k=k, min_cell=min_cell, features=features, as_json=as_json)
        return
    with progress_bar() as progress:
        progress.add_task("clustering participants", total=None)
        with open_for_write(settings.home, keep=settings.keep_snapshots) as session:
            store_segments(session)
            result = run_clustering(session, k=k)
    clusters = cluster_profiles(reader, k=min_cell)
    names = segment_definitions(reader)["segment_name"].to_list()
    profiles = {name: segment_profile(reader, name, k=min_cell) for name in names}
    reader.close()
    if as_json:
        print_json(
            {
                "run": result.as_dict(),
                "clusters": clusters.to_dicts(),
                "segments": {name: p.as_dict() for name, p in profiles.items()},
            }
        )
        return
    run = result.as_dict()
    console.print(
        f"run {run['run_id']}: k={run['k']}, silhouette {run['silhouette']:.3f}, stability (ARI) {run['stability']:.3f}"
    )
    _print_unused(run["params"])
    print_frame(
        "Learned segments",
        clusters,
        [c for c in ("cluster_id", "count_label", "label_zh", "label_en") if c in clusters.columns],
    )
    rows = []
    for name, profile in profiles.items():
        summary = profile.summary.row(0, named=True)
        share = summary.get("share")
        rows.append(
            [
                name,
                str(summary.get("count_label", summary.get("size"))),
                "" if share is None else f"{share:.1%}",
            ]
        )
    table = Table(title="Saved segments")
    for col in ("segment", "people", "share"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _segment_survey(
    reader: Reader,
    survey: str,
    *,
    k: int | None,
    min_cell: int,
    features: list[str] | None,
    as_json: bool,
) -> None:
    """Cluster another survey's participants on its own questions and print the clusters."""
    from survey.segments import cluster_profiles, run_clustering
    from warehouse.store import open_for_write

    settings = load_settings(reader.home)
    with progress_bar() as progress:
        progress.add_task(f"clustering the participants of {survey}", total=None)
        with open_for_write(settings.home, keep=settings.keep_snapshots) as session:
            result = run_clustering(session, k=k, questionnaire_id=survey, features=features)
    clusters = cluster_profiles(reader, result.run_id, k=min_cell)
    reader.close()
    run = result.as_dict()
    if as_json:
        print_json({"survey": survey, "run": run, "clusters": clusters.to_dicts()})
        return
    used = [
        f for kind in ("categorical", "numeric", "multi") for f in run["params"]["features"][kind]
    ]
    stability = "–" if run["stability"] is None else f"{run['stability']:.3f}"
    console.print(
        f"survey {survey}, run {run['run_id']}: k={run['k']}, silhouette "
        f"{run['silhouette']:.3f}, stability (ARI) {stability}"
    )
    console.print(f"clustered on: {', '.join(used)}", highlight=False, markup=False)
    _print_unused(run["params"])
    print_frame(
        "Learned segments",
        clusters,
        [c for c in ("cluster_id", "count_label", "label_zh", "label_en") if c in clusters.columns],
    )


def _print_unused(params: dict) -> None:
    """One line per configured feature the run could not use, with the reason."""
    for item in params.get("features_unused") or []:
        console.print(
            f"not used: {item['feature']} ({item['reason']})", highlight=False, markup=False
        )


@app.command()
def attention(
    home: Home = None,
    series: Annotated[
        str | None, typer.Option(help="One series, e.g. '百度指数/AI' or 'plays:all'.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Post-Spring-Festival attention decline per series and year: half-life, +30/+60 days, March ratio."""
    from warehouse.analytics.attention import stored_declines

    reader = open_reader(home)
    with progress_bar() as progress:
        progress.add_task("reading the decline of every series and year", total=None)
        frame = stored_declines(reader, series=series)  # fitted at publish
    reader.close()
    if frame.is_empty() and series:
        raise CliError(f"unknown series {series!r}")
    if as_json:
        print_json(frame.to_dicts())
        return
    print_frame(
        "Attention decline (half-life in days, shares of peak)",
        frame,
        [
            "series",
            "year",
            "status",
            "half_life_days",
            "half_life_low",
            "half_life_high",
            "share_left_30d_fit",
            "share_left_60d_fit",
            "march_to_festival_week",
            "n_days",
        ],
    )


@app.command()
def retention(home: Home = None, as_json: AsJson = False) -> None:
    """Creator retention by edition cohort, return rate, survival summary, live streams."""
    from warehouse.analytics import retention as r

    reader = open_reader(home)
    data = {
        "cohorts_bounded": r.creator_cohorts(reader, by="edition", bounded=True),
        "cohorts_unbounded": r.creator_cohorts(reader, by="edition", bounded=False),
        "edition_return_rate": r.edition_return_rate(reader),
        "survival": r.creator_survival(reader),
        "live": r.live_summary(reader, by="edition"),
        "audience_retention": r.audience_retention(reader),
    }
    reader.close()
    if as_json:
        print_json({name: frame.to_dicts() for name, frame in data.items()})
        return
    for name in ("cohorts_bounded", "cohorts_unbounded", "edition_return_rate", "live"):
        frame = data[name]
        print_frame(name.replace("_", " "), frame, frame.columns[:8])


@app.command()
def reach(
    home: Home = None,
    by: Annotated[str, typer.Option(help="program, sponsor, platform or overall.")] = "platform",
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD.")] = None,
    sponsor: Annotated[str | None, typer.Option(help="Only this sponsor's programs.")] = None,
    as_json: AsJson = False,
) -> None:
    """Plays, impressions, reach (reported or estimated), frequency, engagement, watch time."""
    from warehouse.analytics.reach import reach as reach_frame

    reader = open_reader(home)
    try:
        frame = reach_frame(reader, by=by, start_on=start, end_on=end, sponsor_id=sponsor)  # type: ignore[arg-type]
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    finally:
        reader.close()
    if as_json:
        print_json(frame.to_dicts())
        return
    keys = [
        c for c in ("program_id", "title_zh", "sponsor_id", "platform_id") if c in frame.columns
    ]
    print_frame(
        f"Reach by {by}",
        frame,
        [*keys, "plays", "reach", "reach_basis", "frequency", "engagement_rate", "watch_time_h"],
    )
