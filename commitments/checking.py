"""The spreadsheet row checker: what confirming a filled reporting template would do with each row.

Each row of an upload (``ReportUpload.rows``) is checked against the database as it is when it is
looked at: its line, owner, status, activity, and the update already there. What a row would
submit is checked by the models' own rules, as the update form does: the update by
``StatusUpdate.submission_errors`` (a status, progress, a reason for a delay), its activity by
``Activity.full_clean``; saving it goes through ``StatusUpdate.save_edit`` and ``submit``, which
refuse a period that is not open.

A row of the sheet "Targets" (``ReportUpload.target_rows``) gives a value towards a target of a line
for one owner: it is checked by ``TargetValue.full_clean`` as the update form's values are, and saved
by ``TargetValue.save_for`` with the update of the same line and owner in "Updates", before it is
submitted; without such a row it is an error (a value is approved with its update).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models.continuity import Target, TargetValue
from .models.plans import ActionLine
from .models.tracking import Activity, Fund, Organisation, Ownership, ReportingPeriod, Status, StatusUpdate

if TYPE_CHECKING:
    from .models.spreadsheets import ReportUpload

CREATE, UPDATE, SKIP, ERROR = "create", "update", "skip", "error"
SAVE = "save"  # a target's value, saved with its update
PLANNED = {
    CREATE: gettext_lazy("New update, to submit"),
    UPDATE: gettext_lazy("Draft to complete and submit"),
    SKIP: gettext_lazy("Skipped"),
    ERROR: gettext_lazy("Error"),
    SAVE: gettext_lazy("Value to submit with the update"),
}
DONE = {
    CREATE: gettext_lazy("New update submitted"),
    UPDATE: gettext_lazy("Draft completed and submitted"),
    SKIP: gettext_lazy("Skipped"),
    SAVE: gettext_lazy("Submitted with the update"),
}
SAVED_FIELDS = ["status", "narrative_en", "narrative_zh", "reason_en", "reason_zh"]
DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
# The row's activity columns and the fields of Activity they fill.
ACTIVITY_FIELDS = {
    "activity_date": "date", "activity_title_en": "title_en", "activity_title_zh": "title_zh",
    "activity_kind": "kind", "activity_place_en": "place_en", "activity_place_zh": "place_zh",
    "activity_organisers": "organisers", "activity_fund": "fund", "activity_amount_usd": "amount_usd",
}  # fmt: skip


@dataclass
class CheckedRow:
    """One row of an upload with what confirming would do with it, or why it cannot."""

    number: int
    values: dict[str, str]
    outcome: str = ""
    errors: list[str] = field(default_factory=list)
    line: ActionLine | None = None
    organisation: Organisation | None = None
    status: Status | None = None
    activity: Activity | None = None  # the row's activity, checked, to add to the update
    update: StatusUpdate | None = None  # the update already there for the line and owner, if any
    update_id: int | None = None  # the update saved, once confirmed
    done: bool = False
    # The values of the sheet "Targets" for the line and owner, checked, to save with the update.
    target_values: dict[Target, tuple[int, str]] = field(default_factory=dict)

    @property
    def outcome_label(self) -> str:
        return (DONE if self.done else PLANNED)[self.outcome]

    @property
    def narrative_en(self) -> str:
        return self.values["narrative_en"] or (self.update.narrative_en if self.update else "")

    @property
    def narrative_zh(self) -> str:
        return self.values["narrative_zh"] or (self.update.narrative_zh if self.update else "")

    # A template from before the reason columns has no such values.

    @property
    def reason_en(self) -> str:
        return self.values.get("reason_en") or (self.update.reason_en if self.update else "")

    @property
    def reason_zh(self) -> str:
        return self.values.get("reason_zh") or (self.update.reason_zh if self.update else "")

    def save(self, period: ReportingPeriod, *, by, reason: str) -> StatusUpdate:
        """Create the update or complete the draft, then submit it; call inside a transaction."""
        update = self.update or StatusUpdate(
            line=self.line, period=period, organisation=self.organisation, author=by
        )
        update.status = self.status
        update.narrative_en, update.narrative_zh = self.narrative_en, self.narrative_zh
        update.reason_en, update.reason_zh = self.reason_en, self.reason_zh
        # Who and why, for the history, also when this runs outside a request.
        update._history_user, update._change_reason = by, reason
        if self.outcome == CREATE:
            update.save()
        else:
            update.save_edit(SAVED_FIELDS, expected_version=update.version)
        if self.activity:
            self.activity.update = update
            self.activity._history_user, self.activity._change_reason = by, reason
            self.activity.save()
        if self.target_values:  # an empty value cell keeps the draft's value
            TargetValue.save_for(update, self.target_values, by=by, reason=reason)
        update.submit(by=by)
        return update

    def record(self, update: StatusUpdate | None) -> dict[str, Any]:
        """What a confirmed upload keeps of the row."""
        return {"row": self.number, **self.values, "outcome": self.outcome, "update": update and update.pk}

    @classmethod
    def done_from(cls, record: dict[str, Any]) -> CheckedRow:
        values = {key: value for key, value in record.items() if key not in ("row", "outcome", "update")}
        return cls(record["row"], values, outcome=record["outcome"], update_id=record["update"], done=True)


@dataclass
class CheckedTarget:
    """One row of the sheet "Targets" with what confirming would do with it, or why it cannot."""

    number: int
    values: dict[str, str]
    outcome: str = ""  # SAVE, SKIP or ERROR
    errors: list[str] = field(default_factory=list)
    line: ActionLine | None = None
    organisation: Organisation | None = None
    target: Target | None = None
    value: int | None = None
    update_id: int | None = None  # the update it was saved with, once confirmed
    done: bool = False

    @property
    def outcome_label(self) -> str:
        return (DONE if self.done else PLANNED)[self.outcome]

    @property
    def amount(self) -> str:
        """The value with its unit, as the interface language writes it; as typed when it is no number."""
        if self.target is not None and self.value is not None:
            return self.target.amount(self.value)
        return self.values.get("value", "")

    def record(self, update: StatusUpdate | None) -> dict[str, Any]:
        """What a confirmed upload keeps of the row."""
        return {"row": self.number, **self.values, "outcome": self.outcome, "update": update and update.pk}

    @classmethod
    def done_from(cls, record: dict[str, Any]) -> CheckedTarget:
        values = {key: value for key, value in record.items() if key not in ("row", "outcome", "update")}
        return cls(record["row"], values, outcome=record["outcome"], update_id=record["update"], done=True)


@dataclass
class Preview:
    upload: ReportUpload
    rows: list[CheckedRow]
    # Why the whole upload cannot be confirmed (a closed period), whatever its rows say.
    refusal: str = ""
    targets: list[CheckedTarget] = field(default_factory=list)  # the rows of the sheet "Targets"

    @cached_property
    def counts(self) -> Counter:
        return Counter(row.outcome for row in self.rows)

    @cached_property
    def target_counts(self) -> Counter:
        return Counter(row.outcome for row in self.targets)

    @property
    def errors(self) -> int:
        """The rows with errors, in either sheet."""
        return self.counts[ERROR] + self.target_counts[ERROR]

    @property
    def to_submit(self) -> int:
        return self.counts[CREATE] + self.counts[UPDATE]

    @property
    def can_confirm(self) -> bool:
        blocked = self.upload.is_confirmed or self.refusal or self.errors
        return not blocked and self.to_submit > 0


class Known:
    """What the rows of an upload refer to, loaded in five queries whatever their number (six when
    a row names a fund)."""

    def __init__(self, period: ReportingPeriod, rows: list[dict[str, Any]]):
        self.plan_id = period.plan_id
        codes = {row["line"] for row in rows}
        lines = ActionLine.objects.for_plan(period.plan_id).filter(code__in=codes)
        self.lines = {line.code: line for line in lines}
        self.organisations = {org.acronym.casefold(): org for org in Organisation.objects.all()}
        self.owned = set(
            Ownership.objects.confirmed().filter(line__in=self.lines.values())
            .values_list("line_id", "organisation_id")
        )  # fmt: skip
        self.statuses: dict[str, Status] = {}
        for status in Status.objects.all():
            for name in (status.code, status.label_en, status.label_zh):
                self.statuses.setdefault(name.strip().casefold(), status)
        self.status_codes = ", ".join(sorted({status.code for status in self.statuses.values()}))
        self.updates = {
            (update.line_id, update.organisation_id): update
            for update in StatusUpdate.objects.in_period(period).filter(line__in=self.lines.values())
        }
        self.kinds: dict[str, str] = {}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                for value, label in Activity.Kind.choices:
                    self.kinds.setdefault(value, value)
                    self.kinds.setdefault(str(label).casefold(), value)
        self.kind_codes = ", ".join(Activity.Kind.values)

    @cached_property
    def funds(self) -> dict[str, Fund]:
        return {fund.acronym.casefold(): fund for fund in Fund.objects.all()}

    @cached_property
    def targets(self) -> dict[str, list[Target]]:
        """The plan's targets by key (a key names a target within its line), in one query."""
        targets: dict[str, list[Target]] = {}
        for target in Target.objects.for_plan(self.plan_id).select_related("line"):
            targets.setdefault(target.key.casefold(), []).append(target)
        return targets


