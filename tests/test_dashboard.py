"""The dashboard: a plan's progress in a period by pillar, area and owner, every number a link."""

import datetime
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from unittest.mock import ANY
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from commitments.charts import status_chart_svg
from commitments.models import ActionLine, PeriodStatus, Plan, Status, StatusUpdate
from commitments.progress import PlanProgress

from .conftest import line, make_organisation, make_period, make_update, make_user, own

pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"
SVG = "{http://www.w3.org/2000/svg}"


def status(code: str) -> Status:
    return Status.objects.get(code=code)


def confirm(code: str, period, status_code: str, by) -> PeriodStatus:
    period_status = PeriodStatus.objects.create(line=line(PLAN, code), period=period)
    period_status.confirm(by=by, status=status(status_code))
    return period_status


def params(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def dashboard(client, user, **query):
    client.force_login(user)
    return client.get(reverse("commitments:dashboard"), query)


def in_scope(plan, **filters) -> int:
    return ActionLine.objects.for_plan(plan).in_source().filter(**filters).count()


@pytest.fixture
def last_year(plan_2026):
    return make_period(
        plan_2026, label="2025–2026", starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31), deadline=datetime.date(2025, 11, 30), is_open=False,
    )  # fmt: skip


@pytest.fixture
def this_year(plan_2026):
    """The open period, its deadline passed yesterday."""
    return make_period(plan_2026, deadline=timezone.localdate() - datetime.timedelta(days=1))


@pytest.fixture
def tracked(this_year, last_year, secretariat, owner, other_owner, focal_point, other_focal_point):
    """Last year 2.8.1 was planned and 2.8.2 ongoing. This year 2.8.1 is ongoing, 2.8.2 completed
    and 1.1.1 delayed; 2.8.3 has a proposed status, not confirmed. TEST-OWNER leads 2.8.1–2.8.3
    and supports 1.1.1; TEST-OTHER supports 2.8.1 and 2.8.3. This year TEST-OWNER's update of
    2.8.1 is approved and of 2.8.2 submitted; TEST-OTHER has a draft for 2.8.3."""
    confirm("2.8.1", last_year, "planned", secretariat)
    confirm("2.8.2", last_year, "ongoing", secretariat)
    confirm("2.8.1", this_year, "ongoing", secretariat)
    confirm("2.8.2", this_year, "completed", secretariat)
    confirm("1.1.1", this_year, "delayed", secretariat)
    PeriodStatus.objects.create(line=line(PLAN, "2.8.3"), period=this_year, proposed=status("ongoing"))
    for code in ("2.8.1", "2.8.2", "2.8.3"):
        own(line(PLAN, code), owner, "lead")
    own(line(PLAN, "1.1.1"), owner, "supporting")
    own(line(PLAN, "2.8.1"), other_owner, "supporting")
    own(line(PLAN, "2.8.3"), other_owner, "supporting")
    ongoing = status("ongoing")
    make_update(line(PLAN, "2.8.1"), this_year, owner, focal_point, status=ongoing, state="approved")
    make_update(line(PLAN, "2.8.2"), this_year, owner, focal_point, status=ongoing, state="submitted")
    make_update(line(PLAN, "2.8.3"), this_year, other_owner, other_focal_point)
    return SimpleNamespace(period=this_year, previous=last_year)


def counts_by_code(row) -> dict[str, int]:
    return {(cell.status.code if cell.status else "none"): cell.count for cell in row.cells}


def deltas_by_code(row) -> dict[str, int | None]:
    return {(cell.status.code if cell.status else "none"): cell.delta for cell in row.cells}


