"""Pure transforms: survey export rows -> responses, long answers, contacts and rejects.

Conventions handled (问卷星 text and code exports, 腾讯问卷, generic): `┋` multi-select, `(跳过)`
skipped vs `(空)` empty, `其他【请注明】〖text〗` and `其他(text)` other text, `A→B→C` rankings,
matrix cells like `4分`, code-export -3/-2 skips and `第N题(option)` 0/1 columns.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from etl.errors import Reject
from etl.frames import ROW, text_frame
from etl.reading import RawTable, excel_serial_to_datetime
from etl.survey.layouts.common import split_joined_multi
from etl.survey.mapping import ColumnMap, ColumnRole
from survey import normalise
from survey.identity import (
    Contact,
    anonymous_participant_ids,
    contact_participant_ids,
    normalise_contact,
    participant_id,
)
from survey.questionnaire import Option, Question, Questionnaire, label_key
from survey.text import clean_text
from warehouse.settings import load_limits

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


# A row's cells by column index: a whole row, or a dict of the cells one question reads.
Cells = Mapping[int, str | None] | list[str | None]


class RowError(Exception):
    """One bad cell: the row is rejected with the column and reason."""

    def __init__(self, column: str, value: str | None, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.value = value
        self.reason = reason


class Answers:
    """The long answers of the kept rows, question by question, built when asked for.

    Each question's parsed answers are joined to the kept rows' response ids only when read, so
    a load that takes them (`take`) holds one question's joined answers at a time, never the
    whole long table beside the parsed parts (a 26k × 370 export has 3M+ answers).
    """

    def __init__(self, rows: pl.DataFrame | None, parts: list[tuple[str, pl.DataFrame]]) -> None:
        self._rows = rows  # _response_id and the _k<i> key of each question, per kept row
        self._parts = parts  # (key column, that question's answers by __k)

    @classmethod
    def of(cls, frame: pl.DataFrame) -> Answers:
        """Answers already joined (e.g. built by hand): given back as they are."""
        return cls(None, [("", frame)])

    def _joined(self, key: str, answers: pl.DataFrame) -> pl.DataFrame:
        if self._rows is None:
            return answers
        rows = self._rows.select(
            pl.col("_response_id").alias("response_id"), pl.col(key).alias("__k")
        )
        joined = rows.join(answers, on="__k", how="inner", maintain_order="left_right")
        return joined.select(list(ANSWER_SCHEMA)).cast(ANSWER_SCHEMA)  # type: ignore[arg-type]

    def vouched(self) -> bool:
        """Whether the parse shows every answer's response staged and no key repeated.

        Answers joined to the kept rows answer only staged responses, whose ids are unique
        (loads/survey.sql refuses a repeated one); each part maps its `__k` (a row, or a distinct
        value rows share) to answers, so no (response, question, item) key repeats when no part
        repeats (__k, question, item) and no question spans two parts. False means "not shown
        here" (e.g. answers built by hand): the load then checks the inserted rows in SQL.
        """
        if self._rows is None:
            return False
        seen: set[str] = set()
        for _key, answers in self._parts:
            questions = set(answers.get_column("question_id").unique().to_list())
            if questions & seen:
                return False
            seen |= questions
            if answers.select(
                pl.struct("__k", "question_id", "item_key").is_duplicated().any()
            ).item():
                return False
        return True

    def frame(self) -> pl.DataFrame:
        """Every answer: question by question, each in file-row order."""
        parts = [self._joined(key, answers) for key, answers in self._parts]
        if not parts:
            return pl.DataFrame(schema=ANSWER_SCHEMA)
        return pl.concat(parts, rechunk=False)

    def take(self, rows: int) -> Iterator[pl.DataFrame]:
        """The answers in frames of at most `rows`, each question's parsed answers freed once
        joined (the Answers are empty after)."""
        parts, self._parts = self._parts, []
        parts.reverse()  # popped from the end: question order kept
        while parts:
            key, answers = parts.pop()
            joined = self._joined(key, answers)
            del answers
            for offset in range(0, joined.height, rows):
                yield joined.slice(offset, rows)
            del joined


class RawRows:
    """The kept rows as read, each as one JSON text (`payload_expr`), built when read.

    Held as the rows' cells (categoricals in a load: 4 bytes a cell), not as their JSON: a
    26k × 370 export's JSON is 74 MB, its cells 40 MB, and the JSON is made a batch at a time
    while the load streams it (`take`).
    """

    def __init__(self, cells: pl.DataFrame, payload: pl.Expr, columns: list[str]) -> None:
        self._cells = cells  # ROW and the file's every column, of the kept rows in file order
        self._payload = payload
        self._columns = columns

    def _batches(self, cells: pl.DataFrame) -> Iterator[pl.DataFrame]:
        # As many rows as hold PAYLOAD_CELLS cells: each cell's JSON text is held for one batch,
        # and each batch costs a plan of the whole expression (~20-40 ms for 370 columns).
        rows = max(1, PAYLOAD_CELLS // max(1, len(self._columns)))
        for offset in range(0, cells.height, rows):
            batch = _as_text(cells.slice(offset, rows), self._columns)
            yield batch.select(pl.col(ROW), self._payload.alias("payload"))

    def frame(self) -> pl.DataFrame:
        """Every kept row's (row_number, payload)."""
        batches = list(self._batches(self._cells))
        return pl.concat(batches) if batches else RAW_ROW_SCHEMA.to_frame()

    def take(self) -> Iterator[pl.DataFrame]:
        """The rows in batches, taken (the cells are freed once read)."""
        cells, self._cells = self._cells, self._cells.clear()
        return self._batches(cells)


RAW_ROW_SCHEMA = pl.Schema({ROW: pl.Int64(), "payload": pl.String()})


@dataclass
class ParsedSurvey:
    """Everything a survey file yields, ready for the warehouse load."""

    responses: pl.DataFrame
    answer_parts: Answers
    contacts: pl.DataFrame
    raw_rows: RawRows
    rejects: list[Reject]
    rows_read: int
    warnings: list[str] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)

    @property
    def answers(self) -> pl.DataFrame:
        """Every answer as one frame (question by question, each in file-row order)."""
        return self.answer_parts.frame()

    @answers.setter
    def answers(self, frame: pl.DataFrame) -> None:
        self.answer_parts = Answers.of(frame)


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


def _chosen(question_id: str, option: Option, other_text: str | None) -> dict[str, Any]:
    """The answer row of one chosen option (a multi-select item, or the option of a column)."""
    return _answer(
        question_id,
        option.key,
        OTHER if option.is_other else ANSWERED,
        option_code=option.code,
        answer_text=option.key,
        answer_number=1.0,
        other_text=other_text,
    )


