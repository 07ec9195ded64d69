"""The register: the lines of a plan filtered, searched, sorted, paginated and exported."""

import csv
import datetime
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from commitments.models import Activity, Evidence, Ownership, Part, PeriodStatus, Status

from .conftest import line, make_organisation, make_period, make_update, own

pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"


def register(client, **params):
    return client.get(reverse("commitments:register"), params)


def codes(response) -> list[str]:
    return [row.record.code for row in response.context["table"].paginated_rows]


def every_code(client, **params) -> list[str]:
    return codes(register(client, per_page=500, **params))


def part(number: int) -> Part:
    return Part.objects.get(plan__code=PLAN, number=number)


def status(code: str) -> Status:
    return Status.objects.get(code=code)


@pytest.fixture
def world(plan_2026, owner, other_owner, secretariat, focal_point):
    """An open period past its deadline with updates in every state, and an earlier confirmed period."""
    earlier = make_period(plan_2026, label="2025–2026", starts_on=datetime.date(2025, 1, 1),
                          ends_on=datetime.date(2025, 12, 31), deadline=datetime.date(2025, 11, 30),
                          is_open=False)  # fmt: skip
    period = make_period(plan_2026, deadline=datetime.date(2026, 11, 1))  # past: today is later
    Ownership.objects.filter(line__plan=plan_2026).delete()
    lines = {code: line(PLAN, code) for code in ["2.1.1", "2.6.6", "2.8.1", "3.1.1", "1.4.5"]}
    own(lines["2.1.1"], owner)
    own(lines["2.6.6"], owner, "supporting")
    own(lines["2.6.6"], other_owner)
    own(lines["2.8.1"], other_owner)
    own(lines["3.1.1"], owner)
    approved = make_update(lines["2.1.1"], period, owner, focal_point, status=status("ongoing"),
                           narrative_en="Two dialogues held.", narrative_zh="举行了两次对话。",
                           state="approved")  # fmt: skip
    Evidence.objects.create(update=approved, title_en="Minutes", link="https://example.org/minutes")
    Activity.objects.create(update=approved, date=datetime.date(2026, 3, 1), title_en="Dialogue")
    make_update(lines["2.6.6"], period, owner, focal_point, status=status("planned"), state="submitted")
    make_update(lines["2.6.6"], period, other_owner, focal_point, state="draft")
    make_update(lines["3.1.1"], period, owner, focal_point, status=status("delayed"), state="returned")
    for code, line_status in [("2.1.1", "ongoing"), ("2.8.1", "completed")]:
        PeriodStatus.objects.create(line=lines[code], period=period).confirm(
            by=secretariat, status=status(line_status)
        )
    PeriodStatus.objects.create(line=lines["2.6.6"], period=earlier).confirm(
        by=secretariat, status=status("ongoing")
    )
    return {"period": period, "earlier": earlier, **lines}


def test_the_register_is_the_landing_page_and_counts_the_lines_shown(client, reader):
    client.force_login(reader)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["plan"].code == PLAN
    html = response.content.decode()
    assert "50 of 199 lines" not in html and "199 of 199 lines" in html
    assert len(codes(response)) == 50  # a page


def test_logging_in_leads_a_reviewer_to_the_register(client, reader):
    data = {"username": "reader", "password": "pw-Tracker-2026"}
    response = client.post(reverse("login"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("commitments:register")  # tests/test_home.py: the others


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("人工智能", ["2.6.6", "2.6.8"]),
        ("SOM-DOC", ["1.4.5"]),
        ("2.6", ["2.6.1", "2.6.2", "2.6.3", "2.6.4", "2.6.5", "2.6.6", "2.6.7", "2.6.8"]),
        ("2.6.6", ["2.6.6"]),
        ("artificial intelligence", ["2.6.6"]),  # 2.6.8 says "AI" in English
    ],
)
def test_the_search_finds_lines_by_code_english_and_chinese_text(client, reader, search, expected):
    client.force_login(reader)
    assert every_code(client, q=search) == expected


def test_the_search_finds_lines_by_their_owners_acronym_and_name(client, reader, world):
    client.force_login(reader)
    assert every_code(client, q="TEST-OTHER") == ["2.6.6", "2.8.1"]
    assert every_code(client, q="测试牵头机构") == ["2.1.1", "2.6.6", "3.1.1"]


def test_a_code_search_does_not_match_codes_that_merely_contain_it(client, reader):
    client.force_login(reader)
    found = every_code(client, q="1.1")
    assert found and all(code == "1.1" or code.startswith("1.1.") for code in found)


