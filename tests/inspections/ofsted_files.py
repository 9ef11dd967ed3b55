"""Small .ods files in the shape of Ofsted's inspection outcomes file, made for tests.

Every authority and judgement here is made up (TEST) except the codes, which
are real ONS codes so that the LA code table knows them.
"""

import datetime as dt
import io

import pandas as pd

HEADINGS = [
    "Web link",
    "Local authority area code",
    "Local authority name",
    "Ofsted region",
    "Inspection date",
    "Publication date",
    "Overall effectiveness",
    "The impact of leaders on social work practice with children and families",
    "The experiences and progress of children who need help and protection",
    "The experiences and progress of children in care",
    "The experiences and progress of care leavers",
]
HISTORY_HEADINGS = [
    *HEADINGS[:3],
    "Local authority status",
    HEADINGS[3],
    *HEADINGS[4:6],
    "Inspection type",
    *HEADINGS[6:],
]
LINK = "Ofsted Local Authority Webpage"
GOOD, RI, OUT, INAD = "Good", "Requires improvement to be good", "Outstanding", "Inadequate"

# Codes → (old code, name) of the made-up authorities below.
LA_CODES = {"E08000025": "330", "E08000028": "333", "E08000027": "332", "E08000031": "336"}


def latest_row(code, name, inspected, published, grades, region="West Midlands"):
    return [LINK, code, name, region, inspected, published, *grades]


def history_row(code, name, inspected, published, grades, kind="ILACS Standard Inspection",
                status="Current", region="West Midlands"):  # fmt: skip
    return [LINK, code, name, status, region, inspected, published, kind, *grades]


D = dt.datetime
PUBLISHED = D(2025, 9, 25)
TEST_LATEST = [
    latest_row("E08000025", "TEST Birmingham", D(2023, 2, 20), D(2023, 4, 18), [GOOD] * 5),
    latest_row("E08000028", "TEST Sandwell", D(2022, 5, 9), D(2022, 7, 5), [RI] * 4 + [None]),
    latest_row("E08000027", "TEST Dudley", D(2024, 6, 3), D(2024, 7, 19), [OUT, OUT, GOOD, OUT, GOOD]),
]  # fmt: skip
TEST_HISTORY = [
    history_row("E08000025", "TEST Birmingham", D(2018, 12, 3), D(2019, 1, 17), [RI] * 4 + [None]),
    history_row("E08000025", "TEST Birmingham", D(2023, 2, 20), D(2023, 4, 18), [GOOD] * 5),
    history_row("E08000028", "TEST Sandwell", D(2022, 5, 9), D(2022, 7, 5), [RI] * 4 + [None]),
    history_row("E08000027", "TEST Dudley", D(2019, 3, 4), D(2019, 4, 26), [INAD] * 4 + [None]),
    history_row("E08000027", "TEST Dudley", D(2024, 6, 3), D(2024, 7, 19), [OUT, OUT, GOOD, OUT, GOOD],
                kind="ILACS Short Inspection"),
]  # fmt: skip


def _table(title, note, headings, rows, *, above=0, left=0):
    """Title and note rows, ``above`` blank rows, then the headings and rows,
    ``left`` blank columns in from column A."""
    width = left + len(headings)
    pad = [None] * left
    lines = [[title] + [None] * (width - 1), [note] + [None] * (width - 1)]
    lines += [[None] * width for _ in range(above)]
    lines.append(pad + list(headings))
    lines += [pad + list(row) if row is not None else [None] * width for row in rows]
    return pd.DataFrame(lines)


def ods(
    latest=TEST_LATEST,
    history=TEST_HISTORY,
    *,
    title="Local authority inspection judgements as at 31 March 2025",
    latest_headings=HEADINGS,
    history_headings=HISTORY_HEADINGS,
    above=0,
    left=0,
    sheets=(
        "Cover",
        "Inspections_as_at_31_March",
        "In-year_inspections",
        "ILACS_inspection_history",
    ),
    cover_published=PUBLISHED,
) -> bytes:
    """An .ods file with Ofsted's sheets; ``None`` in ``latest``/``history`` is a blank row."""
    frames = {
        "Cover": pd.DataFrame(
            [["Local authority inspection outcomes as at 31 March 2025", None],
             ["Published on:", cover_published]]
        ),
        "Inspections_as_at_31_March": _table(
            title, "This table begins in cell A3.", latest_headings, latest, above=above, left=left
        ),
        "In-year_inspections": pd.DataFrame([["Local authority in-year inspection activity"]]),
        "ILACS_inspection_history": _table(
            "ILACS inspection history from 2018-2025", "This table begins in cell A3.",
            history_headings, history, above=above, left=left,
        ),
    }  # fmt: skip
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="odf") as writer:
        for name in sheets:
            frames[name].to_excel(writer, sheet_name=name, header=False, index=False)
    return buffer.getvalue()
