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

from django.contrib.auth import get_user_model
from django.db import connection, models
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
from .models.plans import in_language, interface_language

# Bookkeeping that changes with every save and says nothing to a reader.
# Keys to the line, plan or update the entry is already about, and the "who" shown with every entry.
IGNORED = {
    "id", "version", "updated_at", "created_at", "source", "sort_key", "position", "source_line",
    "line_id", "update_id", "plan_id", "part_id", "area_id", "period_id", "author_id", "decided_by_id",
    "confirmed_by_id", "withdrawn_by_id", "file", "content_type",
    # Where a proposed owner came from: the Owner suggestions page says it, with the line linked.
    "proposed_from_id",
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
    organisations, activities and their funds); ``organisations``: others already read, such as its
    owners', to name them without a query. The six history tables are read in one query (``HistoryQuery``)."""
    funds = [activity.fund for update in updates for activity in update.activities.all() if activity.fund]
    names = Names([*organisations, *(update.organisation for update in updates)], funds)
    entries = []
    for model, records in HistoryQuery.on(connection).records(connection, line.pk).items():
        entries += _entries(model, records, names)
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


class HistoryQuery:
    """The history records of a line, its owners, updates, activities, evidence and period
    statuses, in one ``UNION ALL`` of the six historical tables, oldest first per row.

    Each table's shown fields (those not IGNORED) have columns of their own, a NULL of the same
    type (a ``CAST``) in the other tables' records, so that each column has one type on PostgreSQL
    as on SQLite; every value goes through the converters the ORM would apply to it (dates,
    decimals and booleans on SQLite), so it keeps its Python type. A record is a dict: ``id``,
    ``history_date``, ``history_type``, ``who`` (the user's name, or None) and the shown fields by
    attname. The SQL and the converters are worked out once per database vendor.
    """

    # Which records of each table concern a line: its own, those of its owners, updates and period
    # statuses, and those of the activities and evidence of its updates.
    SOURCES = [
        (ActionLine, "h.{id} = %s"),
        (Ownership, "h.{line} = %s"),
        (StatusUpdate, "h.{line} = %s"),
        (Activity, "h.{update} IN (SELECT {id} FROM {updates} WHERE {line} = %s)"),
        (Evidence, "h.{update} IN (SELECT {id} FROM {updates} WHERE {line} = %s)"),
        (PeriodStatus, "h.{line} = %s"),
    ]
    _built: dict[str, HistoryQuery] = {}

    @classmethod
    def on(cls, connection) -> HistoryQuery:
        if connection.vendor not in cls._built:
            cls._built[connection.vendor] = cls(connection)
        return cls._built[connection.vendor]

    def __init__(self, connection):
        quote = connection.ops.quote_name
        user = get_user_model()
        # Every shown field of every table, in column order after the six common columns.
        slots = [
            (index, model.history.model._meta.get_field(f.name))
            for index, (model, _where) in enumerate(self.SOURCES)
            for f in model._meta.concrete_fields
            if f.attname not in IGNORED
        ]
        self.fields = [[] for _source in self.SOURCES]  # per table: (position, attname, converters)
        for position, (index, shown) in enumerate(slots, start=6):
            self.fields[index].append((position, shown.attname, self._converters(shown, connection)))
        history_date = self.SOURCES[0][0].history.model._meta.get_field("history_date")
        self.date_converters = self._converters(history_date, connection)
        names = {
            "id": quote("id"), "line": quote("line_id"), "update": quote("update_id"),
            "updates": quote(StatusUpdate._meta.db_table),
        }  # fmt: skip
        branches = []
        for index, (model, where) in enumerate(self.SOURCES):
            columns = [
                f"h.{quote(shown.column)}"
                if own == index
                else f"CAST(NULL AS {shown.cast_db_type(connection)})"
                for own, shown in slots
            ]
            branches.append(
                f"SELECT {index}, h.{quote('id')}, h.{quote('history_id')}, h.{quote('history_date')}, "
                f"h.{quote('history_type')}, u.{quote(user._meta.get_field(user.USERNAME_FIELD).column)}, "
                f"{', '.join(columns)} FROM {quote(model.history.model._meta.db_table)} h "
                f"LEFT JOIN {quote(user._meta.db_table)} u ON u.{quote(user._meta.pk.column)} = "
                f"h.{quote('history_user_id')} WHERE {where.format(**names)}"
            )
        self.sql = " UNION ALL ".join(branches) + " ORDER BY 1, 2, 3"

    @staticmethod
    def _converters(field, connection) -> list:
        column = field.get_col(field.model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        return [(converter, column) for converter in converters]

    def records(self, connection, line_id: int) -> dict[type[models.Model], list[dict]]:
        """Each table's records about the line, by model, ordered by row and then by time."""
        by_model = {model: [] for model, _where in self.SOURCES}
        models_in_order = list(by_model)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [line_id] * len(self.SOURCES))
            rows = cursor.fetchall()
        for row in rows:
            index, pk, _history_id, at, kind, who = row[:6]
            for converter, column in self.date_converters:
                at = converter(at, column, connection)
            record = {"id": pk, "history_date": at, "history_type": kind, "who": who}
            for position, attname, converters in self.fields[index]:
                value = row[position]
                for converter, column in converters:
                    value = converter(value, column, connection)
                record[attname] = value
            by_model[models_in_order[index]].append(record)
        return by_model


class Names:
    """Statuses, organisations and funds by id, loaded once, to show a changed foreign key by name."""

    def __init__(self, organisations: Iterable[Organisation] = (), funds: Iterable[Fund] = ()):
        self.status = {status.pk: str(status) for status in Status.objects.all()}
        self.known_organisations = {organisation.pk: organisation.acronym for organisation in organisations}
        self.known_funds = {fund.pk: fund.acronym for fund in funds}

    @cached_property
    def organisation(self) -> dict[int, str]:
        # Loaded only for a history that names an organisation not given (a former owner's).
        return dict(Organisation.objects.values_list("pk", "acronym"))

    @cached_property
    def fund(self) -> dict[int, str]:
        # Loaded only for a history that names a fund not given (one an activity no longer has).
        return {fund.pk: fund.acronym for fund in Fund.objects.all()}

    def show(self, name: str, value: object) -> object:
        if name in ("status_id", "proposed_id"):
            return self.status.get(value, value)
        if name == "organisation_id":
            if value in self.known_organisations:
                return self.known_organisations[value]
            return self.organisation.get(value, value)
        if name == "fund_id" and value is not None:
            if value in self.known_funds:
                return self.known_funds[value]
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


def _entries(model, records: list[dict], names: Names) -> list[Entry]:
    fields = [f for f in model._meta.concrete_fields if f.attname not in IGNORED]
    entries, previous = [], None
    for record in records:
        if previous is not None and previous["id"] != record["id"]:
            previous = None
        changes = [
            Change(f.verbose_name, names.value(f, before), names.value(f, after))
            for f in fields
            for before, after in [(previous[f.attname] if previous else None, record[f.attname])]
            if previous is None and after not in (None, "") or previous is not None and before != after
        ]
        if changes or record["history_type"] != "~":
            entries.append(
                Entry(record["history_date"], record["who"], _subject(model, record, names),
                      KINDS[record["history_type"]], changes)
            )  # fmt: skip
        previous = record
    return entries


def _subject(model, record: dict, names: Names) -> str:
    label = model._meta.verbose_name
    if model in (Ownership, StatusUpdate):
        return f"{label}: {names.show('organisation_id', record['organisation_id'])}"
    if model in (Activity, Evidence):
        return f"{label}: {in_language(record['title_en'], record['title_zh'], interface_language())}"
    return str(label)