def test_the_pillar_filter_shows_its_lines_and_limits_the_areas_offered(client, reader):
    client.force_login(reader)
    economic = part(2)
    response = register(client, part=economic.pk, per_page=500)
    assert codes(response) and all(code.startswith("2.") for code in codes(response))
    offered = [label for value, label in response.context["filter"].form.fields["area"].choices if value]
    assert offered and {label.split(".")[0] for label in offered} == {"2"}


def test_an_area_of_another_pillar_is_dropped_rather_than_refused(client, reader):
    client.force_login(reader)
    area = part(3).areas.first()
    response = register(client, part=part(2).pk, area=area.pk, per_page=500)
    assert response.context["filter"].form.is_valid()
    assert all(code.startswith("2.") for code in codes(response)) and len(codes(response)) > 10


def test_the_current_status_filter_reads_the_latest_confirmed_status(client, reader, world):
    client.force_login(reader)
    assert every_code(client, status="ongoing") == ["2.1.1", "2.6.6"]  # 2.6.6 from the earlier period
    assert every_code(client, status="completed") == ["2.8.1"]
    assert "2.1.1" not in every_code(client, status="none")
    assert len(every_code(client, status="none")) == 199 - 3


def test_the_period_status_filter_reads_the_chosen_period(client, reader, world):
    client.force_login(reader)
    assert every_code(client, period_status="ongoing") == ["2.1.1"]  # the open period by default
    assert every_code(client, period=world["earlier"].pk, period_status="ongoing") == ["2.6.6"]
    assert every_code(client, period=world["earlier"].pk, period_status="none")[:1] == ["1.1.1"]


def test_the_owner_filter_can_keep_only_the_lines_it_leads(client, reader, world):
    client.force_login(reader)
    assert every_code(client, owner="TEST-OWNER") == ["2.1.1", "2.6.6", "3.1.1"]
    assert every_code(client, owner="TEST-OWNER", lead="on") == ["2.1.1", "3.1.1"]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("submitted", ["2.6.6"]),
        ("draft", ["2.6.6"]),
        ("returned", ["3.1.1"]),
        ("approved", ["2.1.1"]),
        ("confirmed", ["2.1.1", "2.8.1"]),
    ],
)
def test_the_update_state_filter_reads_the_periods_updates(client, reader, world, state, expected):
    client.force_login(reader)
    assert every_code(client, state=state) == expected


def test_no_update_means_no_owner_reported_anything_for_the_period(client, reader, world):
    client.force_login(reader)
    silent = every_code(client, state="none")
    assert "2.8.1" in silent and "2.6.6" not in silent and len(silent) == 199 - 3
    assert every_code(client, state="none", owner="TEST-OTHER") == ["2.8.1"]  # its draft of 2.6.6 counts


def test_the_evidence_filter_finds_lines_with_evidence_in_the_period(client, reader, world):
    client.force_login(reader)
    assert every_code(client, evidence="yes") == ["2.1.1"]
    Evidence.objects.get(title_en="Minutes").withdraw(
        by=world["2.1.1"].ownerships.first().decided_by or reader
    )
    assert every_code(client, evidence="yes") == []


def test_overdue_lines_have_an_owner_without_a_submitted_update_after_the_deadline(client, reader, world):
    client.force_login(reader)
    # 2.6.6: TEST-OTHER only has a draft; 2.8.1: no update; 3.1.1: returned. 2.1.1 is approved.
    assert every_code(client, overdue="on") == ["2.6.6", "2.8.1", "3.1.1"]
    assert every_code(client, overdue="on", owner="TEST-OWNER") == ["3.1.1"]
    world["period"].deadline = datetime.date(2099, 1, 1)
    world["period"].save()
    assert every_code(client, overdue="on") == []


def test_codes_sort_naturally_in_both_directions(client, reader):
    client.force_login(reader)
    ascending = every_code(client, part=part(2).pk, sort="code")
    assert ascending.index("2.10.1") == ascending.index("2.9.4") + 1
    descending = every_code(client, part=part(2).pk, sort="-code")
    assert descending == list(reversed(ascending))


def test_sorting_by_status_keeps_lines_without_one_last(client, reader, world):
    client.force_login(reader)
    ordered = every_code(client, sort="status")
    assert ordered[:3] == ["2.1.1", "2.6.6", "2.8.1"]  # ongoing (order 30) before completed (40)
    assert every_code(client, sort="-status")[:3] == ["2.8.1", "2.1.1", "2.6.6"]


def test_pages_and_sort_links_keep_the_filters(client, reader):
    client.force_login(reader)
    html = register(client, part=part(2).pk, sort="-code").content.decode()
    assert f"part={part(2).pk}" in html.split('rel="next"')[0].rsplit("href=", 1)[1]
    page_two = register(client, part=part(2).pk, sort="-code", page=2)
    assert codes(page_two)[0] == every_code(client, part=part(2).pk, sort="-code")[50]