def check_rows(period: ReportingPeriod, rows: list[dict[str, Any]]) -> list[CheckedRow]:
    """Each row with its outcome: create, update (a draft or returned update), skip, or error."""
    return check_upload(period, rows, [])[0]


def check_upload(
    period: ReportingPeriod, rows: list[dict[str, Any]], target_rows: list[dict[str, Any]]
) -> tuple[list[CheckedRow], list[CheckedTarget]]:
    """The rows of "Updates" and of "Targets", each with its outcome; the values of "Targets" are
    given to the rows of "Updates" they are saved with (``CheckedRow.target_values``)."""
    known = Known(period, [*rows, *target_rows])
    first_rows: dict[tuple, int] = {}
    checked = [_check(row, period, known, first_rows) for row in rows]
    updates = {(row.line.pk, row.organisation.pk): row for row in checked if row.line and row.organisation}
    return checked, [_check_target(row, period, known, updates, first_rows) for row in target_rows]


def _check_target(
    row: dict[str, Any], period: ReportingPeriod, known: Known, updates: dict, first_rows: dict
) -> CheckedTarget:
    values = {key: str(value or "").strip() for key, value in row.items() if key != "row"}
    checked = CheckedTarget(row["row"], values)
    if not (values["value"] or values["source"]):
        checked.outcome = SKIP  # a target the owner did not report on
        return checked
    errors = checked.errors
    checked.line = _line(values["line"], period, known, errors)
    checked.organisation = _organisation(values["owner"], checked.line, known, errors)
    checked.target = _target(values["target"], checked.line, known, errors) if checked.line else None
    reported = None
    if checked.line and checked.organisation:
        line, owner = checked.line, checked.organisation
        reported = updates.get((line.pk, owner.pk))
        if reported is None or reported.outcome == SKIP:
            errors.append(
                _("Line %(line)s for %(owner)s has no status or progress in the sheet “Updates”: a value is "
                  "submitted with its update; fill in that row too.")
                % {"line": line.code, "owner": owner.acronym}
            )  # fmt: skip
        elif reported.update and not reported.update.is_editable:
            errors.append(
                _("%(owner)s's update of line %(line)s is %(state)s already; its values cannot be changed.")
                % {"owner": owner.acronym, "line": line.code,
                   "state": reported.update.get_state_display().lower()}
            )  # fmt: skip
        if checked.target:
            key = ("target", line.pk, owner.pk, checked.target.pk)
            if key in first_rows:
                errors.append(
                    _("This target of line %(line)s for %(owner)s is already in row %(row)d of “Targets”.")
                    % {"line": line.code, "owner": owner.acronym, "row": first_rows[key]}
                )
            first_rows.setdefault(key, checked.number)
    if checked.target:
        update = reported.update if reported and reported.update else StatusUpdate(line=checked.line)
        errors += _value_errors(checked, update)
    checked.outcome = ERROR if errors else SAVE
    if not errors:
        reported.target_values[checked.target] = (checked.value, values["source"])
    return checked