def test_counts_per_pillar_and_area_by_status_agree_with_the_confirmed_statuses(plan_2026, tracked):
    progress = PlanProgress(plan_2026, tracked.period)
    transport, politics = line(PLAN, "2.8.1"), line(PLAN, "1.1.1")
    pillars = {row.part.pk: row for row in progress.by_part}
    areas = {row.area.pk: row for row in progress.by_area if row.area}
    pillar_2, pillar_1 = pillars[transport.part_id], pillars[politics.part_id]
    area_2_8 = areas[transport.area_id]
    nothing = dict.fromkeys(["not-started", "planned", "ongoing", "completed", "delayed", "discontinued"], 0)

    assert counts_by_code(pillar_2) == nothing | {
        "ongoing": 1, "completed": 1, "none": in_scope(plan_2026, part=transport.part) - 2,
    }  # fmt: skip
    assert counts_by_code(area_2_8) == nothing | {
        "ongoing": 1, "completed": 1, "none": in_scope(plan_2026, area=transport.area) - 2,
    }  # fmt: skip
    assert counts_by_code(pillar_1) == nothing | {
        "delayed": 1, "none": in_scope(plan_2026, part=politics.part) - 1,
    }  # fmt: skip
    assert counts_by_code(progress.overall) == nothing | {
        "ongoing": 1, "completed": 1, "delayed": 1, "none": in_scope(plan_2026) - 3,
    }  # fmt: skip
    assert progress.overall.total == in_scope(plan_2026) == 199
    assert sum(row.total for row in progress.by_part) == sum(row.total for row in progress.by_area) == 199


def test_the_share_implemented_counts_only_statuses_that_count_as_implemented(plan_2026, tracked):
    progress = PlanProgress(plan_2026, tracked.period)
    area_2_8 = next(row for row in progress.by_area if row.area == line(PLAN, "2.8.1").area)
    assert area_2_8.implemented == 2  # ongoing and completed; delayed 1.1.1 is in another pillar
    assert area_2_8.share_percent == round(200 / area_2_8.total)
    assert progress.overall.implemented == 2
    assert progress.overall.share_percent == round(200 / 199)


def test_an_administrator_decides_which_statuses_count_as_implemented(plan_2026, tracked):
    Status.objects.filter(code="delayed").update(counts_as_implemented=True)
    assert PlanProgress(plan_2026, tracked.period).overall.implemented == 3


def test_the_change_since_the_previous_period_is_given_per_status(plan_2026, tracked):
    progress = PlanProgress(plan_2026, tracked.period)
    assert progress.previous_period == tracked.previous
    overall = deltas_by_code(progress.overall)
    assert overall == {
        "not-started": 0, "planned": -1, "ongoing": 0, "completed": 1, "delayed": 1, "discontinued": 0,
        "none": -1,
    }  # fmt: skip
    pillar_2 = next(row for row in progress.by_part if row.part == line(PLAN, "2.8.1").part)
    assert deltas_by_code(pillar_2)["none"] == 0
    assert progress.overall.share_delta == round(200 / 199) - round(100 / 199)


def test_the_page_shows_the_change_as_signed_numbers(client, reader, tracked):
    html = dashboard(client, reader).content.decode()
    assert '<small class="delta" title="change since the previous period">−1</small>' in html
    assert '<small class="delta" title="change since the previous period">+1</small>' in html
    assert "The small signed numbers are the change since 2025–2026." in html


def test_the_first_period_shows_no_change(client, plan_2026, reader, secretariat):
    first = make_period(plan_2026)
    confirm("2.8.1", first, "ongoing", secretariat)
    progress = PlanProgress(plan_2026, first)
    assert progress.previous_period is None
    assert all(cell.delta is None for cell in progress.overall.cells)
    assert progress.overall.share_delta is None
    html = dashboard(client, reader).content.decode()
    assert 'class="delta"' not in html
    assert "There is no earlier period to compare with." in html


def test_lines_without_any_update_for_the_period_are_counted_and_linked(plan_2026, tracked):
    progress = PlanProgress(plan_2026, tracked.period)
    assert progress.overall.without_update == 199 - 3  # a draft counts as an update
    area_2_8 = next(row for row in progress.by_area if row.area == line(PLAN, "2.8.1").area)
    assert area_2_8.without_update == area_2_8.total - 3
    assert params(progress.overall.without_update_url) == {
        "plan": PLAN, "period": str(tracked.period.pk), "state": "none",
    }  # fmt: skip