def test_an_empty_result_says_so_and_offers_to_clear_the_filters(client, reader):
    client.force_login(reader)
    html = register(client, q="no such words anywhere").content.decode()
    assert "0 of 199 lines" in html
    assert "No action line matches all of these filters." in html
    assert f'href="{reverse("commitments:register")}?plan={PLAN}"' in html


def test_a_plan_can_be_chosen_and_a_period_of_another_plan_is_ignored(client, reader, world):
    client.force_login(reader)
    response = register(client, plan="poa-2021-2025", period=world["period"].pk)
    assert response.context["plan"].code == "poa-2021-2025" and response.context["period"] is None
    assert "200 of 200 lines" in response.content.decode()


def test_the_register_reads_chinese_texts_in_the_chinese_interface(client, reader, world):
    client.force_login(reader)
    client.cookies.load({"django_language": "zh-hans"})
    html = register(client, q="2.1.1").content.decode()
    assert "正在实施" in html  # the status label
    assert "1 / 199" in html or "199" in html
    assert line(PLAN, "2.1.1").text_zh[:20] in html


def test_the_register_runs_the_same_number_of_queries_however_many_owners_and_updates(
    client, reader, world, focal_point, django_assert_max_num_queries
):
    client.force_login(reader)
    with django_assert_max_num_queries(11) as few:
        register(client, per_page=500)
    for number in range(8):
        organisation = make_organisation(acronym=f"MANY-{number}")
        for code in ["1.1.1", "1.1.2", "1.2.1", "2.2.1"]:
            own(line(PLAN, code), organisation, "supporting")
            make_update(line(PLAN, code), world["period"], organisation, focal_point, state="approved",
                        status=status("ongoing"))  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        register(client, per_page=500)


def export(client, fmt: str, **params):
    return client.get(reverse("commitments:register-export", args=[fmt]) + "?" + urlencode(params))


def test_the_csv_export_has_a_bom_and_the_filtered_lines_in_the_table_order(client, reader, world):
    client.force_login(reader)
    response = export(client, "csv", part=part(2).pk, sort="-code")
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert [row["Code"] for row in rows] == every_code(client, part=part(2).pk, sort="-code")
    first = next(row for row in rows if row["Code"] == "2.1.1")
    assert first["Owners"] == "TEST-OWNER (Lead)"
    assert first["Status in the period"] == "Ongoing"
    assert first["Progress in the period (Chinese)"] == "TEST-OWNER: 举行了两次对话。"
    assert first["Text (Chinese)"] == line(PLAN, "2.1.1").text_zh


def test_the_xlsx_export_has_a_frozen_header_widths_and_wrapped_text(client, reader, world):
    client.force_login(reader)
    response = export(client, "xlsx", q="2.6")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Code", "Pillar", "Area"] and "Text (Chinese)" in header
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == every_code(client, q="2.6")
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["D"].width == 60
    assert sheet.cell(row=2, column=4).alignment.wrap_text
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "2.6.6")
    assert row[header.index("Owners")] == "TEST-OTHER (Lead); TEST-OWNER (Supporting)"


def test_the_export_speaks_the_interface_language(client, reader, world):
    client.force_login(reader)
    client.cookies.load({"django_language": "zh-hans"})
    sheet = load_workbook(io.BytesIO(export(client, "xlsx", q="2.1.1").content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "编号"
    assert sheet.cell(row=2, column=header.index("当前状态") + 1).value == "正在实施"


def test_the_export_runs_a_fixed_number_of_queries(client, reader, world, django_assert_max_num_queries):
    client.force_login(reader)
    with django_assert_max_num_queries(14):
        export(client, "xlsx")


def test_an_unknown_export_format_is_not_found(client, reader):
    client.force_login(reader)
    assert export(client, "pdf").status_code == 404


@pytest.mark.parametrize("param", ["period", "part", "area"])
def test_a_number_that_is_not_ascii_is_ignored_not_a_crash(client, reader, param):
    client.force_login(reader)
    assert register(client, **{param: "²"}).status_code == 200
    assert export(client, "csv", **{param: "²"}).status_code == 200


def test_a_narrative_that_looks_like_a_formula_stays_text_in_the_reporting_template(world):
    from commitments.spreadsheets import reporting_template

    approved = world["2.1.1"].updates.get(state="approved")
    approved.narrative_en = '=HYPERLINK("https://example.org","click")'
    approved.save()
    sheet = load_workbook(io.BytesIO(reporting_template(world["period"]))).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("=HYPERLINK")]
    assert cells and all(cell.data_type == "s" for cell in cells)
