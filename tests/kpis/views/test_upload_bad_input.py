"""Every bad-input kind of the import tests, through the web upload: the
preview names each row and reason, nothing can be saved, the data is unchanged."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpis import services
from kpis.imports import RETURN_ACCEPTED
from kpis.models import Upload
from tests.kpis.imports.cases import BAD_FILES, BAD_ROWS, err, snapshot

# The trust enters or imports the seed months here: they have no return yet.
pytestmark = pytest.mark.usefixtures("unreturned_seeds")


def _officer(request, slug):
    return request.getfixturevalue("officer" if slug == "birmingham" else "sandwell_officer")


def _upload_and_confirm(client, user, slug, name, data):
    client.force_login(user)
    response = client.post(
        reverse("upload_start", args=[slug]), {"file": SimpleUploadedFile(name, data)}
    )
    if response.status_code != 302:  # refused by the form itself
        return response, None
    preview = client.get(response.url)
    client.post(reverse("upload_confirm", args=[slug, Upload.objects.get().pk]))
    return response, preview


@pytest.mark.parametrize(
    ("slug", "name", "data", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_ROWS],
)
def test_the_preview_names_every_bad_row_and_saves_nothing(
    client, request, seeds, slug, name, data, expected
):
    before = snapshot()
    _, preview = _upload_and_confirm(client, _officer(request, slug), slug, name, data)
    assert [str(e) for e in preview.context["result"].errors] == expected
    assert "Save these readings" not in preview.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "data", "message"), [pytest.param(*case[1:], id=case[0]) for case in BAD_FILES]
)
def test_a_file_that_cannot_be_read_is_refused_clearly(client, officer, name, data, message):
    before = snapshot()
    response, preview = _upload_and_confirm(client, officer, "birmingham", name, data)
    if preview is None:
        assert response.context["form"].errors["file"] == [message]
    else:
        assert preview.context["file_error"] == message
    assert snapshot() == before


def test_a_month_whose_return_is_accepted_is_refused(client, officer, commissioner):
    october = services.monthly_return_get_or_create(
        organisation=officer.organisations.get(), period=dt.date(2018, 10, 1)
    )
    services.monthly_return_submit(monthly_return=october, version=1, user=officer)
    services.monthly_return_accept(monthly_return=october, version=2, user=commissioner)
    before = snapshot()
    _, preview = _upload_and_confirm(
        client, officer, "birmingham", "r.csv", b"kpi,period,value\nKPI1,2018-10,70\n"
    )
    assert [str(e) for e in preview.context["result"].errors] == [
        err(2, RETURN_ACCEPTED.format(period="2018-10"))
    ]
    assert snapshot() == before
