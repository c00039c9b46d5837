"""Users, roles and the audit log: a small SQLite database beside the warehouse snapshots.

Why not a table in the DuckDB warehouse: a snapshot is published by copying the whole warehouse
and DuckDB allows one writer per file, so a sign-in (or an audit line from any of several
gunicorn workers) can't be a warehouse write. SQLite in WAL mode takes many small writes from
several processes safely. The file is `HOME/access.sqlite3` (mode 0600); `creatorpulse users`
manages it and `creatorpulse audit` reads it.

Passwords are stored as scrypt hashes (hashlib, per-user random salt); never in clear, never
logged.

Sessions end on the server: each user has a session epoch that every session cookie carries and
every request checks; signing out, a new password, disabling, enabling and a role change bump
it, so every cookie issued before stops working (a re-enabled user signs in afresh).

Sign-in attempts are throttled per user name and per client address (`begin_sign_in`): after
`signin_free_attempts` failures of a user name (`signin_addr_free_attempts` of an address) in
the window, each further attempt waits `signin_backoff_s`, doubled per failure, at most
`signin_lockout_s` (the window itself). Only failures count, so a user signing in from several
tabs at once is never throttled; parallel guesses at one account cannot slip past the limit
because one user name's password is checked by one request at a time (a short lease the others
wait for), so each failure is counted before the next guess is looked at.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

Role = Literal["organizer", "sponsor", "researcher"]
ROLES: tuple[Role, ...] = ("organizer", "sponsor", "researcher")
DB_NAME = "access.sqlite3"
MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
# scrypt cost 2**14 x 8 x 1 (16 MiB, ~0.1 s here): the usual interactive-login setting.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_SCRYPT_MAXMEM = 64 * 1024 * 1024
# One sign-in per user name has its password checked at a time: the lease, and how long
# another sign-in of that name waits for it (polling) before it is told to retry.
_CHECK_LEASE_S = 30.0
_CHECK_WAIT_S = 10.0
_CHECK_POLL_S = 0.01

_SCHEMA = """
create table if not exists users (
    username text primary key,
    role text not null check (role in ('organizer', 'sponsor', 'researcher')),
    sponsor_id text,
    password_hash text not null,
    is_active integer not null default 1,
    session_epoch integer not null default 0,
    created_at text not null,
    updated_at text not null,
    check ((role = 'sponsor') = (sponsor_id is not null))
);
create table if not exists audit_log (
    audit_id integer primary key autoincrement,
    at text not null,
    username text,
    role text,
    action text not null,
    target text,
    filters text,
    count_rows integer,
    remote_addr text,
    detail text
);
create index if not exists audit_log_at on audit_log (at);
create table if not exists sign_in_throttle (
    key text primary key,
    failures integer not null,
    first_at real not null,
    last_at real not null
);
"""
# Columns added after the first release: (table, column, definition) for older databases.
_ADDED_COLUMNS = (("users", "session_epoch", "integer not null default 0"),)
_migrated: set[tuple[Path, int]] = set()  # (path, inode) whose schema is in place


class AccountError(ValueError):
    """A user-management request that can't be done (unknown user, bad role, weak password...)."""


@dataclass(frozen=True)
class User:
    """A signed-in (or listed) user; never carries the password hash outside this module."""

    username: str
    role: Role
    sponsor_id: str | None
    is_active: bool
    # Every session cookie carries it; a session whose epoch differs has been ended.
    session_epoch: int = field(default=0, compare=False, repr=False)


def db_path(home: Path) -> Path:
    """Where the users and the audit log live for a warehouse home."""
    return Path(home) / DB_NAME


@contextmanager
def connect(home: Path) -> Iterator[sqlite3.Connection]:
    """A connection with the schema in place; commits on success, rolls back on error."""
    path = db_path(home)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        # Create it private before anything is written into it.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    with closing(sqlite3.connect(path, timeout=30)) as con:
        con.execute("pragma journal_mode=wal")
        con.execute("pragma busy_timeout=30000")
        # The schema is checked once per file and process, not on every request.
        marker = (path, path.stat().st_ino)
        if marker not in _migrated:
            con.executescript(_SCHEMA)
            _add_columns(con)
            _migrated.add(marker)
        with con:
            yield con


