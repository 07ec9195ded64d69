"""Values reported towards the quantified targets: what a period achieved, approved with the update,
and each target's progress against the straight line from its start to its end."""

import datetime
import io
import time
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from commitments.forms import TargetValuesForm
from commitments.models import Plan, Status, StatusUpdate, Target, TargetValue
from commitments.models.tracking import IllegalTransition
from commitments.progress_report import html, wording, xlsx
from commitments.progress_report.build import build_report
from commitments.progress_report.content import ReportContent
from commitments.progress_report.document import layout

from .conftest import line, make_organisation, make_period, make_update, own
from .test_html_is_valid import check, needs_java

pytestmark = pytest.mark.django_db

ANNEX = "csp-poa-2022-2025"
ON = datetime.date(2024, 1, 1)  # two years into the annex: 730 days


@pytest.fixture
def annex():
    return Plan.objects.get(code=ANNEX)


@pytest.fixture
def annex_period(annex):
    return make_period(
        annex, label="2023–2024", starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2024, 12, 31),
        deadline=datetime.date(2024, 11, 30),
    )  # fmt: skip


@pytest.fixture
def health(annex_period, owner, focal_point):
    """The owner's draft update of annex line 2.1 (1.5亿剂 of vaccines)."""
    own(line(ANNEX, "2.1"), owner)
    return make_update(line(ANNEX, "2.1"), annex_period, owner, focal_point)


def target(key: str) -> Target:
    return Target.objects.select_related("line").get(key=key)


def reported(update, key: str, value: int, source: str = "Ministry records") -> TargetValue:
    return TargetValue.objects.create(update=update, target=target(key), value=value, source=source)


def approved_update(code: str, organisation, period, author, **values) -> StatusUpdate:
    update = make_update(line(ANNEX, code), period, organisation, author, state="approved")
    for key, value in values.items():
        reported(update, key.replace("_", "-"), value)
    return update


# --- the rules on the model --------------------------------------------------------------------------


def test_a_value_for_a_target_of_another_line_is_refused(health):
    value = TargetValue(update=health, target=target("agricultural-imports"), value=5, source="Customs")
    with pytest.raises(ValidationError) as refused:
        value.full_clean()
    assert "not one of the line's" in str(refused.value.message_dict["value"])


def test_a_value_needs_the_source_of_its_figure(health):
    value = TargetValue(update=health, target=target("covid-vaccine-doses"), value=5, source="  ")
    with pytest.raises(ValidationError) as refused:
        value.full_clean()
    assert refused.value.message_dict["source"] == ["Say where the figure comes from."]


def test_a_value_is_a_whole_number_of_zero_or_more(health):
    value = TargetValue(update=health, target=target("covid-vaccine-doses"), value=-1, source="Records")
    with pytest.raises(ValidationError) as refused:
        value.full_clean()
    assert "value" in refused.value.message_dict


def test_an_update_reports_one_value_per_target(health):
    reported(health, "covid-vaccine-doses", 10)
    second = TargetValue(update=health, target=target("covid-vaccine-doses"), value=20, source="Records")
    with pytest.raises(ValidationError):
        second.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_saving_values_sets_changes_and_clears_each_targets_value_keeping_the_history(health):
    doses = target("covid-vaccine-doses")
    TargetValue.save_for(health, {doses: (40_000_000, "Ministry of Health")})
    TargetValue.save_for(health, {doses: (45_000_000, "Ministry of Health, revised")})
    assert [(v.value, v.source) for v in health.target_values.all()] == [
        (45_000_000, "Ministry of Health, revised")
    ]
    TargetValue.save_for(health, {doses: (None, "")})
    assert not health.target_values.exists()
    assert [h.value for h in TargetValue.history.order_by("history_id")] == [
        40_000_000,
        45_000_000,
        45_000_000,
    ]


def test_saving_values_checks_each_with_the_models_rule(health):
    with pytest.raises(ValidationError):
        TargetValue.save_for(health, {target("agricultural-imports"): (5, "Customs")})
    assert not TargetValue.objects.exists()


def test_the_values_of_a_submitted_or_approved_update_cannot_be_changed(health):
    health.state = StatusUpdate.State.APPROVED
    with pytest.raises(IllegalTransition):
        TargetValue.save_for(health, {target("covid-vaccine-doses"): (5, "Records")})
    assert not TargetValue.objects.exists()


# --- progress: reported to date, share, expected on the straight line ----------------------------------


