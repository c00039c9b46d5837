"""Sign-in, sessions and who may see what, enforced on the server for every request.

Deny by default: a `before_request` hook lets only the sign-in page through without a session;
every other route, Dash's `/_dash-*` routes included, needs a signed-in, still-active user.
Callback requests are checked against the role's pages (from the callback's output ids), so a
crafted POST to a page's callback gets 403 for a role that may not see that page. Row filters
(the sponsor id, suppression) come from `current_user()`, never from a request's inputs.

Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax), with a secret from
CREATORPULSE_SECRET_KEY shared by all gunicorn workers; on loopback without one, a generated key
file in the warehouse home is used (mode 0600). Sessions expire after CREATORPULSE_SESSION_HOURS
(default 8) and end at once when the user signs out, gets a new password or role, or is disabled
or re-enabled: every cookie carries the user's session epoch, checked on every request
(warehouse.accounts). Sign-in is throttled per user name and client address (429 with the wait),
request sizes are bounded (413/400), and every response carries security headers.
"""

from __future__ import annotations

import functools
import json
import math
import os
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from flask import Flask, Response, g, has_request_context, redirect, request, session

from dashboard import data
from warehouse import accounts
from warehouse.accounts import User
from warehouse.privacy import DEFAULT_K, Protection
from warehouse.settings import Limits, load_limits

SECRET_ENV = "CREATORPULSE_SECRET_KEY"
BIND_HOST_ENV = "CREATORPULSE_BIND_HOST"  # set by `creatorpulse serve`
SECRET_FILE = "session-secret.key"
CELL_KEY_ENV = "CREATORPULSE_CELL_KEY"
CELL_KEY_FILE = "cell-key.key"
LOOPBACK = ("127.0.0.1", "localhost", "::1")

# Which roles may open which page (DESIGN §6). Shell callbacks (navigation, URL, downloads) are
# open to every signed-in user; downloads check the dataset's page themselves.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "overview": frozenset({"organizer"}),
    "participants": frozenset({"organizer", "researcher"}),
    "segments": frozenset({"organizer", "researcher"}),
    "views": frozenset({"organizer"}),
    "retention": frozenset({"organizer", "researcher"}),
    "attention": frozenset({"organizer", "researcher"}),
    "sponsor": frozenset({"organizer", "sponsor"}),
    "cohort": frozenset({"organizer", "researcher"}),
    "contacts": frozenset({"organizer"}),
    "import": frozenset({"organizer"}),
}
# The page each role lands on after signing in.
HOME_PAGE = {"organizer": "/", "researcher": "/participants", "sponsor": "/sponsor"}
SHELL_IDS = frozenset(
    {
        "nav",
        "user-box",
        "download",
        "lang-switch",
        "_pages_location",
        "_pages_content",
        "_pages_store",
        "_pages_dummy",
        "lang",
    }
)


class ConfigError(RuntimeError):
    """The server is configured in a way that would be unsafe to run."""


def secret_key(home: Path) -> str:
    """The session secret: the environment's, else (loopback only) a generated key file."""
    key = os.environ.get(SECRET_ENV)
    if key:
        if len(key) < 32:
            raise ConfigError(f"{SECRET_ENV} must be at least 32 characters")
        return key
    host = os.environ.get(BIND_HOST_ENV, "127.0.0.1")
    if host not in LOOPBACK:
        raise ConfigError(
            f"serving on {host} needs {SECRET_ENV} (a long random string shared by all workers)"
        )
    return _key_file(Path(home) / SECRET_FILE)