def _add_columns(con: sqlite3.Connection) -> None:
    """Bring a database made by an older release up to the current columns."""
    for table, column, definition in _ADDED_COLUMNS:
        present = {row[1] for row in con.execute(f"pragma table_info({table})")}
        if column not in present:
            con.execute(f"alter table {table} add column {column} {definition}")
    con.commit()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def hash_password(password: str) -> str:
    """scrypt$n$r$p$salt$hash (hex) for `password`."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, maxmem=_SCRYPT_MAXMEM, **_SCRYPT)
    n, r, p = _SCRYPT["n"], _SCRYPT["r"], _SCRYPT["p"]
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            password.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_SCRYPT_MAXMEM,
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


@cache
def _dummy_hash() -> str:
    """A hash to check when the user doesn't exist, so a wrong name costs what a wrong password
    does (no user enumeration by timing)."""
    return hash_password(secrets.token_hex(8))


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def _user(row: sqlite3.Row | tuple[Any, ...]) -> User:
    username, role, sponsor_id, is_active, *epoch = row
    return User(username, role, sponsor_id, bool(is_active), epoch[0] if epoch else 0)


def add_user(
    home: Path, username: str, role: str, password: str, *, sponsor_id: str | None = None
) -> User:
    """Create a user; a sponsor must name exactly one sponsor id, other roles none."""
    if not _USERNAME.match(username):
        raise AccountError(
            f"user name {username!r}: use 2-64 letters, digits or _ . @ - (no spaces)"
        )
    if role not in ROLES:
        raise AccountError(f"role {role!r}: use one of {', '.join(ROLES)}")
    if (role == "sponsor") != bool(sponsor_id):
        raise AccountError(
            "a sponsor user needs --sponsor SPONSOR_ID"
            if role == "sponsor"
            else f"only sponsor users are bound to a sponsor, not {role}"
        )
    _check_new_password(password)
    now = _now()
    with connect(home) as con:
        try:
            con.execute(
                "insert into users (username, role, sponsor_id, password_hash, is_active,"
                " created_at, updated_at) values (?, ?, ?, ?, 1, ?, ?)",
                (username, role, sponsor_id or None, hash_password(password), now, now),
            )
        except sqlite3.IntegrityError:
            raise AccountError(f"user {username!r} already exists") from None
    return User(username, role, sponsor_id or None, True)  # type: ignore[arg-type]


def list_users(home: Path) -> list[User]:
    """Every user, by name."""
    with connect(home) as con:
        rows = con.execute(
            "select username, role, sponsor_id, is_active from users order by username"
        ).fetchall()
    return [_user(r) for r in rows]


def get_user(home: Path, username: str) -> User | None:
    """The user called `username`, active or not; None when there is none."""
    with connect(home) as con:
        row = con.execute(
            "select username, role, sponsor_id, is_active, session_epoch from users"
            " where username = ?",
            (username,),
        ).fetchone()
    return _user(row) if row else None


def _update(home: Path, username: str, sql: str, params: tuple[Any, ...]) -> None:
    with connect(home) as con:
        changed = con.execute(sql, (*params, _now(), username)).rowcount
    if not changed:
        raise AccountError(f"no user {username!r}")


def set_active(home: Path, username: str, active: bool) -> None:
    """Disable (or re-enable) a user; either way every session issued before ends."""
    _update(
        home,
        username,
        "update users set is_active = ?, session_epoch = session_epoch + 1, updated_at = ?"
        " where username = ?",
        (int(active),),
    )


def set_password(home: Path, username: str, password: str) -> None:
    """Replace a user's password and end every session issued before."""
    _check_new_password(password)
    _update(
        home,
        username,
        "update users set password_hash = ?, session_epoch = session_epoch + 1, updated_at = ?"
        " where username = ?",
        (hash_password(password),),
    )


def set_role(home: Path, username: str, role: str, *, sponsor_id: str | None = None) -> None:
    """Change a user's role (and sponsor) and end every session issued under the old one."""
    if role not in ROLES:
        raise AccountError(f"role {role!r}: use one of {', '.join(ROLES)}")
    if (role == "sponsor") != bool(sponsor_id):
        raise AccountError(
            "a sponsor user needs --sponsor SPONSOR_ID"
            if role == "sponsor"
            else f"only sponsor users are bound to a sponsor, not {role}"
        )
    _update(
        home,
        username,
        "update users set role = ?, sponsor_id = ?, session_epoch = session_epoch + 1,"
        " updated_at = ? where username = ?",
        (role, sponsor_id or None),
    )


def end_sessions(home: Path, username: str) -> None:
    """End every session of the user (signing out ends them on every device)."""
    _update(
        home,
        username,
        "update users set session_epoch = session_epoch + 1, updated_at = ? where username = ?",
        (),
    )


def authenticate(home: Path, username: str, password: str) -> User | None:
    """The active user these credentials belong to, else None (same work either way)."""
    with connect(home) as con:
        row = con.execute(
            "select username, role, sponsor_id, is_active, session_epoch, password_hash"
            " from users where username = ?",
            (username,),
        ).fetchone()
    stored = row[5] if row else _dummy_hash()
    ok = check_password(password, stored)
    if not row or not ok or not row[3]:
        return None
    return _user(row[:5])


def _clock() -> float:
    """Seconds since the epoch (a function so tests can move time on)."""
    return time.time()


def _backoff_s(failures: int, free: int, base_s: float, lockout_s: float) -> float:
    """How long after the last failure the next attempt must wait."""
    if failures < free:
        return 0.0
    return min(base_s * 2 ** min(failures - free, 60), lockout_s)


def throttle_keys(username: str, remote_addr: str | None) -> tuple[str, str]:
    """The throttle keys of a sign-in: the user name (case-folded) and the client address."""
    return "user:" + username.casefold()[:64], "addr:" + (remote_addr or "?")


