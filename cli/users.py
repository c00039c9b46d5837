"""`creatorpulse users ...|audit|serve`: dashboard users, the audit log and the server."""

from __future__ import annotations

import os
import secrets
import sys
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
    print_json,
)
from warehouse import accounts
from warehouse.settings import load_settings
from warehouse.store import bring_up_to_date

users_app = typer.Typer(
    help="Dashboard users: organizers, sponsors (bound to one sponsor), researchers."
)

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
        known = open_reader(home).query("sponsors")["sponsor_id"].to_list()
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
    sponsors = open_reader(home).query("sponsors")["sponsor_id"].to_list()
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
        print_json([{k: v for k, v in u.__dict__.items() if k != "session_epoch"} for u in users])
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
        print_json(entries)
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
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Cache no query result or rendered page (sets CREATORPULSE_CACHE=off): every "
            "request is computed afresh, as a user changing filters meets it. For benchmarks.",
        ),
    ] = False,
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
    if no_cache:
        env["CREATORPULSE_CACHE"] = "off"
    behind = bring_up_to_date(settings.home)
    if behind:
        console.print(f"brought the warehouse up to this release ({', '.join(behind)})")
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
