"""Participant identity: a keyed hash (HMAC-SHA256) of the normalised contact.

The key comes from CREATORPULSE_ID_KEY or a key file generated once with mode 0600, so ids are
stable across loads but cannot be recomputed from a phone number by anyone without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from survey.text import clean_text
from warehouse.settings import Settings

_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_PHONE_NOISE = re.compile(r"[\s\-()（）.]")
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_WECHAT = re.compile(r"^[a-zA-Z][-_a-zA-Z0-9]{5,19}$")


@dataclass(frozen=True)
class Contact:
    """A contact normalised for matching: kind is phone, email, wechat or other."""

    kind: str
    value: str


def normalise_contact(value: object) -> Contact | None:
    """Normalise a phone (+86, spaces, dashes), email (lower case) or WeChat id; None if blank."""
    text = clean_text(value)
    if text is None or text in {"(空)", "(跳过)", "-", "无"}:
        return None
    for prefix in ("微信:", "微信", "wx:", "WeChat:", "手机:", "电话:", "邮箱:"):
        if text.lower().startswith(prefix.lower()):
            text = text[len(prefix) :].strip()
    digits = _PHONE_NOISE.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _CN_MOBILE.match(digits):
        return Contact("phone", digits)
    if digits.startswith("+") and digits[1:].isdigit() and 8 <= len(digits) <= 16:
        return Contact("phone", digits)
    if _EMAIL.match(text):
        return Contact("email", text.lower())
    if _WECHAT.match(text):
        return Contact("wechat", text.lower())
    return Contact("other", text.lower())


def load_id_key(settings: Settings) -> bytes:
    """The HMAC key: from the environment, else a 0600 key file created on first use."""
    if settings.id_key:
        return settings.id_key.encode("utf-8")
    path: Path = settings.id_key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def participant_id(key: bytes, contact: Contact) -> str:
    """Pseudonymous id of a person with this contact (same contact, same id)."""
    return contact_participant_id(key, f"{contact.kind}:{contact.value}")


def contact_participant_id(key: bytes, kind_value: str) -> str:
    """participant_id of the contact written as 'kind:value'."""
    return "p_" + hmac.digest(key, kind_value.encode(), "sha256").hex()[:32]


def anonymous_participant_id(key: bytes, survey_key: str, response_no: str) -> str:
    """Id for a respondent who left no contact: unique per response, not linkable across surveys."""
    message = f"anon:{survey_key}:{response_no}".encode()
    return "a_" + hmac.digest(key, message, "sha256").hex()[:32]


def contact_participant_ids(key: bytes, kind_values: Iterable[str]) -> list[str]:
    """contact_participant_id of many 'kind:value' texts (a file's contacts) at once."""
    mac = _hmac_sha256(key)
    return ["p_" + mac(text.encode()).hex()[:32] for text in kind_values]


def anonymous_participant_ids(
    key: bytes, survey_key: str, response_nos: Iterable[str]
) -> list[str]:
    """anonymous_participant_id of many response numbers of one survey at once."""
    mac = _hmac_sha256(key)
    return ["a_" + mac(f"anon:{survey_key}:{no}".encode()).hex()[:32] for no in response_nos]


def _hmac_sha256(key: bytes) -> Callable[[bytes], bytes]:
    """HMAC-SHA256 under one key, its padded-key states hashed once (RFC 2104).

    Same bytes as hmac.digest(key, message, "sha256"), three times faster over a file's worth
    of messages: only the two state copies and the message are hashed per call.
    """
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def mac(message: bytes) -> bytes:
        state = inner.copy()
        state.update(message)
        result = outer.copy()
        result.update(state.digest())
        return result.digest()

    return mac
