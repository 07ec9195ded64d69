"""Fragments every page writes many times, as tags rather than template includes: an include costs a
context push and a template render each time, and the line page wrote some hundred of them."""

from django import template
from django.template.defaultfilters import filesizeformat, floatformat, linebreaksbr, truncatechars
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
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


@register.simple_tag
def target_amount(target, number: int) -> str:
    """``Target.amount``: a number of the target's unit, as the interface language writes it."""
    return target.amount(number)


@register.simple_tag
def funding(activity) -> str:
    """An activity's fund and amount, e.g. "ACCF · USD 5,000"; "" without a fund."""
    if not activity.fund:
        return ""
    if activity.amount_usd is None:
        return str(activity.fund)
    amount = _("USD %(amount)s") % {"amount": floatformat(activity.amount_usd, "-2g")}
    return f"{activity.fund} · {amount}"


@register.simple_tag
def update_body(update, targets: bool = True) -> SafeString:
    """What an update reports: its status, texts, activities and evidence, as the line page (once per
    update) and the update's own page show it. Written in one step, with the update's activities and
    evidence as prefetched (``StatusUpdate.objects.with_activities_and_evidence()``)."""
    none_given = format_html('<p class="empty">{}</p>', _("None given."))
    parts = [
        format_html(
            '<dl class="facts">\n  <dt>{}</dt><dd>{}</dd>\n  <dt>{}</dt><dd>{} · {}</dd>\n</dl>\n'
            '<div class="texts">\n'
            '  <section lang="en"><h4>{}</h4>{}</section>\n'
            '  <section lang="zh-Hans"><h4>{}</h4>{}</section>\n'
            "</div>\n",
            _("Status"),
            status_badge(update.status),
            _("Reported by"),
            update.organisation,
            update.period.label,
            _("Progress (English)"),
            _paragraph(update.narrative_en) or none_given,
            _("Progress (Chinese)"),
            _paragraph(update.narrative_zh) or none_given,
        )  # fmt: skip
    ]
    reasons = [
        (language, heading, _paragraph(text))
        for language, heading, text in [
            ("en", _("Reason for the delay (English)"), update.reason_en),
            ("zh-Hans", _("Reason for the delay (Chinese)"), update.reason_zh),
        ]
        if text
    ]
    if reasons:
        sections = format_html_join("", '  <section lang="{}"><h4>{}</h4>{}</section>\n', reasons)
        parts.append(format_html('<div class="texts">\n{}</div>\n', sections))
    if targets:  # False for a line without targets: its updates' values are not read
        parts.append(_target_values(update.target_values.all()))
    parts += [format_html("<h4>{}</h4>\n", _("Activities")), _activities(update.activities.all())]
    parts += [format_html("<h4>{}</h4>\n", _("Evidence")), _evidence(update.evidence.all())]
    return mark_safe("".join(parts))  # noqa: S308  (each part is escaped by format_html)


def _paragraph(text: str) -> SafeString | str:
    return format_html("<p>{}</p>", linebreaksbr(text, autoescape=True)) if text else ""


def _target_values(values) -> SafeString | str:
    if not values:
        return ""
    rows = [
        format_html(
            '<tr>\n    <td>{}</td>\n    <td class="number">{}</td>\n    <td>{}</td>\n  </tr>',
            localized_text(reported.target.localized_measure),
            reported.target.amount(reported.value),
            linebreaksbr(reported.source, autoescape=True),
        )  # fmt: skip
        for reported in values
    ]
    return format_html(
        '<h4>{}</h4>\n<table class="compact">\n  <thead><tr><th>{}</th><th class="number">{}</th>'
        "<th>{}</th></tr></thead>\n  <tbody>{}</tbody>\n</table>\n",
        _("Towards the targets"), _("Target"), _("Achieved in the period"), _("Source"),
        mark_safe("".join(rows)),  # noqa: S308  (each row is escaped by format_html)
    )  # fmt: skip


def _activities(activities) -> SafeString:
    if not activities:
        return format_html('<p class="empty">{}</p>\n', _("No activities reported."))
    headings = [_("Date"), _("Activity"), _("Kind"), _("Place"), _("Organisers"), _("Funding")]
    rows = [
        format_html(
            "<tr>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n"
            "    <td>{}</td>\n  </tr>",
            date_format(activity.date, "DATE_FORMAT") if activity.date else "",
            localized_text(activity.localized_title),
            activity.get_kind_display(),
            _in_its_language(activity.localized_place),
            activity.organisers,
            funding(activity),
        )  # fmt: skip
        for activity in activities
    ]
    return format_html(
        '<table class="compact">\n  <thead><tr>{}</tr></thead>\n  <tbody>{}</tbody>\n</table>\n',
        format_html_join("", "<th>{}</th>", ((heading,) for heading in headings)),
        mark_safe("".join(rows)),  # noqa: S308  (each row is escaped by format_html)
    )


def _in_its_language(text) -> SafeString | str:
    if not text:
        return ""
    return format_html('<span lang="{}">{}</span>', "zh-Hans" if text.language == "zh" else "en", text)


def _evidence(evidence) -> SafeString:
    if not evidence:
        return format_html('<p class="empty">{}</p>\n', _("No evidence given."))
    items = []
    for item in evidence:
        if item.file:
            shown = format_html(
                '<a href="{}">{}</a> <small>{} · {}</small>',
                reverse("commitments:evidence-download", args=[item.pk]),
                localized_text(item.localized_title), item.original_name, filesizeformat(item.size),
            )  # fmt: skip
        else:
            shown = format_html(
                '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a> <small>{}</small>',
                item.link, localized_text(item.localized_title), truncatechars(item.link, 60),
            )  # fmt: skip
        date = format_html(" <small>· {}</small>", date_format(item.date, "DATE_FORMAT")) if item.date else ""
        withdrawn = ""
        if item.is_withdrawn:
            when = date_format(localtime(item.withdrawn_at), "DATE_FORMAT")
            withdrawn = format_html(' <span class="badge">{} {}</span>', _("Withdrawn"), when)
        items.append(
            format_html(
                "  <li{}>\n      {}{}{}\n    </li>\n",
                mark_safe(' class="withdrawn"') if item.is_withdrawn else "",
                shown,
                date,
                withdrawn,
            )  # fmt: skip
        )
    return format_html('<ul class="evidence">\n{}</ul>\n', mark_safe("".join(items)))  # noqa: S308
