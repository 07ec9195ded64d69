"""Forms of the tracking pages. Every error is attached to its field and translated."""

from __future__ import annotations

import copy

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import OperationalError, transaction
from django.forms import inlineformset_factory
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import spreadsheets, storage, uploads
from .converters import as_id
from .locking import is_transient
from .models import (
    ActionLine,
    Activity,
    Area,
    EditionFile,
    Evidence,
    LineLink,
    Organisation,
    Ownership,
    PeriodStatus,
    Plan,
    ReportEdition,
    ReportingPeriod,
    ReportText,
    Status,
    StatusUpdate,
    Target,
    TargetValue,
)
from .models.continuity import LinkDecisions
from .models.tracking import EditConflict

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_model_errors(form: forms.Form, errors: dict[str, str]) -> None:
    """Show a model rule's errors (``submission_errors``, ``return_errors``…) at their fields."""
    for field, message in errors.items():
        if field not in form.errors:
            form.add_error(field, message)


class ChoiceOfIds(forms.ModelMultipleChoiceField):
    """Several objects chosen by id; a value that is no id (a number too large for the database,
    which SQLite would refuse in the query) is an invalid choice, like any other unknown value."""

    def _check_values(self, value):
        for pk in value:
            if as_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class UpdateForm(forms.ModelForm):
    # The version the author started from: a save based on an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput)
    withdraw = ChoiceOfIds(
        label=_("Withdraw evidence"),
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Withdrawn evidence no longer counts but stays in the history."),
    )

    class Meta:
        model = StatusUpdate
        fields = ["status", "narrative_en", "narrative_zh", "reason_en", "reason_zh"]
        widgets = {
            "narrative_en": forms.Textarea(attrs={"rows": 6, "lang": "en"}),
            "narrative_zh": forms.Textarea(attrs={"rows": 6, "lang": "zh-Hans"}),
            "reason_en": forms.Textarea(attrs={"rows": 2, "lang": "en"}),
            "reason_zh": forms.Textarea(attrs={"rows": 2, "lang": "zh-Hans"}),
        }

    def __init__(self, *args, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.fields["version"].initial = self.instance.version
        self.fields["withdraw"].queryset = self.instance.evidence.not_withdrawn()
        self.fields["status"].empty_label = _("— choose a status —")

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            # The model's rule, on the values as they would be saved.
            candidate = copy.copy(self.instance)
            for field in self._meta.fields:
                if field in cleaned:
                    setattr(candidate, field, cleaned[field])
            add_model_errors(self, candidate.submission_errors())
        return cleaned


class WholeNumberField(forms.IntegerField):
    """A whole number as owners write large figures: "150,000,000", "150 000 000" and "150000000" alike."""

    def to_python(self, value):
        if isinstance(value, str):
            value = TargetValue.without_separators(value)
        return super().to_python(value)


class TargetValuesForm(forms.Form):
    """A value and its source for each target of the update's line (``TargetValue``): the amount
    achieved in the period, not a running total. A blank value reports nothing for the target."""

    prefix = "targets"

    def __init__(self, *args, update: StatusUpdate, **kwargs):
        super().__init__(*args, **kwargs)
        self.update = update
        self.targets = list(Target.objects.filter(line=update.line_id))
        reported = {value.target_id: value for value in update.target_values.all()} if update.pk else {}
        for target in self.targets:
            kept = reported.get(target.pk)
            numbers = {
                "measure": target.localized_measure, "unit": target.localized_unit,
                "amount": target.amount(target.value),
                "ends": formats.date_format(target.ends_on, "DATE_FORMAT"),
            }  # fmt: skip
            self.fields[f"value_{target.pk}"] = WholeNumberField(
                label=_("%(measure)s, in %(unit)s") % numbers, required=False,
                initial=kept.value if kept else None,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                help_text=_(
                    "Achieved in this period only, not the total so far. "
                    "Target: %(amount)s by %(ends)s."
                ) % numbers,
            )  # fmt: skip
            self.fields[f"source_{target.pk}"] = forms.CharField(
                label=_("Source of the figure"), required=False, initial=kept.source if kept else "",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Where the figure comes from: a statistic, a report, a ministry's records."),
            )  # fmt: skip

    def rows(self) -> list[tuple[Target, forms.BoundField, forms.BoundField]]:
        return [(t, self[f"value_{t.pk}"], self[f"source_{t.pk}"]) for t in self.targets]

    def clean(self):
        cleaned = super().clean()
        for target in self.targets:
            value, source = cleaned.get(f"value_{target.pk}"), cleaned.get(f"source_{target.pk}", "")
            if value is None and (not source.strip() or f"value_{target.pk}" in self.errors):
                continue  # nothing reported, or a figure that is not one (said already)
            candidate = TargetValue(update=self.update, target=target, value=value, source=source)
            try:
                # The model's rules: value ≥ 0, its line's, a source for a figure and a figure for a source.
                candidate.full_clean(exclude=["value"] if value is None else None, validate_constraints=False)
            except ValidationError as refused:
                errors = {f"{name}_{target.pk}": " ".join(m) for name, m in refused.message_dict.items()}
                add_model_errors(self, errors)
        return cleaned

    def entries(self) -> dict[Target, tuple[int | None, str]]:
        data = self.cleaned_data
        return {t: (data.get(f"value_{t.pk}"), data.get(f"source_{t.pk}", "")) for t in self.targets}

    def save(self) -> None:
        TargetValue.save_for(self.update, self.entries())


class ActivityForm(forms.ModelForm):
    # No preselected kind, so that a blank row stays blank and is ignored.
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Activity.Kind.choices])

    class Meta:
        model = Activity
        fields = [
            "title_en", "title_zh", "place_en", "place_zh", "kind", "date", "organisers", "fund",
            "amount_usd",
        ]  # fmt: skip
        widgets = {
            "date": DATE_INPUT,
            "title_en": forms.TextInput(attrs={"lang": "en"}),
            "title_zh": forms.TextInput(attrs={"lang": "zh-Hans"}),
            "place_en": forms.TextInput(attrs={"lang": "en"}),
            "place_zh": forms.TextInput(attrs={"lang": "zh-Hans"}),
            "amount_usd": forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].empty_label = "—"


