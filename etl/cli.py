"""`creatorpulse`: the command-line front door. Thin: it wires etl, survey and warehouse."""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from etl.errors import IngestError
from etl.export_cli import export_app
from etl.report import LoadReport
from etl.report_cli import report_app
from survey.questionnaire import QuestionnaireError, codebook, load_questionnaire
from survey.segments.errors import SegmentError
from warehouse import accounts
from warehouse.accounts import AccountError
from warehouse.query import Reader
from warehouse.settings import load_settings
from warehouse.sponsor_report import SponsorReportError
from warehouse.store import WarehouseError, current_snapshot

app = typer.Typer(
    help="creatorpulse: survey and analytics for creator communities (AI春晚).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True, soft_wrap=True)

Home = Annotated[
    Path | None,
    typer.Option(
        "--home", help="Warehouse folder (default: $CREATORPULSE_HOME or ~/.creatorpulse)."
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


class CliError(Exception):
    """An error to print as one line with a non-zero exit."""


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _ingest(settings: Any, paths: list[Path], **kwargs: Any) -> list[LoadReport]:
    from etl.ingest import ingest_files

    with _progress() as progress:
        task = progress.add_task("loading", total=len(paths))

        def advance(report: LoadReport) -> None:
            progress.update(task, advance=1, description=f"loaded {report.path.name}")

        return ingest_files(settings, paths, on_file=advance, **kwargs)


def _print_reports(reports: list[LoadReport], as_json: bool) -> None:
    if as_json:
        console.print_json(
            json.dumps([r.as_dict() for r in reports], ensure_ascii=False, default=str)
        )
        return
    table = Table(title="Loads")
    for col in ("file", "status", "read", "loaded", "rejected", "note"):
        table.add_column(col, justify="right" if col in {"read", "loaded", "rejected"} else "left")
    for r in reports:
        note = r.error or "; ".join(r.warnings[:3])
        table.add_row(
            r.path.name, r.status, str(r.rows_read), str(r.rows_loaded), str(r.rows_rejected), note
        )
    console.print(table)
    for r in reports:
        if r.status == "failed":
            err.print(f"[red]error:[/red] {r.error}")


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Export files (xlsx, xls, csv) or YouTube Studio folders.")
    ],
    source: Annotated[
        str,
        typer.Option(
            help="auto, survey, roster, catalogue, youtube, bilibili, douyin, wechat_channels, "
            "xiaohongshu, weibo, generic, live, retention, activity or attention."
        ),
    ] = "auto",
    questionnaire: Annotated[
        Path | None, typer.Option(help="Questionnaire YAML (default: the gala's).")
    ] = None,
    edition: Annotated[
        int | None,
        typer.Option(help="Edition year of a survey (default: from file name or dates)."),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="Column mapping YAML for --source generic.")
    ] = None,
    source_name: Annotated[
        str | None, typer.Option(help="Source name of a wide topic-attention file (e.g. 百度指数).")
    ] = None,
    home: Home = None,
    as_json: AsJson = False,
) -> None:
    """Load exports; each file is one transaction, and loading a file twice changes nothing."""
    settings = load_settings(home)
    reports = _ingest(
        settings,
        paths,
        source=source,
        questionnaire=questionnaire,
        edition=edition,
        mapping=mapping,
        source_name=source_name,
    )
    _print_reports(reports, as_json)
    if any(r.status == "failed" for r in reports):
        raise typer.Exit(1)


@app.command()
def demo(
    home: Home = None,
    seed: Annotated[int, typer.Option(help="Random seed of the sample generator.")] = 20240210,
    as_json: AsJson = False,
) -> None:
    """Generate the sample exports and ingest them into a fresh warehouse."""
    from etl.demo import build_demo, sample_dir

    settings = load_settings(home)
    with _progress() as progress:
        task = progress.add_task("generating and loading the sample exports", total=None)

        def advance(report: LoadReport) -> None:
            progress.update(task, description=f"loaded {report.path.name}")

        reports = build_demo(settings, seed=seed, on_file=advance)
        if not any(r.status == "failed" for r in reports):
            # The dashboard's segment pages need stored segments and a clustering run.
            from survey.segments import run_clustering, store_segments
            from warehouse.store import open_for_write

            progress.update(task, description="storing segments and clustering participants")
            with open_for_write(settings.home, keep=settings.keep_snapshots) as session:
                store_segments(session)
                run_clustering(session)
    samples = sample_dir(settings)
    _print_reports(reports, as_json)
    if not as_json:
        console.print(f"demo warehouse ready in {settings.home} (samples in {samples})")
    if any(r.status == "failed" for r in reports):
        raise typer.Exit(1)


