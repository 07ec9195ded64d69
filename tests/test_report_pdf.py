"""The progress report as PDF, printed by Debian's Chromium: its size, its pages and its Chinese.

Marked ``browser``: without Chromium (``make test`` says so) these are deselected, never skipped.
The report of every line reported (``load_report_sample --all``) is printed once for the module.
"""

from __future__ import annotations

import io
import unicodedata

import pypdf
import pytest
from django.core.management import call_command
from django.db import transaction

from commitments import progress_report
from commitments.models import EditionFile, Plan, ReportEdition, StatusUpdate
from commitments.progress_report import html, pdf
from commitments.progress_report.build import build_report

from .conftest import generate_report, make_period
from .test_report_render import SECTIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

BODY_PAGES = 25  # the most an executive report to Leaders may take before its annex


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker) -> dict[str, pypdf.PdfReader]:
    readers = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_report_sample", "--all", stdout=io.StringIO())
        plan = Plan.objects.get(code="poa-2026-2030")
        period = next(p for p in plan.periods.all() if StatusUpdate.objects.in_period(p).exists())
        for language in ("en", "zh"):
            document = html.render(build_report(plan, period, language))
            readers[language] = pypdf.PdfReader(io.BytesIO(pdf.print_html(document)))
        transaction.set_rollback(True)
    return readers


def readable(text: str) -> str:
    """Text as read back from the PDF, with the code points of its Chinese glyphs unified: Noto Sans
    CJK draws 面 and the Kangxi radical ⾯ with one glyph, and the PDF's text map names the radical."""
    return unicodedata.normalize("NFKC", text).replace("\u2015", "—")


def landscape(page) -> bool:
    return page.mediabox.width > page.mediabox.height


def test_the_english_report_of_every_line_takes_at_most_25_pages_before_the_annex(printed):
    pages = printed["en"].pages
    body = next(number for number, page in enumerate(pages) if landscape(page))
    assert body <= BODY_PAGES, f"{body} pages before the annex"
    assert all(landscape(page) for page in pages[body:])  # the annex, on landscape pages to the end


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_pdf_reads_its_sections_in_order(printed, language):
    text = readable("\n".join(page.extract_text() for page in printed[language].pages[2:]))
    positions = [text.find(readable(heading)) for heading in SECTIONS[language]]
    assert -1 not in positions and positions == sorted(positions)


def test_the_chinese_pdf_draws_chinese_with_glyphs_it_carries(printed):
    """Chromium embeds the glyphs it draws (as Type 3 procedures for Noto Sans CJK's collection, or as
    a font file): the Chinese shows on a machine without Chinese fonts, and reads back as text."""
    first = printed["zh"].pages[0]
    glyphs = 0
    for font in first["/Resources"]["/Font"].values():
        font = font.get_object()
        if font["/Subtype"] == "/Type3":
            glyphs += len(font["/CharProcs"])
        for descendant in font.get("/DescendantFonts", []):
            descriptor = descendant.get_object()["/FontDescriptor"]
            glyphs += any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    title = "中国—东盟全面战略伙伴关系行动计划"
    assert glyphs >= len(set(title))
    assert readable(title) in readable(first.extract_text())


def test_each_page_but_the_cover_is_numbered(printed):
    pages = printed["en"].pages
    assert "· 2" in pages[1].extract_text() and "· 1" not in pages[0].extract_text()


# --- where the PDF is offered ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_writes_a_pdf(plan_2026, tmp_path):
    make_period(plan_2026)
    target = tmp_path / "report.pdf"

    call_command("progress_report", "--plan", plan_2026.code, "--period", "2026-2027", "--lang", "zh",
                 "--format", "pdf", "-o", str(target), stdout=io.StringIO())  # fmt: skip

    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_the_report_page_downloads_a_pdf(client, reader, plan_2026):
    period = make_period(plan_2026)
    client.force_login(reader)

    response = generate_report(
        client, {"plan": plan_2026.code, "period": period.pk, "language": "en", "format": "pdf"}
    )

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_final_edition_stores_a_pdf(plan_2026, secretariat, evidence_root):
    period = make_period(plan_2026)

    content = build_report(plan_2026, period, "zh", is_final=True)
    edition = ReportEdition.finalise(
        plan_2026, period, content, by=secretariat, renderers=progress_report.renderers()
    )

    stored = edition.file(EditionFile.Format.PDF)
    assert stored is not None and stored.read().startswith(b"%PDF")
