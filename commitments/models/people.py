"""The people who use the tracker, as the secretariat manages them: invited by e-mail, given roles
(the groups of migration 0003) and organisations, deactivated but never deleted.

``Person`` is a proxy of Django's user that carries the rules of who may manage whom; every change
made through it is recorded as a ``PersonChange``, who did what and when. (Django's user has no
history of its own; registering it with django-simple-history would copy the whole row, password
hash included, at every log-in, and would still miss the roles and organisations, which are
many-to-many. One explicit record per change, written by the method that makes it, says more.)

Separation of duties: a secretariat officer invites and manages focal points and reviewers; only
an administrator (a superuser, or a member of the Administrator group) gives the Administrator or
Secretariat officer role, or changes someone who holds one. Nobody changes their own account here.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import Group, User, UserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tracking import Organisation

# Who may invite, give roles and deactivate (the migration gives it to secretariat officers and
# administrators).
MANAGE_PEOPLE = "commitments.manage_people"
USERNAME_LENGTH = User._meta.get_field("username").max_length


class Role(models.TextChoices):
    """The roles, by the names of their groups (migration 0003)."""

    ADMINISTRATOR = "Administrator", _("Administrator")
    SECRETARIAT_OFFICER = "Secretariat officer", _("Secretariat officer")
    FOCAL_POINT = "Focal point", _("Focal point")
    REVIEWER = "Reviewer", _("Reviewer")


# Roles that run the tracker: only an administrator gives them, or changes someone who has one.
SENIOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT_OFFICER})


def is_administrator(user) -> bool:
    return user.is_superuser or user.groups.filter(name=Role.ADMINISTRATOR).exists()


def roles_given_by(user) -> list[Role]:
    """The roles ``user`` may give: all of them for an administrator, else focal point and reviewer."""
    if is_administrator(user):
        return list(Role)
    return [role for role in Role if role not in SENIOR_ROLES]


def username_for(email: str) -> str:
    """A free user name made from an e-mail address, in the characters Django allows in one."""
    base = re.sub(r"[^\w.@+-]", "-", email.strip().lower())[: USERNAME_LENGTH - 4] or "person"
    username, number = base, 1
    while User.objects.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


class PersonQuerySet(models.QuerySet):
    def with_role(self, role: str) -> PersonQuerySet:
        return self.filter(groups__name=role)

    def in_organisation(self, organisation: Organisation) -> PersonQuerySet:
        return self.filter(organisations=organisation)

    def active(self) -> PersonQuerySet:
        return self.filter(is_active=True)

    def inactive(self) -> PersonQuerySet:
        return self.filter(is_active=False)

    def with_email(self, email: str) -> PersonQuerySet:
        return self.filter(email__iexact=email.strip())

    def for_list(self) -> PersonQuerySet:
        return self.prefetch_related("groups", "organisations").order_by("username")


class PersonManager(UserManager.from_queryset(PersonQuerySet)):
    use_in_migrations = False  # migrations use the user's own manager

    def invite(self, *, email: str, roles: list[str], organisations, by) -> Person:
        """A new person with ``roles`` and ``organisations``, who has no password until they choose one
        from the invitation's link (invitations.send_invitation). Raises ValidationError by field."""
        if not by.has_perm(MANAGE_PEOPLE):
            raise PermissionDenied
        Person.check_roles(roles, organisations, by=by)
        if self.with_email(email).exists():
            raise ValidationError({"email": _("Someone with this e-mail address has an account already.")})
        with transaction.atomic():
            person = self.create_user(username_for(email), email.strip(), password=None)
            person.groups.set(Group.objects.filter(name__in=roles))
            person.organisations.set(organisations)
            PersonChange.objects.create(
                person=person, by=by, action=PersonChange.Action.INVITED,
                after=sorted(roles) + sorted(o.acronym for o in organisations),
            )  # fmt: skip
        return person