def _choice_value(
    question: Question, role: ColumnRole, text: str, flavour: str
) -> tuple[Option, str | None]:
    if role.cell == "code" and re.fullmatch(r"-?\d+\.0", text):
        text = text[:-2]  # a workbook's number cell
    if (flavour == "wjx_code" or role.cell == "code") and re.fullmatch(r"\d+", text):
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
    """One question's cells -> its answers and normalised demographics, or RowError.

    `handlers[question.type](question, roles, cells, out)` reads the cells of the question's
    columns (`cells[role.index]`) and adds to `out`; parse_survey calls it once per distinct
    value of those cells, so it never sees the rest of the row.
    """

    def __init__(self, q: Questionnaire, cmap: ColumnMap, reference_year: int) -> None:
        self.q = q
        self.cmap = cmap
        self.flavour = cmap.flavour
        self.reference_year = reference_year
        self.by_question: dict[str, list[ColumnRole]] = {
            question.id: cmap.for_question(question.id) for question in q.questions
        }
        self.handlers: dict[str, Callable[[Question, list[ColumnRole], Cells, _Row], None]] = {
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
            "date": self._text,
            "city": self._text,
            "contact": self._contact,
        }

    def handle(self, question: Question, roles: list[ColumnRole], row: Cells, out: _Row) -> None:
        """Parse one question's cells: its answer columns, then any "other" free-text column."""
        main = [r for r in roles if r.kind != "other_text"]
        extra = [r for r in roles if r.kind == "other_text"]
        if main:
            self.handlers[question.type](question, main, row, out)
        for role in extra:
            self._other_text(question, role, row, out)

    def _other_text(self, question: Question, role: ColumnRole, row: Cells, out: _Row) -> None:
        """The free text of an "other" option, from its own column (Q5_TEXT, Q7_OTHER...)."""
        text = clean_text(row[role.index])
        if text is None or cell_state(text, self.flavour) is not None:
            return
        other = question.other_option
        if other is None:  # an open question's text beside it: kept as the answer's text
            if not any(a["question_id"] == question.id for a in out.answers):
                out.answers.append(_answer(question.id, answer_text=text))
            return
        for answer in out.answers:
            chose_other = other.key in {answer["answer_text"], answer["item_key"]}
            if chose_other and answer["answer_status"] in {OTHER, ANSWERED}:
                answer["other_text"] = answer["other_text"] or text
                answer["answer_status"] = OTHER
                return
        single = question.type not in {"multi", "ranking"}
        out.answers[:] = [
            a
            for a in out.answers
            if not (a["question_id"] == question.id and a["answer_status"] in {EMPTY, SKIPPED})
        ]
        out.answers.append(
            _answer(
                question.id,
                "" if single else other.key,
                OTHER,
                option_code=other.code,
                answer_text=other.key,
                answer_number=None if single else 1.0,
                other_text=text,
            )
        )

    # -- single-valued choice questions (single, gender, role, age) ---------------------------
    def _single(self, question: Question, roles: list[ColumnRole], row: Cells, out: _Row) -> None:
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
        label = (option.label.zh or option.label.en) if option else ""
        value_text = other_text or (label if option and not option.is_other else text)
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
            band, years, mapped = result.band, result.years, result.status == "mapped"
            wide = (
                normalise.normalise_age_interval(value_text, reference_year=self.reference_year)
                if value_text
                else None
            )
            if wide is not None and wide.status != "mapped":
                wide = None
            if not mapped and wide is not None:
                # Another survey's own band scheme (16~19岁, 40~49岁): a clean band is mapped,
                # to the canonical band it fits inside, else kept as its own interval with its
                # broad band (the answer text stays in age_raw and in the survey's question).
                band, years, mapped = wide.band, wide.years, True
            out.demo.update(
                age_raw=text,
                age_years=years,
                age_band=band,
                is_age_mapped=mapped if text else None,
                age_low=wide.low if wide else None,
                age_high=wide.high if wide else None,
                age_band_broad=wide.broad_band if wide else None,
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
    def _multi(self, question: Question, roles: list[ColumnRole], row: Cells, out: _Row) -> None:
        if roles[0].kind == "option":
            self._expanded(question, roles, row, out, ranked=False)
            return
        role, raw = roles[0], row[roles[0].index]
        if self._record_missing(question, role, raw, out):
            return
        for part in self._multi_parts(question, role, clean_text(raw) or ""):
            if not part:
                continue
            option, other_text = _choice_value(question, role, part, self.flavour)
            out.answers.append(_chosen(question.id, option, other_text))

    def _multi_parts(self, question: Question, role: ColumnRole, text: str) -> list[str]:
        """The chosen options' texts of a joined multi answer.

        A comma-joined answer (Google Forms ', ') is matched against the known options longest
        first, since an option's own text may hold the separator; the rest is split.
        """
        sep = role.multi_sep
        if sep is None:
            return _MULTI_SEP.get(self.flavour, _MULTI_SEP["generic"]).split(text)
        if sep.strip() == "":
            return text.split()
        if sep.strip() in {",", "，"}:
            # Whole options only (between separators): the option "C" is not inside "LC3".
            return split_joined_multi(text, _labels_longest_first(question), sep)
        return [p.strip() for p in text.split(sep)]

    def _expanded(
        self,
        question: Question,
        roles: list[ColumnRole],
        row: Cells,
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
            if role.cell in {"flag", "option_text"}:
                chosen += self._chosen(question, role, option, text, out)
                continue
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
            out.answers.append(_chosen(question.id, option, other_text))
            chosen += 1
        if chosen == 0:
            state = SKIPPED if states == {SKIPPED} else EMPTY
            self._require(question, roles[0], None, state)
            out.answers.append(_answer(question.id, status=state))

    def _chosen(
        self, question: Question, role: ColumnRole, option: Option, text: str, out: _Row
    ) -> int:
        """One option column of a multi (a 0/1 flag, or the option's own text): 1 if chosen."""
        flag = text.lower().removesuffix(".0")
        if role.cell == "flag" and flag in _FALSE:
            return 0
        other_text = None
        if role.cell == "flag" and flag not in _TRUE:
            if not option.is_other:
                raise RowError(
                    role.header, text, f"expected 1 or 0 for option {option.key}, got {text!r}"
                )
            other_text = text
        if role.cell == "option_text" and option.is_other:
            labels = {label_key(option.label.zh), label_key(option.label.en), *_OTHER_KEYS}
            if label_key(text) not in labels:
                other_text = text
        out.answers.append(_chosen(question.id, option, other_text))
        return 1

    # -- ranking: A→B→C ------------------------------------------------------------------
    def _ranking(self, question: Question, roles: list[ColumnRole], row: Cells, out: _Row) -> None:
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
    def _matrix(self, question: Question, roles: list[ColumnRole], row: Cells, out: _Row) -> None:
        any_answer = False
        for role in roles:
            raw = row[role.index]
            state = cell_state(raw, self.flavour)
            assert role.item is not None
            if state is not None:
                out.answers.append(_answer(question.id, role.item.key, state))
                continue
            text = clean_text(raw) or ""
            label = question.option_for_label(text) if question.options else None
            if label is not None and label.code is not None:  # a scale label: its code
                out.answers.append(
                    _answer(
                        question.id,
                        role.item.key,
                        answer_number=float(label.code),
                        option_code=label.code,
                        answer_text=label.key,
                    )
                )
                any_answer = True
                continue
            number = parse_number(text, role.header, question.scale)
            out.answers.append(_answer(question.id, role.item.key, answer_number=number))
            any_answer = True
        if not any_answer and question.required:
            raise RowError(roles[0].header, None, f"required question {question.id} is empty")

    # -- number and rating ------------------------------------------------------------------
    def _number(self, question: Question, roles: list[ColumnRole], row: Cells, out: _Row) -> None:
        role, raw = roles[0], row[roles[0].index]
        if self._record_missing(question, role, raw, out):
            return
        number = parse_number(clean_text(raw) or "", role.header, question.scale or question.range)
        out.answers.append(_answer(question.id, answer_number=number, answer_text=clean_text(raw)))

    # -- free text and city ----------------------------------------------------------------
    def _text(self, question: Question, roles: list[ColumnRole], row: Cells, out: _Row) -> None:
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
    def _contact(self, question: Question, roles: list[ColumnRole], row: Cells, out: _Row) -> None:
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


_TRUE = {"1", "true", "yes", "y", "是", "checked", "selected", "√", "✓", "x"}
_FALSE = {"0", "false", "no", "n", "否", "not selected", "unchecked"}
_OTHER_KEYS = {"其他", "其它", "other", "others"}


def _labels_longest_first(question: Question) -> list[str]:
    """The option labels (zh, en, aliases) of a question, longest first."""
    labels = {
        text
        for option in question.options
        for text in (option.label.zh, option.label.en, *option.aliases)
        if text
    }
    return sorted(labels, key=len, reverse=True)


WIDE = 64  # columns from which a raw row leaves its blank cells out
PAYLOAD_CELLS = 400_000  # cells per batch of raw-row JSON (1,081 rows of 370 columns)
CAST_COLUMNS = 16  # columns per group made categorical

RESPONSE_COLUMNS = [
    "age_raw",
    "age_years",
    "age_band",
    "is_age_mapped",
    "age_low",
    "age_high",
    "age_band_broad",
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


def response_ids(survey_key: str, response_nos: Iterable[str]) -> list[str]:
    """response_id of many response numbers of one survey (the shared prefix hashed once)."""
    prefix = hashlib.sha256(f"{survey_key}|".encode())
    ids = []
    for response_no in response_nos:
        digest = prefix.copy()
        digest.update(response_no.encode())
        ids.append("r_" + digest.hexdigest()[:24])
    return ids


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
    "age_low": pl.Int64,
    "age_high": pl.Int64,
    "age_band_broad": pl.String,
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
_ANSWER_FIELDS = tuple(name for name in ANSWER_SCHEMA if name != "response_id")


# -- column-wise parsing --------------------------------------------------------------------------
#
# A file is parsed as whole columns of one all-text frame. Every question's cells are parsed once
# per distinct value (or distinct tuple, for a question spread over several columns) by the
# SurveyRowParser handlers above, so each distinct answer goes through exactly the code a single
# row would, and the outcome is joined back to every row holding it. Answer columns repeat a lot
# (a few hundred distinct ages, cities or tool combinations in 100k rows); the metadata columns
# that do not (response number, submission time, IP) have vectorised fast paths for their usual
# forms and fall back to the scalar functions once per distinct text for anything else. Only
# rejected rows become Python objects.

META_FIELDS = (
    "response_no",
    "submitted_at",
    "duration",
    "channel",
    "channel_detail",
    "ip",
    "ip_province",
    "ip_city",
)
# Every character str.isspace() (so `re`'s \s and str.strip) calls whitespace; all are in the
# BMP. Spelled out for the Rust regex engine, whose \s omits \x1c-\x1f.
PY_SPACES = "".join(c for c in map(chr, range(0x10000)) if c.isspace())
# A cell clean_text changes even when NFKC does not: whitespace other than single inner spaces.
_NOT_PLAIN = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in PY_SPACES if c != " ") + "]|^ | $|  "
_JSON_ESCAPED = r'[\x00-\x1f"\\]'  # what json.dumps(ensure_ascii=False) escapes in a string
_TIMESTAMP_FORMS = tuple(
    rf"^([1-9][0-9]{{3}}){sep}([0-9]{{1,2}}){sep}([0-9]{{1,2}}) ([0-9]{{1,2}}):([0-9]{{1,2}}):([0-9]{{1,2}})$"
    for sep in ("/", "-")
)
_IP_REGION_RUST = r"[(（](.+?)[)）]"  # _IP_REGION (both engines take the leftmost-first match)


def via_python(
    frame: pl.DataFrame,
    source: str,
    target: str,
    convert: Callable[[str], Any],
    dtype: pl.DataType,
    *,
    where: pl.Expr | None = None,
) -> pl.DataFrame:
    """Set `target` to convert(text of `source`) where `where` holds, once per distinct text.

    Null cells and rows where `where` does not hold keep `target` as it was (null when new).
    """
    todo = pl.col(source).is_not_null()
    if where is not None:
        todo = todo & where
    keep = pl.col(target) if target in frame.columns else pl.lit(None, dtype=dtype)
    # select first: filtering the whole (wide) frame would copy every column
    texts = frame.select(pl.col(source).filter(todo).unique()).to_series()
    if texts.is_empty():
        return frame.with_columns(keep.cast(dtype).alias(target))
    converted = pl.Series([convert(text) for text in texts], dtype=dtype)
    value = pl.col(source).replace_strict(texts, converted, default=None, return_dtype=dtype)
    return frame.with_columns(pl.when(todo).then(value).otherwise(keep).alias(target))


def with_clean(frame: pl.DataFrame, source: str, target: str) -> pl.DataFrame:
    """Add `target` = clean_text(`source`) of every cell.

    A cell NFKC leaves as it is, with no whitespace but single inner spaces, is its own clean
    text; the rest (full-width forms, odd spacing) go through clean_text once per distinct text.
    """
    raw = pl.col(source)
    plain = (
        (raw.str.normalize("NFKC") == raw) & ~raw.str.contains(_NOT_PLAIN) & (raw != "")
    ).fill_null(False)
    frame = frame.with_columns(plain.alias("__plain"))
    frame = frame.with_columns(pl.when(pl.col("__plain")).then(raw).alias(target))
    frame = via_python(frame, source, target, clean_text, pl.String(), where=~pl.col("__plain"))
    return frame.drop("__plain")


def with_meta(frame: pl.DataFrame, index: int | None, target: str) -> pl.DataFrame:
    """Add a metadata field as the per-row reader took it: clean text, null for blank or NULL."""
    if index is None:
        return frame.with_columns(pl.lit(None, dtype=pl.String).alias(target))
    frame = with_clean(frame, f"c{index}", target)
    value = pl.col(target)
    return frame.with_columns(pl.when(value.str.to_uppercase() != "NULL").then(value).alias(target))


def with_timestamps(frame: pl.DataFrame, source: str, target: str) -> pl.DataFrame:
    """Add parse_timestamp of a clean text column: '2026/2/18 9:00:23' (and '-') vectorised,
    any other text through parse_timestamp once per distinct text."""
    text = pl.col(source)
    frame = frame.with_columns(
        text.str.extract_groups(_TIMESTAMP_FORMS[0]).alias("__slash"),
        text.str.extract_groups(_TIMESTAMP_FORMS[1]).alias("__dash"),
    )
    parts = [f"__t{i}" for i in range(1, 7)]
    frame = frame.with_columns(
        pl.coalesce(pl.col("__slash").struct.field(str(i)), pl.col("__dash").struct.field(str(i)))
        .cast(pl.Int32)
        .alias(part)
        for i, part in enumerate(parts, start=1)
    )
    year, month, day, hour, minute, second = (pl.col(p) for p in parts)
    padded = pl.format(
        "{}-{}-{} {}:{}:{}",
        year,
        *(c.cast(pl.String).str.zfill(2) for c in (month, day, hour, minute, second)),
    )
    # strptime rejects hour 24, minute 60 and second 60/61 too; an impossible day (2月30日)
    # comes out null here and goes to parse_timestamp, which says what it is.
    clock = (hour <= 23) & (minute <= 59) & (second <= 59)
    fast = pl.when(clock).then(
        padded.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)
    )
    frame = frame.with_columns(fast.alias(target)).with_columns(
        pl.col(target).is_not_null().alias("__fast")
    )
    frame = via_python(
        frame, source, target, parse_timestamp, pl.Datetime("us"), where=~pl.col("__fast")
    )
    return frame.drop("__slash", "__dash", "__fast", *parts)


_PLAIN_NUMBER = r"^\s*[0-9]+(?:\.[0-9]+)?\s*$"


def _take_bad_timestamps(
    frame: pl.DataFrame, table: RawTable, index: int | None
) -> tuple[pl.DataFrame, list[Reject]]:
    """(rows kept, rejects) after refusing submission times that are not times: a plain number
    in a CSV (`45000` is a number there; day serials only come from .xls/.xlsx cells) and a time
    more than `max_date_spread_days` from the middle of the file's others (2099 among 2025's
    answers would widen the calendar by decades)."""
    if index is None:
        return frame, []
    spread = load_limits().max_date_spread_days
    text = pl.col("_m_submitted_at")
    number = text.str.contains(_PLAIN_NUMBER).fill_null(False) & pl.lit(table.file_format == "csv")
    days = pl.col("_submitted_at").cast(pl.Date).cast(pl.Int32)
    middle = frame.select(days.filter(~number).median()).item()
    far = (
        ~number & ((days - int(middle)).abs() > spread).fill_null(False)
        if middle is not None
        else pl.lit(False)
    )
    around = date(1970, 1, 1) + timedelta(days=int(middle or 0))
    reason = (
        pl.when(number)
        .then(pl.lit("a plain number, not a date-time (day serials are read only from .xls/.xlsx)"))
        .when(far)
        .then(
            pl.lit(
                f"more than {spread} days from the file's other dates (around {around}): a typo?"
            )
        )
    )
    frame = frame.with_columns(reason.alias("__time_problem"))
    bad = pl.col("__time_problem").is_not_null()
    header = table.headers[index]
    rejects = [
        Reject(line, header, value, problem)
        for line, value, problem in frame.filter(bad)
        .select(ROW, "_m_submitted_at", "__time_problem")
        .iter_rows()
    ]
    return frame.filter(~bad).drop("__time_problem"), rejects


def json_escapes(frame: pl.DataFrame, columns: list[str]) -> dict[str, pl.Series]:
    """Per column, its distinct cells that JSON must escape (one pass over all the columns)."""
    if not columns:
        return {}
    # Each column's distinct cells first (cheap on categoricals), in a fixed order: `d` is
    # evaluated twice below, and two unordered unique() need not agree.
    distinct = [pl.col(c).unique(maintain_order=True).cast(pl.String) for c in columns]
    found = frame.select(d.filter(d.str.contains(_JSON_ESCAPED)).implode() for d in distinct).row(0)
    return {
        c: pl.Series(values or [], dtype=pl.String)
        for c, values in zip(columns, found, strict=True)
    }


def _json_string(
    column: str,
    frame: pl.DataFrame,
    *,
    null: str | None = "null",
    escapes: dict[str, pl.Series] | None = None,
) -> pl.Expr:
    """The cell as json.dumps(ensure_ascii=False) writes it: `null` (as text, or a null with
    null=None), or a quoted string."""
    value = pl.col(column)
    special = value.str.contains(_JSON_ESCAPED)
    if escapes is not None:
        texts = escapes[column]
    else:
        texts = frame.select(value.filter(special).unique()).to_series()
    quoted = pl.concat_str([pl.lit('"'), value, pl.lit('"')])
    if not texts.is_empty():
        escaped = pl.Series([json.dumps(t, ensure_ascii=False) for t in texts], dtype=pl.String)
        quoted = (
            pl.when(special)
            .then(value.replace_strict(texts, escaped, default=None, return_dtype=pl.String))
            .otherwise(quoted)
        )
    if null is None:
        return quoted  # null where the cell is: concat_str of a null is null
    return pl.when(value.is_null()).then(pl.lit(null)).otherwise(quoted)


def payload_expr(
    frame: pl.DataFrame,
    headers: list[str],
    pii_headers: set[str],
    *,
    omit_blank: bool = False,
    escapes: dict[str, pl.Series] | None = None,
) -> pl.Expr:
    """Each row as json.dumps(dict(zip(headers, row)), ensure_ascii=False), PII cells '<pii>'.

    Built from the columns (a repeated header keeps its first place and its last cell, as a
    dict does), so the JSON is byte for byte what the per-row encoder wrote. With `omit_blank`
    (wide exports, where most cells are blank and the keys would be most of the bytes) a blank
    cell's key is left out instead of written as null.
    """
    last: dict[str, int] = {}
    for i, header in enumerate(headers):
        last[header] = i
    if omit_blank:
        members = [  # '"header": "cell"', null for a blank cell
            pl.concat_str(
                [
                    pl.lit(json.dumps(header, ensure_ascii=False) + ": "),
                    pl.when(pl.col(f"c{i}").is_not_null()).then(pl.lit('"<pii>"'))
                    if header in pii_headers
                    else _json_string(f"c{i}", frame, null=None, escapes=escapes),
                ]
            )
            for header, i in last.items()
        ]
        return pl.concat_str(
            [pl.lit("{"), pl.concat_str(members, separator=", ", ignore_nulls=True), pl.lit("}")]
        )
    parts: list[pl.Expr] = []
    for n, (header, i) in enumerate(last.items()):
        key = json.dumps(header, ensure_ascii=False)
        parts.append(pl.lit(("{" if n == 0 else ", ") + key + ": "))
        parts.append(
            pl.lit('"<pii>"')
            if header in pii_headers
            else _json_string(f"c{i}", frame, escapes=escapes)
        )
    if not parts:
        return pl.lit("{}")
    parts.append(pl.lit("}"))
    return pl.concat_str(parts)


@dataclass
class _Parsed:
    """One question parsed for every row (per-row Series, all of the file's height)."""

    keys: pl.Series  # the row's answers: rows of `answers` with this __k
    answers: pl.DataFrame  # __k + the answer fields but response_id
    errors: pl.Series  # index into the parse's error list, or null
    demo: dict[str, tuple[pl.Series, pl.Series]]  # response column -> (value, whether set)
    contact: dict[str, pl.Series] | None = None  # kind, value, pid (null: no contact)
    name: pl.Series | None = None


_ANSWER_TABLE = {"__k": pl.UInt32(), **{n: ANSWER_SCHEMA[n] for n in _ANSWER_FIELDS}}
# A one-column-per-option question's answers are one row per respondent and ticked option (2.5M
# for a 26k × 370 export), held until loaded: its few repeated texts as categoricals (4 bytes a
# row, not 16), made text again when joined to the response ids (`Answers._joined`).
_COMPACT_ANSWER_TABLE = _ANSWER_TABLE | {
    name: pl.Categorical() for name in ("question_id", "item_key", "answer_status", "answer_text")
}


def _parse_distinct(
    parser: SurveyRowParser,
    question: Question,
    roles: list[ColumnRole],
    frame: pl.DataFrame,
    errors: list[tuple[str, str | None, str]],
    id_key: bytes,
) -> _Parsed:
    """Run the question's handler once per distinct value (tuple) of its columns.

    An item answered twice in one cell (可灵┋可灵) is kept once, the first time: the warehouse
    keys answers by (response, question, item).
    """
    names = [f"c{role.index}" for role in roles]
    cells = frame.select(names)
    distinct = cells.unique(maintain_order=True)
    keys = cells.join(
        distinct.with_row_index("__k"),
        on=names,
        how="left",
        nulls_equal=True,
        maintain_order="left",
    ).get_column("__k")
    handler = parser.handle
    indexes = [role.index for role in roles]
    errs: list[int | None] = []
    demo: list[dict[str, Any]] = []
    contacts: list[Contact | None] = []
    person_names: list[str | None] = []
    answers: dict[str, list[Any]] = {name: [] for name in _ANSWER_TABLE}
    for k, values in enumerate(distinct.iter_rows()):
        out = _Row()
        try:
            handler(question, roles, dict(zip(indexes, values, strict=True)), out)
        except RowError as err:
            errs.append(len(errors))
            errors.append((err.column, err.value, err.reason))
            out = _Row()
        else:
            errs.append(None)
        demo.append(out.demo)
        contacts.append(out.contact)
        person_names.append(out.name)
        items: set[str] = set()
        for answer in out.answers:
            if answer["item_key"] in items:
                continue
            items.add(answer["item_key"])
            answers["__k"].append(k)
            for name in _ANSWER_FIELDS:
                answers[name].append(answer[name])

    def per_row(values: list[Any], dtype: pl.DataType) -> pl.Series:
        return pl.Series(values, dtype=dtype).gather(keys)

    demo_columns: dict[str, tuple[pl.Series, pl.Series]] = {}
    for column in sorted(set().union(*demo), key=RESPONSE_COLUMNS.index):
        value = per_row([d.get(column) for d in demo], RESPONSE_SCHEMA[column])
        demo_columns[column] = (value, per_row([column in d for d in demo], pl.Boolean()))
    contact = None
    if any(c is not None for c in contacts):
        contact = {
            "kind": per_row([c.kind if c else None for c in contacts], pl.String()),
            "value": per_row([c.value if c else None for c in contacts], pl.String()),
            "pid": per_row(
                [participant_id(id_key, c) if c else None for c in contacts], pl.String()
            ),
        }
    name = per_row(person_names, pl.String()) if any(person_names) else None
    return _Parsed(
        keys,
        pl.DataFrame(answers, schema=_ANSWER_TABLE),
        per_row(errs, pl.Int64()),
        demo_columns,
        contact,
        name,
    )


def _by_column(question: Question, roles: list[ColumnRole]) -> bool:
    """A multi spread one column per option (flags or option texts), each column on its own.

    Its rows' combinations of choices are nearly as many as its rows on a big survey, so such a
    question is parsed column by column (each column once per distinct value) instead of once per
    distinct combination.
    """
    options = [r for r in roles if r.kind == "option"]
    others = [r for r in roles if r.kind == "other_text"]
    return (
        question.type == "multi"
        and len(options) > 1
        and all(r.cell in {"flag", "option_text"} for r in options)
        and len(options) + len(others) == len(roles)
        and (not others or (len(others) == 1 and question.other_option is not None))
    )


def _parse_option_columns(
    parser: SurveyRowParser,
    question: Question,
    roles: list[ColumnRole],
    frame: pl.DataFrame,
    errors: list[tuple[str, str | None, str]],
) -> _Parsed:
    """A one-column-per-option multi: what `_expanded` does for each row, column by column.

    Each column's distinct cells go through `_chosen` once; a row's answers are its chosen
    options in column order; a row with none is skipped (every cell skipped) or empty; the first
    bad cell in column order rejects the row.
    """
    height = frame.height
    work = pl.DataFrame({"__k": pl.int_range(height, dtype=pl.UInt32, eager=True)})
    other = question.other_option
    free = [r for r in roles if r.kind == "other_text"]
    roles = [r for r in roles if r.kind == "option"]
    if free:  # the "other" option's free text, from its own column (Q7_OTHER, Q5_TEXT)
        text = with_clean(frame.select(f"c{free[0].index}"), f"c{free[0].index}", "__t")
        missing = text.get_column("__t").str.to_lowercase().is_in(sorted(_EMPTY_MARKERS)) | (
            text.get_column("__t").is_in(sorted(_SKIP_MARKERS))
        )
        work = work.with_columns(
            text.get_column("__t")
            .zip_with(~missing.fill_null(True), pl.Series([None], dtype=pl.String))
            .alias("__t")
        )
    else:
        work = work.with_columns(pl.lit(None, dtype=pl.String).alias("__t"))
    parts: list[pl.DataFrame] = []
    error_columns: list[str] = []
    skipped_columns: list[str] = []
    other_chosen: pl.Expr = pl.lit(False)
    # Every option column's distinct cells in one pass, and its per-row lookups in another: a
    # Series operation per column costs a query each (~1 ms; a wide export has ~330 columns).
    distincts = frame.select(
        pl.col(f"c{role.index}").unique(maintain_order=True).implode().alias(f"__d{n}")
        for n, role in enumerate(roles)
    ).row(0)
    positions: list[pl.Expr] = []  # each row's cell as its place among the distinct cells
    lookups: list[pl.Expr] = []
    for n, role in enumerate(roles):
        assert role.item is not None
        values: list[str | None] = list(distincts[n])
        chosen, other_texts, skipped, error_ids = [], [], [], []
        for raw in values:
            state = cell_state(raw, parser.flavour)
            out = _Row()
            error = None
            if state is None:
                try:
                    parser._chosen(question, role, role.item, clean_text(raw) or "", out)
                except RowError as err:
                    error = len(errors)
                    errors.append((err.column, err.value, err.reason))
            chosen.append(bool(out.answers))
            other_texts.append(out.answers[0]["other_text"] if out.answers else None)
            skipped.append(state == SKIPPED)
            error_ids.append(error)
        position = pl.col(f"c{role.index}").replace_strict(
            pl.Series(values, dtype=pl.String),
            pl.int_range(len(values), dtype=pl.UInt32, eager=True),
            default=None,
        )
        if None in values:  # replace_strict cannot map a null cell: its own row
            position = position.fill_null(values.index(None))
        positions.append(position.alias(f"__i{n}"))
        index = pl.col(f"__i{n}")
        lookups += [
            pl.lit(pl.Series(chosen, dtype=pl.Boolean)).gather(index).alias(f"__c{n}"),
            pl.lit(pl.Series(other_texts, dtype=pl.String)).gather(index).alias(f"__o{n}"),
            pl.lit(pl.Series(skipped, dtype=pl.Boolean)).gather(index).alias(f"__s{n}"),
            pl.lit(pl.Series(error_ids, dtype=pl.Int64)).gather(index).alias(f"__e{n}"),
        ]
    if lookups:
        work = work.hstack(frame.select(positions).select(lookups).get_columns())
    for n, role in enumerate(roles):
        assert role.item is not None
        error_columns.append(f"__e{n}")
        skipped_columns.append(f"__s{n}")
        option = role.item
        free_text = pl.col(f"__o{n}")
        if other is not None and option.key == other.key:
            free_text = pl.coalesce(free_text, pl.col("__t"))
            other_chosen = other_chosen | pl.col(f"__c{n}")
        parts.append(
            work.filter(pl.col(f"__c{n}")).select(
                pl.col("__k"),
                pl.lit(option.key).alias("item_key"),
                pl.lit(OTHER if option.is_other else ANSWERED).alias("answer_status"),
                pl.lit(option.code, dtype=pl.Int64).alias("option_code"),
                pl.lit(option.key).alias("answer_text"),
                pl.lit(1.0).alias("answer_number"),
                pl.lit(None, dtype=pl.Int64).alias("answer_rank"),
                free_text.alias("other_text"),
            )
        )
    # Free text written for "other" without the other option ticked: other was chosen.
    written = pl.col("__t").is_not_null() & ~other_chosen
    if other is not None and free:
        parts.append(
            work.filter(written).select(
                pl.col("__k"),
                pl.lit(other.key).alias("item_key"),
                pl.lit(OTHER).alias("answer_status"),
                pl.lit(other.code, dtype=pl.Int64).alias("option_code"),
                pl.lit(other.key).alias("answer_text"),
                pl.lit(1.0).alias("answer_number"),
                pl.lit(None, dtype=pl.Int64).alias("answer_rank"),
                pl.col("__t").alias("other_text"),
            )
        )
    ticked = pl.any_horizontal(pl.col(f"__c{n}") for n in range(len(roles)))
    any_chosen = ticked | written
    all_skipped = pl.all_horizontal(pl.col(c) for c in skipped_columns)
    work = work.with_columns(
        pl.coalesce(pl.col(c) for c in error_columns).alias("__error"),
        any_chosen.alias("__any"),
        ticked.alias("__ticked"),
        pl.when(all_skipped).then(pl.lit(SKIPPED)).otherwise(pl.lit(EMPTY)).alias("__state"),
    )
    none = work.filter(~pl.col("__any"))
    if question.required:
        required = len(errors)
        errors.append((roles[0].header, None, f"required question {question.id} is empty"))
        work = work.with_columns(
            # as row by row: a required multi with no option ticked is empty, whatever was written
            pl.when(
                pl.col("__error").is_null() & ~pl.col("__ticked") & (pl.col("__state") == EMPTY)
            )
            .then(pl.lit(required, dtype=pl.Int64))
            .otherwise(pl.col("__error"))
            .alias("__error")
        )
    parts.append(
        none.select(
            pl.col("__k"),
            pl.lit("").alias("item_key"),
            pl.col("__state").alias("answer_status"),
            pl.lit(None, dtype=pl.Int64).alias("option_code"),
            pl.lit(None, dtype=pl.String).alias("answer_text"),
            pl.lit(None, dtype=pl.Float64).alias("answer_number"),
            pl.lit(None, dtype=pl.Int64).alias("answer_rank"),
            pl.lit(None, dtype=pl.String).alias("other_text"),
        )
    )
    answers = (
        pl.concat(parts)
        .with_columns(pl.lit(question.id).alias("question_id"))
        .sort("__k", maintain_order=True)  # a row's answers together, in column order
        .select(list(_ANSWER_TABLE))
        .cast(_COMPACT_ANSWER_TABLE)  # type: ignore[arg-type]
    )
    # A row with a bad cell has no answers (it is rejected), as the row-wise parse has.
    bad = work.filter(pl.col("__error").is_not_null()).get_column("__k")
    if len(bad):
        answers = answers.filter(~pl.col("__k").is_in(bad.implode()))
    return _Parsed(work.get_column("__k"), answers, work.get_column("__error"), {})


def _parse_contact_column(
    parser: SurveyRowParser,
    question: Question,
    role: ColumnRole,
    frame: pl.DataFrame,
    id_key: bytes,
) -> _Parsed:
    """An optional contact question (one column, nearly one distinct value per row), vectorised.

    Same outcome as the `_contact` handler: the answer says only whether it was answered, the
    name or normalised contact goes to the restricted table. normalise_contact runs as column
    expressions on printable-ASCII contacts (phones, emails, WeChat ids), where Python's and the
    Rust engine's \\s, \\d and \\w agree, and once per distinct text on the rest.
    """
    raw = f"c{role.index}"
    work = with_clean(frame.select(raw), raw, "text")
    text = pl.col("text")
    skips = set(_SKIP_MARKERS) | (_CODE_SKIPS if parser.flavour == "wjx_code" else set())
    state = (
        pl.when(text.is_null() | text.str.to_lowercase().is_in(sorted(_EMPTY_MARKERS)))
        .then(2)
        .when(text.is_in(sorted(skips)))
        .then(1)
        .otherwise(0)
        .cast(pl.UInt32)
    )
    work = work.with_columns(state.alias("__k"))
    answered = pl.col("__k") == 0
    answers = pl.DataFrame(
        [
            {"__k": k, **{n: a[n] for n in _ANSWER_FIELDS}}
            for k, a in enumerate(
                _answer(question.id, status=s) for s in (ANSWERED, SKIPPED, EMPTY)
            )
        ],
        schema=_ANSWER_TABLE,
        orient="row",
    )
    errors = pl.Series([None] * frame.height, dtype=pl.Int64)
    if question.contact_kind == "name":
        name = work.select(pl.when(answered).then(text)).to_series()
        return _Parsed(work["__k"], answers, errors, {}, name=name)
    work = normalised_contacts(work.with_columns(pl.when(answered).then(text).alias("text")))
    message = pl.concat_str([pl.col("kind"), pl.lit(":"), pl.col("value")])
    work = work.with_columns(message.alias("message"))
    messages = work.select(pl.col("message").drop_nulls().unique()).to_series()
    pids = pl.Series(contact_participant_ids(id_key, messages), dtype=pl.String)
    work = work.with_columns(
        pl.col("message").replace_strict(messages, pids, default=None).alias("pid")
    )
    contact = {c: work.get_column(c) for c in ("kind", "value", "pid")}
    return _Parsed(work["__k"], answers, errors, {}, contact=contact)


_NO_CONTACT = ("(空)", "(跳过)", "-", "无")


def normalised_contacts(work: pl.DataFrame) -> pl.DataFrame:
    """Add `kind` and `value`: normalise_contact of the clean `text` column (null: none)."""
    text = pl.col("text")
    ascii_text = text.str.contains(r"^[\x20-\x7e]+$").fill_null(False)
    work = work.with_columns(ascii_text.alias("__ascii"))
    bare = text
    for prefix in ("wx:", "WeChat:"):  # the ASCII ones of normalise_contact's prefixes, in order
        bare = (
            pl.when(bare.str.to_lowercase().str.starts_with(prefix.lower()))
            .then(bare.str.slice(len(prefix)).str.strip_chars(" "))
            .otherwise(bare)
        )
    work = work.with_columns(bare.alias("__bare"))
    digits = pl.col("__bare").str.replace_all(r"[ \-().]", "")
    work = work.with_columns(digits.alias("__digits"))
    digits = pl.col("__digits")
    national = (
        pl.when(digits.str.starts_with("+86"))
        .then(digits.str.slice(3))
        .when(digits.str.starts_with("0086"))
        .then(digits.str.slice(4))
        .when(digits.str.starts_with("86") & (digits.str.len_chars() == 13))
        .then(digits.str.slice(2))
        .otherwise(digits)
    )
    work = work.with_columns(national.alias("__digits"))
    phone = digits.str.contains(r"^1[3-9][0-9]{9}$") | (
        digits.str.starts_with("+")
        & digits.str.slice(1).str.contains(r"^[0-9]+$")
        & digits.str.len_chars().is_between(8, 16)
    )
    bare = pl.col("__bare")
    kind = (
        pl.when(phone)
        .then(pl.lit("phone"))
        .when(bare.str.contains(r"^[A-Za-z0-9_.+-]+@[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$"))
        .then(pl.lit("email"))
        .when(bare.str.contains(r"^[a-zA-Z][-_a-zA-Z0-9]{5,19}$"))
        .then(pl.lit("wechat"))
        .otherwise(pl.lit("other"))
    )
    fast = pl.col("__ascii") & ~text.is_in(_NO_CONTACT)
    work = work.with_columns(
        pl.when(fast).then(kind).alias("kind"),
        pl.when(fast)
        .then(pl.when(phone).then(digits).otherwise(bare.str.to_lowercase()))
        .alias("value"),
    )
    slow = ~pl.col("__ascii") & text.is_not_null()
    texts = work.select(text.filter(slow).unique()).to_series()
    if not texts.is_empty():
        found = [normalise_contact(t) for t in texts]
        for field_name in ("kind", "value"):
            values = pl.Series(
                [getattr(c, field_name) if c else None for c in found], dtype=pl.String
            )
            work = work.with_columns(
                pl.when(slow)
                .then(text.replace_strict(texts, values, default=None, return_dtype=pl.String))
                .otherwise(pl.col(field_name))
                .alias(field_name)
            )
    return work.drop("__ascii", "__bare", "__digits")


def parse_survey(
    table: RawTable,
    cmap: ColumnMap,
    q: Questionnaire,
    *,
    survey_key: str,
    edition_year: int,
    id_key: bytes,
    start: int = 0,
    end: int | None = None,
    release_rows: bool = False,
) -> ParsedSurvey:
    """Parse every row: each is loaded or rejected with a reason (read = loaded + rejected).

    Only the rows `start:end` of the table are respondents (a SurveyExport's data_start and
    data_end): the extra header rows before them and footers after them are never read as
    answers, and row numbers stay the file's own.

    A row is rejected, in this order, for: a response number already used on an earlier row;
    its first bad cell in questionnaire order (column and reason); being an exact duplicate
    (same address and answers within DUPLICATE_WINDOW) of an earlier row; or a later
    submission from the same participant.

    With `release_rows` the table's rows are dropped as soon as they are taken (the caller is
    done with them) and their text is held as categoricals: a wide export's text is not held
    beside its parsed answers at 16 bytes a cell.
    """
    parser = SurveyRowParser(q, cmap, reference_year=edition_year)
    full = text_frame(table)
    if release_rows:
        table.release_rows()
    if start or end is not None:
        stop = full.height if end is None else end
        full = full.slice(start, max(0, stop - start))
    rows_read = full.height
    answer_cols = [c for c in cmap.columns if c.kind != "meta" and c.kind != "unmatched"]
    pii_headers = {c.header for c in answer_cols if c.question is not None and c.question.is_pii}
    # The raw rows are every column as read (their JSON made when the load reads them);
    # everything else works on the mapped columns only, a question's columns as text at a time.
    headers = list(table.headers)
    cells = [f"c{i}" for i in range(len(headers))]
    wide = len(headers) > WIDE
    if release_rows:
        # The table's text is ours alone now: held as categoricals (4 bytes a cell, not 16; a
        # 26k × 370 export's 200 MB of text becomes 40 MB), made text again a batch or a
        # question at a time. Cast a few columns at a time: a cast copies its columns' text
        # first (200 MB more when every column went at once), and each group's text is freed.
        for offset in range(0, len(cells), CAST_COLUMNS):
            full = full.with_columns(
                pl.col(cells[offset : offset + CAST_COLUMNS]).cast(pl.Categorical)
            )
    # The raw rows' JSON, made a batch at a time when read (RawRows). The escapes are known, so
    # the expression reads no frame and is built once.
    escapes = json_escapes(full, cells)
    as_json = payload_expr(full, headers, pii_headers, omit_blank=wide, escapes=escapes)
    needed = sorted({c.index for c in cmap.columns if c.kind != "unmatched"})
    frame = full.select(pl.col(ROW), *(pl.col(f"c{i}") for i in needed))
    meta = [f"c{i}" for name in META_FIELDS if (i := cmap.meta_index(name)) is not None]
    frame = _as_text(frame, meta)
    for name in META_FIELDS:
        frame = with_meta(frame, cmap.meta_index(name), f"_m_{name}")
    either = pl.col("_m_ip_province").is_not_null() | pl.col("_m_ip_city").is_not_null()
    from_parts = pl.concat_str(
        [pl.col("_m_ip_province"), pl.col("_m_ip_city")], separator="-", ignore_nulls=True
    )
    frame = frame.with_columns(
        pl.col("_m_ip").str.extract(_IP_REGION_RUST, 1).str.strip_chars(" ").alias("_region")
    ).with_columns(
        pl.coalesce(pl.col("_region"), pl.when(either).then(from_parts)).alias("_region")
    )
    # The rows that may be exact duplicates, with their answer cells as text.
    suspects = _duplicate_suspects(frame, [f"c{c.index}" for c in answer_cols])

    # Each question once per distinct value; the first failing question rejects a row.
    errors: list[tuple[str, str | None, str]] = []
    parsed: list[_Parsed] = []
    for question in q.questions:
        roles = parser.by_question[question.id]
        if not roles:
            continue
        text = _as_text(frame.select(list(dict.fromkeys(f"c{r.index}" for r in roles))))
        if question.type == "contact" and not question.required and len(roles) == 1:
            parsed.append(_parse_contact_column(parser, question, roles[0], text, id_key))
        elif _by_column(question, roles):
            parsed.append(_parse_option_columns(parser, question, roles, text, errors))
        else:
            parsed.append(_parse_distinct(parser, question, roles, text, errors, id_key))
        del text
    columns: dict[str, pl.Series] = {}
    columns["_error"] = _first([d.errors for d in parsed], rows_read, pl.Int64())
    for i, d in enumerate(parsed):
        columns[f"_k{i}"] = d.keys
    columns.update(_demographics(parsed, rows_read))
    columns.update(_contacts(parsed, rows_read))
    frame = frame.with_columns(values.alias(name) for name, values in columns.items())

    number = pl.coalesce(pl.col("_m_response_no"), pl.col(ROW).cast(pl.String))
    frame = frame.with_columns(number.alias("_number")).with_columns(
        pl.col(ROW).min().over("_number").alias("_first_row")
    )
    repeated = pl.col(ROW) != pl.col("_first_row")
    rejects = [
        Reject(line, "序号", no, f"response number {no} already used on row {first}")
        for line, no, first in frame.filter(repeated)
        .select(ROW, "_number", "_first_row")
        .iter_rows()
    ]
    bad = ~repeated & pl.col("_error").is_not_null()
    rejects += [
        Reject(line, *errors[index])
        for line, index in frame.filter(bad).select(ROW, "_error").iter_rows()
    ]
    frame = frame.filter(~repeated & pl.col("_error").is_null())

    frame = with_timestamps(frame, "_m_submitted_at", "_submitted_at")
    frame, bad_times = _take_bad_timestamps(frame, table, cmap.meta_index("submitted_at"))
    rejects += bad_times
    frame = via_python(frame, "_m_duration", "_duration_s", parse_duration_s, pl.Int64())

    identity = next(
        (
            c.header
            for c in answer_cols
            if c.question is not None and c.question.is_pii and c.question.contact_kind != "name"
        ),
        None,
    )
    frame, duplicates = _take_exact_duplicates(frame, suspects)
    frame, superseded = _take_superseded(frame, identity)
    rejects += duplicates + superseded

    kept = frame  # still in file order
    numbers = kept.get_column("_number")
    participants = kept.get_column("_contact_pid").clone()
    anonymous = participants.is_null().arg_true()
    if len(anonymous):
        no_contact = numbers.gather(anonymous)
        participants.scatter(anonymous, anonymous_participant_ids(id_key, survey_key, no_contact))
    kept = kept.with_columns(
        pl.Series("_response_id", response_ids(survey_key, numbers), dtype=pl.String),
        participants.alias("_participant_id"),
    )

    responses = kept.select(
        pl.col("_response_id").alias("response_id"),
        pl.col("_number").alias("source_response_no"),
        pl.col("_participant_id").alias("participant_id"),
        pl.col("_contact_pid").is_null().alias("is_anonymous"),
        pl.col("_submitted_at").alias("submitted_at"),
        pl.col("_duration_s").alias("duration_s"),
        pl.col("_m_channel").alias("channel"),
        pl.col("_m_channel_detail").alias("channel_detail"),
        pl.col("_region").alias("ip_region"),
        pl.col(ROW),
        *(pl.col(f"_d_{c}").alias(c) for c in RESPONSE_COLUMNS),
    )
    has_contact = pl.col("_contact_kind").is_not_null() | pl.col("_name").is_not_null()
    contacts = kept.filter(has_contact).select(
        pl.col("_participant_id").alias("participant_id"),
        pl.col("_name").alias("name_text"),
        *(
            pl.when(pl.col("_contact_kind") == kind).then(pl.col("_contact_value")).alias(kind)
            for kind in ("phone", "wechat", "email")
        ),
        pl.col("_submitted_at").alias("submitted_at"),
    )
    raw_rows = RawRows(
        full.filter(pl.col(ROW).is_in(kept.get_column(ROW).implode())), as_json, cells
    )
    del full
    answers = _answers(kept, parsed)

    unmapped: dict[str, int] = {
        dim: int((responses.get_column(f"is_{dim}_mapped") == False).sum())  # noqa: E712
        for dim in ("age", "gender", "role", "city")
    }
    warnings = list(table.warnings) + list(cmap.warnings)
    for dim, count in unmapped.items():
        if count:
            warnings.append(
                f"{count} {dim} answer(s) kept verbatim but not mapped to a canonical value"
            )
    return ParsedSurvey(
        responses=responses.cast(RESPONSE_SCHEMA),  # type: ignore[arg-type]
        answer_parts=answers,
        contacts=contacts.cast(CONTACT_SCHEMA),  # type: ignore[arg-type]
        raw_rows=raw_rows,
        rejects=sorted(rejects, key=lambda r: r.row_number),
        rows_read=rows_read,
        warnings=warnings,
        unmapped=unmapped,
    )


def _demographics(parsed: list[_Parsed], height: int) -> dict[str, pl.Series]:
    """`_d_<column>` per RESPONSE_COLUMNS: what the demographic questions set, the later
    question winning where two set the same column (as the per-row dict update did)."""
    out: dict[str, pl.Series] = {}
    for column in RESPONSE_COLUMNS:
        value = pl.Series([None] * height, dtype=RESPONSE_SCHEMA[column])
        for d in parsed:
            if column in d.demo:
                given, is_set = d.demo[column]
                value = given.zip_with(is_set, value)
        out[f"_d_{column}"] = value
    return out


def _contacts(parsed: list[_Parsed], height: int) -> dict[str, pl.Series]:
    """The row's contact (the first contact question that gave one) with its participant id,
    and its name (the last name question answered)."""
    contacts = [d.contact for d in parsed if d.contact is not None]
    names = [d.name for d in parsed if d.name is not None]
    return {
        "_contact_kind": _first([c["kind"] for c in contacts], height),
        "_contact_value": _first([c["value"] for c in contacts], height),
        "_contact_pid": _first([c["pid"] for c in contacts], height),
        "_name": _first(names[::-1], height),
    }


def _first(series: list[pl.Series], height: int, dtype: pl.DataType | None = None) -> pl.Series:
    """Row by row, the first non-null value of the series (null where all are null)."""
    if not series:
        return pl.Series([None] * height, dtype=dtype or pl.String())
    result = series[0]
    for other in series[1:]:
        result = result.zip_with(result.is_not_null(), other)
    return result


def _as_text(frame: pl.DataFrame, columns: list[str] | None = None) -> pl.DataFrame:
    """The frame with `columns` (default: all) as String, where they are categoricals."""
    schema = frame.schema  # built once: each `frame.schema` builds every column's dtype
    compact = [c for c in (schema if columns is None else columns) if schema[c] == pl.Categorical]
    return frame.with_columns(pl.col(compact).cast(pl.String)) if compact else frame


def _origin(frame: pl.DataFrame) -> pl.Series:
    """Where each row was sent from: its address, else its region; null when unknown (blank or
    the NULL old exports write)."""
    origin = pl.coalesce(pl.col("_m_ip"), pl.col("_region"))
    known = (origin != "") & (origin.str.to_uppercase() != "NULL")
    return frame.select(pl.when(known).then(origin)).to_series()


def _duplicate_suspects(frame: pl.DataFrame, answer_columns: list[str]) -> pl.DataFrame:
    """The rows sharing their origin and every answer cell with another row: their row number,
    origin and answer cells as text, compared exactly by `_take_exact_duplicates`.

    Rows are grouped by (origin, a 128-bit hash of the answer cells), two integers a row, not by
    hundreds of text columns: a row that shares both with no other row cannot be a duplicate.
    """
    answer_columns = list(dict.fromkeys(answer_columns))
    cells = frame.select(ROW, *answer_columns).drop(ROW)  # the rows' height even with no column
    zero = pl.zeros(frame.height, dtype=pl.UInt64, eager=True)
    work = pl.DataFrame(
        {
            ROW: frame.get_column(ROW),
            "_origin": _origin(frame),
            "__h0": cells.hash_rows(seed=0) if answer_columns else zero,
            "__h1": cells.hash_rows(seed=1) if answer_columns else zero,
        }
    )
    shared = pl.col("_origin").is_not_null() & (pl.len().over("_origin", "__h0", "__h1") > 1)
    rows = work.filter(shared).select(ROW, "_origin")
    return _as_text(rows.join(frame.select(ROW, *answer_columns), on=ROW, how="left"))


def _take_exact_duplicates(
    frame: pl.DataFrame, suspects: pl.DataFrame
) -> tuple[pl.DataFrame, list[Reject]]:
    """Reject rows repeating an earlier row's address and answers within DUPLICATE_WINDOW.

    A double submission comes from the same address with the same answers. Without an address
    (old exports write NULL) identical answers are common on short surveys and prove nothing,
    so such rows are never called duplicates. Only the rows still kept among `suspects`
    (`_duplicate_suspects`) are looked at one by one, by their exact cells.
    """
    rejects: list[Reject] = []
    if suspects.is_empty():
        return frame, rejects
    kept = frame.select(ROW, "_submitted_at").join(suspects, on=ROW, how="inner")
    earlier: dict[tuple[Any, ...], list[tuple[int, datetime | None]]] = {}
    dropped: list[int] = []
    for line, submitted, *key in kept.sort(ROW).iter_rows():
        same = earlier.setdefault(tuple(key), [])
        twin = next((e for e in same if _close_in_time(e[1], submitted)), None)
        if twin is not None:
            rejects.append(Reject(line, "(all columns)", None, f"exact duplicate of row {twin[0]}"))
            dropped.append(line)
            continue
        same.append((line, submitted))
    return frame.filter(~pl.col(ROW).is_in(dropped)), rejects


def _take_superseded(
    frame: pl.DataFrame, identity_column: str | None
) -> tuple[pl.DataFrame, list[Reject]]:
    """Keep only the latest submission (then the later row) of each participant with a contact."""
    known = pl.col("_contact_pid").is_not_null()
    latest = (
        frame.filter(known)
        .with_columns(pl.col("_submitted_at").fill_null(datetime.min).alias("__when"))
        .group_by("_contact_pid")
        .agg(pl.col(ROW).sort_by("__when", ROW).last().alias("_winner"))
    )
    frame = frame.join(latest, on="_contact_pid", how="left", maintain_order="left")
    beaten = pl.col("_winner").is_not_null() & (pl.col("_winner") != pl.col(ROW))
    rejects = [
        Reject(
            line,
            identity_column,
            None,
            f"superseded by a later submission (row {winner}) from the same participant",
        )
        for line, winner in frame.filter(beaten).select(ROW, "_winner").iter_rows()
    ]
    return frame.filter(~beaten), rejects


def _answers(kept: pl.DataFrame, parsed: list[_Parsed]) -> Answers:
    """The long answers of the kept rows: question by question, each in file-row order.

    Question-major, not row-major: no sort of millions of rows (and the copy it makes), and the
    warehouse stores one question's answers together, which is how it reads them. Joined to
    the response ids only when read (`Answers`).
    """
    keys = [f"_k{i}" for i, d in enumerate(parsed) if not d.answers.is_empty()]
    rows = kept.select("_response_id", *keys)
    parts = [(f"_k{i}", d.answers) for i, d in enumerate(parsed) if not d.answers.is_empty()]
    return Answers(rows, parts)


DUPLICATE_WINDOW = timedelta(minutes=30)


def _close_in_time(a: datetime | None, b: datetime | None) -> bool:
    """Two submissions close enough to be one person pressing submit twice (or times unknown)."""
    return a is None or b is None or abs(a - b) <= DUPLICATE_WINDOW
