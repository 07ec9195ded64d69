"""The close-out page's forms: its filters, and several lines' final status set at once."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .filters import ANY, PlainSelect
from .models import ActionLine, FinalStatus, Part, Plan, Status
from .models.plans import NO_STATUS

# A ticked line: its pk and the version of its final status the officer saw (0: none).
TICKED = re.compile(r"^(\d{1,18}):(\d{1,9})$")


class CloseOutFilterForm(forms.Form):
    part = forms.ModelChoiceField(
        label=_("Pillar"), queryset=Part.objects.none(), required=False, empty_label=ANY, widget=PlainSelect
    )
    final = forms.ChoiceField(label=_("Final status"), required=False, widget=PlainSelect)

    def __init__(self, plan: Plan, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = plan.parts.order_by("number")
        self.fields["final"].choices = [
            ("", ANY), (NO_STATUS, _("No final status yet")), *((s.code, str(s)) for s in statuses),
        ]  # fmt: skip

    def chosen(self) -> dict:
        """The filters that are valid; one that is not is left out, not an error."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}


class TickedLines(forms.MultipleChoiceField):
    """Values "pk:version" (``TICKED``), whatever the choices."""

    def valid_value(self, value) -> bool:
        return bool(TICKED.match(str(value)))


class FinalStatusForm(forms.Form):
    """One final status for the lines ticked, each as its pk and the version the officer saw."""

    lines = TickedLines(
        widget=forms.MultipleHiddenInput, error_messages={"required": _("Tick at least one action line.")}
    )
    status = forms.ModelChoiceField(label=_("Final status"), queryset=Status.objects.all())
    note = forms.CharField(
        label=_("Note for the record"), required=False, max_length=1000,
    )  # fmt: skip

    def __init__(self, plan: Plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_lines(self) -> dict[int, int]:
        seen = {}
        for value in self.cleaned_data["lines"]:
            pk, version = TICKED.match(value).groups()
            seen[int(pk)] = int(version)
        found = set(ActionLine.objects.for_plan(self.plan).filter(pk__in=seen).values_list("pk", flat=True))
        if found != set(seen):
            raise forms.ValidationError(_("Tick action lines of this plan only."))
        return seen

    def chosen_lines(self) -> list[ActionLine]:
        return list(
            ActionLine.objects.filter(pk__in=self.cleaned_data["lines"])
            .select_related("final_status__status")
            .in_code_order()
        )

    def save(self, *, by):
        data = self.cleaned_data
        return FinalStatus.set_several(data["lines"], data["status"], by=by, note=data["note"])
