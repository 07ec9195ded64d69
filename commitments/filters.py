"""The register's filters: every one a GET parameter, so that a link reproduces the view."""

from __future__ import annotations

from functools import cached_property

import django_filters
from django import forms
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .converters import as_id
from .markup import cell_html
from .models import (
    ActionLine,
    Area,
    LineLink,
    Organisation,
    Ownership,
    Part,
    Plan,
    ReportingPeriod,
    Status,
    StatusUpdate,
    Target,
)
from .models.plans import NO_STATUS, NO_UPDATE, REPORTED, interface_language, validate_search

ANY = _("Any")


class PlainSelect(forms.Select):
    """A select whose options are written in Python, straight from its choices: Django renders a
    template per option, and the register's few hundred options cost it some 20 ms
    (docs/benchmarks.md)."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        selected = set(self.format_value(value))
        option = '<option value="{}"{}>{}</option>'
        options = mark_safe(  # noqa: S308  (each option is escaped by cell_html)
            "".join(cell_html(option, choice, " selected" if str(choice) in selected else "", label)
                    for choice, label in self.choices)
        )  # fmt: skip
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


def status_choices(statuses) -> list[tuple[str, str]]:
    return [(NO_STATUS, _("No confirmed status")), *((s.code, str(s)) for s in statuses)]


def state_choices() -> list[tuple[str, str]]:
    return [
        (NO_UPDATE, _("No update")), *StatusUpdate.State.choices,
        (REPORTED, _("Reported (submitted or approved)")), ("confirmed", _("Status confirmed")),
    ]  # fmt: skip


def default_period(plan: Plan) -> ReportingPeriod | None:
    return ReportingPeriod.objects.for_plan(plan).current()


def choice(**kwargs) -> django_filters.ChoiceFilter:
    """A filter whose choices LineFilter sets once per request, from lists it reads once."""
    return django_filters.ChoiceFilter(widget=PlainSelect, choices=[], **kwargs)


class LineFilter(django_filters.FilterSet):
    """The register's filters. The plan, its pillars, areas and periods, the statuses and the
    organisations are each read once (six queries), and every list, check and choice is made from
    them: no query per field, per option or per check."""

    q = django_filters.CharFilter(label=_("Search"), method="search", validators=[validate_search])
    plan = choice(label=_("Plan"), method="keep", empty_label=None)
    part = choice(label=_("Pillar"), empty_label=ANY)
    area = choice(label=_("Area"), empty_label=ANY)
    status = choice(label=_("Current status"), method="current", empty_label=ANY)
    owner = choice(label=_("Owner"), method="keep", empty_label=ANY)
    lead = django_filters.BooleanFilter(label=_("Only as lead"), widget=forms.CheckboxInput, method="keep")
    period = choice(label=_("Reporting period"), method="keep", empty_label=None)
    period_status = choice(label=_("Status in the period"), method="keep", empty_label=ANY)
    state = choice(label=_("Update in the period"), method="keep", empty_label=ANY)
    evidence = choice(label=_("Evidence in the period"), method="keep", empty_label=ANY)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue in the period"), widget=forms.CheckboxInput, method="keep"
    )
    behind = django_filters.BooleanFilter(
        label=_("Behind a target"), widget=forms.CheckboxInput, method="behind_target"
    )

    class Meta:
        model = ActionLine
        fields: list[str] = []  # all declared above

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else None
        # Spelled out: a grouped query drops the model's default ordering.
        self.plans = list(Plan.objects.with_source_line_counts().order_by("-first_year", "code"))
        code = data.get("plan") if data is not None else None
        self.plan = next((p for p in self.plans if p.code == code), None) if code else None
        self.plan = self.plan or Plan.default_among(self.plans)
        plan = self.plan
        self.periods = list(ReportingPeriod.objects.for_plan(plan)) if plan else []
        self.parts = list(Part.objects.filter(plan=plan)) if plan else []
        self.areas = list(Area.objects.filter(plan=plan)) if plan else []
        self.statuses = list(Status.objects.all())
        self.organisations = dict(Organisation.objects.values_list("acronym", "pk"))
        if data is not None and plan:
            self._fit_to_plan(data)
        super().__init__(data, *args, **kwargs)
        part = as_id(data.get("part")) if data is not None else None
        fields = self.form.fields
        fields["plan"].choices = [(p.code, str(p)) for p in self.plans]
        fields["part"].choices = [(p.pk, str(p)) for p in self.parts]
        fields["area"].choices = [(a.pk, str(a)) for a in self.areas if not part or a.part_id == part]
        fields["status"].choices = fields["period_status"].choices = status_choices(self.statuses)
        fields["owner"].choices = [(acronym, acronym) for acronym in self.organisations]
        fields["period"].choices = [(p.pk, p.label) for p in self.periods]
        fields["state"].choices = state_choices()
        fields["evidence"].choices = [("yes", _("With evidence")), ("no", _("Without"))]

    def _fit_to_plan(self, data) -> None:
        """Fill in the plan's defaults, and drop a pillar, area or period of another plan or pillar.

        Changing the plan or the pillar in the form (no JavaScript to update the other lists)
        then shows the new plan's lines, not an error; the form shows what is applied.
        """
        data["plan"] = self.plan.code
        if as_id(data.get("period")) not in {p.pk for p in self.periods}:
            period = ReportingPeriod.current_among(self.periods)
            data["period"] = str(period.pk) if period else ""
        if as_id(data.get("part")) not in {p.pk for p in self.parts}:
            data.pop("part", None)
        part = as_id(data.get("part"))
        if as_id(data.get("area")) not in {a.pk for a in self.areas if part is None or a.part_id == part}:
            data.pop("area", None)

    @cached_property
    def statuses_by_code(self) -> dict[str, Status]:
        return {status.code: status for status in self.statuses}

    @cached_property
    def reporting_period(self) -> ReportingPeriod | None:
        """The period the period filters read: the chosen one, or the plan's default."""
        chosen = self.form.cleaned_data.get("period") if self.is_bound and self.form.is_valid() else None
        periods = {str(p.pk): p for p in self.periods}
        return periods.get(chosen) or ReportingPeriod.current_among(self.periods)

    @property
    def total(self) -> int:
        """The plan's lines in its source document, filtered or not."""
        return self.plan.line_count if self.plan else 0

    def keep(self, queryset, name, value):
        return queryset  # applied together in filter_queryset, where they need each other

    def search(self, queryset, name, value):
        return queryset.search(value)

    def current(self, queryset, name, value):
        return queryset.with_status(value)

    def behind_target(self, queryset, name, value):
        """Lines with a target behind the straight line today (``TargetProgress.is_behind``)."""
        if not value:
            return queryset
        return queryset.filter(pk__in=Target.objects.lines_behind_on(timezone.localdate()))

    def filter_queryset(self, queryset):
        lines = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if self.plan:
            lines = lines.for_plan(self.plan)
        owner = self.organisations.get(data.get("owner"))
        if owner:
            lines = lines.owned_by(owner, lead_only=bool(data.get("lead")))
        period = self.reporting_period
        if period is None:
            return lines
        if data.get("period_status"):
            lines = lines.with_period_status(period, data["period_status"])
        if data.get("state"):
            lines = lines.in_update_state(period, data["state"], owner)
        if data.get("evidence"):
            lines = lines.with_evidence_in(period, data["evidence"] == "yes")
        if data.get("overdue"):
            lines = lines.overdue_in(period, owner)
        return lines


