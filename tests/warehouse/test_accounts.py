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