def _target(key: str, line: ActionLine, known: Known, errors: list[str]) -> Target | None:
    """The target the row names: the line's own, or one of another line of the plan (which the model's
    rule refuses, saying so); None, with an error, when the plan has none by that key."""
    found = known.targets.get(key.casefold(), [])
    target = next((target for target in found if target.line_id == line.pk), found[0] if found else None)
    if not key:
        errors.append(_("The target key is missing."))
    elif target is None:
        own = sorted(target.key for same in known.targets.values() for target in same if target.line == line)
        keys = ", ".join(own)
        errors.append(
            _("Line %(line)s has no target %(target)s; its targets are: %(keys)s.")
            % {"line": line.code, "target": key, "keys": keys or "—"}
        )
    return target


def _value_errors(checked: CheckedTarget, update: StatusUpdate) -> list[str]:
    """What the model says keeps the row's value from being saved with ``update`` (``entry_errors``,
    a whole number of 0 or more); the update form asks the same."""
    figure = TargetValue.without_separators(checked.values["value"]) or None
    source = checked.values["source"]
    candidate = TargetValue(update=update, target=checked.target, value=figure, source=source)
    excluded = ["update", "target"] + (["value"] if figure is None else [])  # both are known; no query
    try:
        candidate.full_clean(exclude=excluded, validate_constraints=False)
    except ValidationError as error:
        return [
            message
            if name == NON_FIELD_ERRORS
            else _("%(field)s: %(message)s")
            % {"field": capfirst(TargetValue._meta.get_field(name).verbose_name), "message": message}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    checked.value = candidate.value
    return []


def _check(row: dict[str, Any], period: ReportingPeriod, known: Known, first_rows: dict) -> CheckedRow:
    values = {key: str(value or "").strip() for key, value in row.items() if key != "row"}
    checked = CheckedRow(row["row"], values)
    has_activity = any(values.get(key) for key in ACTIVITY_FIELDS)
    texts = ("status", "narrative_en", "narrative_zh", "reason_en", "reason_zh")
    if not (any(values.get(key) for key in texts) or has_activity):
        checked.outcome = SKIP  # a line the owner did not report on: a blank row of the template
        return checked
    errors = checked.errors
    errors += _mismatch(
        values["plan"], period.plan.code,
        _("The plan is missing; it should be %(expected)s."),
        _("This row is for the plan %(given)s, not %(expected)s."),
    )  # fmt: skip
    errors += _mismatch(
        values["period"], period.label,
        _("The period is missing; it should be %(expected)s."),
        _("This row is for the period %(given)s, not %(expected)s."),
    )  # fmt: skip
    checked.line = _line(values["line"], period, known, errors)
    checked.organisation = _organisation(values["owner"], checked.line, known, errors)
    checked.status = _status(values["status"], known, errors)
    if has_activity:
        checked.activity = _activity(values, known, errors)
    if checked.line and checked.organisation:
        key = (checked.line.pk, checked.organisation.pk)
        if key in first_rows:
            errors.append(
                _("Line %(line)s for %(owner)s is already in row %(row)d.")
                % {"line": checked.line.code, "owner": checked.organisation.acronym, "row": first_rows[key]}
            )
        first_rows.setdefault(key, checked.number)
        checked.update = known.updates.get(key)
    if checked.update and not checked.update.is_editable:
        errors.append(
            _("%(owner)s's update of line %(line)s is %(state)s already and cannot be replaced.")
            % {"owner": checked.organisation.acronym, "line": checked.line.code,
               "state": checked.update.get_state_display().lower()}
        )  # fmt: skip
    else:
        errors += _submission_errors(checked)
    checked.outcome = ERROR if errors else UPDATE if checked.update else CREATE
    return checked


def _submission_errors(checked: CheckedRow) -> list[str]:
    """What the model says keeps the row's update from being submitted, as it would be saved."""
    candidate = StatusUpdate(
        status=checked.status,
        narrative_en=checked.narrative_en, narrative_zh=checked.narrative_zh,
        reason_en=checked.reason_en, reason_zh=checked.reason_zh,
    )  # fmt: skip
    found = candidate.submission_errors()
    if checked.values["status"]:
        found.pop("status", None)  # a status the row names but that does not exist: said already
    errors = [str(message) for message in found.values()]
    if "reason_en" in found and "reason_en" not in checked.values:
        errors.append(
            _("This file is an older template, without the reason columns: download the template again "
              "and add the reason there.")
        )  # fmt: skip
    return errors


def _same(given: str, expected: str) -> bool:
    """Equal but for case, spacing and the kind of dash: "2026-2027" is the period 2026–2027."""
    return " ".join(given.translate(DASHES).casefold().split()) == " ".join(
        expected.translate(DASHES).casefold().split()
    )


def _mismatch(given: str, expected: str, missing: str, different: str) -> list[str]:
    if not given:
        return [missing % {"expected": expected}]
    return [] if _same(given, expected) else [different % {"given": given, "expected": expected}]


def _line(code: str, period: ReportingPeriod, known: Known, errors: list[str]) -> ActionLine | None:
    line = known.lines.get(code)
    if not code:
        errors.append(_("The line code is missing."))
    elif line is None:
        errors.append(_("There is no line %(line)s in %(plan)s.") % {"line": code, "plan": period.plan.code})
    elif line.missing_from_source_since:
        errors.append(_("Line %(line)s is no longer in the plan.") % {"line": code})
        return None
    return line


def _organisation(
    acronym: str, line: ActionLine | None, known: Known, errors: list[str]
) -> Organisation | None:
    organisation = known.organisations.get(acronym.casefold())
    if not acronym:
        errors.append(_("The owner is missing."))
    elif organisation is None:
        errors.append(_("There is no organisation with the acronym %(owner)s.") % {"owner": acronym})
    elif line and (line.pk, organisation.pk) not in known.owned:
        errors.append(
            _("%(owner)s is not a confirmed owner of line %(line)s.")
            % {"owner": organisation.acronym, "line": line.code}
        )
        return None
    return organisation


def _status(name: str, known: Known, errors: list[str]) -> Status | None:
    """The status the row names; a missing one is the model's rule to report (``_submission_errors``)."""
    status = known.statuses.get(name.casefold())
    if name and status is None:
        errors.append(
            _("There is no status %(status)s; use one of %(codes)s.")
            % {"status": name, "codes": known.status_codes}
        )
    return status


def _activity(values: dict[str, str], known: Known, errors: list[str]) -> Activity | None:
    """The row's activity, checked by the model as the update form's is; None when it is not valid."""
    given = {field: values.get(key, "") for key, field in ACTIVITY_FIELDS.items()}
    found = []
    kind, acronym = given["kind"], given["fund"]
    given["kind"] = known.kinds.get(kind.casefold(), kind)
    if kind and given["kind"] not in Activity.Kind.values:
        found.append(
            _("There is no kind of activity %(kind)s; use one of %(kinds)s.")
            % {"kind": kind, "kinds": known.kind_codes}
        )
    given["fund"] = known.funds.get(acronym.casefold()) if acronym else None
    if acronym and given["fund"] is None:
        found.append(
            _("There is no fund %(fund)s; use one of %(funds)s.")
            % {"fund": acronym, "funds": ", ".join(fund.acronym for fund in known.funds.values())}
        )
    if not given["date"]:
        found.append(_("The activity's date is missing."))
    if found:
        errors += found
        return None
    # Thousands separators as some people type them; the model reads the rest and says what is wrong.
    given["amount_usd"] = given["amount_usd"].replace(",", "").replace(" ", "") or None
    activity = Activity(**given)
    try:
        activity.full_clean(exclude=["update"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field == NON_FIELD_ERRORS:  # the model's constraints: a title, a fund for an amount
                errors += messages
            else:
                name = Activity._meta.get_field(field).verbose_name
                errors += [
                    _("Activity %(field)s: %(message)s") % {"field": name, "message": m} for m in messages
                ]
        return None
    return activity
