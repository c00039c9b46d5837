"""Pure transforms: survey export rows -> responses, long answers, contacts and rejects.

Conventions handled (问卷星 text and code exports, 腾讯问卷, generic): `┋` multi-select, `(跳过)`
skipped vs `(空)` empty, `其他【请注明】〖text〗` and `其他(text)` other text, `A→B→C` rankings,
matrix cells like `4分`, code-export -3/-2 skips and `第N题(option)` 0/1 columns.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from etl.errors import Reject
from etl.reading import RawTable, excel_serial_to_datetime
from etl.survey.mapping import ColumnMap, ColumnRole
from survey import normalise
from survey.identity import Contact, anonymous_participant_id, normalise_contact, participant_id
from survey.questionnaire import Option, Question, Questionnaire, label_key
from survey.text import clean_text

SKIPPED = "skipped"
EMPTY = "empty"
ANSWERED = "answered"
OTHER = "other"
_SKIP_MARKERS = {"(跳过)", "跳过"}
_EMPTY_MARKERS = {"(空)", "空", "null", "(null)"}
_CODE_SKIPS = {"-3", "-2"}  # 问卷星 code export: -3 skipped by logic, -2 not shown
_OTHER_TEXT = re.compile(
    r"^(?P<label>[^〖(（:：【]+?)\s*(?:【[^】]*】)?\s*"
    r"(?:〖(?P<a>.*)〗|[(（](?P<b>.*)[)）]|[:：](?P<c>.*))\s*$",
    re.DOTALL,
)
_NUMBER = re.compile(r"^(?P<n>[-+]?\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]{0,4})$")
_MULTI_SEP = {"wjx_text": re.compile(r"┋"), "generic": re.compile(r"\s*(?:┋|;|；|\|)\s*")}
_DURATION = re.compile(
    r"(?:(\d+)\s*(?:小时|时|h))?\s*(?:(\d+)\s*(?:分钟|分|m))?\s*(?:(\d+)\s*(?:秒|s))?$"
)
_IP_REGION = re.compile(r"[(（](.+?)[)）]")
_DATE_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d",
    "%Y-%m-%d",
)


class RowError(Exception):
    """One bad cell: the row is rejected with the column and reason."""

    def __init__(self, column: str, value: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.value = value
        self.reason = reason


@dataclass
class ParsedSurvey:
    """Everything a survey file yields, ready for the warehouse load."""

    responses: pl.DataFrame
    answers: pl.DataFrame
    contacts: pl.DataFrame
    raw_rows: pl.DataFrame
    rejects: list[Reject]
    rows_read: int
    warnings: list[str] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)


def cell_state(value: str | None, flavour: str) -> str | None:
    """'skipped', 'empty' or None (= has an answer) for one raw cell."""
    text = clean_text(value)
    if text is None or text.lower() in _EMPTY_MARKERS:
        return EMPTY
    if text in _SKIP_MARKERS:
        return SKIPPED
    if flavour == "wjx_code" and text in _CODE_SKIPS:
        return SKIPPED
    return None


def parse_number(text: str, column: str, low_high: tuple[float, float] | None) -> float:
    """A number with an optional unit ('12', '8分', '12个月'), checked against its range."""
    found = _NUMBER.match(text.replace(",", ""))
    if not found:
        raise RowError(column, text, f"not a number: {text!r}")
    number = float(found.group("n"))
    if low_high is not None and not (low_high[0] <= number <= low_high[1]):
        raise RowError(
            column, text, f"{number:g} is outside the allowed range {low_high[0]:g}-{low_high[1]:g}"
        )
    return number


def parse_timestamp(text: str | None) -> datetime | None:
    """Submission time from '2016/12/17 14:22:55', ISO text or an Excel date serial."""
    text = clean_text(text)
    if text is None or text.upper() == "NULL":
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        serial = float(text)
    except ValueError:
        return None
    return excel_serial_to_datetime(serial) if 20000 < serial < 80000 else None


def parse_duration_s(text: str | None) -> int | None:
    """Seconds from '136秒', '2分16秒', '136' (None if absent or unreadable)."""
    text = clean_text(text)
    if text is None or text.upper() == "NULL":
        return None
    if text.isdigit():
        return int(text)
    found = _DURATION.match(text)
    if not found or not any(found.groups()):
        return None
    hours, minutes, seconds = (int(g) if g else 0 for g in found.groups())
    return hours * 3600 + minutes * 60 + seconds


def ip_region(text: str | None) -> str | None:
    """'183.192.16.69(上海-上海)' -> '上海-上海'."""
    text = clean_text(text)
    if text is None:
        return None
    found = _IP_REGION.search(text)
    return found.group(1).strip() if found else None


def split_other(question: Question, text: str) -> tuple[Option, str | None] | None:
    """Match an option label, or an 'other' label carrying free text (其他【请注明】〖x〗, 其他(x))."""
    option = question.option_for_label(text)
    if option is not None:
        return option, None
    other = question.other_option
    found = _OTHER_TEXT.match(text)
    if other is not None and found:
        label = label_key(found.group("label"))
        if label in {label_key(other.label.zh), label_key(other.label.en), "其他"}:
            extra = found.group("a") or found.group("b") or found.group("c")
            return other, (clean_text(extra) if extra else None)
    return None


@dataclass
class _Row:
    answers: list[dict[str, Any]] = field(default_factory=list)
    demo: dict[str, Any] = field(default_factory=dict)
    contact: Contact | None = None
    name: str | None = None
    raw_contacts: dict[str, str] = field(default_factory=dict)


def _answer(qid: str, item: str = "", status: str = ANSWERED, **values: Any) -> dict[str, Any]:
    return {
        "question_id": qid,
        "item_key": item,
        "answer_status": status,
        "option_code": None,
        "answer_text": None,
        "answer_number": None,
        "answer_rank": None,
        "other_text": None,
        **values,
    }


def _choice_value(
    question: Question, role: ColumnRole, text: str, flavour: str
) -> tuple[Option, str | None]:
    if flavour == "wjx_code" and re.fullmatch(r"\d+", text):
        option = question.option_for_code(int(text))
        if option is None:
            raise RowError(
                role.header, text, f"unknown option code {text} for question {question.id}"
            )
        return option, None
    found = split_other(question, text)
    if found is None:
        raise RowError(role.header, text, f"unknown option {text!r} for question {question.id}")
    return found


class SurveyRowParser:
    """Turns one export row into answers and normalised demographics, or raises RowError."""

    def __init__(self, q: Questionnaire, cmap: ColumnMap, reference_year: int) -> None:
        self.q = q
        self.cmap = cmap
        self.flavour = cmap.flavour
        self.reference_year = reference_year
        self.by_question: dict[str, list[ColumnRole]] = {
            question.id: cmap.for_question(question.id) for question in q.questions
        }
        self.handlers: dict[
            str, Callable[[Question, list[ColumnRole], list[str | None], _Row], None]
        ] = {
            "single": self._single,
            "gender": self._single,
            "role": self._single,
            "age": self._single,
            "multi": self._multi,
            "ranking": self._ranking,
            "matrix": self._matrix,
            "number": self._number,
            "rating": self._number,
            "text": self._text,
            "city": self._text,
            "contact": self._contact,
        }

    def parse(self, row: list[str | None]) -> _Row:
        """Parse a row; raises RowError for the first cell that cannot be accepted."""
        out = _Row()
        for question in self.q.questions:
            roles = self.by_question[question.id]
            if roles:
                self.handlers[question.type](question, roles, row, out)
        return out

    # -- single-valued choice questions (single, gender, role, age) ---------------------------
    def _single(
        self, question: Question, roles: list[ColumnRole], row: list[str | None], out: _Row
    ) -> None:
        role, raw = roles[0], row[roles[0].index]
        if self._record_missing(question, role, raw, out):
            self._demographic(question, None, out)
            return
        text = clean_text(raw) or ""
        option: Option | None = None
        other_text = None
        if question.options:
            try:
                option, other_text = _choice_value(question, role, text, self.flavour)
            except RowError:
                # A plain single choice has no free-text fallback, and in a code export a number
                # is an option code (never an age or a free-text role): unknown means reject.
                if question.type == "single" or self.flavour == "wjx_code":
                    raise
        value_text = other_text or (option.label.zh if option and not option.is_other else text)
        self._demographic(question, (text, option, value_text), out, role=role)
        status = OTHER if option is not None and option.is_other else ANSWERED
        out.answers.append(
            _answer(
                question.id,
                status=status,
                option_code=option.code if option else None,
                answer_text=option.key if option else text,
                other_text=other_text,
            )
        )

    def _demographic(
        self,
        question: Question,
        found: tuple[str, Option | None, str] | None,
        out: _Row,
        role: ColumnRole | None = None,
    ) -> None:
        kind = question.type
        if kind not in {"age", "gender", "role"}:
            return
        text, option, value_text = found if found else (None, None, None)
        if kind == "age":
            result = normalise.normalise_age(value_text, reference_year=self.reference_year)
            if result.status == "invalid":
                raise RowError(role.header if role else question.id, text, f"age: {result.reason}")
            out.demo.update(
                age_raw=text,
                age_years=result.years,
                age_band=result.band,
                is_age_mapped=result.status == "mapped" if text else None,
            )
        elif kind == "gender":
            code = option.key if option else None
            if code is None:
                result = normalise.normalise_gender(value_text)
                code = result.code
            out.demo.update(
                gender_raw=text, gender=code, is_gender_mapped=(code is not None) if text else None
            )
        else:
            code, mapped = None, None
            if option is not None and not option.is_other:
                code, mapped = option.key, True
            elif value_text:
                result = normalise.normalise_role(value_text)
                mapped = result.status == "mapped"
                # Unmapped "other" text stays verbatim in role_raw; the role is 'other', flagged.
                code = result.code if mapped else ("other" if option is not None else None)
            out.demo.update(role_raw=text, role=code, is_role_mapped=mapped)

    def _record_missing(
        self, question: Question, role: ColumnRole, raw: str | None, out: _Row
    ) -> bool:
        """Record a skipped/empty single-column answer (rejecting an empty required one)."""
        state = cell_state(raw, self.flavour)
        if state is None:
            return False
        self._require(question, role, raw, state)
        out.answers.append(_answer(question.id, status=state))
        return True

    def _require(self, question: Question, role: ColumnRole, raw: str | None, state: str) -> None:
        if question.required and state == EMPTY:
            raise RowError(role.header, raw, f"required question {question.id} is empty")

    # -- multi-select ----------------------------------------------------------------------
    def _multi(
        self, question: Question, roles: list[ColumnRole], row: list[str | None], out: _Row
    ) -> None:
        if roles[0].kind == "option":
            self._expanded(question, roles, row, out, ranked=False)
            return
        role, raw = roles[0], row[roles[0].index]
        if self._record_missing(question, role, raw, out):
            return
        splitter = _MULTI_SEP.get(self.flavour, _MULTI_SEP["generic"])
        for part in splitter.split(clean_text(raw) or ""):
            if not part:
                continue
            option, other_text = _choice_value(question, role, part, self.flavour)
            out.answers.append(
                _answer(
                    question.id,
                    option.key,
                    OTHER if option.is_other else ANSWERED,
                    option_code=option.code,
                    answer_text=option.key,
                    answer_number=1.0,
                    other_text=other_text,
                )
            )

    def _expanded(
        self,
        question: Question,
        roles: list[ColumnRole],
        row: list[str | None],
        out: _Row,
        *,
        ranked: bool,
    ) -> None:
        """One column per option (腾讯问卷, 问卷星 code export): 1/0, a rank, or other text."""
        states = {cell_state(row[r.index], self.flavour) for r in roles}
        chosen = 0
        for role in roles:
            raw = row[role.index]
            if cell_state(raw, self.flavour) is not None:
                continue
            text = clean_text(raw) or ""
            assert role.item is not None
            option = role.item
            if ranked:
                rank = parse_number(text, role.header, (1, len(question.options)))
                out.answers.append(
                    _answer(
                        question.id,
                        option.key,
                        answer_rank=int(rank),
                        option_code=option.code,
                        answer_text=option.key,
                    )
                )
                chosen += 1
                continue
            if text == "0":
                continue
            other_text = None if text == "1" else text
            if other_text is not None and not option.is_other:
                raise RowError(
                    role.header, text, f"expected 1 or 0 for option {option.key}, got {text!r}"
                )
            out.answers.append(
                _answer(
                    question.id,
                    option.key,
                    OTHER if option.is_other else ANSWERED,
                    option_code=option.code,
                    answer_text=option.key,
                    answer_number=1.0,
                    other_text=other_text,
                )
            )
            chosen += 1
        if chosen == 0:
            state = SKIPPED if states == {SKIPPED} else EMPTY
            self._require(question, roles[0], None, state)
            out.answers.append(_answer(question.id, status=state))

    # -- ranking: A→B→C ------------------------------------------------------------------
    def _ranking(
        self, question: Question, roles: list[ColumnRole], row: list[str | None], out: _Row
    ) -> None:
        if roles[0].kind == "option":
            self._expanded(question, roles, row, out, ranked=True)
            return
        role, raw = roles[0], row[roles[0].index]
        if self._record_missing(question, role, raw, out):
            return
        seen: set[str] = set()
        for rank, part in enumerate(re.split(r"\s*(?:→|->|>)\s*", clean_text(raw) or ""), 1):
            option, other_text = _choice_value(question, role, part, self.flavour)
            if option.key in seen:
                raise RowError(role.header, raw, f"option {option.key} ranked twice")
            seen.add(option.key)
            out.answers.append(
                _answer(
                    question.id,
                    option.key,
                    answer_rank=rank,
                    option_code=option.code,
                    answer_text=option.key,
                    other_text=other_text,
                )
            )

    # -- matrix: one column per row, '4分' ----------------------------------------------------
    def _matrix(
        self, question: Question, roles: list[ColumnRole], row: list[str | None], out: _Row
    ) -> None:
        any_answer = False
        for role in roles:
            raw = row[role.index]
            state = cell_state(raw, self.flavour)
            assert role.item is not None
            if state is not None:
                out.answers.append(_answer(question.id, role.item.key, state))
                continue
            number = parse_number(clean_text(raw) or "", role.header, question.scale)
            out.answers.append(_answer(question.id, role.item.key, answer_number=number))
            any_answer = True
        if not any_answer and question.required:
            raise RowError(roles[0].header, None, f"required question {question.id} is empty")

    # -- number and rating ------------------------------------------------------------------
    def _number(
        self, question: Question, roles: list[ColumnRole], row: list[str | None], out: _Row
    ) -> None:
        role, raw = roles[0], row[roles[0].index]
        if self._record_missing(question, role, raw, out):
            return
        number = parse_number(clean_text(raw) or "", role.header, question.scale or question.range)
        out.answers.append(_answer(question.id, answer_number=number, answer_text=clean_text(raw)))

    # -- free text and city ----------------------------------------------------------------
    def _text(
        self, question: Question, roles: list[ColumnRole], row: list[str | None], out: _Row
    ) -> None:
        role, raw = roles[0], row[roles[0].index]
        if self._record_missing(question, role, raw, out):
            if question.type == "city":
                out.demo.update(city_raw=None, is_city_mapped=None)
            return
        text = raw.strip() if raw else ""
        if question.max_length and len(text) > question.max_length:
            raise RowError(
                role.header,
                text[:40] + "…",
                f"answer is {len(text)} characters, over the {question.max_length} allowed",
            )
        out.answers.append(_answer(question.id, answer_text=text))
        if question.type == "city":
            city = normalise.normalise_city(text)
            out.demo.update(
                city_raw=text,
                city_id=city.city_id,
                city_zh=city.city_zh,
                city_en=city.city_en,
                province_zh=city.province_zh,
                province_en=city.province_en,
                country_code=city.country_code,
                city_tier=city.tier,
                city_lat=city.lat,
                city_lon=city.lon,
                is_overseas=city.is_overseas,
                is_city_mapped=city.status == "mapped",
            )

    # -- contacts go to the restricted table only ---------------------------------------------
    def _contact(
        self, question: Question, roles: list[ColumnRole], row: list[str | None], out: _Row
    ) -> None:
        role, raw = roles[0], row[roles[0].index]
        if self._record_missing(question, role, raw, out):
            return
        text = clean_text(raw) or ""
        out.answers.append(_answer(question.id))  # that it was answered, never what
        out.raw_contacts[role.header] = text
        if question.contact_kind == "name":
            out.name = text
        elif out.contact is None:
            out.contact = normalise_contact(text)


RESPONSE_COLUMNS = [
    "age_raw",
    "age_years",
    "age_band",
    "is_age_mapped",
    "gender_raw",
    "gender",
    "is_gender_mapped",
    "role_raw",
    "role",
    "is_role_mapped",
    "city_raw",
    "city_id",
    "city_zh",
    "city_en",
    "province_zh",
    "province_en",
    "country_code",
    "city_tier",
    "city_lat",
    "city_lon",
    "is_overseas",
    "is_city_mapped",
]


def response_id(survey_key: str, response_no: str) -> str:
    """Natural key of a response: the survey and the exporter's own response number."""
    return "r_" + hashlib.sha256(f"{survey_key}|{response_no}".encode()).hexdigest()[:24]