def test_each_owner_shows_its_lines_reported_pending_review_and_overdue(plan_2026, tracked):
    owners = {row.organisation.acronym: row for row in PlanProgress(plan_2026, tracked.period).by_owner}
    owner, other = owners["TEST-OWNER"], owners["TEST-OTHER"]
    assert (owner.owned, owner.approved, owner.pending, owner.reported, owner.overdue) == (4, 1, 1, 2, 2)
    assert (other.owned, other.approved, other.pending, other.reported, other.overdue) == (2, 0, 0, 0, 2)


def test_nothing_is_overdue_before_the_deadline(plan_2026, tracked):
    tracked.period.deadline = timezone.localdate()
    tracked.period.save()
    owners = PlanProgress(plan_2026, tracked.period).by_owner
    assert owners and all(row.overdue == 0 for row in owners)


def test_suggested_and_rejected_owners_are_left_out(plan_2026, tracked):
    bystander = make_organisation(acronym="TEST-SUGGESTED")
    ownership = own(line(PLAN, "2.8.4"), bystander)
    ownership.state = "suggested"
    ownership.save()
    acronyms = {row.organisation.acronym for row in PlanProgress(plan_2026, tracked.period).by_owner}
    assert "TEST-SUGGESTED" not in acronyms


def test_every_number_links_to_the_register_filtered_to_the_lines_behind_it(plan_2026, tracked):
    progress = PlanProgress(plan_2026, tracked.period)
    transport = line(PLAN, "2.8.1")
    base = {"plan": PLAN, "period": str(tracked.period.pk)}
    pillar_2 = next(row for row in progress.by_part if row.part == transport.part)
    ongoing = next(cell for cell in pillar_2.cells if cell.status and cell.status.code == "ongoing")
    assert params(ongoing.url) == base | {"part": str(transport.part_id), "period_status": "ongoing"}
    assert params(pillar_2.cells[-1].url) == base | {"part": str(transport.part_id), "period_status": "none"}
    assert params(pillar_2.total_url) == base | {"part": str(transport.part_id)}
    area_2_8 = next(row for row in progress.by_area if row.area == transport.area)
    assert params(area_2_8.without_update_url) == base | {
        "part": str(transport.part_id), "area": str(transport.area_id), "state": "none",
    }  # fmt: skip
    assert params(progress.overall.total_url) == base
    owner = next(row for row in progress.by_owner if row.organisation.acronym == "TEST-OWNER")
    assert params(owner.urls["owned"]) == base | {"owner": "TEST-OWNER"}
    assert params(owner.urls["approved"]) == base | {"owner": "TEST-OWNER", "state": "approved"}
    assert params(owner.urls["pending"]) == base | {"owner": "TEST-OWNER", "state": "submitted"}
    assert params(owner.urls["overdue"]) == base | {"owner": "TEST-OWNER", "overdue": "yes"}


def test_the_register_shows_as_many_lines_as_the_number_that_links_to_it(client, reader, plan_2026, tracked):
    progress = PlanProgress(plan_2026, tracked.period)
    pillar_2 = next(row for row in progress.by_part if row.part == line(PLAN, "2.8.1").part)
    owner = next(row for row in progress.by_owner if row.organisation.acronym == "TEST-OWNER")
    numbers = [(cell.count, cell.url) for cell in pillar_2.cells] + [
        (pillar_2.total, pillar_2.total_url),
        (pillar_2.without_update, pillar_2.without_update_url),
        (progress.overall.without_update, progress.overall.without_update_url),
        *((getattr(owner, name), owner.urls[name]) for name in ("owned", "approved", "pending", "overdue")),
    ]
    client.force_login(reader)
    for count, url in numbers:
        assert client.get(url).context["filter"].qs.count() == count, url


def test_the_page_carries_the_links(client, reader, tracked):
    html = dashboard(client, reader).content.decode()
    part = line(PLAN, "2.8.1").part_id
    register = reverse("commitments:register")
    period = tracked.period.pk
    assert (
        f'href="{register}?plan={PLAN}&amp;period={period}&amp;part={part}&amp;period_status=ongoing"' in html
    )
    assert f"?plan={PLAN}&amp;period={tracked.period.pk}&amp;owner=TEST-OWNER&amp;overdue=yes" in html


