"""The register's table: one row per action line."""

from __future__ import annotations

from functools import cached_property
from urllib.parse import quote

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from .markup import cell_html
from .models import ActionLine, Ownership
from .models.plans import interface_language
from .templatetags.commitments import status_badge

SHORT = 120  # characters of a line's text shown before "more"
MAX_PER_PAGE = 500  # more than any plan has lines
URL_SAFE = "!$&'()*+,;=/~:@"  # what reverse() leaves unquoted in an argument (django.urls.resolvers)


def fallback_note(text) -> str:
    return _("Not yet translated") if text.language == "zh" else _("English only")


class LineTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), linkify=True, order_by=("sort_key",))
    text = tables.Column(verbose_name=_("Action line"), empty_values=(), orderable=False)
    part = tables.Column(verbose_name=_("Pillar"), order_by=("part__number", "sort_key"))
    area = tables.Column(verbose_name=_("Area"), order_by=("sort_key",))
    owners = tables.Column(verbose_name=_("Owners"), empty_values=(), orderable=False)
    status = tables.Column(verbose_name=_("Status"), empty_values=())
    updated = tables.Column(verbose_name=_("Last update"), accessor="last_update_at")

    class Meta:
        model = ActionLine
        fields = ["code", "text", "part", "area", "owners", "status", "updated"]
        template_name = "commitments/_table.html"
        attrs = {"class": "register"}
        per_page = 50
        empty_text = _("No action line matches these filters.")

    def __init__(self, *args, statuses: dict | None = None, structure=(), **kwargs):
        """``statuses``: the statuses by code, read once, that the status cells name; ``structure``:
        plans, pillars and areas already read (the filters'), that the rows name without reading
        them again with each line. A line's other ones are read with it, one query each."""
        super().__init__(*args, **kwargs)
        self.statuses = statuses or {}
        self.structure = {(type(item), item.pk): item for item in structure}

    def _known(self, record: ActionLine, name: str):
        """``record.<name>`` (its plan, part or area), from ``structure`` when it is there."""
        field = ActionLine._meta.get_field(name)
        pk = getattr(record, field.attname)
        return self.structure.get((field.related_model, pk)) or getattr(record, name)

    def paginate(self, *args, per_page: int | None = None, **kwargs):
        """``per_page`` comes from the address (RequestConfig): outside 1 to MAX_PER_PAGE, the
        default page size rather than a paginator's error."""
        if per_page is not None and not 1 <= per_page <= MAX_PER_PAGE:
            per_page = None
        return super().paginate(*args, per_page=per_page, **kwargs)

    # Each row is written in one step (rows_html, with _table.html), its cells by the render_
    # methods below, rather than cell by cell through django-tables2's BoundRow, which inspects
    # each render method's signature and compiles a template for each date: two thirds of the
    # register's time (docs/benchmarks.md). Sorting, pagination and the headers stay the table's.

    def rows_html(self) -> list[SafeString]:
        """The rows of the page, as HTML, in the order of the columns: one format per row, its cells
        filled in by the render_ methods."""
        renderers = {
            "code": self.render_code, "text": self.render_text, "part": self.render_part,
            "area": self.render_area, "owners": self.render_owners, "status": self.render_status,
            "updated": self.render_updated,
        }  # fmt: skip
        cells = [renderers[column.name] for column in self.columns]
        template = "<tr>{}</tr>".format(
            "".join(
                format_html('<td class="col-{}" data-label="{}">', column.name, column.header)
                .replace("{", "{{").replace("}", "}}") + "{}</td>"
                for column in self.columns
            )
        )  # fmt: skip
        return [cell_html(template, *(cell(row.record) for cell in cells)) for row in self.paginated_rows]

    @cached_property
    def language(self) -> str:
        """The content language, looked up once per page rather than for each text."""
        return interface_language()

    def render_code(self, record: ActionLine) -> str:
        return cell_html('<a href="{}">{}</a>', self._line_url(record), record.code)

    def _line_url(self, record: ActionLine) -> str:
        """``record.get_absolute_url()``, reversed once per plan rather than once per row."""
        urls = self.__dict__.setdefault("_line_urls", {})
        if record.plan_id not in urls:
            plan = self._known(record, "plan")
            urls[record.plan_id] = reverse("commitments:line-detail", args=[plan.code, "~"]).rsplit("~", 1)
        before, after = urls[record.plan_id]
        return f"{before}{quote(record.code, safe=URL_SAFE)}{after}"

    def render_updated(self, record: ActionLine) -> str:
        value = record.last_update_at
        if not value:
            return "—"
        day = localtime(value).date()
        days = self.__dict__.setdefault("_days", {})  # lines updated the same day share its text
        if day not in days:
            days[day] = date_format(day, "DATE_FORMAT")
        return days[day]

    def render_text(self, record: ActionLine) -> str:
        text = record.localized("text", self.language)
        language = "zh-Hans" if text.language == "zh" else "en"
        badge = (
            cell_html(' <span class="badge untranslated">{}</span>', fallback_note(text))
            if text.is_fallback
            else ""
        )
        if len(text) <= SHORT:
            return cell_html('<span lang="{}">{}</span>{}', language, text, badge)
        return cell_html(
            '<details><summary title="{}" lang="{}">{}</summary><p lang="{}">{}</p></details>{}',
            text, language, record.short_text, language, text, badge,
        )  # fmt: skip

    def render_part(self, record: ActionLine) -> str:
        part = self._known(record, "part")
        return cell_html('<abbr title="{}">{}</abbr>', part.localized("title", self.language), part.code)

    def render_area(self, record: ActionLine) -> str:
        area = record.area_id and self._known(record, "area")
        if not area:
            return "—"
        return cell_html('<abbr title="{}">{}</abbr>', area.localized("title", self.language), area.code)

    def render_owners(self, record: ActionLine) -> str:
        if not record.owners:
            return "—"
        roles = self._roles
        return mark_safe(  # noqa: S308  (each owner is escaped by cell_html)
            ", ".join(
                cell_html('<span class="owner {}" title="{} ({})">{}</span>', o.role,
                          o.organisation.localized("name", self.language), roles.get(o.role, o.role),
                          o.organisation.acronym)
                for o in record.owners
            )
        )  # fmt: skip

    @cached_property
    def _roles(self) -> dict[str, str]:
        """The roles' names, translated once per page rather than for each owner."""
        return {role: str(label) for role, label in Ownership.Role.choices}

    def render_status(self, record: ActionLine) -> str:
        # A page shows a handful of statuses: each badge is written once.
        badges = self.__dict__.setdefault("_status_badges", {})
        code = record.current_status_code
        if code not in badges:
            badges[code] = status_badge(self.statuses.get(code))
        return badges[code]

    def order_status(self, queryset, is_descending: bool):
        order = F("current_status_order")
        order = order.desc(nulls_last=True) if is_descending else order.asc(nulls_last=True)
        return queryset.order_by(order, "sort_key"), True

    def order_updated(self, queryset, is_descending: bool):
        order = F("last_update_at")
        order = order.desc(nulls_last=True) if is_descending else order.asc(nulls_last=True)
        return queryset.order_by(order, "sort_key"), True
