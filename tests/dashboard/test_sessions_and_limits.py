"""Sessions that end on the server, sign-in throttling, request limits and security headers,
driven over HTTP with Flask's test client the way any client could."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from dash import Dash

from tests.dashboard.callbacks import signed_in_client
from tests.dashboard.users import PASSWORD, ensure_test_users, username
from warehouse import accounts
from warehouse.settings import Settings

NAV_REQUEST = {
    "output": '..nav.children...{"lang":["ALL"],"type":"lang"}.className...user-box.children..',
    "outputs": [
        {"id": "nav", "property": "children"},
        [{"id": {"lang": c, "type": "lang"}, "property": "className"} for c in ("zh", "en")],
        {"id": "user-box", "property": "children"},
    ],
    "inputs": [
        {"id": "_pages_location", "property": "pathname", "value": "/sponsor"},
        {"id": "_pages_location", "property": "search", "value": ""},
    ],
    "changedPropIds": ["_pages_location.pathname"],
}


def _sign_in(client: object, role: str, password: str = PASSWORD, **headers: str) -> int:
    response = client.post(  # type: ignore[attr-defined]
        "/login", data={"username": username(role), "password": password}, headers=headers
    )
    return response.status_code


def _everything_refused(client: object) -> bool:
    """True when the cookie opens nothing: pages, layout, callbacks and reports."""
    statuses = [
        client.get("/sponsor").status_code,  # type: ignore[attr-defined]
        client.get("/_dash-layout").status_code,  # type: ignore[attr-defined]
        client.post("/_dash-update-component", json=NAV_REQUEST).status_code,  # type: ignore[attr-defined]
        client.get("/report/sponsor.html").status_code,  # type: ignore[attr-defined]
    ]
    return all(s in (302, 401) for s in statuses)


@pytest.fixture
def own_home(
    dash_app: Dash, demo_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The demo warehouse with an access database of its own (users and throttle counts are
    changed here, never in the shared one)."""
    import shutil

    from dashboard import data

    copy = tmp_path / "home"
    shutil.copytree(
        demo_settings.home,
        copy,
        ignore=shutil.ignore_patterns("samples", "cache", "access.sqlite3*"),
    )
    monkeypatch.setenv("CREATORPULSE_HOME", str(copy))
    ensure_test_users(copy)
    data.clear_cache()
    yield copy
    data.clear_cache()


def test_an_old_cookie_is_refused_after_sign_out_everywhere(dash_app: Dash, own_home: Path) -> None:
    client = dash_app.server.test_client()
    assert _sign_in(client, "sponsor") == 303
    stolen = dash_app.server.test_client()
    stolen.set_cookie("creatorpulse_session", client.get_cookie("creatorpulse_session").value)
    assert stolen.get("/_dash-layout").status_code == 200
    assert stolen.post("/_dash-update-component", json=NAV_REQUEST).status_code == 200
    assert client.post("/logout").status_code == 303
    assert _everything_refused(stolen)
    assert accounts.audit_entries(own_home, limit=1)[0]["action"] == "sign_out"


def test_a_new_password_ends_every_session_issued_before(dash_app: Dash, own_home: Path) -> None:
    client = dash_app.server.test_client()
    assert _sign_in(client, "researcher") == 303
    assert client.get("/_dash-layout").status_code == 200
    accounts.set_password(own_home, username("researcher"), "新的密码-long-enough")
    assert _everything_refused(client)
    assert _sign_in(client, "researcher", "新的密码-long-enough") == 303
    assert client.get("/_dash-layout").status_code == 200


def test_enabling_a_user_again_does_not_revive_old_cookies(dash_app: Dash, own_home: Path) -> None:
    client = dash_app.server.test_client()
    assert _sign_in(client, "organizer") == 303
    old = client.get_cookie("creatorpulse_session").value
    accounts.set_active(own_home, username("organizer"), False)
    assert _everything_refused(client)
    accounts.set_active(own_home, username("organizer"), True)
    replay = dash_app.server.test_client()
    replay.set_cookie("creatorpulse_session", old)
    assert _everything_refused(replay)


def test_a_role_change_ends_the_sessions_of_the_old_role(dash_app: Dash, own_home: Path) -> None:
    client = dash_app.server.test_client()
    assert _sign_in(client, "sponsor2") == 303
    accounts.set_role(own_home, username("sponsor2"), "researcher")
    assert _everything_refused(client)