class NewEvidenceForm(forms.ModelForm):
    upload = forms.FileField(label=_("File"), required=False)
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Evidence
        fields = ["title_en", "title_zh", "date", "link"]
        widgets = {
            "date": DATE_INPUT,
            "title_en": forms.TextInput(attrs={"lang": "en"}),
            "title_zh": forms.TextInput(attrs={"lang": "zh-Hans"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _("PDF, DOCX, XLSX, PPTX, ODT, PNG or JPEG, up to %(limit)s.") % {
            "limit": uploads.human_size(uploads.max_bytes())
        }

    def clean_upload(self) -> uploads.CheckedUpload | None:
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        self.upload_file = upload
        return uploads.check_upload(upload)

    def clean(self):
        cleaned = super().clean()
        has_file = bool(cleaned.get("upload")) or "upload" in self.errors
        if not has_file and not cleaned.get("link"):
            self.add_error("link", _("Upload a file or give a link."))
        elif cleaned.get("upload") and cleaned.get("link"):
            self.add_error("link", _("Give either a file or a link, not both."))
        return cleaned

    def save(self, commit: bool = True) -> Evidence:
        evidence = super().save(commit=False)
        checked = self.cleaned_data.get("upload")
        if checked:
            evidence.original_name, evidence.content_type = checked.display_name, checked.content_type
            evidence.size = checked.size
            evidence.file.save(checked.storage_name, self.upload_file, save=False)
        if commit:
            evidence.save()
        return evidence


class BaseNewEvidenceFormSet(forms.BaseInlineFormSet):
    """Only adds evidence: what is already there is withdrawn through the update form, never edited."""

    def get_queryset(self):
        return Evidence.objects.none()


ActivityFormSet = inlineformset_factory(
    StatusUpdate, Activity, form=ActivityForm, extra=2, can_delete=True, max_num=50, validate_max=True
)
EvidenceFormSet = inlineformset_factory(
    StatusUpdate, Evidence, form=NewEvidenceForm, formset=BaseNewEvidenceFormSet, extra=2, can_delete=False
)


def with_one_more_form(data, prefix: str, most: int):
    """The formset's data, asking for one more (blank) form, up to ``most``."""
    data = data.copy()
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
    except ValueError:
        return data  # the formset says that its management form was tampered with
    data[f"{prefix}-TOTAL_FORMS"] = str(max(0, min(total + 1, most)))
    return data


def each_error(form) -> list[tuple[str | None, str]]:
    """The form's errors as (field name, or None for the whole form, "Label: message")."""
    found = []
    for name, messages in form.errors.items():
        field = form.fields.get(name) if name != NON_FIELD_ERRORS else None
        label = f"{field.label}: " if field is not None and field.label else ""
        found += [(name if field is not None else None, f"{label}{message}") for message in messages]
    return found


def field_id(form, name: str | None) -> str:
    """The id of a field's input, or of the form's row for an error of the whole row."""
    return form[name].id_for_label if name else f"{form.prefix or 'update'}-row"


class UpdateEditor:
    """The update form with its activities and evidence: validated together, saved all or nothing."""

    def __init__(self, update: StatusUpdate, data=None, files=None):
        self.update = update
        self.submitting = bool(data and "submit" in data)
        # "Add another activity row": the same form again with one more blank row, nothing saved.
        self.adding_row = bool(data and "add_activity" in data)
        if self.adding_row:
            data = with_one_more_form(data, "activities", ActivityFormSet.max_num)
        self.form = UpdateForm(data, instance=update, submitting=self.submitting)
        self.activities = ActivityFormSet(data, instance=update, prefix="activities")
        self.evidence = EvidenceFormSet(data, files, instance=update, prefix="evidence")
        self.targets = TargetValuesForm(data, update=update)
        self.conflict: StatusUpdate | None = None

    def is_valid(self) -> bool:
        forms_ = [self.form, self.targets, self.activities, self.evidence]
        return all([form.is_valid() for form in forms_])

    def error_summary(self) -> list[tuple[str, str]]:
        """Every error on the page, in the page's order, as (the id it links to, what it says)."""
        summary = [(field_id(self.form, name), message) for name, message in each_error(self.form)]
        summary += [(field_id(self.targets, name), message) for name, message in each_error(self.targets)]
        for formset, row_name in [
            (self.activities, _("Activity %(number)s")),
            (self.evidence, _("Evidence %(number)s")),
        ]:
            summary += [(formset.prefix, message) for message in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                row = row_name % {"number": number}
                summary += [(field_id(form, name), f"{row}: {message}") for name, message in each_error(form)]
        return summary

    @property
    def has_files(self) -> bool:
        return any(form.cleaned_data.get("upload") for form in self.evidence.forms if form.is_valid())

    def save(self, *, by) -> None:
        """Save the edit and, when asked, submit it; raises EditConflict if someone saved first, or
        if the database gave up this save in a race for a lock (the author saves again). Evidence
        files stored on the way are deleted again if anything fails."""
        try:
            with storage.removed_if_failed(), transaction.atomic():
                self.update.save_edit(
                    ["status", "narrative_en", "narrative_zh", "reason_en", "reason_zh"],
                    expected_version=self.form.cleaned_data["version"],
                )
                self.targets.save()
                self.activities.save()
                self.evidence.save()
                for evidence in self.form.cleaned_data["withdraw"]:
                    evidence.withdraw(by=by)
                if self.submitting:
                    self.update.submit(by=by)
        except OperationalError as error:
            if not is_transient(error):
                raise
            raise EditConflict(
                _("Another change to this update was being saved at the same moment; nothing was saved. "
                  "Save again.")
            ) from error  # fmt: skip

    def show_conflict(self) -> None:
        """Keep the author's text in the form, show what was saved meanwhile, and base the next
        save on that version: the author decides, knowingly, what to keep."""
        self.conflict = StatusUpdate.objects.select_related("status").get(pk=self.update.pk)
        self.form.data = self.form.data.copy()
        self.form.data["version"] = self.conflict.version


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning an update."),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if self.data.get("decision") == "return":
            add_model_errors(self, StatusUpdate.return_errors(cleaned.get("comment", "")))
        return cleaned


class BulkReviewForm(forms.Form):
    updates = ChoiceOfIds(
        queryset=StatusUpdate.objects.submitted(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one update.")},
    )
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        # The model's rule, said of several updates.
        if cleaned.get("decision") == "return" and StatusUpdate.return_errors(cleaned.get("comment", "")):
            self.add_error("comment", _("Say what needs to change when returning updates."))
        return cleaned


class PeriodStatusForm(forms.Form):
    status = forms.ModelChoiceField(label=_("Status for the period"), queryset=Status.objects.all())
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, proposed: Status | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposed = proposed
        self.fields["status"].initial = proposed

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status"):
            errors = PeriodStatus(proposed=self.proposed).confirmation_errors(
                cleaned["status"], cleaned.get("reason", "")
            )
            add_model_errors(self, errors)
        return cleaned

    def confirm(self, period_status: PeriodStatus, *, by) -> None:
        period_status.confirm(by=by, status=self.cleaned_data["status"], reason=self.cleaned_data["reason"])


class OrganisationPicker(forms.TextInput):
    """A text box that suggests the organisations as one types, by acronym or name in the interface
    language, through the browser's own ``<datalist>``: no JavaScript (the pages have none, and
    the CSP allows none inline), one request, and it works with a screen reader and on a phone."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        attrs = {**(attrs or {}), "list": f"{(attrs or {}).get('id', name)}-choices", "autocomplete": "off"}
        options = format_html_join(
            "", '<option value="{}"></option>', ((o.choice_label,) for o in Organisation.objects.all())
        )
        box = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}">{}</datalist>', box, attrs["list"], options)


class OrganisationField(forms.CharField):
    """An organisation typed or picked in an ``OrganisationPicker``, resolved here on the server."""

    widget = OrganisationPicker

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Organisation"))
        kwargs.setdefault("max_length", 400)
        kwargs.setdefault(
            "help_text", _("Type an acronym or a name, and pick the organisation from the list.")
        )
        super().__init__(**kwargs)

    def clean(self, value) -> Organisation | None:
        text = super().clean(value)
        if not text:
            return None
        organisation = Organisation.objects.find(text)
        if organisation is None:
            raise forms.ValidationError(
                _("No organisation is called “%(text)s”; pick one from the list."), params={"text": text}
            )
        return organisation

    def prepare_value(self, value):
        return value.choice_label if isinstance(value, Organisation) else value


class OwnerForm(forms.Form):
    organisation = OrganisationField()
    role = forms.ChoiceField(label=_("Role"), choices=Ownership.Role.choices, initial=Ownership.Role.LEAD)


class AreaOwnerForm(forms.Form):
    """An organisation to make owner of every line of an area at once."""

    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    organisation = OrganisationField()
    role = forms.ChoiceField(label=_("Role"), choices=Ownership.Role.choices, initial=Ownership.Role.LEAD)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "assign-%s")  # its page has filters called area and organisation too
        super().__init__(*args, **kwargs)
        # The plan being tracked: the areas of the older plans share its codes ("2.8").
        self.fields["area"].queryset = Area.objects.filter(plan=Plan.objects.default())

    def lines(self) -> list[ActionLine]:
        area = self.cleaned_data["area"]
        return list(ActionLine.objects.in_area(area).in_source().with_structure().in_code_order())


class SuggestionDecisionForm(forms.Form):
    """Several suggestions confirmed, each with its role (``role-<pk>``), or rejected at once."""

    suggestions = ChoiceOfIds(
        queryset=Ownership.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one suggestion.")},
    )
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("reject", _("Reject"))])

    def clean(self):
        cleaned = super().clean()
        roles = {}
        for ownership in cleaned.get("suggestions", []):
            role = self.data.get(f"role-{ownership.pk}") or ownership.role
            if role not in Ownership.Role.values:
                self.add_error("suggestions", _("Choose a role for each suggestion."))
                break
            roles[ownership.pk] = role
        cleaned["roles"] = roles
        return cleaned

    def decide(self, *, by) -> int:
        chosen = Ownership.objects.filter(pk__in=[o.pk for o in self.cleaned_data["suggestions"]])
        return chosen.decide(self.cleaned_data["decision"], by=by, roles=self.cleaned_data["roles"])


class LinkDecisionForm(forms.Form):
    """Several suggested links confirmed or rejected at once."""

    links = ChoiceOfIds(
        queryset=LineLink.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one suggested link.")},
    )
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("reject", _("Reject"))])

    def decide(self, *, by) -> LinkDecisions:
        chosen = LineLink.objects.filter(pk__in=[link.pk for link in self.cleaned_data["links"]])
        return chosen.decide(self.cleaned_data["decision"], by=by)


class LineLinkForm(forms.Form):
    """A link the secretariat makes itself: each line chosen by its plan and code."""

    earlier_plan = forms.ModelChoiceField(label=_("Earlier plan"), queryset=Plan.objects.all())
    earlier_code = forms.CharField(label=_("Code of the earlier line"), max_length=20)
    later_plan = forms.ModelChoiceField(label=_("Later plan"), queryset=Plan.objects.all())
    later_code = forms.CharField(label=_("Code of the later line"), max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("earlier_plan", "later_plan"):
            self.fields[name].label_from_instance = lambda plan: plan.short_name

    def clean(self):
        cleaned = super().clean()
        for side in ("earlier", "later"):
            plan, code = cleaned.get(f"{side}_plan"), cleaned.get(f"{side}_code", "").strip().rstrip(".")
            if plan is None or not code:
                continue
            found = ActionLine.objects.with_structure().filter(plan=plan, code=code).first()
            if found is None:
                self.add_error(
                    f"{side}_code",
                    _("%(plan)s has no line %(code)s.") % {"plan": plan.short_name, "code": code},
                )
            cleaned[side] = found
        if cleaned.get("earlier") and cleaned.get("later"):
            try:
                LineLink.check_pair(cleaned["earlier"], cleaned["later"])
            except forms.ValidationError as error:
                self.add_error("later_plan", error)
        return cleaned

    def save(self, *, by) -> LineLink:
        return LineLink.link(self.cleaned_data["earlier"], self.cleaned_data["later"], by=by)


class ReminderForm(forms.Form):
    organisations = ChoiceOfIds(
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one body.")},
    )


class OwnershipDecisionForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Ownership.Role.choices)


class PeriodForm(forms.ModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["label", "starts_on", "ends_on", "deadline", "cutoff_on", "meeting_en", "meeting_zh"]
        widgets = {
            "starts_on": DATE_INPUT, "ends_on": DATE_INPUT, "deadline": DATE_INPUT, "cutoff_on": DATE_INPUT,
            "meeting_en": forms.TextInput(attrs={"lang": "en"}),
            "meeting_zh": forms.TextInput(attrs={"lang": "zh-Hans"}),
        }  # fmt: skip

    def clean_label(self) -> str:
        return self.cleaned_data["label"].strip()  # the model's clean() then checks it is the plan's only one

    def clean(self):
        cleaned = super().clean()
        starts, ends, deadline = cleaned.get("starts_on"), cleaned.get("ends_on"), cleaned.get("deadline")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("A period must end after it starts."))
        if starts and deadline and deadline < starts:
            self.add_error("deadline", _("The deadline cannot be before the period starts."))
        cutoff = cleaned.get("cutoff_on")
        if starts and cutoff and cutoff < starts:
            self.add_error("cutoff_on", _("The data cut-off cannot be before the period starts."))
        return cleaned

    def save(self, commit: bool = True) -> ReportingPeriod:
        """Save through the model's rules, checked again with the plan locked: raises ValidationError
        when another officer's period got in first (the view adds it to the form)."""
        self.instance.save_checked()
        return self.instance


class ReportUploadForm(forms.Form):
    """A filled reporting template for ``period``; ``clean_file`` returns its rows as read
    (``spreadsheets.FilledTemplate``)."""

    file = forms.FileField(
        label=_("Filled reporting template (XLSX)"),
        widget=forms.FileInput(attrs={"accept": ".xlsx," + spreadsheets.XLSX_TYPE}),
    )

    def __init__(self, *args, period: ReportingPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.fields["file"].help_text = _("The workbook downloaded for this period, up to %(limit)s.") % {
            "limit": uploads.human_size(min(uploads.max_bytes(), spreadsheets.MAX_BYTES))
        }

    def clean_file(self) -> spreadsheets.FilledTemplate:
        upload = self.cleaned_data["file"]
        self.display_name = uploads.safe_display_name(upload.name or "", "xlsx")
        return spreadsheets.read_upload(upload, name=upload.name or "")

    def clean(self):
        cleaned = super().clean()
        if not self.period.is_open:
            raise forms.ValidationError(
                _("The period %(period)s is closed; uploads are refused until it is open again."),
                params={"period": self.period.label},
            )
        return cleaned


class ReportForm(forms.Form):
    """What progress report to generate: a plan, one of its periods, a language and a format."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.all(), to_field_name="code")
    period = forms.ModelChoiceField(label=_("Reporting period"), queryset=ReportingPeriod.objects.all())
    language = forms.ChoiceField(label=_("Language of the report"), choices=ReportEdition.Language.choices)
    format = forms.ChoiceField(label=_("Format"), initial=EditionFile.Format.PDF)

    def __init__(self, *args, plan: Plan | None = None, formats=(), **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["period"].queryset = ReportingPeriod.objects.for_plan(plan)
        self.fields["period"].label_from_instance = lambda period: period.label
        self.fields["format"].choices = [
            (f, label) for f, label in EditionFile.Format.choices if f in formats
        ]
        if EditionFile.Format.PDF not in formats:
            self.fields["format"].initial = EditionFile.Format.DOCX

    def clean(self):
        cleaned = super().clean()
        plan, period = cleaned.get("plan"), cleaned.get("period")
        if plan and period and period.plan_id != plan.pk:
            self.add_error("period", _("Choose a period of this plan."))
        return cleaned


class FinaliseForm(forms.Form):
    """Finalising a period's report; ``gaps`` (``ReportingPeriod.finalising_gaps``) says what the
    report would miss, and then ``despite_gaps`` must be ticked too."""

    language = forms.ChoiceField(label=_("Language of the report"), choices=ReportEdition.Language.choices)
    understood = forms.BooleanField(
        label=_("I understand that a final edition can never be changed."),
        help_text=_("Only an administrator can withdraw it, and it stays listed."),
    )
    despite_gaps = forms.BooleanField(
        label=_(
            "Finalise all the same: the report shows the lines without a confirmed status as not reported."
        ),
        required=False,
    )

    def __init__(self, *args, gaps: str = "", **kwargs):
        # On the report page with the form that generates a draft, which has a language field too.
        kwargs.setdefault("auto_id", "id_finalise_%s")
        super().__init__(*args, **kwargs)
        self.gaps = gaps

    def clean(self):
        cleaned = super().clean()
        if self.gaps and not cleaned.get("despite_gaps"):
            self.add_error(
                "despite_gaps",
                _("%(gaps)s Tick “Finalise all the same” to finalise the report as it stands.")
                % {"gaps": self.gaps},
            )
        return cleaned


class ReportTextForm(forms.Form):
    """A section of the progress report in both languages and, for a pillar, its highlights."""

    text_en = forms.CharField(
        label=_("Text in English"), required=False, widget=forms.Textarea(attrs={"rows": 12, "lang": "en"}),
        help_text=_("Separate paragraphs with an empty line. Left as drafted, or emptied, the report keeps "
                    "drafting it from the data."),
    )  # fmt: skip
    text_zh = forms.CharField(
        label=_("Text in Chinese"), required=False,
        widget=forms.Textarea(attrs={"rows": 12, "lang": "zh-Hans"}),
        help_text=_("Separate paragraphs with an empty line. Left as drafted, or emptied, the report keeps "
                    "drafting it from the data."),
    )  # fmt: skip
    # The version the officer started from; empty when no text had been saved yet.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    highlights = ChoiceOfIds(
        label=_("Highlights"), queryset=Activity.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The activities the report names among the pillar's key achievements."),
    )  # fmt: skip

    def __init__(self, *args, activities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activities is None:
            del self.fields["highlights"]
        else:
            self.fields["highlights"].queryset = activities
            self.fields["highlights"].label_from_instance = activity_choice


class ReportTextEditor:
    """The text of one section of a period's report, as an officer edits it: the saved text or the
    app's drafts to start from, the pillar's activities to choose highlights among, and the form."""

    def __init__(self, period: ReportingPeriod, section: str, part, data=None):
        from .progress_report.build import build_report

        self.period, self.section, self.part = period, section, part
        self.saved = ReportText.objects.filter(period=period, section=section, part=part).first()
        self.drafts = {}
        for language in ("en", "zh"):
            content = build_report(period.plan, period, language)
            pillar = next((p for p in content.pillars if part and p.code == part.code), None)
            self.drafts[language] = "\n\n".join(pillar.draft if pillar else content.way_forward_draft)
        self.activities = self.pillar_activities() if part else None
        self.form = ReportTextForm(data, initial=self.initial(), activities=self.activities)
        self.theirs: ReportText | None = None

    def pillar_activities(self):
        approved = Activity.objects.approved_in(self.period).in_part(self.part)
        return approved.select_related("update__line", "update__organisation").order_by(
            "update__line__sort_key", "date"
        )

    def initial(self) -> dict:
        saved = self.saved
        return {
            "text_en": saved.text_en if saved and saved.text_en else self.drafts["en"],
            "text_zh": saved.text_zh if saved and saved.text_zh else self.drafts["zh"],
            "version": saved.version if saved else None,
            "highlights": self.activities.highlighted() if self.activities is not None else None,
        }

    def is_valid(self) -> bool:
        return self.form.is_valid()

    def save(self, *, by) -> None:
        """The text, and the highlights among the pillar's activities, together or not at all."""
        data = self.form.cleaned_data
        with transaction.atomic():
            ReportText.save_edit(
                self.period, self.section, self.part, text_en=data["text_en"], text_zh=data["text_zh"],
                by=by, expected_version=data["version"], drafts=self.drafts,
            )  # fmt: skip
            if self.activities is not None:
                self.activities.choose_highlights({activity.pk for activity in data["highlights"]}, by=by)

    def conflict(self, error: Exception) -> None:
        """Someone saved the section first: keep what this officer typed, show the other text, and
        take its version, so that saving again is a decision to replace it."""
        self.theirs = ReportText.objects.get(period=self.period, section=self.section, part=self.part)
        data = self.form.data.copy()
        data["version"] = self.theirs.version
        self.form = ReportTextForm(data, initial=self.initial(), activities=self.activities)
        self.form.is_valid()
        self.form.add_error(None, str(error))


def activity_choice(activity: Activity) -> str:
    update = activity.update
    return f"{update.line.code} · {activity.date:%Y-%m-%d} · {activity} · {update.organisation}"


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 2}))
