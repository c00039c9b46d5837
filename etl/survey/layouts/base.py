"""The layout-neutral shape every survey-export reader produces, whatever tool wrote the file.

A layout reader (one module per tool in this package) only recognises the file's layout: which
rows are headers, which columns are metadata, which columns belong to which question and what
each cell holds. It never decides question types or options (that is drafting, `survey.draft`)
and never loads anything (that is `etl.survey.load`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.reading import RawTable

# What the metadata columns of the tools mean, as canonical field names.
META_FIELDS = frozenset(
    {
        "response_no",  # the tool's respondent / response id (序号, 编号, ResponseId, Respondent ID, _id)
        "submitted_at",
        "started_at",
        "duration",
        "channel",
        "channel_detail",
        "ip",
        "ip_province",
        "ip_city",
        "status",
        "progress",
        "finished",
        "language",
        "location",
        "token",
        "email",  # a respondent email the TOOL recorded (PII: restricted table only)
        "name",  # a respondent name the TOOL recorded (PII: restricted table only)
        "other",  # a tool field kept in the raw payload only (Collector ID, _uuid, ...)
    }
)

# How to read one cell of a question column.
CELL_KINDS = frozenset(
    {
        "answer",  # the answer as text (single, number, text, date; multi joined by multi_sep)
        "flag",  # the item is chosen or not: 1/0, 1/blank, TRUE/FALSE, 是/否
        "option_text",  # holds the item's own text when chosen, blank otherwise
        "rank",  # the rank given to the item (1 = first)
        "score",  # a matrix row's or rating's value (`4分`, 1..5, a scale label)
        "other_text",  # the free text written for an "other" option
        "code",  # a numeric option code (问卷星 code export, Qualtrics numeric values)
    }
)

TYPE_HINTS = frozenset(
    {"single", "multi", "ranking", "matrix", "rating", "number", "text", "date", "contact"}
)


@dataclass(frozen=True)
class ColumnInfo:
    """What one column of an export is: metadata, part of a question, or ignored (with why)."""

    index: int  # 0-based column index in the table
    header: str  # the first header row's cell, verbatim ("" when blank)
    role: str  # "meta" | "question" | "ignored"
    meta: str | None = None  # for role "meta": one of META_FIELDS
    reason: str | None = None  # for role "ignored": why it is not read
    question_key: str | None = None  # groups the columns of one question (stable within file)
    short_id: str | None = None  # the tool's own question id where it has one (Q5, QID2, Q7)
    question_text: str | None = None  # the question's text, numbering and type suffix removed
    number: int | None = None  # the question's number as the tool shows it (问卷星 "3、")
    item: str | None = None  # option text (one column per option) or matrix row text
    cell: str = "answer"  # one of CELL_KINDS
    multi_sep: str | None = None  # for cell "answer" of a joined multi: "┋", ", ", ";", " "
    type_hint: str | None = None  # what the layout itself says about the type (TYPE_HINTS)
    choice_code: str | None = None  # the tool's code of `item` where the header gives it

    @property
    def tool_short_id(self) -> str | None:
        """The short id only where the tool itself writes it in the header (Qualtrics `Q5`,
        Kaggle `Q7_Part_1`), not one made up from a question number (问卷星 `3、` -> Q3)."""
        if self.short_id and self.short_id.lower() in self.header.lower():
            return self.short_id
        return None


@dataclass
class SurveyExport:
    """One survey export as its tool laid it out, before any questionnaire is applied.

    `table` is the file as read (`table.headers` = the file's first row, `table.rows` = every
    later row). Respondents are `table.rows[data_start:data_end]`; the rows before `data_start`
    are extra header rows (question texts, ImportId JSON...) and are never respondents; rows at
    or after `data_end` are footers. `codes` gives, per question_key, the tool's option codes
    (option text -> code) where the tool has them (问卷星 code export paired with its text
    export, Qualtrics ImportId/choice ids).
    """

    tool: str  # wjx_text wjx_code tencent qualtrics qualtrics_legacy surveymonkey google_forms
    # typeform alchemer ms_forms kobo generic
    layout: str  # human description, e.g. "Qualtrics CSV, 3 header rows (ImportId JSON)"
    table: RawTable
    columns: list[ColumnInfo]
    data_start: int = 0
    data_end: int | None = None
    language: str | None = None  # "zh" or "en" (or other ISO code) of the header texts
    codes: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def header_rows(self) -> int:
        """How many rows at the top of the file are headers."""
        return 1 + self.data_start

    @property
    def respondents(self) -> int:
        """Number of respondent rows."""
        end = self.table.height if self.data_end is None else self.data_end
        return max(0, end - self.data_start)

    def file_row(self, index: int) -> int:
        """1-based line in the file of respondent `index` (0 = first respondent)."""
        return self.table.line_number(self.data_start + index)

    def question_columns(self) -> dict[str, list[ColumnInfo]]:
        """The question columns grouped by question_key, in file order."""
        grouped: dict[str, list[ColumnInfo]] = {}
        for column in self.columns:
            if column.role == "question" and column.question_key is not None:
                grouped.setdefault(column.question_key, []).append(column)
        return grouped


@dataclass(frozen=True)
class LayoutMatch:
    """How well a file fits one known layout: a score in [0, 1] and what it lacked."""

    tool: str
    score: float
    missing: tuple[str, ...] = ()
