"""Users and the audit log: hashed passwords, roles bound correctly, disabling, audit entries."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from warehouse import accounts
from warehouse.accounts import AccountError

PASSWORD = "长城-correct-horse"


def test_a_password_is_stored_only_as_a_salted_hash(tmp_path: Path) -> None:
    accounts.add_user(tmp_path, "alice", "organizer", PASSWORD)
    accounts.add_user(tmp_path, "bob", "organizer", PASSWORD)
    with sqlite3.connect(accounts.db_path(tmp_path)) as con:
        hashes = [r[0] for r in con.execute("select password_hash from users")]
    assert all(h.startswith("scrypt$") and PASSWORD not in h for h in hashes)
    assert hashes[0] != hashes[1]  # per-user salt
    assert stat.S_IMODE(accounts.db_path(tmp_path).stat().st_mode) == 0o600


def test_sign_in_needs_the_right_password_and_an_active_account(tmp_path: Path) -> None:
    accounts.add_user(tmp_path, "alice", "researcher", PASSWORD)
    assert accounts.authenticate(tmp_path, "alice", PASSWORD) == accounts.User(
        "alice", "researcher", None, True
    )
    assert accounts.authenticate(tmp_path, "alice", PASSWORD + "x") is None
    assert accounts.authenticate(tmp_path, "nobody", PASSWORD) is None
    accounts.set_active(tmp_path, "alice", False)
    assert accounts.authenticate(tmp_path, "alice", PASSWORD) is None
    accounts.set_active(tmp_path, "alice", True)
    accounts.set_password(tmp_path, "alice", "another-long-one")
    assert accounts.authenticate(tmp_path, "alice", PASSWORD) is None
    assert accounts.authenticate(tmp_path, "alice", "another-long-one") is not None


@pytest.mark.parametrize(
    ("role", "sponsor", "message"),
    [
        ("sponsor", None, "needs --sponsor"),
        ("researcher", "S01", "only sponsor users"),
        ("admin", None, "use one of organizer, sponsor, researcher"),
    ],
)
def test_roles_are_checked_and_only_sponsors_are_bound_to_a_sponsor(
    tmp_path: Path, role: str, sponsor: str | None, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        accounts.add_user(tmp_path, "carol", role, PASSWORD, sponsor_id=sponsor)
    assert accounts.list_users(tmp_path) == []


def test_weak_passwords_bad_names_and_duplicates_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AccountError, match="at least 10"):
        accounts.add_user(tmp_path, "dave", "organizer", "short")
    with pytest.raises(AccountError, match="user name"):
        accounts.add_user(tmp_path, "da ve", "organizer", PASSWORD)
    accounts.add_user(tmp_path, "dave", "organizer", PASSWORD)
    with pytest.raises(AccountError, match="already exists"):
        accounts.add_user(tmp_path, "dave", "researcher", PASSWORD)
    with pytest.raises(AccountError, match="no user 'erin'"):
        accounts.set_active(tmp_path, "erin", False)


def test_the_audit_log_keeps_who_what_filters_and_rows_newest_first(tmp_path: Path) -> None:
    user = accounts.add_user(tmp_path, "s1", "sponsor", PASSWORD, sponsor_id="S01")
    accounts.record(tmp_path, "sign_in", user=user, remote_addr="127.0.0.1")
    accounts.record(
        tmp_path, "export", user=user, target="sponsor/S01", filters={"城市": "上海"}, count_rows=12
    )
    entries = accounts.audit_entries(tmp_path)
    assert [e["action"] for e in entries] == ["export", "sign_in"]
    assert entries[0]["filters"] == '{"城市": "上海"}'
    assert entries[0]["count_rows"] == 12 and entries[0]["role"] == "sponsor"
    assert accounts.audit_entries(tmp_path, action="sign_in")[0]["remote_addr"] == "127.0.0.1"


def test_sign_out_a_new_password_a_role_change_disabling_and_enabling_each_end_sessions(
    tmp_path: Path,
) -> None:
    accounts.add_user(tmp_path, "frank", "sponsor", PASSWORD, sponsor_id="S01")
    epochs = [accounts.get_user(tmp_path, "frank").session_epoch]  # type: ignore[union-attr]
    for change in (
        lambda: accounts.end_sessions(tmp_path, "frank"),
        lambda: accounts.set_password(tmp_path, "frank", "另一个-long-password"),
        lambda: accounts.set_role(tmp_path, "frank", "researcher"),
        lambda: accounts.set_active(tmp_path, "frank", False),
        lambda: accounts.set_active(tmp_path, "frank", True),
    ):
        change()
        epochs.append(accounts.get_user(tmp_path, "frank").session_epoch)  # type: ignore[union-attr]
    assert epochs == sorted(set(epochs)) and len(epochs) == 6
    assert accounts.get_user(tmp_path, "frank") == accounts.User("frank", "researcher", None, True)
    with pytest.raises(AccountError, match="needs --sponsor"):
        accounts.set_role(tmp_path, "frank", "sponsor")


def test_an_access_database_of_the_earlier_release_gains_the_session_epoch(tmp_path: Path) -> None:
    with sqlite3.connect(accounts.db_path(tmp_path)) as con:
        con.execute(
            "create table users (username text primary key, role text not null, sponsor_id text,"
            " password_hash text not null, is_active integer not null default 1,"
            " created_at text not null, updated_at text not null)"
        )
        con.execute(
            "insert into users values ('gina', 'organizer', null, ?, 1, 'x', 'x')",
            (accounts.hash_password(PASSWORD),),
        )
    user = accounts.authenticate(tmp_path, "gina", PASSWORD)
    assert user is not None and user.session_epoch == 0
    accounts.set_password(tmp_path, "gina", "另一个-long-password")
    assert accounts.get_user(tmp_path, "gina").session_epoch == 1  # type: ignore[union-attr]
    accounts.add_user(tmp_path, "hank", "researcher", PASSWORD)
    assert accounts.authenticate(tmp_path, "hank", PASSWORD) is not None