class Person(User):
    """A user as the secretariat manages them."""

    objects = PersonManager()

    class Meta:
        proxy = True
        default_permissions = ()
        permissions = [("manage_people", _("Can invite people, give them roles and deactivate them"))]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    @property
    def roles(self) -> list[str]:
        """The person's roles, in the order of ``Role`` (from the prefetched groups when there are)."""
        names = {group.name for group in self.groups.all()}
        return [role for role in Role.values if role in names]

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles]

    @property
    def has_accepted(self) -> bool:
        """Whether they have chosen a password (an invited person has none until then)."""
        return self.has_usable_password()

    @staticmethod
    def check_roles(roles: list[str], organisations, *, by) -> None:
        """Refuse roles ``by`` may not give, and a focal point for no organisation."""
        allowed = roles_given_by(by)
        if any(role not in allowed for role in roles):
            raise ValidationError(
                {"roles": _("Only an administrator gives the Administrator or Secretariat officer role.")}
            )
        if Role.FOCAL_POINT in roles and not list(organisations):
            raise ValidationError(
                {"organisations": _("A focal point reports for an organisation: choose at least one.")}
            )

    def why_not_managed_by(self, user) -> str | None:
        """Why ``user`` may not change this person, or None when they may."""
        if not user.has_perm(MANAGE_PEOPLE):
            return _("You may not manage people.")
        if user.pk == self.pk:
            return _("You cannot change your own account here: ask another officer or an administrator.")
        if (self.is_superuser or SENIOR_ROLES & set(self.roles)) and not is_administrator(user):
            return _("Only an administrator changes an administrator or a secretariat officer.")
        return None

    def may_be_managed_by(self, user) -> bool:
        return self.why_not_managed_by(user) is None

    def _check_managed_by(self, user) -> None:
        if not self.may_be_managed_by(user):
            raise PermissionDenied(self.why_not_managed_by(user))

    def assign(self, *, roles: list[str], organisations, by) -> list[PersonChange]:
        """Give exactly these roles and organisations; record what changed. Other groups stay."""
        self._check_managed_by(by)
        self.check_roles(roles, organisations, by=by)
        changes = []
        with transaction.atomic():
            before = self.roles
            after = [role for role in Role.values if role in roles]
            if before != after:
                self.groups.remove(*Group.objects.filter(name__in=set(before) - set(after)))
                self.groups.add(*Group.objects.filter(name__in=set(after) - set(before)))
                changes.append(self._record(PersonChange.Action.ROLES, by, before, after))
            before = sorted(self.organisations.values_list("acronym", flat=True))
            after = sorted(organisation.acronym for organisation in organisations)
            if before != after:
                self.organisations.set(organisations)
                changes.append(self._record(PersonChange.Action.ORGANISATIONS, by, before, after))
        return changes

    def deactivate(self, *, by) -> PersonChange:
        """They can no longer log in; their account, their work and its history stay."""
        return self._set_active(False, PersonChange.Action.DEACTIVATED, by)

    def reactivate(self, *, by) -> PersonChange:
        return self._set_active(True, PersonChange.Action.REACTIVATED, by)

    def _set_active(self, active: bool, action: str, by) -> PersonChange:
        self._check_managed_by(by)
        with transaction.atomic():
            self.is_active = active
            self.save(update_fields=["is_active"])
            return self._record(action, by)

    def _record(self, action: str, by, before=(), after=()) -> PersonChange:
        return PersonChange.objects.create(person=self, by=by, action=action, before=before, after=after)


class PersonChange(models.Model):
    """One change to a person made through the People pages: who, when, and the values before and
    after (role names or organisation acronyms)."""

    class Action(models.TextChoices):
        INVITED = "invited", _("invited")
        ROLES = "roles", _("roles changed")
        ORGANISATIONS = "organisations", _("organisations changed")
        DEACTIVATED = "deactivated", _("deactivated")
        REACTIVATED = "reactivated", _("reactivated")

    # PROTECT: people are deactivated, never deleted, and their record stays.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="changes", verbose_name=_("person")
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("change"), max_length=20, choices=Action.choices)
    before = models.JSONField(_("before"), default=list, blank=True)
    after = models.JSONField(_("after"), default=list, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change to a person")
        verbose_name_plural = _("changes to people")

    def __str__(self) -> str:
        return f"{self.person} {self.action} by {self.by} at {self.at:%Y-%m-%d %H:%M}"

    @staticmethod
    def _labels(values: list[str]) -> list[str]:
        return [Role(value).label if value in Role.values else value for value in values]

    @property
    def before_labels(self) -> list[str]:
        return self._labels(self.before)

    @property
    def after_labels(self) -> list[str]:
        return self._labels(self.after)
