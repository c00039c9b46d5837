"""Test accounts, one per role, created in whichever warehouse home a test serves."""

from __future__ import annotations

from pathlib import Path

from warehouse import accounts

PASSWORD = "test-password-长城"  # test accounts only; never a real secret
USERS = {
    "organizer": ("t-organizer", None),
    "researcher": ("t-researcher", None),
    "sponsor": ("t-sponsor", "S01"),
    "sponsor2": ("t-sponsor2", "S02"),
}


def ensure_test_users(home: Path) -> None:
    """Create the test accounts in `home` (once)."""
    for key, (username, sponsor) in USERS.items():
        if accounts.get_user(home, username) is None:
            role = "sponsor" if key.startswith("sponsor") else key
            accounts.add_user(home, username, role, PASSWORD, sponsor_id=sponsor)


def username(role: str) -> str:
    """The test account's name for a role key (organizer, researcher, sponsor, sponsor2)."""
    return USERS[role][0]