def _count_failure(con: sqlite3.Connection, key: str, now: float, lockout_s: float) -> None:
    """One more failure of `key` in its window (a new window once the last one is over)."""
    row = con.execute(
        "select failures, first_at from sign_in_throttle where key = ?", (key,)
    ).fetchone()
    failures, first_at = row if row else (0, now)
    if now - first_at > lockout_s:
        failures, first_at = 0, now
    con.execute(
        "insert or replace into sign_in_throttle values (?, ?, ?, ?)",
        (key, failures + 1, first_at, now),
    )


def _take_check_lease(con: sqlite3.Connection, username: str, now: float) -> bool:
    """Take the user name's password-check lease unless another request holds it."""
    key = _lease_key(username)
    row = con.execute("select last_at from sign_in_throttle where key = ?", (key,)).fetchone()
    if row is not None and row[0] > now:
        return False
    con.execute(
        "insert or replace into sign_in_throttle values (?, 0, ?, ?)",
        (key, now, now + _CHECK_LEASE_S),
    )
    return True


def _lease_key(username: str) -> str:
    """The throttle key of the lease held while one sign-in's password is checked."""
    return "check:" + username.casefold()[:64]


def _release_check_lease(con: sqlite3.Connection, username: str) -> None:
    """Let the next sign-in of this user name have its password checked."""
    con.execute("delete from sign_in_throttle where key = ?", (_lease_key(username),))


def begin_sign_in(
    home: Path,
    username: str,
    remote_addr: str | None,
    *,
    free: int,
    addr_free: int,
    backoff_s: float,
    lockout_s: float,
    lease_wait_s: float = _CHECK_WAIT_S,
) -> float:
    """Return the seconds this sign-in attempt must wait (the user name or the address is
    backing off), else 0 once it holds the user name's check lease: the caller must end it with
    `sign_in_failed`, `sign_in_succeeded` or `end_sign_in`. Another request checking the same
    name is waited for (up to `lease_wait_s`, then 1 s to wait is answered)."""
    keys = dict(zip(throttle_keys(username, remote_addr), (free, addr_free), strict=True))
    deadline = time.monotonic() + lease_wait_s
    while True:
        now = _clock()
        with connect(home) as con:
            con.execute("begin immediate")
            wait = 0.0
            for key, allowed in keys.items():
                row = con.execute(
                    "select failures, first_at, last_at from sign_in_throttle where key = ?",
                    (key,),
                ).fetchone()
                if row is None or now - row[1] > lockout_s:
                    continue  # nothing counted, or the window is over: counting starts again
                until = row[2] + _backoff_s(row[0], allowed, backoff_s, lockout_s)
                wait = max(wait, until - now)
            if wait > 0:
                return wait
            if _take_check_lease(con, username, now):
                return 0.0
        if time.monotonic() >= deadline:
            return 1.0
        time.sleep(_CHECK_POLL_S)


def sign_in_failed(home: Path, username: str, remote_addr: str | None, lockout_s: float) -> None:
    """Count a failed attempt against the user name and the client address, and end its check.

    Counted after the check, never before: a user signing in from several tabs at once, or
    many people behind one address, must not lock themselves out.
    """
    now = _clock()
    with connect(home) as con:
        con.execute("begin immediate")
        for key in throttle_keys(username, remote_addr):
            _count_failure(con, key, now, lockout_s)
        _release_check_lease(con, username)


def sign_in_succeeded(home: Path, username: str) -> None:
    """Forget the user name's failures and end its check."""
    with connect(home) as con:
        con.execute("begin immediate")
        con.execute(
            "delete from sign_in_throttle where key = ?", (throttle_keys(username, None)[0],)
        )
        _release_check_lease(con, username)


def end_sign_in(home: Path, username: str) -> None:
    """End a sign-in's check without a verdict (the check itself failed unexpectedly)."""
    with connect(home) as con:
        _release_check_lease(con, username)


def record(
    home: Path,
    action: str,
    *,
    user: User | None = None,
    username: str | None = None,
    target: str | None = None,
    filters: Mapping[str, Any] | None = None,
    count_rows: int | None = None,
    remote_addr: str | None = None,
    detail: str | None = None,
) -> dict[str, Any]:
    """Append one audit entry (who, when, what, with which filters and how many rows); return
    who and when as written."""
    at = _now()
    who = user.username if user else username
    with connect(home) as con:
        con.execute(
            "insert into audit_log (at, username, role, action, target, filters, count_rows,"
            " remote_addr, detail) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                at,
                who,
                user.role if user else None,
                action,
                target,
                json.dumps(dict(filters), ensure_ascii=False, sort_keys=True) if filters else None,
                count_rows,
                remote_addr,
                detail,
            ),
        )
    return {"at": at, "username": who}


def audit_entries(
    home: Path, *, limit: int = 100, action: str | None = None
) -> list[dict[str, Any]]:
    """The latest audit entries, newest first."""
    with connect(home) as con:
        con.row_factory = sqlite3.Row
        rows = con.execute(
            "select * from audit_log where (? is null or action = ?)"
            " order by audit_id desc limit ?",
            (action, action, limit),
        ).fetchall()
    return [dict(r) for r in rows]