def test_a_cookie_without_the_session_epoch_is_refused(dash_app: Dash, own_home: Path) -> None:
    client = dash_app.server.test_client()
    with client.session_transaction() as session:  # what a cookie of the old release held
        session["username"] = username("organizer")
        session["issued_at"] = 2_000_000_000.0
    assert client.get("/_dash-layout").status_code == 401


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The throttle's clock, moved on by the test (no waiting, no wall-clock asserts)."""
    now = [1_900_000_000.0]
    monkeypatch.setattr(accounts, "_clock", lambda: now[0])
    return now


def test_the_guess_after_the_threshold_is_refused_even_with_the_right_password_until_the_window_ends(
    dash_app: Dash, own_home: Path, clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREATORPULSE_SIGNIN_FREE_ATTEMPTS", "50")
    monkeypatch.setenv("CREATORPULSE_SIGNIN_ADDR_FREE_ATTEMPTS", "500")
    monkeypatch.setenv("CREATORPULSE_SIGNIN_BACKOFF_S", "30")
    monkeypatch.setenv("CREATORPULSE_SIGNIN_LOCKOUT_S", "120")
    monkeypatch.setattr(accounts, "check_password", lambda password, stored: password == PASSWORD)
    client = dash_app.server.test_client()
    for _ in range(50):
        assert _sign_in(client, "researcher", "错误的密码-wrong") == 200
    refused = client.post(
        "/login?lang=en", data={"username": username("researcher"), "password": PASSWORD}
    )
    assert refused.status_code == 429
    assert "Too many attempts, try again in 30 s" in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == "30"
    assert client.get("/_dash-layout").status_code == 401
    # Back-off doubles, up to the window: 30 s later the 51st guess is checked (wrong again)...
    clock[0] += 31
    assert _sign_in(client, "researcher", "错误的密码-wrong") == 200
    assert _sign_in(client, "researcher") == 429  # ...and the next waits 60 s
    clock[0] += 121  # the window is over: counting starts again
    assert _sign_in(client, "researcher") == 303
    actions = [e["action"] for e in accounts.audit_entries(own_home, limit=60)]
    assert actions.count("sign_in_throttled") == 2 and actions.count("sign_in_failed") == 51


def test_throttling_counts_per_client_address_across_user_names(
    dash_app: Dash, own_home: Path, clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREATORPULSE_SIGNIN_ADDR_FREE_ATTEMPTS", "4")
    monkeypatch.setattr(accounts, "check_password", lambda password, stored: password == PASSWORD)
    client = dash_app.server.test_client()
    for name in ("甲", "乙", "丙", "丁"):
        assert client.post("/login", data={"username": name, "password": "x"}).status_code == 200
    assert _sign_in(client, "organizer") == 429  # a fifth name from the same address
    other = dash_app.server.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert _sign_in(other, "organizer") == 303


def test_one_user_names_passwords_are_checked_one_at_a_time_and_only_failures_count(
    own_home: Path, clock: list[float]
) -> None:
    def attempt(name: str, addr: str, lease_wait_s: float = 0.0) -> float:
        return accounts.begin_sign_in(
            own_home,
            name,
            addr,
            free=3,
            addr_free=3,
            backoff_s=5,
            lockout_s=60,
            lease_wait_s=lease_wait_s,
        )

    # A parallel request for the same name is told to retry while a check is running...
    assert attempt("victim", "198.51.100.1") == 0
    assert attempt("VICTIM", "198.51.100.2") == 1.0
    # ...so every failure is counted before the next guess is looked at: the 4th waits.
    accounts.sign_in_failed(own_home, "victim", "198.51.100.1", 60)
    for n in (2, 3):
        assert attempt("victim", f"198.51.100.{n}") == 0
        accounts.sign_in_failed(own_home, "victim", f"198.51.100.{n}", 60)
    assert attempt("victim", "198.51.100.4") == pytest.approx(5)
    accounts.sign_in_succeeded(own_home, "Victim")  # user names are counted case-folded
    assert attempt("VICTIM", "198.51.100.9") == 0
    accounts.end_sign_in(own_home, "victim")
    # Many people behind one address signing in at once do not lock each other out.
    assert [attempt(f"同事{n}", "203.0.113.5") for n in range(10)] == [0] * 10


def test_ten_quick_correct_sign_ins_from_several_tabs_all_succeed_and_the_51st_guess_is_refused(
    dash_app: Dash, own_home: Path, clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time
    from concurrent.futures import ThreadPoolExecutor

    def slow_check(password: str, stored: str) -> bool:
        time.sleep(0.05)  # a real hash takes this long: the tabs' checks overlap
        return password == PASSWORD

    monkeypatch.setattr(accounts, "check_password", slow_check)

    def tab(password: str) -> int:
        return _sign_in(dash_app.server.test_client(), "researcher", password)

    with ThreadPoolExecutor(max_workers=10) as pool:
        # With the default 5 free failures: 10 tabs at once, all with the right password.
        assert list(pool.map(tab, [PASSWORD] * 10)) == [303] * 10
        monkeypatch.setenv("CREATORPULSE_SIGNIN_FREE_ATTEMPTS", "50")
        monkeypatch.setenv("CREATORPULSE_SIGNIN_ADDR_FREE_ATTEMPTS", "500")
        wrong = list(pool.map(tab, ["错误的密码-wrong"] * 50))
    assert wrong == [200] * 50  # 50 parallel wrong guesses, each checked and counted
    assert tab("错误的密码-wrong") == 429
    assert tab(PASSWORD) == 429
    actions = [e["action"] for e in accounts.audit_entries(own_home, limit=100)]
    assert actions.count("sign_in") == 10 and actions.count("sign_in_failed") == 50


def test_sign_in_refuses_a_cross_site_post(dash_app: Dash, own_home: Path) -> None:
    client = dash_app.server.test_client()
    assert _sign_in(client, "organizer", Origin="https://evil.example") == 403
    assert _sign_in(client, "organizer", Origin="null") == 403
    assert _sign_in(client, "organizer", Referer="https://evil.example/page") == 403
    assert _sign_in(client, "organizer", Origin="http://localhost") == 303
    assert client.get("/_dash-layout").status_code == 200


@pytest.mark.usefixtures("demo_data")
def test_every_response_carries_the_security_headers(dash_app: Dash) -> None:
    client = signed_in_client(dash_app, "organizer")
    for response in (
        dash_app.server.test_client().get("/login"),
        client.get("/"),
        client.post("/_dash-update-component", json=NAV_REQUEST),
        client.get("/report/sponsor.html?sponsor=S01"),
        client.get("/export/cohort.csv"),
    ):
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.usefixtures("demo_data")
def test_a_body_over_the_limit_is_refused_before_it_is_read(dash_app: Dash) -> None:
    client = signed_in_client(dash_app, "sponsor")
    padded = dict(NAV_REQUEST, padding="长" * (2 * 1024 * 1024 // 3))  # 2 MB of UTF-8
    response = client.post("/_dash-update-component", json=padded)
    assert response.status_code == 413
    assert client.post("/_dash-update-component", json=NAV_REQUEST).status_code == 200


@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"output": "nav.children"}',
        json.dumps(dict(NAV_REQUEST, inputs="x")).encode(),
        json.dumps(dict(NAV_REQUEST, inputs=[1, 2])).encode(),
        json.dumps(dict(NAV_REQUEST, state={"a": 1})).encode(),
        json.dumps(dict(NAV_REQUEST, changedPropIds=[{"x": 1}])).encode(),
        json.dumps(dict(NAV_REQUEST, output="no-such-thing.children")).encode(),
    ],
)
def test_a_malformed_callback_body_is_a_400_not_a_500(dash_app: Dash, body: bytes) -> None:
    client = signed_in_client(dash_app, "organizer")
    response = client.post(
        "/_dash-update-component", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.get_data(as_text=True)[-500:]


@pytest.mark.usefixtures("demo_data")
def test_over_long_filter_values_and_query_strings_are_a_400(dash_app: Dash) -> None:
    client = signed_in_client(dash_app, "organizer")
    request = json.loads(json.dumps(NAV_REQUEST))
    request["inputs"][1]["value"] = "?search=" + "搜" * 2100
    assert client.post("/_dash-update-component", json=request).status_code == 400
    assert client.get("/participants?search=" + "a" * 5000).status_code == 400
    assert client.get("/participants?search=" + "a" * 100).status_code == 200


@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize("editions", ["1900", "abc", "2024,,x", "9" * 40, "²"])
def test_a_cohort_export_of_unknown_editions_is_a_400_or_empty_never_a_500(
    dash_app: Dash, editions: str
) -> None:
    response = signed_in_client(dash_app, "researcher").get(
        f"/export/cohort.csv?editions={editions}"
    )
    assert response.status_code in (200, 400), response.get_data(as_text=True)[-500:]