def test_lines_outside_any_area_link_to_their_pillar_only_when_they_are_all_of_it(plan_2026):
    progress = PlanProgress(plan_2026, make_period(plan_2026))
    pillar_5 = line(PLAN, "5.1").part
    outside = [row for row in progress.by_area if row.area is None and row.part == pillar_5]
    assert len(outside) == 1 and outside[0].label == "Outside any area"
    assert params(outside[0].total_url) == {"plan": PLAN, "period": ANY, "part": str(pillar_5.pk)}

    older = Plan.objects.get(code="poa-2021-2025")
    mixed = [row for row in PlanProgress(older, make_period(older)).by_area if row.area is None]
    between_areas = next(row for row in mixed if row.part == line("poa-2021-2025", "1.7").part)
    assert between_areas.total_url is None and all(cell.url is None for cell in between_areas.cells)


def test_the_page_opens_on_the_newest_plan_of_action_and_its_open_period(client, reader, tracked):
    response = dashboard(client, reader)
    assert response.status_code == 200
    assert response.context["plan"].code == PLAN
    assert response.context["period"] == tracked.period


def test_without_an_open_period_the_page_shows_the_one_that_ends_last(client, reader, tracked):
    tracked.period.close_for_updates()
    assert dashboard(client, reader).context["period"] == tracked.period


def test_choosing_a_plan_and_a_period_shows_them(client, reader, plan_2026, tracked):
    response = dashboard(client, reader, plan=PLAN, period=tracked.previous.pk)
    assert response.context["period"] == tracked.previous
    assert response.context["progress"].overall.cells[-1].count == 199 - 2
    assert f'<option value="{tracked.previous.pk}" selected>' in response.content.decode()

    older = Plan.objects.get(code="poa-2021-2025")
    its_period = make_period(
        older,
        label="2021",
        starts_on=datetime.date(2021, 1, 1),
        ends_on=datetime.date(2021, 12, 31),
        is_open=False,
    )
    # The form still sends the period of the plan shown before: the new plan's own period is taken.
    response = dashboard(client, reader, plan="poa-2021-2025", period=tracked.period.pk)
    assert response.context["plan"] == older and response.context["period"] == its_period
    assert response.context["progress"].overall.total == 200


def test_an_unknown_plan_is_not_found(client, reader):
    assert dashboard(client, reader, plan="no-such-plan").status_code == 404


def test_a_plan_without_periods_says_a_secretariat_officer_creates_them(client, reader, secretariat):
    periods_page = reverse("commitments:period-list", args=[PLAN])
    response = dashboard(client, reader)
    html = response.content.decode()
    assert response.status_code == 200 and response.context["period"] is None
    assert "A secretariat officer creates reporting periods on the periods page." in html
    assert periods_page not in html
    assert periods_page in dashboard(client, secretariat).content.decode()


def test_the_status_chart_is_well_formed_svg_with_a_bar_per_pillar_and_the_counts(plan_2026, tracked):
    progress = PlanProgress(plan_2026, tracked.period)
    svg = ET.fromstring(str(status_chart_svg(progress.by_part, progress.statuses)))
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img" and svg.get("aria-label")
    assert len(svg.findall(f"{SVG}g[@class='row']")) == len(progress.by_part) == 6
    titles = [title.text for title in svg.iter(f"{SVG}title")]
    pillar_2 = str(line(PLAN, "2.8.1").part)
    assert f"{pillar_2}: Completed 1" in titles
    assert f"{pillar_2}: Not confirmed {in_scope(plan_2026, part=line(PLAN, '2.8.1').part) - 2}" in titles
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert all(str(row.total) in texts for row in progress.by_part)
    assert [text for text in texts if text in ("Ongoing", "Not confirmed")] == ["Ongoing", "Not confirmed"]
    assert len(svg.findall(f".//{SVG}pattern")) >= 5  # the statuses tell apart in black and white