def parse_survey(
    table: RawTable,
    cmap: ColumnMap,
    q: Questionnaire,
    *,
    survey_key: str,
    edition_year: int,
    id_key: bytes,
) -> ParsedSurvey:
    """Parse every row: each is loaded or rejected with a reason (read = loaded + rejected)."""
    parser = SurveyRowParser(q, cmap, reference_year=edition_year)
    meta = {
        name: cmap.meta_index(name)
        for name in (
            "response_no",
            "submitted_at",
            "started_at",
            "duration",
            "channel",
            "channel_detail",
            "ip",
            "ip_province",
            "ip_city",
        )
    }
    answer_cols = [c for c in cmap.columns if c.kind != "meta" and c.kind != "unmatched"]
    pii_headers = {c.header for c in answer_cols if c.question is not None and c.question.is_pii}

    def get(row: list[str | None], name: str) -> str | None:
        index = meta[name]
        value = clean_text(row[index]) if index is not None else None
        return None if value is None or value.upper() == "NULL" else value  # old exports write NULL

    rejects: list[Reject] = []
    kept: list[dict[str, Any]] = []
    seen_numbers: dict[str, int] = {}
    for i, row in enumerate(table.rows):
        line = table.line_number(i)
        number = get(row, "response_no") or str(line)
        if number in seen_numbers:
            rejects.append(
                Reject(
                    line,
                    "序号",
                    number,
                    f"response number {number} already used on row {seen_numbers[number]}",
                )
            )
            continue
        seen_numbers[number] = line
        try:
            parsed = parser.parse(row)
        except RowError as err:
            rejects.append(Reject(line, err.column, err.value, err.reason))
            continue
        submitted = parse_timestamp(get(row, "submitted_at"))
        region = ip_region(get(row, "ip"))
        if region is None and (get(row, "ip_province") or get(row, "ip_city")):
            region = "-".join(p for p in (get(row, "ip_province"), get(row, "ip_city")) if p)
        pid = (
            participant_id(id_key, parsed.contact)
            if parsed.contact
            else anonymous_participant_id(id_key, survey_key, number)
        )
        # A double submission comes from the same address with the same answers. Without an
        # address (old exports write NULL) identical answers are common on short surveys and
        # prove nothing, so such rows are never called duplicates.
        origin = get(row, "ip") or region
        signature = (
            json.dumps([origin] + [row[c.index] for c in answer_cols], ensure_ascii=False)
            if origin and origin.upper() != "NULL"
            else None
        )
        kept.append(
            {
                "line": line,
                "row": row,
                "parsed": parsed,
                "submitted_at": submitted,
                "response_no": number,
                "participant_id": pid,
                "signature": signature,
                "is_anonymous": parsed.contact is None,
                "duration_s": parse_duration_s(get(row, "duration")),
                "channel": get(row, "channel"),
                "channel_detail": get(row, "channel_detail"),
                "ip_region": region,
            }
        )

    identity = next(
        (
            c.header
            for c in answer_cols
            if c.question is not None and c.question.is_pii and c.question.contact_kind != "name"
        ),
        None,
    )
    kept = _drop_duplicates(kept, rejects, identity)
    responses, answers, contacts, raws = [], [], [], []
    unmapped: dict[str, int] = {"age": 0, "gender": 0, "role": 0, "city": 0}
    for item in kept:
        parsed = item["parsed"]
        rid = response_id(survey_key, item["response_no"])
        record = {column: parsed.demo.get(column) for column in RESPONSE_COLUMNS}
        for dim in unmapped:
            if record.get(f"is_{dim}_mapped") is False:
                unmapped[dim] += 1
        responses.append(
            {
                "response_id": rid,
                "source_response_no": item["response_no"],
                "participant_id": item["participant_id"],
                "is_anonymous": item["is_anonymous"],
                "submitted_at": item["submitted_at"],
                "duration_s": item["duration_s"],
                "channel": item["channel"],
                "channel_detail": item["channel_detail"],
                "ip_region": item["ip_region"],
                "row_number": item["line"],
                **record,
            }
        )
        answers.extend({"response_id": rid, **a} for a in parsed.answers)
        if parsed.contact is not None or parsed.name is not None:
            contact = parsed.contact
            contacts.append(
                {
                    "participant_id": item["participant_id"],
                    "name_text": parsed.name,
                    "phone": contact.value if contact and contact.kind == "phone" else None,
                    "wechat": contact.value if contact and contact.kind == "wechat" else None,
                    "email": contact.value if contact and contact.kind == "email" else None,
                    "submitted_at": item["submitted_at"],
                }
            )
        payload = {
            header: ("<pii>" if header in pii_headers else value)
            for header, value in zip(table.headers, item["row"], strict=True)
        }
        raws.append(
            {"row_number": item["line"], "payload": json.dumps(payload, ensure_ascii=False)}
        )
    warnings = list(table.warnings) + list(cmap.warnings)
    for dim, count in unmapped.items():
        if count:
            warnings.append(
                f"{count} {dim} answer(s) kept verbatim but not mapped to a canonical value"
            )
    return ParsedSurvey(
        responses=_frame(responses, RESPONSE_SCHEMA),
        answers=_frame(answers, ANSWER_SCHEMA),
        contacts=_frame(contacts, CONTACT_SCHEMA),
        raw_rows=_frame(raws, {"row_number": pl.Int64, "payload": pl.String}),
        rejects=sorted(rejects, key=lambda r: r.row_number),
        rows_read=len(table.rows),
        warnings=warnings,
        unmapped=unmapped,
    )


