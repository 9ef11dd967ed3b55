import csv
import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from inspections import services
from tests.fast_fixtures import load_fixtures


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


def test_officers_reach_the_update_form_too(client, officer, visit):
    response = _tracker(client, officer)
    action = response.context["rows"][0].action
    assert reverse("action_update", args=["birmingham", action.pk]) in response.content.decode()


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


def _plan(seeds):
    load_fixtures("inspections_plans")


def test_the_tracker_prints_each_actions_full_number(client, member, seeds):
    _plan(seeds)
    response = _tracker(client, member)
    rows = response.context["rows"]
    # Legal Permanence is the plan's 12th finding, with 12 actions.
    legal = [r.action.reference for r in rows if r.action.finding.text.startswith("Legal Perm")]
    assert legal == [f"12.{n}" for n in range(1, 13)]
    page = response.content.decode()
    assert '<span class="visually-hidden">Action </span>12.10</a>' in page


def test_the_lead_filter_takes_a_lead_whole(client, member, visit):
    services.action_create(
        finding=visit["finding"], number="3", text="TEST care management audit",
        lead="Head of Service, Care Management / GT",
    )  # fmt: skip
    response = _tracker(client, member)
    assert "Head of Service, Care Management" in response.context["leads"]
    assert "Care Management" not in response.context["leads"]
    rows = _tracker(client, member, lead="Head of Service, Care Management").context["rows"]
    assert [r.action.text for r in rows] == ["TEST care management audit"]
    # "G" is no lead: the filter matches a whole lead, not a part of one.
    assert _tracker(client, member, lead="G").context["rows"] == []
    gt = {r.action.text for r in _tracker(client, member, lead="GT").context["rows"]}
    assert gt == {"TEST audit supervision records", "TEST train managers",
                  "TEST care management audit"}  # fmt: skip


def test_it_sorts_by_timescale(client, member, visit):
    services.action_create(finding=visit["finding"], number="3", text="TEST no timescale")
    services.action_create(
        finding=visit["finding"], number="4", text="TEST last in the plan",
        timescale=dt.date(2023, 12, 1), timescale_text="Dec-23",
    )  # fmt: skip
    rows = _tracker(client, member).context["rows"]
    assert [r.action.timescale_text for r in rows] == ["Jul-23", "Mar-23", "", "Dec-23"]
    rows = _tracker(client, member, sort="timescale").context["rows"]
    assert [r.action.timescale_text for r in rows] == ["Mar-23", "Jul-23", "Dec-23", ""]
    rows = _tracker(client, member, sort="-timescale").context["rows"]
    assert [r.action.timescale_text for r in rows] == ["Dec-23", "Jul-23", "Mar-23", ""]


def test_the_latest_update_is_the_latest_dated_not_the_last_posted(client, member, visit):
    """An update dated before the last one (posted late) does not replace it;
    two of one day: the one posted last."""
    action = visit["late"]
    for day, text in [(dt.date(2023, 6, 1), "TEST June"), (dt.date(2023, 5, 1), "TEST May"),
                      (dt.date(2023, 6, 1), "TEST June, later the same day")]:  # fmt: skip
        services.action_update_post(action=action, author=None, dated=day, text=text, status="")
    rows = _tracker(client, member).context["rows"]
    [row] = [r for r in rows if r.action == action]
    assert row.latest_update.text == "TEST June, later the same day"


def test_the_key_of_leads_is_shown_on_the_tracker(client, member, commissioner, visit):
    services.lead_save(
        organisation=visit["inspection"].organisation, user=commissioner, initials="GT",
        name="TEST Person", role="TEST Head of Service",
    )  # fmt: skip
    response = _tracker(client, member)
    key = {entry.initials: entry.lead for entry in response.context["key"]}
    assert set(key) == {"GT", "LH"}
    assert key["LH"] is None
    page = response.content.decode()
    assert "TEST Person, TEST Head of Service" in page
    assert "Not in the key yet" in page


def test_the_xlsx_has_a_title_numbers_dates_and_an_autofilter(client, member, commissioner, visit):
    services.lead_save(
        organisation=visit["inspection"].organisation, user=commissioner, initials="GT",
        name="TEST Person", role="TEST role",
    )  # fmt: skip
    response = _tracker(client, member, format="xlsx", sort="timescale")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Actions"]
    today = dt.date.today()
    assert sheet["A1"].value == (
        f"Action tracker: Birmingham Children's Trust, as at {today.day} {today:%B %Y}"
    )
    headers = [c.value for c in sheet[2]]
    assert sheet.auto_filter.ref == f"A2:O{sheet.max_row}"
    first = dict(zip(headers, [c for c in sheet[3]], strict=True))
    assert first["Ref."].value == "1.2"
    assert (first["Finding no."].value, first["No."].value) == (1, 2)
    assert first["Timescale"].value == dt.datetime(2023, 3, 1)
    assert first["Timescale"].number_format == "mmm-yy"
    assert first["Who leads"].value == "LH: not in the key of leads; GT: TEST Person, TEST role"
    key = workbook["Key of leads"]
    assert [[c.value for c in row] for row in key.iter_rows(min_row=2)] == [
        ["GT", "TEST Person", "TEST role"], ["LH", "not in the key of leads", None],
    ]  # fmt: skip


def test_a_filtered_tracker_says_it_is_part_of_the_plan_also_in_print(client, member, visit):
    """The counts are of every action; the rows are the filter's. The sentence
    is not d-print-none, so a printed tracker says so too."""
    response = _tracker(client, member, status="blue", overdue="1")
    total = sum(response.context["counts"].values())
    shown = len(response.context["rows"])
    html = response.content.decode()
    start = html.index('class="small link-row tracker-count"')
    line = html[start : html.index("<span", start)]
    assert (
        f"{shown} of the {total} actions (the counts above are all {total}), "
        "filtered by status Blue — complete; overdue only"
    ) in line
    assert "d-print-none" not in html[html.rindex("<p", 0, start) : start]


