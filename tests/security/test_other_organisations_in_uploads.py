"""An upload says nothing of another trust (issue 15, item 7): a code that is
another organisation's KPI is refused in the words used for any unknown
code, so an officer learns neither that the code exists nor whose it is."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpis.imports.messages import NOT_A_KPI_IDENTIFIER, UNKNOWN_KPI
from kpis.models import Upload
from tests.kpis.imports.cases import err


def _preview(client, user, slug, name, data):
    client.force_login(user)
    client.post(reverse("upload_start", args=[slug]), {"file": SimpleUploadedFile(name, data)})
    return client.get(reverse("upload_preview", args=[slug, Upload.objects.get().pk]))


def test_another_trusts_code_is_an_unknown_code(client, officer):
    data = b"kpi,period,value\nPI1,2018-10,85\nKPI99,2018-10,85\n"
    preview = _preview(client, officer, "birmingham", "r.csv", data)
    birmingham = "Birmingham Children's Trust"
    assert [str(e) for e in preview.context["result"].errors] == [
        err(2, UNKNOWN_KPI.format(code="PI1", organisation=birmingham), "A (kpi)"),
        err(3, UNKNOWN_KPI.format(code="KPI99", organisation=birmingham), "A (kpi)"),
    ]
    assert "Sandwell" not in preview.content.decode()


def test_a_trusts_own_sheet_names_no_other_trust_either(client, officer):
    """A sheet read as the trust's own (headed Code, not kpi) identifies KPIs
    by code, number or title: Sandwell's PI1 is none of Birmingham's."""
    data = b"Code,Title,Jan-18,Feb-18,Mar-18\nPI1,TEST no such title,20,21,22\n"
    preview = _preview(client, officer, "birmingham", "r.csv", data)
    assert [str(e) for e in preview.context["result"].errors] == [
        err(2, NOT_A_KPI_IDENTIFIER.format(
            text="PI1", organisation="Birmingham Children's Trust"), "A (Code)"),
    ]  # fmt: skip
    assert "Sandwell" not in preview.content.decode()
