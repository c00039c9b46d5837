"""Which questionnaire a survey export answers, scored; and its columns mapped to the questions.

A questionnaire is found for an export by agreement, never by a substring of an unrelated header:
each question column of the export is looked up by the tool's short id or by its whole question
text (numbering and type suffixes removed) among the questionnaire's ids, texts and listed
headers, and each item column by its option or row text. The score weighs the share of the
export's question columns found (whole-header agreement) and the share of their answers that
are known options (option-set agreement). Two candidates within MARGIN of each other are
ambiguous: the load is refused naming both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.errors import IngestError
from etl.survey.layouts.base import ColumnInfo, SurveyExport
from etl.survey.mapping import ColumnMap, ColumnRole, _find_item
from etl.survey.parse import split_other
from survey.draft import answered, respondent_values
from survey.questionnaire import Option, Question, Questionnaire, header_key

THRESHOLD = 0.6  # a questionnaire answers an export from this score up
MARGIN = 0.05  # two candidates closer than this are ambiguous
_RANK_SEP = re.compile(r"\s*(?:→|->)\s*")


@dataclass(frozen=True)
class MatchScore:
    """How well an export agrees with one questionnaire version."""

    questionnaire_id: str
    version: int
    score: float
    header_agreement: float
    option_agreement: float
    matched_columns: int
    question_columns: int
    required_missing: int = 0
    questions_found: int = 0  # questions of the questionnaire the export answers
    questions_total: int = 0

    @property
    def answers(self) -> bool:
        """Whether the questionnaire answers the export at all.

        A questionnaire whose required questions the export lacks answers it only when every
        other column agrees (the survey's own export with a column removed, which is then refused
        naming the missing question); a partial agreement (性别 and 年龄 in a different survey)
        does not.
        """
        if self.score < THRESHOLD or self.header_agreement < 0.5:
            return False
        if self.required_missing == 0:
            return True
        # Its own export with a column removed still answers most of its questions; a short
        # survey asking two of the same things (性别, 年龄) answers few of them.
        covers = self.questions_found >= 0.5 * self.questions_total
        return self.header_agreement >= 0.9 and covers

    def describe(self) -> str:
        """'aigala-participant v1 (score 0.97: 12/12 columns, options 0.95)'."""
        return (
            f"{self.questionnaire_id} v{self.version} (score {self.score:.2f}: "
            f"{self.matched_columns}/{self.question_columns} columns, "
            f"options {self.option_agreement:.2f})"
        )


class AmbiguousMatch(IngestError):
    """An export that two questionnaires answer about equally well."""


def _short_ids(q: Questionnaire, question: Question, field: str = "short_ids") -> list[str]:
    for item in q.definition.get("questions", ()):
        if isinstance(item, dict) and str(item.get("id")) == question.id:
            match = item.get("match") or {}
            return [str(s) for s in match.get(field, ())]
    return []


Index = tuple[dict[str, Question], dict[str, list[Question]], dict[str, Question]]


def question_index(q: Questionnaire) -> Index:
    """(by question id, by whole question text key, by the tool's own short ids) of a
    questionnaire."""
    by_id: dict[str, Question] = {}
    by_text: dict[str, list[Question]] = {}
    by_short: dict[str, Question] = {}
    for question in q.questions:
        by_id.setdefault(question.id.lower(), question)
        for short in _short_ids(q, question):
            by_short.setdefault(short.lower(), question)
        for number in _short_ids(q, question, "numbers"):
            by_id.setdefault(number.lower(), question)  # trusted only where the text agrees
        keys = {header_key(text)[1] for text in (*question.headers, question.text.en)}
        for key in sorted(keys - {""}):
            by_text.setdefault(key, []).append(question)
    return by_id, by_text, by_short


def find_question(
    columns: list[ColumnInfo], index: Index, taken: set[str] | None = None
) -> Question | None:
    """The question a group of export columns answers: by short id, then by whole text.

    Questions asked twice with the same text (two 备注 fields) are taken in order: a text
    already answered by an earlier column group goes to the next question holding it.
    """
    by_id, by_text, by_short = index
    taken = taken if taken is not None else set()
    first = columns[0]
    short = (first.tool_short_id or "").lower()
    if short in by_short:
        return by_short[short]
    # A question id is not a tool's short id: a drafted `q1` says nothing about another tool's
    # `Q1`. It answers for a short id only when the texts agree too (or the export has none).
    if short in by_id and _same_text(first, by_id[short]):
        return by_id[short]
    number = (first.short_id or "").lower()
    if number in by_id and _same_text(first, by_id[number]):
        return by_id[number]
    texts = [first.question_text or ""]
    if not first.item:
        texts.append(first.header)
    for text in texts:
        key = header_key(text)[1]
        if key and key in by_text:
            found = by_text[key]
            return next((q for q in found if q.id not in taken), found[0])
        if key and key in by_id and _same_text(first, by_id[key]):
            return by_id[key]
    return None


def _same_text(column: ColumnInfo, question: Question) -> bool:
    text = header_key(column.question_text or "")[1]
    if not text or text == header_key(question.id)[1]:
        return True  # no text to compare, or the header is the question's own id (`age`)
    known = {header_key(t)[1] for t in (*question.headers, question.text.zh, question.text.en)}
    return text in known


def _item_for(question: Question, column: ColumnInfo) -> Option | None:
    label = column.item or ""
    found = _find_item(question, label)
    if found is None and column.choice_code is not None and question.type != "matrix":
        try:
            found = question.option_for_code(int(float(column.choice_code)))
        except ValueError:
            found = None
    return found


def map_export(export: SurveyExport, q: Questionnaire, *, check: bool = True) -> ColumnMap:
    """Every column of the export as a ColumnRole of the questionnaire (no substring matching).

    With `check`, a question found twice or a required question not found is an IngestError,
    as with `map_columns`.
    """
    index = question_index(q)
    roles: list[ColumnRole] = []
    warnings: list[str] = []
    for column in export.columns:
        if column.role == "meta":
            roles.append(ColumnRole(column.index, column.header, "meta", meta=column.meta))
        elif column.role != "question":
            roles.append(ColumnRole(column.index, column.header, "unmatched"))
    taken: set[str] = set()
    for columns in export.question_columns().values():
        question = find_question(columns, index, taken)
        if question is not None:
            taken.add(question.id)
        for column in columns:
            role = _column_role(column, question) if question is not None else None
            if role is None:
                warnings.append(f"column {column.header!r} matches no question and was not loaded")
                role = ColumnRole(column.index, column.header, "unmatched")
            roles.append(role)
    roles.sort(key=lambda r: r.index)
    if check:
        _check(export, q, roles)
    return ColumnMap(export.tool, roles, warnings)


def _column_role(column: ColumnInfo, question: Question) -> ColumnRole | None:
    cell, sep = column.cell, column.multi_sep
    if column.cell == "other_text":
        return ColumnRole(
            column.index,
            column.header,
            "other_text",
            question=question,
            item=question.other_option,
            cell=cell,
            multi_sep=sep,
        )
    if column.item is not None and question.type in {"matrix", "multi", "ranking"}:
        item = _item_for(question, column)
        if item is None:
            return None
        kind = "row" if question.type == "matrix" else "option"
        return ColumnRole(
            column.index,
            column.header,
            kind,
            question=question,
            item=item,
            cell=cell,
            multi_sep=sep,
        )
    if column.item is not None:
        # An item column of a question the questionnaire asks as one value (e.g. refined from
        # multi to single): only its own option can be read from it.
        return None
    return ColumnRole(
        column.index, column.header, "value", question=question, cell=cell, multi_sep=sep
    )


def _check(export: SurveyExport, q: Questionnaire, roles: list[ColumnRole]) -> None:
    path = export.table.path
    seen: dict[tuple[str, str], str] = {}
    for role in roles:
        if role.question is None:
            continue
        item = role.item.key if role.item else ""
        key = (role.question.id, f"{role.kind}:{item}" if role.kind == "other_text" else item)
        if key in seen:
            raise IngestError(
                path,
                f"columns {seen[key]!r} and {role.header!r} both map to question "
                f"{role.question.id}",
                row=1,
                column=role.header,
            )
        seen[key] = role.header
    present = {qid for qid, _ in seen}
    for question in q.questions:
        if question.required and question.id not in present:
            raise IngestError(
                path,
                f"missing required column for question {question.id} "
                f"({question.text.zh or question.text.en})",
                row=1,
            )
    if not present:
        raise IngestError(path, f"no column matches any question of {q.id}", row=1)


def score_export(export: SurveyExport, q: Questionnaire) -> MatchScore:
    """Whole-header and option-set agreement of an export with a questionnaire, in [0, 1]."""
    cmap = map_export(export, q, check=False)
    question_roles = [r for r in cmap.columns if r.kind not in {"meta"}]
    question_roles = [
        r for r in question_roles if r.question is not None or _is_question(export, r.index)
    ]
    matched = [r for r in question_roles if r.question is not None]
    header = len(matched) / len(question_roles) if question_roles else 0.0
    checked, known = 0, 0
    for role in matched:
        assert role.question is not None
        question = role.question
        if role.kind != "value" or question.type not in {"single", "multi", "ranking"}:
            continue
        values = _sample(export, role.index, codes=role.cell == "code")
        for value in values:
            checked += 1
            known += _is_known(question, role, value)
    options = known / checked if checked else 1.0
    score = round(header * (0.7 + 0.3 * options), 4)
    found = {r.question.id for r in matched if r.question is not None}
    missing = sum(1 for question in q.questions if question.required and question.id not in found)
    return MatchScore(
        q.id,
        q.version,
        score,
        header,
        options,
        len(matched),
        len(question_roles),
        missing,
        len(found),
        len(q.questions),
    )


def _is_question(export: SurveyExport, index: int) -> bool:
    return any(c.index == index and c.role == "question" for c in export.columns)


def _sample(export: SurveyExport, index: int, *, codes: bool) -> list[str]:
    cells = answered(respondent_values(export, index).head(5000), codes=codes)
    return [v for v in cells.unique(maintain_order=True).head(200).to_list() if v]


def _is_known(question: Question, role: ColumnRole, value: str) -> bool:
    if role.cell == "code":
        try:
            return question.option_for_code(int(float(value))) is not None
        except ValueError:
            return False
    if question.type == "ranking":
        parts = _RANK_SEP.split(value)
    elif question.type == "multi":
        sep = role.multi_sep or "┋"
        parts = value.split(sep) if sep != ", " else [value]
    else:
        parts = [value]
    return all(split_other(question, p.strip()) is not None for p in parts if p.strip())


def choose_questionnaire(
    export: SurveyExport, candidates: list[Questionnaire]
) -> tuple[Questionnaire | None, list[MatchScore]]:
    """The candidate that answers the export (None: none does), and every candidate's score.

    Refuses (AmbiguousMatch) when the two best are within MARGIN, naming both.
    """
    scored = sorted(
        ((score_export(export, q), q) for q in candidates),
        key=lambda pair: pair[0].score,
        reverse=True,
    )
    scores = [s for s, _ in scored]
    good = [(s, q) for s, q in scored if s.answers]
    if not good:
        return None, scores
    if len(good) > 1 and good[0][0].score - good[1][0].score < MARGIN:
        names = " and ".join(s.describe() for s, _ in good[:2])
        raise AmbiguousMatch(
            export.table.path,
            f"matches more than one stored questionnaire: {names}; "
            "give the one meant with --questionnaire",
        )
    return good[0][1], scores
