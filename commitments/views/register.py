"""The register: every action line of a plan, filtered, sorted, paginated and exported."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from .. import exports
from ..filters import LineFilter
from ..models import ActionLine
from ..permissions import READ, reader_required
from ..tables import LineTable


def register_lines():
    """The lines as the register shows them, without the source documents' values
    (``Bilingual.source``), which it does not show. Their plans, pillars and areas are those the
    filters have read (``LineTable``'s ``structure``); the export reads them with the lines and adds
    their current period status."""
    return (
        ActionLine.objects.in_source().with_current_status_code().with_owners().with_last_update()
        .defer("source").order_by("sort_key")
    )  # fmt: skip


class RegisterView(PermissionRequiredMixin, SingleTableMixin, FilterView):
    permission_required = READ
    raise_exception = True
    filterset_class = LineFilter
    table_class = LineTable
    template_name = "commitments/register.html"

    def get_queryset(self):
        return register_lines()

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, also without parameters, so that the default plan and period apply.
        return super().get_filterset_kwargs(filterset_class) | {"data": self.request.GET}

    def get_table_kwargs(self):
        lists = self.filterset
        return {"statuses": lists.statuses_by_code, "structure": [*lists.plans, *lists.parts, *lists.areas]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"], context["period"] = self.filterset.plan, self.filterset.reporting_period
        context["total"] = self.filterset.total
        return context


@reader_required
def register_export(request, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404
    lines = LineFilter(request.GET, queryset=register_lines().with_structure().with_current_status())
    table = LineTable(lines.qs if lines.is_valid() else lines.queryset.none())
    RequestConfig(request, paginate=False).configure(table)
    return exports.FORMATS[fmt](table.data.data, lines.plan, lines.reporting_period)
