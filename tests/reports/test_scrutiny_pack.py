"""The scrutiny pack for a meeting: the dashboard's table, the off-track KPIs'
charts with their findings and open actions, the questions; page and DOCX."""

import io

import docx as python_docx
import pytest
from django.urls import reverse

from inspections import services as inspection_services
from inspections.models import BRAG, Finding
from kpis.formatting import with_unit
from kpis.rating import STATUS_LABELS
from reports import scrutiny


def _get(client, user, slug="birmingham", period="2018-10", **params):
    client.force_login(user)
    return client.get(reverse("scrutiny_pack", args=[slug, period]), params)


def _dashboard(client, user, slug="birmingham", period="2018-10"):
    client.force_login(user)
    return client.get(reverse("dashboard", args=[slug]), {"period": period})


def _docx(response):
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return python_docx.Document(io.BytesIO(response.content))


@pytest.fixture
def open_action(inspected_seeds):
    """An open Red action and a complete one on the finding linked to KPI14
    (caseloads, Amber in Oct 2018): TEST data."""
    finding = Finding.objects.get(kpis__code="KPI14", kpis__organisation__slug="birmingham")
    red = inspection_services.action_create(
        finding=finding, number="T1", text="TEST reduce caseloads", lead="AB",
        status=BRAG.RED,
    )  # fmt: skip
    inspection_services.action_create(
        finding=finding, number="T2", text="TEST finished work", status=BRAG.BLUE
    )
    return red


def test_its_table_is_the_dashboards(client, member, inspected_seeds):
    pack = _get(client, member).context["pack"]
    table = _dashboard(client, member).context["table"]
    assert [(r.kpi.code, r.value, r.status, r.met_or_within_12m) for r in pack.rows] == [
        (r.kpi.code, r.value, r.status, r.met_or_within_12m) for r in table.rows
    ]
    assert pack.counts == {"red": 0, "amber": 3, "green": 12, "other": 0}
    html = _get(client, member).content.decode()
    row = html[html.index('<tr class="status-amber" data-kpi="KPI2">') :].split("</tr>")[0]
    assert "24%" in row and "21%" in row and "17–24%" in row


def test_it_charts_each_off_track_kpi_with_its_findings_and_open_actions(
    client, member, open_action
):
    response = _get(client, member)
    pack = response.context["pack"]
    assert [item.row.kpi.code for item in pack.off_track] == ["KPI2", "KPI12", "KPI14"]
    html = response.content.decode()
    for code in ("KPI2", "KPI12", "KPI14"):
        assert f'<script id="pack-figure-{code}" type="application/json">' in html
    kpi14 = next(item for item in pack.off_track if item.row.kpi.code == "KPI14")
    assert [row.action.text for row in kpi14.open_actions] == ["TEST reduce caseloads"]
    block = html[html.index('<div class="pack-kpi" data-kpi="KPI14">') :]
    assert "Social workers have reasonable caseloads" in block
    assert "TEST reduce caseloads" in block
    assert "TEST finished work" not in html
    assert "No Ofsted finding is linked to KPI12." in html


def test_its_questions_are_the_dashboards(client, member, inspected_seeds):
    pack = _get(client, member, slug="sandwell", period="2018-12").context["pack"]
    asked = _dashboard(client, member, slug="sandwell", period="2018-12").context["questions"]
    assert [q.text for q in pack.questions] == [q.text for q in asked]
    assert len(pack.questions) == 4
    html = _get(client, member, slug="sandwell", period="2018-12").content.decode()
    for question in pack.questions:
        assert question.rule in html
    # Sandwell's PIs had no target agreed: nothing is off track.
    assert scrutiny.NONE_OFF_TRACK.format(month="Dec 2018") in html


def test_the_docx_says_what_the_page_says(client, member, open_action):
    pack = _get(client, member).context["pack"]
    document = _docx(_get(client, member, format="docx"))
    grid = document.tables[0]
    assert [c.text for c in grid.rows[0].cells][:3] == ["KPI", "Indicator", "Value"]
    shown = {
        r.cells[0].text: (r.cells[2].text, r.cells[4].paragraphs[0].text) for r in grid.rows[1:]
    }
    assert shown == {
        row.kpi.code: (with_unit(row.value, row.kpi.unit), STATUS_LABELS[row.status])
        for row in pack.rows
    }
    assert shown["KPI2"] == ("24%", "Amber")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert [h.split()[0] for h in headings] == ["KPI2", "KPI12", "KPI14"]
    # One chart a KPI off track, drawn as a picture.
    assert len(document.inline_shapes) == 3
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Open action" in text and "TEST reduce caseloads" in text
    for question in pack.questions:
        assert question.text in text


def test_members_see_published_months_only(client, member, officer, unreturned_seeds):
    # The seed months as drafts: the officer reads KPI2's 24%, a member does not.
    officer_row = next(
        r for r in _get(client, officer).context["pack"].rows if r.kpi.code == "KPI2"
    )
    member_row = next(r for r in _get(client, member).context["pack"].rows if r.kpi.code == "KPI2")
    assert (officer_row.value, officer_row.status) == (24, "amber")
    assert member_row.value is None
    html = _get(client, member).content.decode()
    assert '<td class="text-end text-nowrap">24%</td>' not in html
    assert '<td class="text-end text-nowrap">24%</td>' in _get(client, officer).content.decode()


def test_the_latest_pack_is_the_latest_month(client, member, seeds):
    client.force_login(member)
    response = client.get(reverse("scrutiny_pack_latest", args=["sandwell"]))
    assert response.url == reverse("scrutiny_pack", args=["sandwell", "2018-12"])


def test_it_checks_ownership(client, sandwell_officer, seeds):
    assert _get(client, sandwell_officer).status_code == 404
    assert _get(client, sandwell_officer, format="docx").status_code == 404


def test_a_month_the_app_does_not_hold_lists_nothing_off_track(client, member, seeds):
    # Birmingham's seed holds Oct 2018 only: November is not held, never Missing.
    response = _get(client, member, period="2018-11")
    pack = response.context["pack"]
    assert pack.off_track == [] and pack.questions == []
    assert "Nov 2018" not in pack.not_held and "November 2018 is not held" in pack.not_held
    html = response.content.decode()
    assert pack.not_held.replace("'", "&#x27;") in html
    assert "chip-missing" not in html
