"""Fragments every page writes many times, as tags rather than template includes: an include costs a
context push and a template render each time, and the line page wrote some hundred of them."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def status_badge(status) -> SafeString:
    """A status in its colour; "No status" for None."""
    if status is None:
        return format_html('<span class="status none">{}</span>', _("No status"))
    return format_html('<span class="status" style="--status: {}">{}</span>', status.colour, status)


@register.simple_tag
def localized_text(text) -> SafeString | str:
    """A ``Localized`` text in the language it is in, line breaks kept, with a note when it is the
    other language's text standing in for a missing translation; "" for none. A plain string (such
    as ``ActionLine.short_text``) counts as English with no note."""
    if not text:
        return ""
    chinese = getattr(text, "language", None) == "zh"
    badge = ""
    if getattr(text, "is_fallback", False):
        note = _("Not yet translated") if chinese else _("English only")
        badge = format_html(' <span class="badge untranslated">{}</span>', note)
    language = "zh-Hans" if chinese else "en"
    return format_html('<span lang="{}">{}</span>{}', language, linebreaksbr(text, autoescape=True), badge)


@register.filter
def whole_number(value) -> str:
    """150,000,000 in either language, as the progress report writes figures (the Chinese locale of
    Django groups none)."""
    return f"{value:,}" if isinstance(value, int) else str(value)