def test_the_vaccine_target_two_years_in_shows_its_share_and_where_the_straight_line_is(
    annex_period, owner, other_owner, focal_point
):
    approved_update("2.1", owner, annex_period, focal_point, covid_vaccine_doses=40_000_000)
    approved_update("2.1", other_owner, annex_period, focal_point, covid_vaccine_doses=20_000_000)
    (progress,) = Target.objects.filter(key="covid-vaccine-doses").progress_on(ON)
    assert (progress.reported, progress.expected) == (60_000_000, 75_000_000)  # 150,000,000 × 730 / 1460
    assert (progress.share_percent, progress.expected_percent) == (40.0, 50.0)
    assert progress.is_behind


def test_the_imports_target_ahead_of_its_straight_line_is_on_track(annex_period, owner, focal_point):
    approved_update("3.6", owner, annex_period, focal_point, agricultural_imports=70_000_000_000)
    (progress,) = Target.objects.filter(key="agricultural-imports").progress_on(ON)
    assert progress.expected == 60_000_000_000  # USD 150,000,000,000 × 730 / 1826 days, rounded down
    assert (progress.reported, progress.share_percent, progress.is_behind) == (70_000_000_000, 46.7, False)


def test_the_straight_line_starts_at_the_baseline_and_stops_at_the_target():
    doses = target("covid-vaccine-doses")
    doses.baseline = 10_000_000
    assert doses.expected_on(datetime.date(2021, 6, 1)) == 10_000_000
    assert doses.expected_on(doses.starts_on) == 10_000_000
    assert doses.expected_on(datetime.date(2030, 1, 1)) == 150_000_000
    assert doses.progress(0, on=doses.starts_on).reported == 10_000_000  # the baseline counts


def test_only_approved_updates_count_towards_a_target(annex_period, owner, other_owner, focal_point):
    approved_update("2.1", owner, annex_period, focal_point, covid_vaccine_doses=30_000_000)
    for state in ["draft", "submitted", "returned"]:
        organisation = make_organisation(acronym=f"TEST-{state}")
        update = make_update(line(ANNEX, "2.1"), annex_period, organisation, focal_point, state=state)
        reported(update, "covid-vaccine-doses", 100_000_000)
    (progress,) = Target.objects.filter(key="covid-vaccine-doses").progress_on(ON)
    assert progress.reported == 30_000_000


def test_every_target_of_a_plan_with_its_progress_is_one_query(
    annex_period, owner, focal_point, django_assert_num_queries
):
    approved_update("2.1", owner, annex_period, focal_point, covid_vaccine_doses=1)
    approved_update("3.13", owner, annex_period, focal_point, technologies=400, young_scientists=120)
    annex = Plan.objects.get(code=ANNEX)
    with django_assert_num_queries(1):
        progress = Target.objects.for_plan(annex).progress_on(ON)
    assert {p.target.key: p.reported for p in progress}["technologies"] == 400
    assert len(progress) == 6


# --- the update form -----------------------------------------------------------------------------------


def form_data(update, **overrides) -> dict:
    return {
        "version": update.version, "status": Status.objects.get(code="ongoing").pk,
        "narrative_en": "Doses delivered.", "narrative_zh": "",
        "activities-TOTAL_FORMS": 2, "activities-INITIAL_FORMS": 0,
        "evidence-TOTAL_FORMS": 2, "evidence-INITIAL_FORMS": 0, "save": "",
    } | overrides  # fmt: skip


def edit(client, update, **overrides):
    return client.post(reverse("commitments:update-edit", args=[update.pk]), form_data(update, **overrides))


def test_the_update_form_asks_for_each_target_of_the_line_with_its_unit(client, health, focal_point):
    client.force_login(focal_point)
    html_text = client.get(reverse("commitments:update-edit", args=[health.pk])).content.decode()
    doses = target("covid-vaccine-doses")
    assert (
        f'name="targets-value_{doses.pk}"' in html_text and f'name="targets-source_{doses.pk}"' in html_text
    )
    assert "in doses" in html_text and "Achieved in this period only, not the total so far." in html_text


def test_an_owner_reports_a_value_and_its_source_written_as_owners_write_figures(client, health, focal_point):
    doses = target("covid-vaccine-doses")
    client.force_login(focal_point)
    response = edit(
        client, health, **{f"targets-value_{doses.pk}": "40,000,000", f"targets-source_{doses.pk}": "MoH"}
    )
    assert response.status_code == 302
    assert [(v.value, v.source) for v in health.target_values.all()] == [(40_000_000, "MoH")]