DUPLICATE_WINDOW = timedelta(minutes=30)


def _close_in_time(a: datetime | None, b: datetime | None) -> bool:
    """Two submissions close enough to be one person pressing submit twice (or times unknown)."""
    return a is None or b is None or abs(a - b) <= DUPLICATE_WINDOW


def _drop_duplicates(
    kept: list[dict[str, Any]], rejects: list[Reject], identity_column: str | None
) -> list[dict[str, Any]]:
    """Reject exact duplicate rows, then keep only the latest submission of each participant."""
    earlier_by_signature: dict[str, list[dict[str, Any]]] = {}
    unique = []
    for item in kept:
        if item["signature"] is not None:
            same = earlier_by_signature.setdefault(item["signature"], [])
            twin = next(
                (e for e in same if _close_in_time(e["submitted_at"], item["submitted_at"])), None
            )
            if twin is not None:
                rejects.append(
                    Reject(
                        item["line"],
                        "(all columns)",
                        None,
                        f"exact duplicate of row {twin['line']}",
                    )
                )
                continue
            same.append(item)
        unique.append(item)
    latest: dict[str, dict[str, Any]] = {}
    for item in unique:
        if item["is_anonymous"]:
            continue
        best = latest.get(item["participant_id"])
        key = (item["submitted_at"] or datetime.min, item["line"])
        if best is None or key > (best["submitted_at"] or datetime.min, best["line"]):
            latest[item["participant_id"]] = item
    result = []
    for item in unique:
        winner = latest.get(item["participant_id"])
        if winner is not None and winner is not item:
            rejects.append(
                Reject(
                    item["line"],
                    identity_column,
                    None,
                    f"superseded by a later submission (row {winner['line']}) from the same participant",
                )
            )
            continue
        result.append(item)
    return result