def _status_data(reader: Reader) -> dict[str, Any]:
    counts = reader.table_counts()
    loads = reader.query("loads")
    return {
        "home": str(reader.home),
        "snapshot": reader.snapshot.name if reader.snapshot else None,
        "tables": counts.to_dicts(),
        "responses_by_edition": reader.query("responses_by_edition").to_dicts(),
        "questionnaires": reader.query("questionnaires").to_dicts(),
        "platforms": reader.query("platform_summary").to_dicts(),
        "live_peaks": reader.query("live_peaks").to_dicts(),
        "loads": [
            dict(row, warnings=json.loads(row["warnings"] or "[]")) for row in loads.to_dicts()
        ],
    }


@app.command()
def status(home: Home = None, as_json: AsJson = False) -> None:
    """Tables and row counts, loads (read = loaded + rejected) and questionnaire versions."""
    reader = Reader(load_settings(home).home)
    data = _status_data(reader)
    reader.close()
    if as_json:
        console.print_json(json.dumps(data, ensure_ascii=False, default=str))
        return
    console.print(f"warehouse [bold]{data['home']}[/bold], snapshot {data['snapshot']}")
    table = Table(title="Tables")
    table.add_column("table")
    table.add_column("type")
    table.add_column("rows", justify="right")
    for row in data["tables"]:
        table.add_row(row["table_name"], row["table_type"], f"{row['count_rows']:,}")
    console.print(table)
    loads = Table(title="Loads")
    for col in ("file", "source", "format", "edition", "read", "loaded", "rejected", "balanced"):
        loads.add_column(col)
    for row in data["loads"]:
        loads.add_row(
            row["file_name"],
            row["source"],
            row["file_format"],
            str(row["edition_year"] or ""),
            str(row["count_rows_read"]),
            str(row["count_rows_loaded"]),
            str(row["count_rows_rejected"]),
            "yes" if row["is_balanced"] else "NO",
        )
    console.print(loads)
    qs = Table(title="Questionnaires")
    for col in ("id", "version", "title", "responses"):
        qs.add_column(col)
    for row in data["questionnaires"]:
        qs.add_row(
            row["questionnaire_id"],
            str(row["questionnaire_version"]),
            row["title_zh"],
            str(row["count_responses"]),
        )
    console.print(qs)
    plats = Table(title="Platforms")
    for col in ("platform", "plays", "content", "unmatched", "counter issues"):
        plats.add_column(col)
    for row in data["platforms"]:
        plats.add_row(
            row["name_zh"],
            f"{row['count_views']:,}",
            str(row["count_content"]),
            str(row["count_unmatched_content"]),
            str(row["count_counter_issues"]),
        )
    console.print(plats)


@app.command()
def rejects(
    home: Home = None,
    load_id: Annotated[str | None, typer.Option(help="Only this load.")] = None,
    as_json: AsJson = False,
) -> None:
    """Rejected rows with file, row, column and reason."""
    reader = Reader(load_settings(home).home)
    frame = reader.query("rejects", load_id=load_id)
    reader.close()
    if as_json:
        console.print_json(json.dumps(frame.to_dicts(), ensure_ascii=False, default=str))
        return
    table = Table(title=f"Rejected rows ({frame.height})")
    for col in ("file", "row", "column", "value", "reason"):
        table.add_column(col)
    for row in frame.iter_rows(named=True):
        table.add_row(
            row["file_name"],
            str(row["row_number"]),
            row["column_name"] or "",
            (row["value_text"] or "")[:40],
            row["reason"],
        )
    console.print(table)