def test_a_printed_tracker_names_its_lead_and_finding_the_finding_cut_at_a_word(
    client, member, visit
):
    """Every filter in words, in the order of the form; a long finding is
    quoted to its last whole word within 60 characters, with an ellipsis."""
    finding = services.finding_create(
        inspection=visit["inspection"], kind="area_for_improvement",
        text="TEST managers do not consistently record the reasons for their decisions on "
        "children's files, and plans are not always updated.",
    )  # fmt: skip
    services.action_create(
        finding=finding, number="1", text="TEST record decisions", lead="GT",
        timescale=dt.date(2023, 1, 1), timescale_text="Jan-23", status="amber",
    )  # fmt: skip
    response = _tracker(
        client, member, status="amber", lead="GT", finding=str(finding.pk), overdue="1"
    )
    assert [r.action.text for r in response.context["rows"]] == ["TEST record decisions"]
    assert (
        "filtered by status Amber — delays or issues, delivery on course; lead GT; "
        "finding “TEST managers do not consistently record the reasons for…”; overdue only"
    ) in response.content.decode()


def test_a_tracker_filtered_by_lead_alone_says_so(client, member, visit):
    response = _tracker(client, member, lead="LH")
    assert "1 of the 2 actions (the counts above are all 2), filtered by lead LH<" in (
        response.content.decode()
    )


def test_a_finding_of_another_organisation_is_no_filter_in_words(client, member, visit, seeds):
    """Sandwell's finding is not Birmingham's: no rows, and no words quoting it."""
    other = services.inspection_create(
        organisation=seeds["sandwell"], kind="ilacs", title="TEST Sandwell visit",
        start_date=dt.date(2019, 1, 7),
    )  # fmt: skip
    theirs = services.finding_create(inspection=other, kind="strength", text="TEST Sandwell's")
    response = _tracker(client, member, finding=str(theirs.pk))
    assert response.context["rows"] == []
    assert "TEST Sandwell's" not in response.content.decode()
    assert response.context["filter_words"] == ""


def _two_plans(organisation):
    """Made-up (TEST) plans of 2018 and 2019, each with actions saved out of order."""
    from inspections.models import Action, ActionPlan, Finding, FindingKind, PlanKind

    plans = {}
    for year in (2018, 2019):
        plan = ActionPlan.objects.create(
            organisation=organisation, kind=PlanKind.OFSTED, title=f"TEST plan {year}",
            dated=dt.date(year, 3, 1),
        )  # fmt: skip
        finding = Finding.objects.create(
            organisation=organisation, kind=FindingKind.AREA_FOR_IMPROVEMENT,
            text=f"TEST finding of {year}",
        )  # fmt: skip
        for order in (3, 1, 2):
            Action.objects.create(
                plan=plan, finding=finding, number=str(order), reference=f"{year}.{order}",
                text=f"TEST step {year}.{order}", order=order,
            )  # fmt: skip
        plans[year] = plan
    return plans


def test_the_tracker_lists_the_newest_plan_first_each_in_its_order(client, member, seeds):
    _two_plans(seeds["birmingham"])
    rows = _tracker(client, member).context["rows"]
    assert [r.action.reference for r in rows if r.action.text.startswith("TEST step")] == [
        "2019.1", "2019.2", "2019.3", "2018.1", "2018.2", "2018.3",
    ]  # fmt: skip
    rows = list(csv.reader(io.StringIO(_tracker(client, member, format="csv").content.decode())))
    assert [r[0] for r in rows if r[4].startswith("TEST step")][:4] == [
        "2019.1", "2019.2", "2019.3", "2018.1",
    ]  # fmt: skip
    assert [r[3] for r in rows if r[4].startswith("TEST step")][2:4] == [
        "TEST plan 2019", "TEST plan 2018",
    ]  # fmt: skip


def test_the_tracker_and_its_export_read_in_the_same_queries_however_many_actions(
    client, member, visit, django_assert_max_num_queries
):
    """Each action's plan, finding and updates are read with the rest, not
    one by one: five more findings of two actions of two updates cost nothing."""
    from tests.inspections.views.test_inspection_pages import _findings_with_actions

    client.force_login(member)
    url = reverse("action_tracker", args=["birmingham"])
    _findings_with_actions(visit["inspection"], 1)
    with django_assert_max_num_queries(40) as page:
        assert client.get(url).status_code == 200
    page_queries = len(page.captured_queries)  # now: the log is reset on each request
    with django_assert_max_num_queries(40) as export:
        assert client.get(url, {"format": "csv"}).status_code == 200
    export_queries = len(export.captured_queries)
    _findings_with_actions(visit["inspection"], 5)
    with django_assert_max_num_queries(page_queries):
        html = client.get(url).content.decode()
    with django_assert_max_num_queries(export_queries):
        table = client.get(url, {"format": "csv"}).content.decode()
    assert html.count("TEST update 10 of") == 12 and "TEST update 9 of" not in html
    assert table.count("TEST update 10 of") == 12 and "TEST finding 4" in table


def test_the_trackers_counts_are_of_every_action_by_status(client, member, visit):
    for number in ("3", "4"):
        services.action_create(
            finding=visit["finding"], number=number, text=f"TEST step {number}", status="amber"
        )
    response = _tracker(client, member, lead="LH")
    counts = response.context["counts"]
    assert (counts["amber"], counts["blue"], counts["red"]) == (3, 1, 0)
    assert "1 of the 4 actions (the counts above are all 4)" in response.content.decode()