@pytest.mark.parametrize(
    ("value", "source", "message"),
    [
        ("40000000", "", "Source of the figure: Say where the figure comes from."),
        ("-5", "MoH", "Ensure this value is greater than or equal to 0."),
        ("forty", "MoH", "Enter a whole number."),
        ("", "MoH", "Give the figure this source is for, or clear the source."),
        ("99999999999999999999", "MoH", "Ensure this value is less than or equal to"),
    ],
)
def test_a_wrong_value_is_refused_with_a_clear_error_and_nothing_is_lost(
    client, health, focal_point, value, source, message
):
    doses = target("covid-vaccine-doses")
    client.force_login(focal_point)
    response = edit(
        client, health, narrative_en="Typed text",
        **{f"targets-value_{doses.pk}": value, f"targets-source_{doses.pk}": source},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and 'id="errors"' in page
    assert "Typed text" in page and (f'value="{value}"' in page if value else "MoH</textarea>" in page)
    health.refresh_from_db()
    assert health.narrative_en == "" and not TargetValue.objects.exists()


def test_the_form_errors_are_in_chinese_for_a_chinese_interface(health):
    from django.utils import translation

    doses = target("covid-vaccine-doses")
    with translation.override("zh-hans"):
        form = TargetValuesForm({f"targets-value_{doses.pk}": "-1"}, update=health)
        assert not form.is_valid()
        assert form.errors[f"value_{doses.pk}"] == [
            translation.gettext("Ensure this value is greater than or equal to %(limit_value)s.")
            % {"limit_value": 0}
        ]


def test_the_update_page_shows_the_values_reported(client, health, focal_point, reader):
    reported(health, "covid-vaccine-doses", 40_000_000, "Ministry of Health records")
    client.force_login(reader)
    page = client.get(reverse("commitments:update-detail", args=[health.pk])).content.decode()
    assert (
        "Towards the targets" in page and "40,000,000 doses" in page and "Ministry of Health records" in page
    )


# --- the line page, the dashboard and the register ------------------------------------------------------


def test_the_line_page_shows_each_targets_progress(client, reader, annex_period, owner, focal_point):
    approved_update("3.13", owner, annex_period, focal_point, technologies=1_000)
    client.force_login(reader)
    response = client.get(line(ANNEX, "3.13").get_absolute_url())
    rows = {p.target.key: p for p in response.context["target_progress"]}
    assert rows["technologies"].share_percent == 100.0 and not rows["technologies"].is_behind
    assert (
        rows["young-scientists"].reported == 0 and rows["young-scientists"].is_behind
    )  # today is past its start
    page = response.content.decode()
    assert "Quantified targets" in page and "On track" in page and "Behind" in page


def test_the_dashboard_shows_the_plans_targets_in_one_more_query_whatever_their_values(
    client, reader, annex_period, owner, focal_point
):
    client.force_login(reader)
    url = reverse("commitments:dashboard") + f"?plan={ANNEX}"
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "Quantified targets" in page and page.count('class="badge late">Behind') == 6
    approved_update("2.1", owner, annex_period, focal_point, covid_vaccine_doses=150_000_000)
    approved_update("3.13", owner, annex_period, focal_point, technologies=1_000, young_scientists=300)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count('class="badge late">Behind') == 3
    assert len(many) == len(few)


def test_the_dashboard_of_a_plan_without_targets_has_no_targets_section(client, reader, period):
    client.force_login(reader)
    assert "Quantified targets" not in client.get(reverse("commitments:dashboard")).content.decode()


def test_the_register_filters_the_lines_with_a_target_behind_its_straight_line(
    client, reader, annex_period, owner, focal_point
):
    approved_update("3.6", owner, annex_period, focal_point, agricultural_imports=150_000_000_000)
    approved_update("3.13", owner, annex_period, focal_point, technologies=1_000)  # its scientists are not
    client.force_login(reader)
    response = client.get(reverse("commitments:register"), {"plan": ANNEX, "behind": "on"})
    assert [row.code for row in response.context["filter"].qs] == ["2.1", "3.7", "3.13", "4.3"]


# --- the progress report ---------------------------------------------------------------------------------


def test_the_report_shows_only_the_values_approved_by_its_cut_off(
    annex, annex_period, owner, other_owner, focal_point, secretariat
):
    own(line(ANNEX, "2.1"), other_owner)
    first = make_update(line(ANNEX, "2.1"), annex_period, owner, focal_point, state="submitted")
    reported(first, "covid-vaccine-doses", 50_000_000)
    first.approve(by=secretariat)
    cut_off = timezone.now()
    time.sleep(0.01)
    later = make_update(line(ANNEX, "2.1"), annex_period, other_owner, focal_point, state="submitted")
    reported(later, "covid-vaccine-doses", 30_000_000)
    later.approve(by=secretariat)
    waiting = make_update(line(ANNEX, "3.6"), annex_period, owner, focal_point, state="submitted")
    reported(waiting, "agricultural-imports", 1_000)

    then = {t.line: t for t in build_report(annex, annex_period, "en", as_of=cut_off).targets}
    assert then["2.1"].reported == 50_000_000 and then["2.1"].expected == 150_000_000  # the end has passed
    assert then["2.1"].share_percent == pytest.approx(33.3) and then["2.1"].is_behind
    now = {t.line: t for t in build_report(annex, annex_period, "en", as_of=timezone.now()).targets}
    assert now["2.1"].reported == 80_000_000 and now["3.6"].reported == 0  # not approved


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Quantified targets", "USD 150,000,000,000", "Behind"]),
        ("zh", ["1500亿美元", "150,000,000剂", "中方向东盟国家提供的新冠疫苗援助", "2025年12月31日"]),
    ],
)
def test_the_report_has_the_target_table_in_both_languages(
    annex, annex_period, owner, focal_point, language, words
):
    approved_update("2.1", owner, annex_period, focal_point, covid_vaccine_doses=60_000_000)
    content = build_report(annex, annex_period, language, as_of=timezone.now())
    tables = [block for block in layout(content).body if getattr(block, "name", "") == "targets"]
    assert len(tables) == 1 and [row.key for row in tables[0].rows] == [
        "2.1",
        "3.6",
        "3.7",
        "3.13",
        "3.13",
        "4.3",
    ]
    assert tables[0].rows[0].cells[2].startswith("60,000,000")
    rendered = html.render(content).decode()
    assert all(word in rendered for word in words)
    assert 'class="report-table report-targets"' in rendered
    again = ReportContent.from_json(content.to_json())  # kept with a final edition
    assert again.targets == content.targets


