"""Shared pieces of the normalisers: the status vocabulary, data loading and the series helper."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any, Literal

import polars as pl
import yaml

Status = Literal["mapped", "unmapped", "invalid", "blank"]
STATUSES: tuple[Status, ...] = ("mapped", "unmapped", "invalid", "blank")

_KEY_COLUMN = "__normalise_value"


def raw_text(value: object) -> str | None:
    """Return the input verbatim as str, or None if it is None."""
    return None if value is None else str(value)


def read_data_text(name: str) -> str:
    """Return the text of a file in the survey.data package."""
    return resources.files("survey.data").joinpath(name).read_text(encoding="utf-8")


# libyaml's safe loader where PyYAML was built with it: the same documents, ~10× faster to parse
# (the data files and the questionnaire are parsed once per process, before every first ingest).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_data_yaml(name: str) -> Any:
    """Return a parsed YAML file from the survey.data package."""
    return yaml.load(read_data_text(name), Loader=SAFE_LOADER)


def read_data_csv(name: str) -> list[dict[str, str]]:
    """Return the rows of a CSV file (with header) from the survey.data package."""
    return list(csv.DictReader(io.StringIO(read_data_text(name))))


def column_names(result_type: type, prefix: str) -> dict[str, str]:
    """Map dataclass field names to frame column names: ``prefix_field`` unless already prefixed."""
    names = {}
    for field in dataclasses.fields(result_type):
        stem = prefix.rstrip("_")
        names[field.name] = field.name if field.name.startswith(stem + "_") else prefix + field.name
    return names


def normalise_series(
    series: pl.Series,
    normalise: Callable[[Any], Any],
    result_type: type,
    prefix: str,
    dtypes: Mapping[str, pl.DataType],
) -> pl.DataFrame:
    """Normalise each distinct value once and join the results back, one row per input row.

    The input is never modified. Nulls (and NaN) are passed to the scalar normaliser like any
    other value, so a null row comes back as status "blank" with a null raw value.
    """
    names = column_names(result_type, prefix)
    if set(dtypes) != set(names):
        raise ValueError(f"dtypes must cover exactly the fields of {result_type.__name__}")
    values = series
    if values.dtype == pl.Categorical or isinstance(values.dtype, pl.Enum):
        values = values.cast(pl.String)
    uniques = values.unique(maintain_order=True)
    results = [normalise(value) for value in uniques.to_list()]
    lookup = pl.DataFrame(
        {_KEY_COLUMN: uniques}
        | {
            column: pl.Series(
                column, [getattr(result, field) for result in results], dtype=dtypes[field]
            )
            for field, column in names.items()
        }
    )
    frame = pl.DataFrame({_KEY_COLUMN: values})
    joined = frame.join(lookup, on=_KEY_COLUMN, how="left", nulls_equal=True, maintain_order="left")
    return joined.drop(_KEY_COLUMN)