RESPONSE_SCHEMA: dict[str, Any] = {
    "response_id": pl.String,
    "source_response_no": pl.String,
    "participant_id": pl.String,
    "is_anonymous": pl.Boolean,
    "submitted_at": pl.Datetime("us"),
    "duration_s": pl.Int64,
    "channel": pl.String,
    "channel_detail": pl.String,
    "ip_region": pl.String,
    "row_number": pl.Int64,
    "age_raw": pl.String,
    "age_years": pl.Int64,
    "age_band": pl.String,
    "is_age_mapped": pl.Boolean,
    "gender_raw": pl.String,
    "gender": pl.String,
    "is_gender_mapped": pl.Boolean,
    "role_raw": pl.String,
    "role": pl.String,
    "is_role_mapped": pl.Boolean,
    "city_raw": pl.String,
    "city_id": pl.String,
    "city_zh": pl.String,
    "city_en": pl.String,
    "province_zh": pl.String,
    "province_en": pl.String,
    "country_code": pl.String,
    "city_tier": pl.String,
    "city_lat": pl.Float64,
    "city_lon": pl.Float64,
    "is_overseas": pl.Boolean,
    "is_city_mapped": pl.Boolean,
}
ANSWER_SCHEMA: dict[str, Any] = {
    "response_id": pl.String,
    "question_id": pl.String,
    "item_key": pl.String,
    "answer_status": pl.String,
    "option_code": pl.Int64,
    "answer_text": pl.String,
    "answer_number": pl.Float64,
    "answer_rank": pl.Int64,
    "other_text": pl.String,
}
CONTACT_SCHEMA: dict[str, Any] = {
    "participant_id": pl.String,
    "name_text": pl.String,
    "phone": pl.String,
    "wechat": pl.String,
    "email": pl.String,
    "submitted_at": pl.Datetime("us"),
}


def _frame(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
