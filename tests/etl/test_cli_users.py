"""`creatorpulse users` and `audit` as an administrator runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.etl.test_cli import one_line_error, run
from warehouse import accounts, parts
from warehouse.settings import Settings


def test_users_are_added_listed_disabled_and_audited(
    tmp_path: Path, demo_settings: Settings
) -> None:
    home = tmp_path / "home"
    shutil.copytree(
        demo_settings.home,
        home,
        ignore=shutil.ignore_patterns("samples", "access.sqlite3*", "session-secret.key"),
    )
    env_password = "a-long-password-1"
    added = run(
        "users", "add", "王芳", "--role", "organizer", "--password", env_password, home=home
    )
    # Chinese user names are refused with a one-line reason (names are typed at a login prompt).
    assert "user name" in one_line_error(added)
    ok = run(
        "users",
        "add",
        "sponsor1",
        "--role",
        "sponsor",
        "--sponsor",
        "S02",
        "--password",
        env_password,
        home=home,
    )
    assert ok.returncode == 0, ok.stderr
    bad = run(
        "users",
        "add",
        "sponsor2",
        "--role",
        "sponsor",
        "--sponsor",
        "S99",
        "--password",
        env_password,
        home=home,
    )
    assert "no sponsor 'S99'" in one_line_error(bad)
    listed = json.loads(run("users", "list", "--json", home=home).stdout)
    assert listed == [
        {"username": "sponsor1", "role": "sponsor", "sponsor_id": "S02", "is_active": True}
    ]
    assert env_password not in run("users", "list", home=home).stdout
    assert run("users", "disable", "sponsor1", home=home).returncode == 0
    assert accounts.authenticate(home, "sponsor1", env_password) is None
    audit = json.loads(run("audit", "--json", home=home).stdout)
    assert [a["action"] for a in audit] == ["user_disable", "user_add"]
    assert all(env_password not in json.dumps(a) for a in audit)


def test_demo_users_get_one_account_per_role_and_passwords_only_once(
    tmp_path: Path, demo_settings: Settings
) -> None:
    home = tmp_path / "home"
    shutil.copytree(
        demo_settings.home,
        home,
        ignore=shutil.ignore_patterns("samples", "access.sqlite3*", "session-secret.key"),
    )
    first = run("users", "demo", home=home)
    assert first.returncode == 0, first.stderr
    users = {u.username: u for u in accounts.list_users(home)}
    assert {u.role for u in users.values()} == {"organizer", "sponsor", "researcher"}
    assert users["sponsor"].sponsor_id == "S01"
    second = run("users", "demo", home=home)
    assert second.stdout.count("exists") == 3


def test_serving_beyond_loopback_needs_a_configured_secret(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.etl.test_cli import ROOT

    env = {k: v for k, v in os.environ.items() if k != "CREATORPULSE_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "cli", "serve", "--host", "0.0.0.0", "--home", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = one_line_error(result)
    assert "CREATORPULSE_SECRET_KEY" in line and "0.0.0.0" in line


def test_serve_no_cache_turns_every_dashboard_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cli.users

    started: dict[str, dict[str, str]] = {}

    def execvpe(_file: str, _args: list[str], env: dict[str, str]) -> None:
        started["env"] = env

    monkeypatch.delenv("CREATORPULSE_CACHE", raising=False)
    monkeypatch.setattr(cli.users.os, "execvpe", execvpe)
    cli.users.serve(home=tmp_path, workers=1, threads=1, warm_limit=0.0, no_cache=True)
    assert started["env"]["CREATORPULSE_CACHE"] == "off"
    cli.users.serve(home=tmp_path, workers=1, threads=1, warm_limit=0.0, no_cache=False)
    assert "CREATORPULSE_CACHE" not in started["env"]


def test_serve_brings_a_warehouse_of_an_older_release_up_to_date_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_settings: Settings
) -> None:
    import cli.users
    from warehouse import store

    home = tmp_path / "older"
    shutil.copytree(demo_settings.home, home, ignore=shutil.ignore_patterns("samples", "cache"))
    # A snapshot published before mart_survey_roster existed: the model's table and its row in
    # schema_models are missing, as in a warehouse written by the previous release.
    con = parts.connect(store.current_snapshot(home))  # the copy's own file, unshared
    try:
        con.execute("drop table mart_survey_roster")
        con.execute("delete from schema_models where model_name = 'mart_survey_roster'")
    finally:
        con.close()
    assert store.out_of_date(home) == ["model mart_survey_roster"]
    monkeypatch.setattr(cli.users.os, "execvpe", lambda *_args: None)

    cli.users.serve(home=home, workers=1, threads=1, warm_limit=0.0, no_cache=False)

    assert store.out_of_date(home) == []
    con = store.connect_read_only(home)
    try:
        roster = con.execute("select count(*) from mart_survey_roster").fetchone()[0]
        responses = con.execute("select count(*) from mart_survey_response").fetchone()[0]
    finally:
        con.close()
    assert roster == responses > 0
    published = store.current_snapshot(home)
    cli.users.serve(home=home, workers=1, threads=1, warm_limit=0.0, no_cache=False)
    assert store.current_snapshot(home) == published  # nothing behind: nothing published
