"""An import's result kept as JSON: the background check (``kpis.tasks``)
works the preview out once and the page reads it back, so a GET parses and
compares nothing.

Only the import's own dataclasses and named tuples are written and read back
(by name, from ``_TYPES``), never an arbitrary class: unlike pickle, a stored
value cannot make the reader run anything.
"""

import dataclasses
import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Any

from kpis.imports.mapping import Column, Mapping, SkippedRow
from kpis.imports.rows import (
    ComparatorRow,
    ImportResult,
    PreviousReading,
    PreviousTarget,
    ReadingRow,
    RowError,
    TargetRow,
    UnusualRow,
)
from kpis.plausibility import Unusual

_TYPES = {
    cls.__name__: cls
    for cls in (
        ImportResult, RowError, ReadingRow, TargetRow, ComparatorRow, UnusualRow,
        PreviousReading, PreviousTarget, Mapping, Column, SkippedRow, Unusual,
    )
}  # fmt: skip


@cache
def _fields(cls) -> tuple[str, ...]:
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return tuple(cls._fields)  # a NamedTuple


def to_json(value: Any) -> Any:
    """``value`` as JSON types; a kept type is ``{"~Name": [its fields in order]}``."""
    name = type(value).__name__
    if _TYPES.get(name) is type(value):
        return {f"~{name}": [to_json(getattr(value, f)) for f in _fields(type(value))]}
    if isinstance(value, Decimal):
        return {"~d": str(value)}
    if isinstance(value, dt.date):
        return {"~date": value.isoformat()}
    if isinstance(value, tuple):
        return {"~t": [to_json(v) for v in value]}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"{name} is not kept with an upload's check")


def from_json(value: Any) -> Any:
    """The value ``to_json`` wrote. Kept types are built with their fields in
    order (a 10,000-row check is some 30,000 objects: this is the page's cost)."""
    if isinstance(value, list):
        return [from_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    ((key, inner),) = value.items()
    if key == "~d":
        return Decimal(inner)
    if key == "~date":
        return dt.date.fromisoformat(inner)
    if key == "~t":
        return tuple(from_json(v) for v in inner)
    cls = _TYPES[key[1:]]  # KeyError: not one of ours
    if len(inner) != len(_fields(cls)):
        raise ValueError(f"{key[1:]} kept with {len(inner)} fields")
    return cls(*[from_json(v) for v in inner])
