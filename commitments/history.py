"""A line's history: every recorded change to the line, its owners, updates, activities,
evidence and period statuses, newest first, with who, when, and each field before and after.

django-simple-history keeps one full copy of a row per change; the differences are worked out
here between consecutive copies of the same row, in a fixed number of queries. Field names are
the models' verbose names and values are shown as a reader knows them (a choice's label, a
status or organisation by name, a time in the site's time zone with its offset), in the
interface language.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    ActionLine,
    Activity,
    Evidence,
    Fund,
    Organisation,
    Ownership,
    PeriodStatus,
    Status,
    StatusUpdate,
)

# Bookkeeping that changes with every save and says nothing to a reader.
# Keys to the line, plan or update the entry is already about, and the "who" shown with every entry.
IGNORED = {
    "id", "version", "updated_at", "created_at", "source", "sort_key", "position", "source_line",
    "line_id", "update_id", "plan_id", "part_id", "area_id", "period_id", "author_id", "decided_by_id",
    "confirmed_by_id", "withdrawn_by_id", "file", "content_type",
}  # fmt: skip
KINDS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    field: str
    before: object
    after: object


def local_time(value: datetime.datetime) -> str:
    """``value`` in the site's time zone (settings.TIME_ZONE) and the language's format, with the
    zone's offset from UTC, e.g. "29 Nov 2026, 11:21 UTC+7" or "2026年11月29日 11:21 UTC+7"."""
    local = timezone.localtime(value)
    minutes = int(local.utcoffset().total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    zone = f"UTC{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {zone}"


@dataclass
class Entry:
    at: datetime.datetime
    who: object
    subject: str
    kind: str
    changes: list[Change] = field(default_factory=list)

    @property
    def when(self) -> str:
        return local_time(self.at)

    @property
    def is_creation(self) -> bool:
        return self.kind == KINDS["+"]


def line_history(
    line: ActionLine,
    updates: list[StatusUpdate],
    limit: int = 100,
    organisations: Iterable[Organisation] = (),
) -> list[Entry]:
    """The latest ``limit`` changes that concern ``line``, whose ``updates`` are given (with their
    organisations); ``organisations``: others already read, such as its owners', to name them without
    a query."""
    update_ids = [update.pk for update in updates]
    sources = [
        (ActionLine, {"id": line.pk}),
        (Ownership, {"line_id": line.pk}),
        (StatusUpdate, {"line_id": line.pk}),
        (Activity, {"update_id__in": update_ids}),
        (Evidence, {"update_id__in": update_ids}),
        (PeriodStatus, {"line_id": line.pk}),
    ]
    names = Names([*organisations, *(update.organisation for update in updates)])
    entries = []
    for model, lookup in sources:
        records = model.history.filter(**lookup).select_related("history_user").order_by("id", "history_id")
        entries += _entries(model, list(records), names)
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


class Names:
    """Statuses, organisations and funds by id, loaded once, to show a changed foreign key by name."""

    def __init__(self, organisations: Iterable[Organisation] = ()):
        self.status = {status.pk: str(status) for status in Status.objects.all()}
        self.known_organisations = {organisation.pk: organisation.acronym for organisation in organisations}

    @cached_property
    def organisation(self) -> dict[int, str]:
        # Loaded only for a history that names an organisation not given (a former owner's).
        return dict(Organisation.objects.values_list("pk", "acronym"))

    @cached_property
    def fund(self) -> dict[int, str]:
        # Loaded only for a history that names a fund: most lines have none.
        return {fund.pk: fund.acronym for fund in Fund.objects.all()}

    def show(self, name: str, value: object) -> object:
        if name in ("status_id", "proposed_id"):
            return self.status.get(value, value)
        if name == "organisation_id":
            if value in self.known_organisations:
                return self.known_organisations[value]
            return self.organisation.get(value, value)
        if name == "fund_id" and value is not None:
            return self.fund.get(value, value)
        return value

    def value(self, model_field: models.Field, value: object) -> object:
        """``value`` of ``model_field`` as a reader knows it, in the interface language."""
        if value is None or value == "":
            return value
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(value, datetime.datetime):
            return local_time(value)
        if isinstance(value, datetime.date):
            return formats.date_format(value, "DATE_FORMAT")
        if model_field.attname == "size":
            return filesizeformat(value)
        return self.show(model_field.attname, value)


def _entries(model, records: list, names: Names) -> list[Entry]:
    fields = [f for f in model._meta.concrete_fields if f.attname not in IGNORED]
    entries, previous = [], None
    for record in records:
        if previous is not None and previous.id != record.id:
            previous = None
        changes = [
            Change(f.verbose_name, names.value(f, before), names.value(f, after))
            for f in fields
            for before, after in [(getattr(previous, f.attname, None), getattr(record, f.attname))]
            if previous is None and after not in (None, "") or previous is not None and before != after
        ]
        if changes or record.history_type != "~":
            entries.append(
                Entry(record.history_date, record.history_user, _subject(model, record, names),
                      KINDS[record.history_type], changes)
            )  # fmt: skip
        previous = record
    return entries


def _subject(model, record, names: Names) -> str:
    label = model._meta.verbose_name
    if model in (Ownership, StatusUpdate):
        return f"{label}: {names.show('organisation_id', record.organisation_id)}"
    if model in (Activity, Evidence):
        return f"{label}: {record.instance.localized_title}"
    return str(label)
