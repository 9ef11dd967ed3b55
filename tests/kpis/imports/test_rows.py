"""Row errors, and whose a file is by its KPI codes."""

from kpis.imports.rows import (
    RowError,
    file_kpi_codes,
    organisations_for_kpi_codes,
)
from tests.kpis.imports.cases import (
    csv,
)


def test_a_row_error_names_the_row_and_the_column():
    assert str(RowError(7, "a value is required")) == "Row 7: a value is required"
    assert str(RowError(7, "x", "D (Mar-18)")) == "Row 7, column D (Mar-18): x"


def test_it_finds_the_organisation_from_the_kpi_codes(seeds):
    codes = file_kpi_codes(name="r.csv", data=csv("kpi,Jan-18\npi1,20\nPI2,3\nkpi,x\n"))
    assert codes == {"pi1", "PI2"}
    assert organisations_for_kpi_codes(codes=codes) == [seeds["sandwell"]]
    assert organisations_for_kpi_codes(codes={"PI1", "KPI1"}) == [
        seeds["birmingham"],
        seeds["sandwell"],
    ]
    assert organisations_for_kpi_codes(codes={"KPI99"}) == []
