"""People and organisations, run by the secretariat without the admin. Who may change whom is decided
in models/people.py; every change is recorded there (people) or by django-simple-history
(organisations)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..invitations import send_invitation
from ..models import Organisation, Person
from ..people_forms import InviteForm, OrganisationFilter, OrganisationForm, PeopleFilter, PersonForm
from ..permissions import (
    organisation_adder_required,
    organisation_editor_required,
    people_manager_required,
    person_to_manage,
)

PER_PAGE = 50


def listing(request, items) -> dict:
    """One page of ``items``, and the filters of the address for the links to the other pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": Paginator(items, PER_PAGE).get_page(request.GET.get("page")), "query": query.urlencode()}


@people_manager_required
def person_list(request):
    filters = PeopleFilter(request.GET or None)
    context = {"filters": filters, **listing(request, filters.people())}
    for person in context["page"]:
        person.manageable = person.may_be_managed_by(request.user)
    return render(request, "commitments/people_list.html", context)


@require_http_methods(["GET", "POST"])
@people_manager_required
def person_invite(request):
    form = InviteForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = Person.objects.invite(
                    email=data["email"],
                    roles=data["roles"],
                    organisations=data["organisations"],
                    by=request.user,
                )
                send_invitation(person, by=request.user, language=data["language"])
        except ValidationError as error:
            form.add_model_error(error)
        else:
            messages.success(
                request, _("%(email)s is invited; the e-mail is on its way.") % {"email": person.email}
            )
            return redirect("commitments:person-edit", person.pk)
    context = {"form": form, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
    return render(request, "commitments/people_invite.html", context)


@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = person_to_manage(request.user, pk)
    form = PersonForm(request.POST or None, person=person, by=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            changes = person.assign(
                roles=form.cleaned_data["roles"],
                organisations=form.cleaned_data["organisations"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_model_error(error)
        else:
            if changes:
                messages.success(request, _("The changes to %(name)s are saved.") % {"name": person})
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("commitments:person-edit", person.pk)
    context = {"person": person, "form": form, "changes": person.changes.select_related("by")}
    return render(request, "commitments/people_edit.html", context)


@require_http_methods(["GET", "POST"])
def person_deactivate(request, pk: int):
    """GET asks for confirmation; POST deactivates."""
    person = person_to_manage(request.user, pk)
    if request.method == "POST" and person.is_active:
        person.deactivate(by=request.user)
        messages.success(request, _("%(name)s can no longer log in.") % {"name": person})
        return redirect("commitments:person-edit", person.pk)
    if not person.is_active:
        return redirect("commitments:person-edit", person.pk)
    return render(request, "commitments/people_deactivate.html", {"person": person})


@require_POST
def person_reactivate(request, pk: int):
    person = person_to_manage(request.user, pk)
    if not person.is_active:
        person.reactivate(by=request.user)
        messages.success(request, _("%(name)s may log in again.") % {"name": person})
    return redirect("commitments:person-edit", person.pk)


@require_POST
def person_reinvite(request, pk: int):
    """Send the invitation again, with a new link, to someone who has not chosen a password yet."""
    person = person_to_manage(request.user, pk)
    if person.is_active and not person.has_accepted:
        send_invitation(person, by=request.user, language=request.POST.get("language", "both"))
        messages.success(request, _("The invitation is sent again to %(email)s.") % {"email": person.email})
    else:
        messages.info(request, _("This person has chosen a password already, or is deactivated."))
    return redirect("commitments:person-edit", person.pk)


@organisation_editor_required
def organisation_list(request):
    filters = OrganisationFilter(request.GET or None)
    context = {"filters": filters, **listing(request, filters.organisations())}
    return render(request, "commitments/organisation_list.html", context)


@require_http_methods(["GET", "POST"])
@organisation_adder_required
def organisation_add(request):
    return _organisation_form(request, Organisation())


@require_http_methods(["GET", "POST"])
@organisation_editor_required
def organisation_edit(request, pk: int):
    return _organisation_form(request, get_object_or_404(Organisation, pk=pk))


def _organisation_form(request, organisation: Organisation):
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            organisation = form.save()  # django-simple-history records who, from the request
        messages.success(request, _("%(acronym)s is saved.") % {"acronym": organisation.acronym})
        return redirect("commitments:organisation-list")
    history = organisation.history.select_related("history_user")[:20] if organisation.pk else []
    context = {"form": form, "organisation": organisation, "history": history}
    return render(request, "commitments/organisation_form.html", context)
