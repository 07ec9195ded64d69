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
    return (
        ActionLine.objects.in_source().with_structure().with_current_status().with_owners()
        .with_last_update().order_by("sort_key")
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.filterset.plan
        context["plan"], context["period"] = plan, self.filterset.reporting_period
        context["total"] = ActionLine.objects.for_plan(plan).in_source().count() if plan else 0
        return context


@reader_required
def register_export(request, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404
    lines = LineFilter(request.GET, queryset=register_lines())
    table = LineTable(lines.qs if lines.is_valid() else lines.queryset.none())
    RequestConfig(request, paginate=False).configure(table)
    return exports.FORMATS[fmt](table.data.data, lines.plan, lines.reporting_period)