@app.command(name="codebook")
def codebook_cmd(
    questionnaire: Annotated[
        Path | None, typer.Option(help="Questionnaire YAML (default: the gala's).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write CSV (UTF-8 with BOM) here instead of printing.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """The codebook (ids, zh/en texts, option codes) generated from a questionnaire file."""
    book = codebook(load_questionnaire(questionnaire))
    if out is not None:
        out.write_bytes(book.write_csv().encode("utf-8-sig"))
        console.print(f"wrote {book.height} codebook rows to {out}")
    elif as_json:
        console.print_json(json.dumps(book.to_dicts(), ensure_ascii=False))
    else:
        table = Table(title="Codebook")
        for col in (
            "question_id",
            "question_type",
            "text_zh",
            "item_key",
            "option_code",
            "label_zh",
            "label_en",
        ):
            table.add_column(col)
        for row in book.iter_rows(named=True):
            table.add_row(
                *(
                    str(row[c]) if row[c] is not None else ""
                    for c in (
                        "question_id",
                        "question_type",
                        "text_zh",
                        "item_key",
                        "option_code",
                        "label_zh",
                        "label_en",
                    )
                )
            )
        console.print(table)


def _reader(home: Path | None) -> Reader:
    """A reader of the published warehouse, or one clear error if there is none."""
    settings = load_settings(home)
    if current_snapshot(settings.home) is None:
        raise WarehouseError(
            f"no warehouse at {settings.home}: run `creatorpulse demo` or `creatorpulse ingest` first"
        )
    return Reader(settings.home)


def _print_json(data: Any) -> None:
    console.print_json(json.dumps(data, ensure_ascii=False, default=str))


def _print_frame(title: str, frame: Any, columns: list[str]) -> None:
    table = Table(title=title)
    for col in columns:
        table.add_column(col)
    for row in frame.select(columns).iter_rows():
        table.add_row(
            *("" if v is None else f"{v:.3g}" if isinstance(v, float) else str(v) for v in row)
        )
    console.print(table)


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
    from warehouse.store import open_for_write

    settings = load_settings(home)
    reader = _reader(home)
    with _progress() as progress:
        progress.add_task("clustering participants", total=None)
        with open_for_write(settings.home, keep=settings.keep_snapshots) as session:
            store_segments(session)
            result = run_clustering(session, k=k)
    clusters = cluster_profiles(reader, k=min_cell)
    names = segment_definitions(reader)["segment_name"].to_list()
    profiles = {name: segment_profile(reader, name, k=min_cell) for name in names}
    reader.close()
    if as_json:
        _print_json(
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
    _print_frame(
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


@app.command()
def attention(
    home: Home = None,
    series: Annotated[
        str | None, typer.Option(help="One series, e.g. '百度指数/AI' or 'plays:all'.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Post-Spring-Festival attention decline per series and year: half-life, +30/+60 days, March ratio."""
    from warehouse.analytics.attention import decline_by_year

    reader = _reader(home)
    with _progress() as progress:
        progress.add_task("fitting the decline of every series and year", total=None)
        frame = decline_by_year(reader, series=series)
    reader.close()
    if frame.is_empty() and series:
        raise CliError(f"unknown series {series!r}")
    if as_json:
        _print_json(frame.to_dicts())
        return
    _print_frame(
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

    reader = _reader(home)
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
        _print_json({name: frame.to_dicts() for name, frame in data.items()})
        return
    for name in ("cohorts_bounded", "cohorts_unbounded", "edition_return_rate", "live"):
        frame = data[name]
        _print_frame(name.replace("_", " "), frame, frame.columns[:8])


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

    reader = _reader(home)
    try:
        frame = reach_frame(reader, by=by, start_on=start, end_on=end, sponsor_id=sponsor)  # type: ignore[arg-type]
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    finally:
        reader.close()
    if as_json:
        _print_json(frame.to_dicts())
        return
    keys = [
        c for c in ("program_id", "title_zh", "sponsor_id", "platform_id") if c in frame.columns
    ]
    _print_frame(
        f"Reach by {by}",
        frame,
        [*keys, "plays", "reach", "reach_basis", "frequency", "engagement_rate", "watch_time_h"],
    )


app.add_typer(export_app, name="export")
app.add_typer(report_app, name="report")

users_app = typer.Typer(
    help="Dashboard users: organizers, sponsors (bound to one sponsor), researchers."
)
app.add_typer(users_app, name="users")

Password = Annotated[
    str | None,
    typer.Option(
        "--password",
        envvar="CREATORPULSE_NEW_PASSWORD",
        help="The password (default: asked for, hidden). Prefer the prompt or the environment "
        "variable over the command line, which other users can see.",
        show_default=False,
    ),
]


def _new_password(password: str | None) -> str:
    if password:
        return password
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option("--role", help="organizer, sponsor or researcher.")],
    sponsor: Annotated[
        str | None, typer.Option("--sponsor", help="Sponsor id (sponsor users only).")
    ] = None,
    password: Password = None,
    home: Home = None,
) -> None:
    """Add a user."""
    settings = load_settings(home)
    if sponsor is not None:
        known = _reader(home).query("sponsors")["sponsor_id"].to_list()
        if sponsor not in known:
            raise CliError(f"no sponsor {sponsor!r} in the warehouse; known: {', '.join(known)}")
    user = accounts.add_user(
        settings.home, username, role, _new_password(password), sponsor_id=sponsor
    )
    accounts.record(settings.home, "user_add", username=user.username, target=user.role)
    console.print(f"added {user.username} ({user.role}{' ' + sponsor if sponsor else ''})")


@users_app.command("demo")
def users_demo(home: Home = None) -> None:
    """Create one demo user per role with a random password, shown this once."""
    settings = load_settings(home)
    sponsors = _reader(home).query("sponsors")["sponsor_id"].to_list()
    table = Table(title="Demo users (passwords are shown only now)")
    for col in ("username", "role", "sponsor", "password"):
        table.add_column(col)
    for username, role in (
        ("organizer", "organizer"),
        ("sponsor", "sponsor"),
        ("researcher", "researcher"),
    ):
        sponsor = sponsors[0] if role == "sponsor" and sponsors else None
        if role == "sponsor" and sponsor is None:
            continue
        if accounts.get_user(settings.home, username) is not None:
            table.add_row(
                username, role, sponsor or "", "(exists: creatorpulse users set-password)"
            )
            continue
        password = secrets.token_urlsafe(12)
        accounts.add_user(settings.home, username, role, password, sponsor_id=sponsor)
        accounts.record(settings.home, "user_add", username=username, target=role)
        table.add_row(username, role, sponsor or "", password)
    console.print(table)


@users_app.command("list")
def users_list(home: Home = None, as_json: AsJson = False) -> None:
    """List users (never their passwords)."""
    users = accounts.list_users(load_settings(home).home)
    if as_json:
        _print_json([{k: v for k, v in u.__dict__.items() if k != "session_epoch"} for u in users])
        return
    table = Table(title="Users")
    for col in ("username", "role", "sponsor", "active"):
        table.add_column(col)
    for u in users:
        table.add_row(u.username, u.role, u.sponsor_id or "", "yes" if u.is_active else "no")
    console.print(table)


@users_app.command("disable")
def users_disable(username: str, home: Home = None) -> None:
    """Disable a user; their open sessions stop working at once."""
    settings = load_settings(home)
    accounts.set_active(settings.home, username, False)
    accounts.record(settings.home, "user_disable", username=username)
    console.print(f"disabled {username}")


@users_app.command("enable")
def users_enable(username: str, home: Home = None) -> None:
    """Enable a disabled user again."""
    settings = load_settings(home)
    accounts.set_active(settings.home, username, True)
    accounts.record(settings.home, "user_enable", username=username)
    console.print(f"enabled {username}")


@users_app.command("set-password")
def users_set_password(username: str, password: Password = None, home: Home = None) -> None:
    """Set a user's password."""
    settings = load_settings(home)
    accounts.set_password(settings.home, username, _new_password(password))
    accounts.record(settings.home, "user_set_password", username=username)
    console.print(f"password set for {username}")


@users_app.command("set-role")
def users_set_role(
    username: str,
    role: Annotated[str, typer.Option("--role", help="organizer, sponsor or researcher.")],
    sponsor: Annotated[
        str | None, typer.Option("--sponsor", help="Sponsor id (sponsor users only).")
    ] = None,
    home: Home = None,
) -> None:
    """Change a user's role; their open sessions end at once."""
    settings = load_settings(home)
    accounts.set_role(settings.home, username, role, sponsor_id=sponsor)
    accounts.record(settings.home, "user_set_role", username=username, target=role)
    console.print(f"{username} is now {role}{' ' + sponsor if sponsor else ''}")


@users_app.command("end-sessions")
def users_end_sessions(username: str, home: Home = None) -> None:
    """Sign a user out everywhere (every session cookie issued so far stops working)."""
    settings = load_settings(home)
    accounts.end_sessions(settings.home, username)
    accounts.record(settings.home, "user_end_sessions", username=username)
    console.print(f"ended every session of {username}")


@app.command()
def audit(
    home: Home = None,
    limit: Annotated[int, typer.Option(help="How many entries, newest first.")] = 50,
    action: Annotated[
        str | None, typer.Option(help="Only this action (sign_in, sign_in_failed, export...).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Show the audit log: sign-ins, failed sign-ins, reveals, reports and exports."""
    entries = accounts.audit_entries(load_settings(home).home, limit=limit, action=action)
    if as_json:
        _print_json(entries)
        return
    table = Table(title="Audit log")
    columns = ("at", "username", "role", "action", "target", "filters", "count_rows")
    for col in columns:
        table.add_column(col)
    for entry in entries:
        table.add_row(*("" if entry[c] is None else str(entry[c]) for c in columns))
    console.print(table)


@app.command()
def serve(
    home: Home = None,
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8050).")] = None,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes.")] = 2,
    threads: Annotated[
        int,
        typer.Option(help="Threads per worker (gthread); 1 serves one request at a time."),
    ] = 8,
    warm_limit: Annotated[
        float,
        typer.Option(
            help="Seconds a worker may keep serving the previous snapshot while it renders the "
            "most recently opened pages on a newly published one; 0 switches at once."
        ),
    ] = 300.0,
) -> None:
    """Serve the dashboard with gunicorn; workers open the snapshot read-only after forking.

    Workers are threaded (gthread) by default: a page opens with several callback requests at
    once, and a slow one (a first render after a new snapshot) must not hold up every other
    request of that worker, as a synchronous worker would. The threads of a worker share its
    cache of query results and rendered pages. A newly published snapshot is served once the
    pages users opened recently are rendered on it (or after `--warm-limit`), so a load does
    not leave every user waiting for the same cold queries at once.
    """
    settings = load_settings(home)
    bind_host = host or settings.host
    if bind_host not in ("127.0.0.1", "localhost", "::1") and not os.environ.get(
        "CREATORPULSE_SECRET_KEY"
    ):
        raise CliError(
            f"serving on {bind_host} needs CREATORPULSE_SECRET_KEY (a long random string shared "
            "by all workers); only loopback addresses may use the generated key file"
        )
    env = dict(
        os.environ,
        CREATORPULSE_HOME=str(settings.home),
        CREATORPULSE_BIND_HOST=bind_host,
        CREATORPULSE_WARM_LIMIT=str(max(warm_limit, 0.0)),
    )
    bind = f"{bind_host}:{port or settings.port}"
    console.print(f"serving http://{bind} from {settings.home}")
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
        # Browsers keep a connection open between clicks (a minute or more); gunicorn's 2 s
        # default closes it under them, and a request sent on it just then fails (reset).
        "--keep-alive",
        "75",
        "--bind",
        bind,
        "--access-logfile",
        "-",
        "dashboard.wsgi:server",
    ]
    # Replace this process with gunicorn, so signals (Ctrl-C, SIGTERM) reach the server directly.
    os.execvpe(cmd[0], cmd, env)


def main() -> None:
    """Entry point: one clear line and a non-zero exit for every expected error."""
    try:
        # Without standalone mode click returns a command's exit code instead of exiting.
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except (
        IngestError,
        WarehouseError,
        QuestionnaireError,
        SegmentError,
        CliError,
        AccountError,
        SponsorReportError,
    ) as exc:
        err.print(f"error: {exc}", highlight=False, markup=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:
        # Usage errors (click's or typer's own copy of click) show themselves and exit.
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("CREATORPULSE_DEBUG"):
            raise
        err.print(
            f"error: unexpected {type(exc).__name__}: {exc} (set CREATORPULSE_DEBUG=1 for details)",
            highlight=False,
            markup=False,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
