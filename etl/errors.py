"""Errors and rejects that name the file, row, column and reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class IngestError(Exception):
    """A file that cannot be loaded at all; nothing from it reaches the warehouse."""

    def __init__(
        self, path: Path | str, reason: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        self.path = Path(path)
        self.reason = reason
        self.row = row
        self.column = column
        where = [self.path.name]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {reason}")


@dataclass(frozen=True)
class Reject:
    """One input row that was not loaded, and why. row_number is the 1-based line in the file.

    file_name names the member (a sheet, a file of a folder export) when the load reads several;
    None means the loaded file itself.
    """

    row_number: int
    column_name: str | None
    value_text: str | None
    reason: str
    file_name: str | None = None
