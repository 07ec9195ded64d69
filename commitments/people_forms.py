"""Forms of the People and Organisations pages. The rules (who may give which role, who may be
changed) are on the models (models/people.py); the forms offer only what the user may choose, and
show a model rule's error at its field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .forms import ChoiceOfIds
from .models import Organisation, Person, Role
from .models.people import roles_given_by

ANY = _("Any")
BOTH_LANGUAGES = "both"
MAIL_LANGUAGES = [
    (BOTH_LANGUAGES, _("English and Chinese")),
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]


def organisation_label(organisation: Organisation) -> str:
    return f"{organisation.acronym} — {organisation.localized_name}"


class OrganisationChoices(ChoiceOfIds):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, organisation: Organisation) -> str:
        return organisation_label(organisation)


class RolesAndOrganisationsForm(forms.Form):
    """The roles ``by`` may give, and the organisations a focal point reports for."""

    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple, required=False)
    organisations = OrganisationChoices(
        label=_("Organisations"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("The organisations a focal point reports for."),
    )

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(role.value, role.label) for role in roles_given_by(by)]

    def add_model_error(self, error: ValidationError) -> None:
        """A model rule's ValidationError, at its fields."""
        self.add_error(None, error)


class InviteForm(RolesAndOrganisationsForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=MAIL_LANGUAGES, initial=BOTH_LANGUAGES, required=False
    )
    field_order = ["email", "roles", "organisations", "language"]

    def clean_roles(self) -> list[str]:
        roles = self.cleaned_data["roles"]
        if not roles:
            raise ValidationError(_("Choose at least one role."), code="required")
        return roles


class PersonForm(RolesAndOrganisationsForm):
    def __init__(self, *args, person: Person, **kwargs):
        kwargs.setdefault(
            "initial", {"roles": person.roles, "organisations": list(person.organisations.all())}
        )
        super().__init__(*args, **kwargs)


class PeopleFilter(forms.Form):
    """Whom the People page lists; a value that is no choice is ignored, like no value."""

    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", ANY), *Role.choices])
    organisation = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int)
    active = forms.ChoiceField(
        label=_("Active"),
        required=False,
        choices=[("", ANY), ("yes", _("Active")), ("no", _("Deactivated"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.only("acronym", "name_en", "name_zh")
        self.fields["organisation"].choices = [("", ANY), *((o.pk, o.acronym) for o in organisations)]

    def people(self):
        people = Person.objects.for_list()
        if not self.is_valid():
            return people
        if role := self.cleaned_data["role"]:
            people = people.with_role(role)
        if organisation := self.cleaned_data["organisation"]:
            people = people.in_organisation(organisation)
        if active := self.cleaned_data["active"]:
            people = people.active() if active == "yes" else people.inactive()
        return people


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["acronym", "name_en", "name_zh", "kind"]

    def clean_acronym(self) -> str:
        """An acronym is unique whatever its case: "ACCC" and "accc" would be one body twice."""
        acronym = self.cleaned_data["acronym"]
        if Organisation.objects.with_acronym(acronym).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("An organisation with this acronym exists already."), code="unique")
        return acronym


class OrganisationFilter(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", ANY), *Organisation.Kind.choices])

    def organisations(self):
        organisations = Organisation.objects.all()
        if self.is_valid() and self.cleaned_data["kind"]:
            organisations = organisations.of_kind(self.cleaned_data["kind"])
        return organisations
