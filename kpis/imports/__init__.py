"""Readings and targets from CSV and XLSX files: the one parser.

The upload page, ``manage.py import_readings`` and ``manage.py import_targets``
all call :func:`~kpis.imports.readings.readings_import` or
:func:`~kpis.imports.targets.targets_import`. Bad input is named, never
guessed: every bad cell becomes a :class:`~kpis.imports.rows.RowError` that
says which row (as a spreadsheet numbers it, the header is row 1), which
column, and why. A file with any error saves nothing. What is accepted is
documented, with examples, in ``docs/imports.md``.

One concern a module; the first four import no models:

- ``messages``: every message text (the tests import them);
- ``cells``: one cell to a number, month or date;
- ``files``: the checks on a file's bytes, and CSV or XLSX to a table;
- ``layouts``: the long, wide and targets layouts from the heading row;
- ``rows``: parsed rows, row errors, results, and the KPI look-up;
- ``saving``: the lock, the full_clean() backstop and bulk writes with history;
- ``readings`` and ``targets``: the two imports.

The public names stay importable from ``kpis.imports`` itself, loaded on
first use so that importing a pure module does not load the models.

>>> from kpis.imports.rows import RowError
>>> from kpis.imports.messages import NOT_A_NUMBER
>>> str(RowError(7, NOT_A_NUMBER.format(text="abc"), column="C (value)"))
"Row 7, column C (value): 'abc' is not a number"
"""

import importlib

from kpis.imports.messages import *  # noqa: F403  (every message, as before the split)
from kpis.imports.messages import __dict__ as _messages

_OWNERS = {
    "cells": ["EXCEL_ERRORS", "EntryProblem", "parse_entry", "parse_value"],
    "files": [
        "MAX_COMPRESSION_RATIO", "MAX_UNZIPPED_BYTES", "MAX_UPLOAD_BYTES", "MAX_ZIP_ENTRIES",
        "ImportFileError", "check_file",
    ],
    "layouts": ["LONG_COLUMNS", "TARGET_COLUMNS"],
    "rows": [
        "ImportResult", "PreviousReading", "PreviousTarget", "ReadingRow", "RowError",
        "TargetRow", "file_kpi_codes", "organisations_for_kpi_codes",
    ],
    "saving": ["bulk_update_with_history"],
    "readings": ["LONG_FILE_ROWS", "readings_import"],
    "targets": ["targets_import"],
}  # fmt: skip
_OWNER = {name: module for module, names in _OWNERS.items() for name in names}

__all__ = sorted([*(n for n in _messages if n.isupper()), *_OWNER])


def __getattr__(name: str):
    if module := _OWNER.get(name):
        return getattr(importlib.import_module(f"kpis.imports.{module}"), name)
    raise AttributeError(f"module 'kpis.imports' has no attribute {name!r}")
