"""The report as PDF: the HTML report printed by headless Chromium (Debian's ``chromium``), which
lays out A4 pages with the annex in landscape, repeats table headers, numbers the pages from the
stylesheet's @page rules and embeds the fonts it draws with: Noto Sans CJK (Debian's
``fonts-noto-cjk``) gives the Chinese its glyphs.

Chromium reads only the file written here: the HTML has no script, its Content-Security-Policy
forbids scripts and fetching anything, and the browser starts with networking, extensions and
background services off.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from . import html
from .content import ReportContent

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-first-run",
    "--disable-quic", "--no-pdf-header-footer",
]  # fmt: skip


class PdfUnavailable(Exception):
    """This server cannot print PDF: Chromium is missing or failed."""


def chromium() -> str | None:
    """The Chromium to print with: settings.CHROMIUM (a path or a name on the PATH), else ``chromium``
    on the PATH; None when there is none."""
    return shutil.which(settings.CHROMIUM or "chromium")


def available() -> bool:
    return chromium() is not None


def render(content: ReportContent) -> bytes:
    return print_html(html.render(content))


def print_html(document: bytes) -> bytes:
    browser = chromium()
    if browser is None:
        raise PdfUnavailable(_("PDF cannot be made on this server: Chromium is not installed."))
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as folder:
        source, target = Path(folder, "report.html"), Path(folder, "report.pdf")
        source.write_bytes(document)
        command = [
            browser,
            *FLAGS,
            f"--user-data-dir={folder}/profile",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=settings.PDF_TIMEOUT, check=True)
        except (OSError, subprocess.SubprocessError) as error:
            raise PdfUnavailable(
                _("PDF could not be made: Chromium failed (%(error)s).") % {"error": error}
            ) from error
        if not target.exists() or not target.read_bytes().startswith(b"%PDF"):
            raise PdfUnavailable(_("PDF could not be made: Chromium wrote no PDF."))
        return target.read_bytes()