@needs_java
def test_the_pages_with_targets_are_valid_html_in_both_languages(
    client, tmp_path, health, focal_point, reader, annex_period, owner
):
    reported(approved_update("3.13", owner, annex_period, focal_point), "technologies", 10)
    reported(health, "covid-vaccine-doses", 5)
    doses = target("covid-vaccine-doses")
    files = []
    for language in ["en", "zh-hans"]:
        client.cookies["django_language"] = language
        client.force_login(reader)
        for path in [
            line(ANNEX, "3.13").get_absolute_url(),
            reverse("commitments:dashboard") + f"?plan={ANNEX}",
            reverse("commitments:update-detail", args=[health.pk]),
        ]:
            files.append(tmp_path / f"{len(files)}.html")
            files[-1].write_bytes(client.get(path).content)
        client.force_login(focal_point)
        refused = edit(client, health, **{f"targets-value_{doses.pk}": "-1"})
        files.append(tmp_path / f"{len(files)}.html")
        files[-1].write_bytes(refused.content)
    assert check(files) == []


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (150_000_000_000, "1500亿美元"),  # the annex's agricultural imports
        (1_500_000_000, "15亿美元"),
        (1_250_000_000, "12.5亿美元"),
        (3_000_000, "300万美元"),  # under a hundred million: in ten thousands
        (147_369_863_013, "147,369,863,013美元"),  # not whole millions: as it is
    ],
)
def test_chinese_reports_write_large_sums_in_yi_and_wan_as_chinese_does(amount, written):
    assert wording.usd(SimpleNamespace(language="zh"), amount) == written


def test_the_report_as_a_spreadsheet_has_the_targets_as_numbers(annex, annex_period, owner, focal_point):
    approved_update("2.1", owner, annex_period, focal_point, covid_vaccine_doses=60_000_000)
    content = build_report(annex, annex_period, "en", as_of=timezone.now())
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.render(content)))["Quantified targets"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Code", "Target", "Unit", "Target value")
    doses = next(row for row in rows if row[0] == "2.1")
    assert (doses[3], doses[7], doses[8], doses[10]) == (150_000_000, 60_000_000, 40.0, "Behind")
    assert len(rows) == 1 + len(content.targets)


def test_an_amount_of_a_target_is_written_as_each_language_writes_it(db):
    technologies = target("technologies")
    with translation.override("en"):
        assert technologies.amount(1_000) == "1,000 technologies"
    with translation.override("zh-hans"):
        assert technologies.amount(1_000) == "1,000项"  # no space before a Chinese measure word