class ReviewFilter(django_filters.FilterSet):
    """The review queue's filters: pillar, owner and state, the submitted updates unless another state
    is asked for. The choices read as names in the interface language."""

    part = django_filters.ModelChoiceFilter(
        widget=PlainSelect, label=_("Pillar"), field_name="line__part", queryset=Part.objects.none(),
        empty_label=ANY,
    )  # fmt: skip
    owner = django_filters.ModelChoiceFilter(
        widget=PlainSelect, label=_("Owner"), field_name="organisation", queryset=Organisation.objects.none(),
        to_field_name="acronym", empty_label=ANY,
    )  # fmt: skip
    state = django_filters.ChoiceFilter(
        widget=PlainSelect, label=_("State"), choices=StatusUpdate.State.choices, method="in_state",
        empty_label=None,
    )  # fmt: skip

    class Meta:
        model = StatusUpdate
        fields: list[str] = []  # all declared above

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and data.get("state") not in StatusUpdate.State.values:
            data["state"] = StatusUpdate.State.SUBMITTED  # the queue itself, also for a state of nonsense
        super().__init__(data, *args, **kwargs)
        fields = self.form.fields
        parts = Part.objects.filter(plan__in=ReportingPeriod.objects.values("plan")).select_related("plan")
        fields["part"].queryset = parts.order_by("-plan__first_year", "number")
        if len({part.plan_id for part in parts}) > 1:  # the same pillars in two plans: say whose
            fields["part"].label_from_instance = lambda part: f"{part} ({part.plan.years})"
        # By name in the interface language; a body without a Chinese name by its English one.
        name = "name_en"
        if interface_language() == "zh":
            name = Coalesce(NullIf("name_zh", Value("")), "name_en")
        owners = Organisation.objects.filter(pk__in=StatusUpdate.objects.values("organisation"))
        fields["owner"].queryset = owners.order_by(name, "acronym")
        fields["owner"].label_from_instance = lambda owner: f"{owner.localized_name} ({owner.acronym})"

    @property
    def is_queue(self) -> bool:
        """Whether it shows the updates waiting for review, unfiltered."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return data.get("state", StatusUpdate.State.SUBMITTED) == StatusUpdate.State.SUBMITTED and not (
            data.get("part") or data.get("owner")
        )

    def in_state(self, queryset, name, value):
        if value == StatusUpdate.State.SUBMITTED:
            return queryset.review_queue()  # oldest first
        return queryset.filter(state=value).order_by("-updated_at", "-pk")


class SuggestionFilter(django_filters.FilterSet):
    """The owner suggestions page's filters; each list offers only what has suggestions waiting."""

    part = django_filters.ModelChoiceFilter(
        widget=PlainSelect, label=_("Pillar"), queryset=Part.objects.none(), field_name="line__part",
        empty_label=ANY,
    )  # fmt: skip
    area = django_filters.ModelChoiceFilter(
        widget=PlainSelect, label=_("Area"), queryset=Area.objects.none(), field_name="line__area",
        empty_label=ANY,
    )  # fmt: skip
    organisation = django_filters.ModelChoiceFilter(
        widget=PlainSelect, label=_("Suggested owner"), queryset=Organisation.objects.none(),
        to_field_name="acronym", empty_label=ANY,
    )  # fmt: skip

    class Meta:
        model = Ownership
        fields: list[str] = []  # all declared above

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        waiting = Ownership.objects.suggested()
        fields = self.form.fields
        fields["part"].queryset = Part.objects.filter(lines__ownerships__in=waiting).distinct()
        fields["area"].queryset = Area.objects.filter(lines__ownerships__in=waiting).distinct()
        fields["organisation"].queryset = Organisation.objects.with_suggestions()
        fields["organisation"].label_from_instance = lambda organisation: organisation.choice_label


class LinkFilter(django_filters.FilterSet):
    """The continuity page's filters: the later line's pillar, the earlier line's plan; each list
    offers only what has suggestions waiting."""

    part = django_filters.ModelChoiceFilter(
        widget=PlainSelect, label=_("Pillar"), queryset=Part.objects.none(), field_name="successor__part",
        empty_label=ANY,
    )  # fmt: skip
    earlier = django_filters.ModelChoiceFilter(
        widget=PlainSelect, label=_("Earlier plan"), queryset=Plan.objects.none(),
        field_name="predecessor__plan", to_field_name="code", empty_label=ANY,
    )  # fmt: skip

    class Meta:
        model = LineLink
        fields: list[str] = []  # all declared above

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        waiting = LineLink.objects.suggested()
        fields = self.form.fields
        fields["part"].queryset = Part.objects.filter(lines__predecessor_links__in=waiting).distinct()
        fields["earlier"].queryset = Plan.objects.filter(lines__successor_links__in=waiting).distinct()
        fields["earlier"].label_from_instance = lambda plan: plan.short_name
