"""Both languages: the Chinese catalogue follows the glossary, the line history reads in the
interface language and the site's time zone, dates have one format per language, and pages name
plans, not their codes."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = tomllib.loads((ROOT / "docs" / "glossary.toml").read_text(encoding="utf-8"))["term"]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0-9.]*[sdfi]|\{\{ *\w+ *\}\}")


def catalogue() -> list[tuple[str, list[str]]]:
    """(message id with its plural, [its Chinese texts]) for every translated message."""
    entries, current, key = [], None, None
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#~") or not line.strip() or line.startswith("msgctxt"):
            if current and current["msgid"]:
                entries.append(current)
            current = None if not line.strip() or line.startswith("#~") else current
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgid", "msgid_plural") or keyword.startswith("msgstr"):
            if keyword == "msgid":
                if current and current["msgid"]:
                    entries.append(current)
                current = {"msgid": "", "msgid_plural": "", "msgstr": []}
            key = keyword
            if keyword.startswith("msgstr"):
                current["msgstr"].append("")
            line = rest
        text = ast.literal_eval(line)
        if key.startswith("msgstr"):
            current["msgstr"][-1] += text
        else:
            current[key] += text
    return [(f"{e['msgid']} {e['msgid_plural']}".strip(), e["msgstr"]) for e in entries]


MESSAGES = catalogue()


def says(term: dict, msgid: str) -> bool:
    excepted = {item["msgid"] for item in term.get("except", [])}
    return msgid not in excepted and re.search(term["en"], PLACEHOLDER.sub("", msgid)) is not None


def test_the_catalogue_is_read_whole():
    assert len(MESSAGES) > 500 and all(all(texts) for _, texts in MESSAGES)


@pytest.mark.parametrize("term", GLOSSARY, ids=[term["concept"] for term in GLOSSARY])
def test_every_message_naming_a_concept_uses_the_glossarys_chinese_term(term):
    wrong = [
        (msgid, texts)
        for msgid, texts in MESSAGES
        if says(term, msgid) and not all(term["zh"] in t for t in texts)
    ]
    assert not wrong, f"{term['concept']} should read {term['zh']} in:\n" + "\n".join(map(str, wrong))


@pytest.mark.parametrize("term", [t for t in GLOSSARY if t.get("only")], ids=lambda term: term["concept"])
def test_a_glossary_term_names_one_concept_only(term):
    elsewhere = [
        (msgid, texts)
        for msgid, texts in MESSAGES
        if any(term["zh"] in t for t in texts) and not says(term, msgid)
    ]
    assert not elsewhere, f"{term['zh']} is only for {term['concept']}:\n" + "\n".join(map(str, elsewhere))


@pytest.mark.parametrize("term", [t for t in GLOSSARY if t.get("never")], ids=lambda term: term["concept"])
def test_the_words_the_glossary_rules_out_are_never_used(term):
    used = [
        (msgid, texts) for msgid, texts in MESSAGES for word in term["never"] if any(word in t for t in texts)
    ]
    assert not used, f"{term['concept']} is {term['zh']}, never {term['never']}:\n" + "\n".join(
        map(str, used)
    )


def test_the_glossary_document_lists_every_term_of_the_table():
    document = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert all(term["zh"] in document for term in GLOSSARY)


# The line history, in the interface language and the site's time zone.


@pytest.fixture
def reported_line(plan_2026, period, owner, focal_point, secretariat):
    """Line 2.8.1 with its owner, an approved update with a meeting, and its status confirmed."""
    import datetime

    from commitments.models import Activity, PeriodStatus, Status

    from .conftest import line, make_update, own

    reported = line("poa-2026-2030", "2.8.1")
    own(reported, owner, "lead")
    update = make_update(
        reported, period, owner, focal_point, status=Status.objects.get(code="ongoing"), narrative_en="Done."
    )
    Activity.objects.create(
        update=update, date=datetime.date(2026, 3, 4), title_en="Dialogue", kind="meeting"
    )
    update.submit(by=focal_point)
    update.approve(by=secretariat)
    PeriodStatus.objects.get(line=reported, period=period).confirm(by=secretariat)
    return reported


def history(client, user, line, language: str) -> str:
    client.force_login(user)
    html = client.get(line.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return html[html.index('<section class="history">') :]


def test_the_history_names_fields_and_values_as_the_interface_does_in_english(client, reader, reported_line):
    page = history(client, reader, reported_line, "en")
    for label in ("organisation", "confirmed at", "proposed status", "role", "kind", "state"):
        assert f"<strong>{label}</strong>" in page
    assert "<strong>proposed</strong>" not in page
    assert "<ins>Lead</ins>" in page and "<ins>Meeting</ins>" in page
    assert "<del>Submitted</del> → <ins>Approved</ins>" in page
    assert not re.search(r"<(ins|del)>(lead|meeting|submitted|approved|confirmed)</", page)


def test_the_history_names_fields_and_values_as_the_interface_does_in_chinese(client, reader, reported_line):
    page = history(client, reader, reported_line, "zh-hans")
    assert "<ins>牵头</ins>" in page and "<ins>会议</ins>" in page
    assert "<del>已提交</del> → <ins>已批准</ins>" in page
    assert "<strong>confirmed at</strong>" not in page and "<strong>organisation</strong>" not in page


def test_the_history_shows_times_in_the_sites_time_zone_with_the_zone(
    client, reader, reported_line, settings
):
    from django.utils import timezone

    assert settings.TIME_ZONE == "Asia/Jakarta"
    today = timezone.localtime()
    english, chinese = (history(client, reader, reported_line, language) for language in ("en", "zh-hans"))
    assert "+00:00" not in english and not re.search(r"\d{4}-\d\d-\d\d", english)
    when = re.findall(r"<td>(\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d) UTC\+7</td>", english)
    assert when and when[0].startswith(today.strftime("%-d %b %Y, "))
    confirmed = re.search(r"<strong>confirmed at</strong>: <del>—</del> → <ins>([^<]+)</ins>", english).group(
        1
    )
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC\+7", confirmed)
    assert f"<td>{today.year}年{today.month}月{today.day}日 " in chinese and " UTC+7</td>" in chinese
    assert "<ins>2026年3月4日</ins>" in chinese and "<ins>4 Mar 2026</ins>" in english


# One date format per language.


def test_a_page_shows_dates_in_the_languages_one_format(client, focal_point, reported_line, period):
    from django.urls import reverse

    client.force_login(focal_point)
    english = client.get(reverse("commitments:my-lines"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(reverse("commitments:my-lines"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "30 Nov 2026" in english and "2026年11月30日" in chinese
    for page in (english, chinese):
        assert (
            "2026-11-30" not in page and "Nov. 30" not in page and "a.m." not in page and "p.m." not in page
        )


def test_templates_name_a_date_format_and_never_write_one():
    templates = [
        path for path in (ROOT / "templates").rglob("*") if path.is_file() and "report" != path.parent.name
    ]
    written = [
        (path.name, found)
        for path in templates
        for found in re.findall(r'\|date:"([^"]*)"', path.read_text(encoding="utf-8"))
        if not found.endswith("_FORMAT")
    ]
    assert not written


def test_the_site_formats_dates_the_british_and_the_chinese_way():
    import datetime

    from django.utils import formats, translation

    moment = datetime.datetime(2026, 11, 29, 11, 37)
    with translation.override("en"):
        assert formats.date_format(moment) == "29 Nov 2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "29 Nov 2026, 11:37"
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "29 Nov 2026"
    with translation.override("zh-hans"):
        assert formats.date_format(moment) == "2026年11月29日"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "2026年11月29日 11:37"


# Names, not codes.


def test_pages_name_plans_by_their_short_title_not_their_code(
    client, secretariat, focal_point, owner, reported_line
):
    from django.urls import reverse

    from commitments.models import Ownership

    from .conftest import line

    Ownership.objects.create(
        line=line("poa-2026-2030", "2.8.2"),
        organisation=owner,
        state="suggested",
    )
    pages = {
        focal_point: [reverse("commitments:my-lines"), reported_line.get_absolute_url()],
        secretariat: [reverse("commitments:owner-suggestions"), reverse("commitments:plan-list")],
    }
    for language, name in (("en", "Plan of Action 2026–2030"), ("zh-hans", "行动计划（2026–2030）")):
        for user, urls in pages.items():
            client.force_login(user)
            for url in urls:
                html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
                text = re.sub(r'(href|action|value)="[^"]*"', "", html)
                assert "poa-20" not in text and "csp-poa" not in text, (url, language)
                if url != reverse("commitments:plan-list"):
                    assert name in text, (url, language)
    client.force_login(secretariat)
    plans = client.get(reverse("commitments:plan-list")).content.decode()
    assert "Annex to Plan of Action 2021–2025" in plans


def test_a_line_without_an_update_says_so_in_words_no_status_uses(client, focal_point, owner, period):
    from django.urls import reverse

    from .conftest import line, own

    own(line("poa-2026-2030", "2.8.1"), owner)
    client.force_login(focal_point)
    english = client.get(reverse("commitments:my-lines"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(reverse("commitments:my-lines"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "No update yet" in english and "Not started" not in english
    assert "尚未填报" in chinese and "尚未启动" not in chinese
