"""A CSV is read strictly: a quote that is never closed is a row error naming
the row, never the rest of the file silently merged into one cell (issue 15,
item 3: ``PI1,2018-11,21,"open`` then three rows previewed as "1 changed" and
saved PI2–PI4 into PI1's commentary)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kpis.imports.files import MAX_UNCLOSED_QUOTES, MAX_UNREADABLE_ROWS
from kpis.imports.messages import BAD_QUOTES, MALFORMED_CSV, UNCLOSED_QUOTE
from kpis.models import Reading, Upload
from tests.kpis.imports.cases import err, snapshot

# The trust imports months it has not returned yet, as in the report.
pytestmark = pytest.mark.usefixtures("unreturned_seeds")

UNCLOSED = (
    b"kpi,period,value,commentary\n"
    b'PI1,2018-11,21,"open\n'
    b"PI2,2018-11,22,\n"
    b"PI3,2018-11,23,\n"
    b"PI4,2018-11,24,\n"
)


def _preview(client, user, data, name="r.csv"):
    client.force_login(user)
    response = client.post(
        reverse("upload_start", args=["sandwell"]), {"file": SimpleUploadedFile(name, data)}
    )
    return client.get(response.url)


def test_an_unclosed_quote_is_a_row_error_and_the_rows_after_it_are_still_read(
    client, sandwell_officer
):
    before = snapshot()
    preview = _preview(client, sandwell_officer, UNCLOSED)
    result = preview.context["result"]
    assert [str(e) for e in result.errors] == [
        err(2, UNCLOSED_QUOTE.format(line=2), "D (commentary)")
    ]
    # PI2–PI4 are rows 3–5, each read as its own reading, not swallowed.
    read = sorted((row.row, row.kpi_code) for row in result.new + result.unchanged)
    read += sorted((row.row, row.kpi_code) for row, _ in result.changed)
    assert sorted(read) == [(3, "PI2"), (4, "PI3"), (5, "PI4")]
    assert "nothing saved" in result.summary()

    client.post(reverse("upload_confirm", args=["sandwell", Upload.objects.get().pk]))
    assert snapshot() == before
    # No commentary swallowed the rows after the quote (the seed's December
    # commentary names PI2 itself: "PI2 - The rate of …").
    assert not Reading.objects.filter(commentary__contains="PI2,2018-11").exists()


def test_the_command_names_the_row_and_saves_nothing(seeds, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(UNCLOSED)
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        call_command("import_readings", str(path), "--organisation", "sandwell")
    assert err(2, UNCLOSED_QUOTE.format(line=2), "D (commentary)") in str(raised.value)
    assert snapshot() == before


def test_a_quoted_cell_over_several_lines_is_still_one_cell(client, sandwell_officer):
    """As Excel writes a cell with a line break: the strict reading keeps it."""
    data = b'kpi,period,value,commentary\nPI1,2018-11,21,"two\nlines"\nPI2,2018-11,22,\n'
    result = _preview(client, sandwell_officer, data).context["result"]
    assert result.errors == []
    rows = {row.kpi_code: row for row in result.new} | {
        row.kpi_code: row for row, _ in result.changed
    }
    assert rows["PI1"].commentary == "two\nlines"
    assert rows["PI2"].row == 3


def test_quotes_that_do_not_surround_a_cell_are_a_row_error(client, sandwell_officer):
    data = b'kpi,period,value,commentary\nPI1,2018-11,"2"1,\nPI2,2018-11,22,\n'
    result = _preview(client, sandwell_officer, data).context["result"]
    assert [str(e) for e in result.errors] == [err(2, BAD_QUOTES.format(line=2))]
    assert [row.kpi_code for row in result.new + [r for r, _ in result.changed]] == ["PI2"]


def test_an_unclosed_quote_in_the_header_is_the_files_error(client, sandwell_officer):
    preview = _preview(client, sandwell_officer, b'kpi,period,"value\nPI1,2018-11,21\n')
    assert preview.context["file_error"] == MALFORMED_CSV.format(
        line=1, reason="unexpected end of data"
    )


def test_a_file_of_unclosed_quotes_is_refused_after_a_few(client, sandwell_officer):
    """Each unclosed quote means reading the rest again: past a few, the file
    is refused, so a file of quotes costs a few readings, not one a line."""
    # `x","` ends inside a quote whether it starts inside one or not, so each
    # reading from the line after an unclosed quote finds another.
    data = b'kpi,period,value,commentary\nPI1,2018-11,1,"open\n' + b'x","\n' * 10
    preview = _preview(client, sandwell_officer, data)
    line = MAX_UNCLOSED_QUOTES + 2  # the header, then one a line
    assert preview.context["file_error"] == MALFORMED_CSV.format(
        line=line, reason="unexpected end of data"
    )


def test_a_file_of_bad_quotes_is_refused_past_the_limit(client, sandwell_officer):
    data = b"kpi,period,value\n" + b'PI1,"2018-11"x,1\n' * (MAX_UNREADABLE_ROWS + 1)
    preview = _preview(client, sandwell_officer, data)
    assert preview.context["file_error"] == MALFORMED_CSV.format(
        line=MAX_UNREADABLE_ROWS + 2, reason="',' expected after '\"'"
    )


def test_a_targets_file_with_an_unclosed_quote_names_the_row(seeds, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('kpi,valid_from,target,lower,upper\nKPI1,"2019-04-01,85,80,90\nKPI2,x,1,1,1\n')
    with pytest.raises(CommandError) as raised:
        call_command("import_targets", str(path), "--organisation", "birmingham")
    assert err(2, UNCLOSED_QUOTE.format(line=2), "B (valid_from)") in str(raised.value)
    assert "Row 3, column B (valid_from)" in str(raised.value)  # row 3 read on its own
