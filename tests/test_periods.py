"""The secretariat's reporting periods: a period names the Summit its progress report goes to."""

import pytest
from django.urls import reverse

from commitments.models import ReportingPeriod

pytestmark = pytest.mark.django_db

SUMMIT_EN = "the 30th ASEAN–China Summit, October 2027"
SUMMIT_ZH = "第30次中国—东盟领导人会议"


def period_data(period: ReportingPeriod, **overrides) -> dict:
    return {
        "label": period.label, "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(), "deadline": period.deadline.isoformat(),
    } | overrides  # fmt: skip


def test_the_secretariat_names_a_periods_summit_in_english_and_in_chinese(client, period, secretariat):
    client.force_login(secretariat)
    url = reverse("commitments:period-edit", args=[period.pk])
    response = client.post(url, period_data(period, meeting_en=SUMMIT_EN, meeting_zh=SUMMIT_ZH))
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.meeting_en, period.meeting_zh) == (SUMMIT_EN, SUMMIT_ZH)
    form = client.get(url).context["form"]
    assert (form["meeting_en"].value(), form["meeting_zh"].value()) == (SUMMIT_EN, SUMMIT_ZH)
    assert 'lang="zh-Hans"' in str(form["meeting_zh"])


def test_a_new_period_may_name_its_summit_or_leave_it_for_later(client, plan_2026, secretariat):
    client.force_login(secretariat)
    url = reverse("commitments:period-list", args=[plan_2026.code])
    new = {"label": "2026–2027", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "deadline": "2026-11-30"}
    assert client.post(url, new | {"meeting_en": SUMMIT_EN}).status_code == 302
    created = ReportingPeriod.objects.get(plan=plan_2026, label="2026–2027")
    assert (created.meeting_en, created.meeting_zh) == (SUMMIT_EN, "")


def test_the_period_form_is_labelled_in_chinese_for_a_chinese_interface(client, period, secretariat):
    client.force_login(secretariat)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("commitments:period-edit", args=[period.pk])).content.decode()
    assert "领导人会议（英文）" in page and "领导人会议（中文）" in page


def test_the_migration_moves_titles_written_in_chinese_to_the_chinese_field_history_included(
    plan_2026, period, owner, focal_point
):
    import importlib

    from django.apps import apps

    from commitments.models import Activity

    from .conftest import line, make_update

    migration = importlib.import_module("commitments.migrations.0010_funds_and_report_texts_data")
    update = make_update(line("poa-2026-2030", "1.1.1"), period, owner, focal_point)
    chinese = Activity.objects.create(
        update=update, date=period.starts_on, title_en="中国—东盟研讨会", place_en="南宁"
    )
    english = Activity.objects.create(update=update, date=period.starts_on, title_en="ASEAN–China workshop")

    migration.move_chinese(apps, None)

    chinese.refresh_from_db()
    english.refresh_from_db()
    assert (chinese.title_en, chinese.title_zh, chinese.place_zh) == ("", "中国—东盟研讨会", "南宁")
    assert (english.title_en, english.title_zh) == ("ASEAN–China workshop", "")
    assert chinese.history.earliest().title_zh == "中国—东盟研讨会"