def _key_file(path: Path) -> str:
    """The key in `path`, written once (0600, random) by whichever worker comes first."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as sink:
        sink.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


@functools.cache
def _cell_secret(home: Path) -> bytes:
    key = os.environ.get(CELL_KEY_ENV)
    if key:
        if len(key) < 32:
            raise ConfigError(f"{CELL_KEY_ENV} must be at least 32 characters")
        return key.encode()
    return _key_file(home / CELL_KEY_FILE).encode()


def cell_secret(home: Path) -> bytes:
    """The secret behind every person's record key (`warehouse.privacy.cell_key`): the
    environment's, else HOME's key file. It must never change for a home: a new key would
    draw new noise for every cell, and two draws of one cell average towards its true count."""
    return _cell_secret(Path(home).resolve())


def current_user() -> User | None:
    """The signed-in user of this request (set by the guard); None outside a request."""
    if not has_request_context():
        return None
    return g.get("user")


def viewer_k(user: User | None = None) -> int | None:
    """The small-cell threshold for the user (default: this request's): k for researchers and
    sponsors, who see only aggregates of at least k people; None for organizers."""
    user = user or current_user()
    if user is not None and user.role == "organizer":
        return None
    return DEFAULT_K


def viewer_protection(user: User | None = None) -> Protection | None:
    """How counts of people are protected for the user (default: this request's): None for
    organizers (exact figures); else cells under k hidden and shown counts perturbed with the
    home's cell key (`warehouse.privacy.Protection`)."""
    k = viewer_k(user)
    return None if k is None else Protection(k=k, secret=cell_secret(data.home()))


def viewer_key(user: User | None = None) -> tuple[str, str | None] | None:
    """What in the user (default: this request's) a page's rendered output may depend on: the
    role (small-cell threshold, organizer-only links) and the sponsor of a sponsor account.
    Outputs cached under this key are never shared across roles or sponsors."""
    user = user or current_user()
    return None if user is None else (user.role, user.sponsor_id)


def allowed(page: str, user: User | None = None) -> bool:
    """True when the user (default: this request's) may see `page`."""
    user = user or current_user()
    return user is not None and user.role in PAGE_ROLES.get(page, frozenset())


def allowed_pages(user: User | None = None) -> list[str]:
    """The pages the user may open."""
    return [p for p in PAGE_ROLES if allowed(p, user)]


def _pages_of(ids: Iterable[Any]) -> set[str]:
    """The pages a callback's output ids belong to (string prefix or the dict's 'page')."""
    pages = set()
    for component_id in ids:
        if isinstance(component_id, dict):
            if component_id.get("type") in SHELL_IDS:
                continue
            page = component_id.get("page")
            if isinstance(page, list):  # a wildcard (ALL): the shell's, across pages
                continue
            pages.add(str(page) if page else "?")
            continue
        text = str(component_id)
        if text in SHELL_IDS:
            continue
        pages.add(text.split("-", 1)[0])
    return pages


def output_ids(output: str) -> list[Any]:
    """The component ids in a callback's `output` key ("id.prop" or "..a.p...b.q..")."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    ids: list[Any] = []
    for part in parts:
        component, _, _prop = part.rpartition(".")
        if component.startswith("{"):
            try:
                ids.append(json.loads(component))
            except ValueError:
                ids.append("?")
        else:
            ids.append(component)
    return ids


def callback_pages(
    body: dict[str, Any], registered_ids: Callable[[str], list[Any]] | None = None
) -> set[str]:
    """The pages whose callback a /_dash-update-component request runs.

    Dash picks the callback by the request's `output` key, so that is what is checked (a
    request's `outputs` list could claim anything), together with the registered callback's
    own inputs and states (`registered_ids(output)`): a callback that reads a page's controls
    belongs to that page even when it writes to the shell.
    """
    output = body.get("output")
    if not isinstance(output, str) or not output:
        return {"?"}
    ids = output_ids(output)
    if registered_ids is not None:
        ids += registered_ids(output) or []
    return _pages_of(ids)


def _items_ok(items: Any) -> bool:
    """True for a callback's inputs or state list: items {id, property, value?} or lists of them
    (wildcards)."""
    if not isinstance(items, list):
        return False
    for item in items:
        group = item if isinstance(item, list) else [item]
        for one in group:
            if not isinstance(one, dict) or not isinstance(one.get("property"), str):
                return False
            if not isinstance(one.get("id"), (str, dict)):
                return False
    return True


def _longest_text(value: Any) -> int:
    """The length of the longest string anywhere inside a JSON value."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max([_longest_text(v) for v in value.values()] + [0])
    if isinstance(value, list):
        return max([_longest_text(v) for v in value] + [0])
    return 0


def callback_body_problem(body: Any, max_value_chars: int) -> str | None:
    """Why a /_dash-update-component body is malformed (a 400), or None when it is well-formed."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if not isinstance(body.get("output"), str) or not body["output"]:
        return "no output"
    if not isinstance(body.get("outputs"), (dict, list)):
        return "no outputs"
    if not _items_ok(body.get("inputs")) or not _items_ok(body.get("state", [])):
        return "inputs and state must be lists of {id, property, value}"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds must be a list of strings"
    longest = _longest_text([body.get("inputs"), body.get("state", [])])
    if longest > max_value_chars:
        return f"a value of {longest} characters is over the {max_value_chars} limit"
    return None


def page_of_path(path: str) -> str:
    """The page a URL path opens ("/" is the overview)."""
    first = path.strip("/").split("/", 1)[0]
    return first or "overview"


def _safe_next(target: str | None, user: User) -> str:
    """Where to go after signing in: a local page the role may open, else the role's home."""
    if target:
        parts = urlsplit(target)
        local = not parts.scheme and not parts.netloc and target.startswith("/")
        if local and not target.startswith("//") and allowed(page_of_path(parts.path), user):
            return target
    return HOME_PAGE[user.role]


def init_auth(
    server: Flask,
    home_of: Callable[[], Path],
    registered_ids: Callable[[str], list[Any]] | None = None,
) -> None:
    """Install the guard, the sign-in and sign-out routes and the session settings.

    `home_of()` gives the warehouse home (read per request: the user store lives there);
    `registered_ids(output)` the input and state ids of the callback registered for `output`.
    """
    hours = float(os.environ.get("CREATORPULSE_SESSION_HOURS", "8"))
    limits = load_limits()
    server.secret_key = secret_key(home_of())
    server.config.update(
        # A larger body is refused (413) before it is read; a callback body is a few KB.
        MAX_CONTENT_LENGTH=limits.max_body_bytes,
        MAX_FORM_MEMORY_SIZE=limits.max_body_bytes,
        SESSION_COOKIE_NAME="creatorpulse_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("CREATORPULSE_SECURE_COOKIES") == "1",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=hours),
        # The cookie is written when the session changes (sign-in, sign-out), not re-signed on
        # every response: its lifetime counts from sign-in anyway (`issued_at`, checked below),
        # and re-signing cost ~8% of the server's time under load (bench/loadtest.py).
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    lifetime_s = hours * 3600

    @server.before_request
    def guard() -> Any:
        limits = load_limits()  # read per request: a few environment lookups
        if len(request.query_string) > limits.max_query_chars:
            return _plain(f"the query string is over {limits.max_query_chars} characters", 400)
        if request.path in ("/login", "/logout"):
            return None
        home = home_of()
        username = session.get("username")
        issued = session.get("issued_at", 0)
        user = accounts.get_user(home, username) if isinstance(username, str) else None
        if (
            user is None
            or not user.is_active
            or session.get("epoch") != user.session_epoch  # ended by sign-out, new password...
            or not isinstance(issued, (int, float))
            or time.time() - issued > lifetime_s
        ):
            session.clear()
            if request.path.startswith("/_dash-"):
                return Response(
                    json.dumps({"error": "sign in first"}), 401, mimetype="application/json"
                )
            return redirect("/login?next=" + quote(request.full_path.rstrip("?"), safe="/"), 302)
        g.user = user
        if request.path.startswith("/_dash-update-component"):
            body = request.get_json(silent=True)
            problem = callback_body_problem(body, limits.max_value_chars)
            known = registered_ids is None or problem or registered_ids(body["output"]) is not None
            if not known:
                problem = "no such callback"
            if problem is not None:
                return Response(json.dumps({"error": problem}), 400, mimetype="application/json")
            pages = callback_pages(body, registered_ids)
            denied = sorted(p for p in pages if not allowed(p, user))
            if denied:
                accounts.record(
                    home,
                    "denied",
                    user=user,
                    target=",".join(denied),
                    remote_addr=request.remote_addr,
                    detail="callback",
                )
                return Response(
                    json.dumps({"error": "not allowed"}), 403, mimetype="application/json"
                )
        return None

    @server.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        home = home_of()
        lang = "en" if request.args.get("lang") == "en" else "zh"
        error = None
        limits = load_limits()
        if request.method == "POST":
            if not _same_origin():
                return _plain("sign-in must come from this site's own form", 403)
            username = request.form.get("username", "").strip()
            password = request.form.get("password", "")
            wait = _throttle_wait(home, username, limits)
            if wait > 0:
                accounts.record(
                    home,
                    "sign_in_throttled",
                    username=username[:64],
                    remote_addr=request.remote_addr,
                    detail=f"wait {math.ceil(wait)} s",
                )
                message = LOGIN_TEXT[lang]["throttled"].format(seconds=math.ceil(wait))
                page = login_page(lang, message)
                return Response(
                    page, 429, mimetype="text/html", headers={"Retry-After": str(math.ceil(wait))}
                )
            try:
                user = accounts.authenticate(home, username, password)
            except BaseException:
                accounts.end_sign_in(home, username)
                raise
            if user is None:
                accounts.sign_in_failed(
                    home, username, request.remote_addr, limits.signin_lockout_s
                )
                accounts.record(
                    home,
                    "sign_in_failed",
                    username=username[:64],
                    remote_addr=request.remote_addr,
                )
                error = LOGIN_TEXT[lang]["error"]
            else:
                session.clear()
                session.permanent = True
                session["username"] = user.username
                session["issued_at"] = time.time()
                session["epoch"] = user.session_epoch
                accounts.sign_in_succeeded(home, username)
                accounts.record(home, "sign_in", user=user, remote_addr=request.remote_addr)
                return redirect(_safe_next(request.args.get("next"), user), 303)
        return Response(login_page(lang, error), 200, mimetype="text/html")

    @server.route("/logout", methods=["POST", "GET"])
    def logout() -> Any:
        home = home_of()
        username = session.get("username")
        if username and request.method == "POST":
            if not _same_origin():
                return _plain("sign-out must come from this site", 403)
            user = accounts.get_user(home, username) if isinstance(username, str) else None
            if user is not None and session.get("epoch") == user.session_epoch:
                # Ends this user's sessions everywhere: a copied cookie is worthless from now.
                accounts.end_sessions(home, user.username)
                accounts.record(
                    home, "sign_out", username=username, remote_addr=request.remote_addr
                )
            session.clear()
        elif request.method == "GET":
            # A GET can't sign out (a link on another site could): show the button instead.
            return Response(logout_page(), mimetype="text/html")
        return redirect("/login", 303)

    @server.after_request
    def security_headers(response: Response) -> Response:
        _add_security_headers(response)
        return response


# Every response: never framed (clickjacking), never sniffed into another type, no referrer
# leaving the site. Pages, reports, downloads and callbacks are never stored by a browser or a
# proxy (they hold per-user data and revealed contacts); static assets may be.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
FRAME_POLICY = "frame-ancestors 'none'"


def _add_security_headers(response: Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    policy = response.headers.get("Content-Security-Policy")
    if not policy:
        response.headers["Content-Security-Policy"] = FRAME_POLICY
    elif "frame-ancestors" not in policy:
        response.headers["Content-Security-Policy"] = f"{policy}; {FRAME_POLICY}"
    if not request.path.startswith(("/assets/", "/_dash-component-suites/")):
        response.headers["Cache-Control"] = "no-store"


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status, mimetype="text/plain")


def _same_origin() -> bool:
    """False for a cross-site form post: an Origin (or, without one, a Referer) that is not this
    host. A request with neither (a script, curl) is let through: it carries no victim's
    cookie, and SameSite=Lax keeps the session cookie off cross-site posts anyway."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return True
    if source == "null":
        return False
    parts = urlsplit(source)
    return parts.netloc == request.host and parts.scheme in ("http", "https")


def _throttle_wait(home: Path, username: str, limits: Limits) -> float:
    """0 when this sign-in's password may be checked now (it holds the name's check), else the
    seconds to wait."""
    return accounts.begin_sign_in(
        home,
        username,
        request.remote_addr,
        free=limits.signin_free_attempts,
        addr_free=limits.signin_addr_free_attempts,
        backoff_s=limits.signin_backoff_s,
        lockout_s=limits.signin_lockout_s,
    )


LOGIN_TEXT = {
    "zh": {
        "title": "登录 · creatorpulse",
        "heading": "登录 creatorpulse",
        "username": "用户名",
        "password": "密码",
        "submit": "登录",
        "error": "用户名或密码错误，或账户已停用。",
        "throttled": "尝试次数过多，请 {seconds} 秒后再试。",
        "switch": "English",
        "switch_href": "?lang=en",
    },
    "en": {
        "title": "Sign in · creatorpulse",
        "heading": "Sign in to creatorpulse",
        "username": "User name",
        "password": "Password",
        "submit": "Sign in",
        "error": "Wrong user name or password, or the account is disabled.",
        "throttled": "Too many attempts, try again in {seconds} s.",
        "switch": "中文",
        "switch_href": "?lang=zh",
    },
}

_PAGE_STYLE = """
body{margin:0;background:#f6f8fa;color:#1f2328;
font-family:"Noto Sans CJK SC","Noto Sans SC","Noto Sans",sans-serif}
main{max-width:360px;margin:12vh auto;background:#fff;border:1px solid #d8dee4;border-radius:8px;
padding:28px}
h1{font-size:20px;margin:0 0 18px}label{display:block;font-size:13px;color:#57606a;margin:12px 0 4px}
input{width:100%;box-sizing:border-box;padding:8px;border:1px solid #d8dee4;border-radius:6px;
font:inherit}
button{margin-top:18px;width:100%;padding:9px;border:0;border-radius:6px;background:#0072B2;
color:#fff;font:inherit;cursor:pointer}
.error{color:#b42318;font-size:13px;margin-top:12px}.lang{float:right;font-size:13px}
"""


def login_page(lang: str, error: str | None) -> str:
    """The sign-in form (plain HTML: it must work before any Dash asset may be served)."""
    text = LOGIN_TEXT[lang]
    next_param = request.args.get("next", "")
    action = escape("/login?" + urlencode([("lang", lang), ("next", next_param)]))
    error_html = f'<p class="error" id="login-error">{escape(error)}</p>' if error else ""
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<title>{text["title"]}</title><style>{_PAGE_STYLE}</style></head>
<body><main>
<a class="lang" href="{text["switch_href"]}">{text["switch"]}</a>
<h1>{text["heading"]}</h1>
<form method="post" action="{action}">
<label for="username">{text["username"]}</label>
<input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">{text["password"]}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="sign-in">{text["submit"]}</button>
</form>{error_html}
</main></body></html>"""


def logout_page() -> str:
    """A one-button page that signs out with a POST."""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>creatorpulse</title>
<style>{_PAGE_STYLE}</style></head><body><main><form method="post" action="/logout">
<button type="submit" id="sign-out">退出 / Sign out</button></form></main></body></html>"""
