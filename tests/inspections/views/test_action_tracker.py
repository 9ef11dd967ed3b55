import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from inspections import services


def _tracker(client, user, slug="birmingham", **params):
    client.force_login(user)
    return client.get(reverse("action_tracker", args=[slug]), params)


def test_it_lists_every_action_with_brag_counts(client, member, visit):
    response = _tracker(client, member)
    assert response.status_code == 200
    numbers = {r.action.text for r in response.context["rows"]}
    assert {"TEST audit supervision records", "TEST train managers"} <= numbers
    assert response.context["counts"]["blue"] >= 1


def test_commissioners_reach_the_update_form_from_each_action(client, commissioner, visit):
    response = _tracker(client, commissioner)
    action = response.context["rows"][0].action
    update_url = reverse("action_update", args=["birmingham", action.pk])
    assert f'href="{update_url}"' in response.content.decode()


def test_members_see_no_update_links(client, member, visit):
    response = _tracker(client, member)
    assert "Post an update" not in response.content.decode()


def test_it_filters_overdue_actions(client, member, visit):
    rows = _tracker(client, member, overdue="1").context["rows"]
    texts = {r.action.text for r in rows}
    assert "TEST audit supervision records" in texts
    assert "TEST train managers" not in texts
    assert all(r.overdue for r in rows)


def test_it_filters_by_status_and_finding(client, member, visit):
    rows = _tracker(client, member, status="blue", finding=visit["finding"].pk).context["rows"]
    assert [r.action.text for r in rows] == ["TEST train managers"]


def test_it_exports_csv_with_formulas_neutralised(client, member, visit):
    services.action_create(finding=visit["finding"], number="3", text='=HYPERLINK("x")')
    response = _tracker(client, member, format="csv", finding=visit["finding"].pk)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["Ref.", "Finding no.", "No.", "Plan", "Action"]
    assert '\'=HYPERLINK("x")' in [row[4] for row in rows]


def test_it_exports_xlsx_with_a_frozen_bold_header(client, member, visit):
    response = _tracker(client, member, format="xlsx", finding=visit["finding"].pk)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A3"
    assert sheet["A2"].font.bold is True
    assert {sheet.cell(row=r, column=5).value for r in range(3, sheet.max_row + 1)} == {
        "TEST audit supervision records",
        "TEST train managers",
    }


def test_it_checks_ownership(client, sandwell_officer, visit):
    assert _tracker(client, sandwell_officer).status_code == 404
    assert _tracker(client, sandwell_officer, "sandwell").context["rows"] == []