def test_the_chart_escapes_its_texts_and_survives_a_bad_colour():
    row = SimpleNamespace(label='Pillar <script>alert("x")</script> & co', counts={1: 3, None: 2})
    status = type("S", (), {"pk": 1, "colour": 'red" onload="x', "__str__": lambda self: "A & <b>"})()
    markup = str(status_chart_svg([row], [status], title='Lines "by" <status>'))
    svg = ET.fromstring(markup)
    assert "<script>" not in markup and "onload" not in markup
    assert svg.get("aria-label") == 'Lines "by" <status>'
    assert "A & <b>" in [text.text for text in svg.iter(f"{SVG}text")]


def test_the_dashboard_shows_the_chart_and_tables(client, reader, tracked):
    html = dashboard(client, reader).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="status-chart"' in html
    assert "Status by pillar" in html and "Status by area" in html and "Reporting by owner" in html
    assert "TEST-OWNER" in html and "Test owning body" in html


def test_a_reader_sees_the_dashboard_and_a_user_without_a_role_is_refused(client, reader):
    assert dashboard(client, reader).status_code == 200
    assert dashboard(client, make_user("nobody")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("commitments:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_dashboard_runs_the_same_queries_with_few_or_many_lines_owners_and_updates(
    client, reader, plan_2026, tracked, secretariat, focal_point, django_assert_max_num_queries
):
    client.force_login(reader)
    # 10, and one for the plan's quantified targets with their progress
    with CaptureQueriesContext(connection) as few, django_assert_max_num_queries(11):
        assert client.get(reverse("commitments:dashboard")).status_code == 200
    untouched = ActionLine.objects.for_plan(plan_2026).exclude(code__startswith="2.8.").exclude(code="1.1.1")
    lines = list(untouched[:80])
    organisations = [make_organisation(acronym=f"TEST-{n}", name_en=f"Body {n}") for n in range(30)]
    statuses = list(Status.objects.all())
    for index, action_line in enumerate(lines):
        organisation = organisations[index % len(organisations)]
        own(action_line, organisation)
        state = ["draft", "submitted", "approved"][index % 3]
        make_update(action_line, tracked.period, organisation, focal_point, status=statuses[0], state=state)
        PeriodStatus.objects.create(line=action_line, period=tracked.period).confirm(
            by=secretariat, status=statuses[index % len(statuses)]
        )
    with CaptureQueriesContext(connection) as many, django_assert_max_num_queries(11):
        response = client.get(reverse("commitments:dashboard"))
    assert len(response.context["progress"].by_owner) == 32
    assert len(many) == len(few)


def test_owners_are_shown_a_page_at_a_time(client, reader, plan_2026, tracked):
    for n in range(30):
        own(line(PLAN, "2.8.4"), make_organisation(acronym=f"TEST-{n:02}", name_en=f"Body {n}"))
    first = dashboard(client, reader)
    assert len(first.context["owners"]) == 25
    html = first.content.decode()
    assert "owners=2#owners" in html
    second = dashboard(client, reader, owners=2)
    assert len(second.context["owners"]) == 32 - 25


def test_the_dashboard_speaks_chinese_with_chinese_status_labels(client, reader, tracked):
    client.force_login(reader)
    # The middleware leaves the request's language active; give the next tests back theirs.
    with translation.override(translation.get_language()):
        response = client.get(reverse("commitments:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 200 and 'lang="zh-hans"' in html
    assert "正在实施" in html and "已完成" in html
    assert "测试牵头机构" in html
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    assert "正在实施" in svg and ET.fromstring(svg) is not None


def test_the_pending_count_follows_the_updates_through_review(plan_2026, tracked, owner, secretariat):
    update = StatusUpdate.objects.get(line=line(PLAN, "2.8.2"), organisation=owner)
    update.approve(by=secretariat)
    owner_row = next(r for r in PlanProgress(plan_2026, tracked.period).by_owner if r.organisation == owner)
    assert (owner_row.approved, owner_row.pending) == (2, 0)
