"""The register's table: one row per action line."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import ActionLine

SHORT = 120  # characters of a line's text shown before "more"
MAX_PER_PAGE = 500  # more than any plan has lines


def fallback_note(text) -> str:
    return _("Not yet translated") if text.language == "zh" else _("English only")


class LineTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), linkify=True, order_by=("sort_key",))
    text = tables.Column(verbose_name=_("Action line"), empty_values=(), orderable=False)
    part = tables.Column(verbose_name=_("Pillar"), order_by=("part__number", "sort_key"))
    area = tables.Column(verbose_name=_("Area"), order_by=("sort_key",))
    owners = tables.Column(verbose_name=_("Owners"), empty_values=(), orderable=False)
    status = tables.Column(verbose_name=_("Status"), empty_values=())
    updated = tables.DateColumn(verbose_name=_("Last update"), accessor="last_update_at", short=False)

    class Meta:
        model = ActionLine
        fields = ["code", "text", "part", "area", "owners", "status", "updated"]
        template_name = "commitments/_table.html"
        attrs = {"class": "register"}
        per_page = 50
        empty_text = _("No action line matches these filters.")

    def paginate(self, *args, per_page: int | None = None, **kwargs):
        """``per_page`` comes from the address (RequestConfig): outside 1 to MAX_PER_PAGE, the
        default page size rather than a paginator's error."""
        if per_page is not None and not 1 <= per_page <= MAX_PER_PAGE:
            per_page = None
        return super().paginate(*args, per_page=per_page, **kwargs)

    # The text and status cells are built here rather than from templates: fifty rows of
    # template includes were a third of the register's time (docs/benchmarks.md).

    def render_text(self, record: ActionLine) -> str:
        text = record.localized_text
        language = "zh-Hans" if text.language == "zh" else "en"
        badge = (
            format_html(' <span class="badge untranslated">{}</span>', fallback_note(text))
            if text.is_fallback
            else ""
        )
        if len(text) <= SHORT:
            return format_html('<span lang="{}">{}</span>{}', language, text, badge)
        return format_html(
            '<details><summary title="{}" lang="{}">{}</summary><p lang="{}">{}</p></details>{}',
            text, language, record.short_text, language, text, badge,
        )  # fmt: skip

    def render_part(self, record: ActionLine) -> str:
        return format_html('<abbr title="{}">{}</abbr>', record.part.localized_title, record.part.code)

    def render_area(self, record: ActionLine) -> str:
        area = record.area
        return format_html('<abbr title="{}">{}</abbr>', area.localized_title, area.code) if area else "—"

    def render_owners(self, record: ActionLine) -> str:
        if not record.owners:
            return "—"
        return format_html_join(
            ", ", '<span class="owner {}" title="{}">{}</span>',
            ((o.role, f"{o.organisation.localized_name} ({o.get_role_display()})", o.organisation.acronym)
             for o in record.owners),
        )  # fmt: skip

    def render_status(self, record: ActionLine) -> str:
        status = record.current_status
        if status is None:
            return format_html('<span class="status none">{}</span>', _("No status"))
        return format_html('<span class="status" style="--status: {}">{}</span>', status.colour, status)

    def order_status(self, queryset, is_descending: bool):
        order = F("current_status_order")
        order = order.desc(nulls_last=True) if is_descending else order.asc(nulls_last=True)
        return queryset.order_by(order, "sort_key"), True

    def order_updated(self, queryset, is_descending: bool):
        order = F("last_update_at")
        order = order.desc(nulls_last=True) if is_descending else order.asc(nulls_last=True)
        return queryset.order_by(order, "sort_key"), True
