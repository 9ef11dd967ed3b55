"""national/neighbour_files.py: DfE's statistical-neighbour layouts, without a database."""

import pytest

from national import neighbour_files
from national.neighbour_files import NeighbourFileError, normalise_closeness, parse_neighbours

CODES = ["821", "333", "336", "892", "352", "335", "308", "831", "320", "380"]
# Neighbours for the other LAs of the tests: none of them is one of those LAs.
OTHER = ["801", "802", "803", "805", "806", "807", "808", "810", "811", "812"]
HEADER_2021 = "LA num,LA Name,LA number,GOInd,GOReg," + ",".join(f"SN{k},SNP" for k in range(1, 11))
HEADER_2025 = "old_la_code,la_name,region_ind,region_name," + ",".join(
    f"SN_{k},SN_{k}P" for k in range(1, 11)
)


def _row_2021(code="330", name="Birmingham", codes=CODES, label="Close"):
    pairs = ",".join(f"{c},{label}" for c in codes)
    return f"{code},{name},{code},8,West Midlands,{pairs},"


def _row_2025(code="330", name="Birmingham", codes=CODES, label="Close "):
    pairs = ",".join(f"{c},{label}" for c in codes)
    return f"{code},{name},8,West Midlands,{pairs}"


def _file(*lines, bom=False):
    text = "\n".join(lines) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


def test_it_reads_the_2021_layout_with_repeated_snp_headings():
    parsed = parse_neighbours(_file(HEADER_2021 + ",", _row_2021(), bom=True))
    assert parsed.errors == []
    (group,) = parsed.groups
    assert (group.row, group.la_code, group.la_name) == (2, "330", "Birmingham")
    assert [code for code, _ in group.neighbours] == CODES
    assert {label for _, label in group.neighbours} == {"Close"}


def test_it_finds_the_2021_heading_row_on_row_3_below_title_rows():
    parsed = parse_neighbours(
        _file(
            "Statistical Neighbour Groupings,,,",
            "April 2021,,,",
            HEADER_2021,
            _row_2021(),
            _row_2021("333", "Sandwell", ["336", "335", "330", *OTHER[3:]]),
        )
    )
    assert parsed.errors == []
    assert parsed.header_row == 3
    assert [(g.row, g.la_code) for g in parsed.groups] == [(4, "330"), (5, "333")]
    assert [code for code, _ in parsed.groups[1].neighbours][:3] == ["336", "335", "330"]


def test_it_reads_the_2025_wide_layout_with_a_bom_and_trailing_spaces():
    parsed = parse_neighbours(_file(HEADER_2025, _row_2025(label="Very close "), bom=True))
    assert parsed.errors == []
    assert [label for _, label in parsed.groups[0].neighbours] == ["Very close"] * 10


def test_it_pairs_each_closeness_label_with_its_own_neighbour():
    labels = ["Very Close", "close ", " SOMEWHAT  close", "Not Close"] + ["Close"] * 6
    pairs = ",".join(f"{c},{label}" for c, label in zip(CODES, labels, strict=True))
    parsed = parse_neighbours(_file(HEADER_2021, f"330,Birmingham,330,8,West Midlands,{pairs}"))
    assert list(parsed.groups[0].neighbours[:4]) == [
        ("821", "Very close"),
        ("333", "Close"),
        ("336", "Somewhat close"),
        ("892", "Not close"),
    ]


@pytest.mark.parametrize(
    ("label", "normal"),
    [("Not Close", "Not close"), ("Close ", "Close"), ("  very   CLOSE", "Very close"), ("", "")],
)
def test_it_normalises_closeness_labels(label, normal):
    assert normalise_closeness(label) == normal


def test_it_skips_blank_rows_and_notes_under_the_table():
    parsed = parse_neighbours(
        _file(HEADER_2021, _row_2021(), ",,,,,", ",Old SNs:,,,", "Source: DfE,,,,")
    )
    # "Source: DfE" sits in the LA code column: not an LA, refused by name.
    assert [g.la_code for g in parsed.groups] == ["330"]
    assert [str(e) for e in parsed.errors][0].startswith("row 5: LA num 'Source: DfE'")


def test_it_names_every_bad_row_and_reason():
    parsed = parse_neighbours(
        _file(
            HEADER_2025,
            _row_2025(),
            _row_2025("33", "Sandwell", OTHER),
            _row_2025("335", "Walsall", ["801", "801", *OTHER[2:]]),
            _row_2025("336", "Wolverhampton", ["336", *OTHER[1:]]),
            _row_2025("331", "Coventry", [*OTHER[:9], ""]),
            _row_2025("330", "Birmingham again"),
            _row_2025("332", "Dudley", [*OTHER[:9], "38"]),
        )
    )
    assert parsed.groups[0].la_code == "330"
    assert [str(e) for e in parsed.errors] == [
        "row 3: old_la_code '33' is not a 3-digit LA code",
        "row 4: SN_2 repeats 801, already SN_1",
        "row 5: SN_1 is the LA itself (336)",
        "row 6: the SN_10 cell is blank: each LA has 10 neighbours",
        "row 7: LA 330 is also in row 2",
        "row 8: SN_10 '38' is not a 3-digit LA code",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", neighbour_files.EMPTY_FILE),
        (_file("a,b,c", "1,2,3"), neighbour_files.NO_HEADER),
        (
            _file(HEADER_2025.replace(",SN_7,", ",SN_x,")),
            neighbour_files.MISSING_NEIGHBOUR_COLUMNS.format(row=1, missing="SN7"),
        ),
        (_file(HEADER_2021), neighbour_files.NO_ROWS),
    ],
)
def test_it_refuses_a_file_it_cannot_read_and_says_why(data, message):
    with pytest.raises(NeighbourFileError) as caught:
        parse_neighbours(data)
    assert str(caught.value) == message


def test_it_reads_both_real_files_in_full():
    """Every LA in DfE's files has 10 neighbours; Birmingham's are as published."""
    groups = {}
    for name in ("New_Statistical_Neighbour_Groupings_April_2021.csv", "sn_model_2025_wide.csv"):
        with open(f"data/dfe/{name}", "rb") as handle:
            parsed = parse_neighbours(handle.read())
        assert parsed.errors == []
        groups[name] = {g.la_code: g for g in parsed.groups}
    assert [c for c, _ in groups["sn_model_2025_wide.csv"]["330"].neighbours] == [
        "892", "352", "380", "391", "353", "889", "373", "806", "852", "355"
    ]  # fmt: skip
    assert groups["New_Statistical_Neighbour_Groupings_April_2021.csv"]["333"].neighbours[0] == (
        "336",
        "Very close",
    )
