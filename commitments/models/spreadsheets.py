"""Spreadsheet uploads: a filled reporting template, kept between its preview and its confirmation.

An upload keeps the rows of the file as read, nothing more. Whenever it is looked at, its rows
are checked against the database as it is then (the lines, their owners, the statuses, the funds,
the updates already there), so a preview never shows a stale verdict. What a row would submit is
checked by the models' own rules, as the update form does: the update by
``StatusUpdate.submission_errors`` (a status, progress, a reason for a delay), its activity by
``Activity.full_clean``. Confirming checks them once more and saves all of them or none; a
confirmed upload then keeps what it did.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, OperationalError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..locking import is_transient
from .plans import ActionLine
from .tracking import Activity, Fund, Organisation, Ownership, ReportingPeriod, Status, StatusUpdate

CREATE, UPDATE, SKIP, ERROR = "create", "update", "skip", "error"
PLANNED = {
    CREATE: gettext_lazy("New update, to submit"),
    UPDATE: gettext_lazy("Draft to complete and submit"),
    SKIP: gettext_lazy("Skipped"),
    ERROR: gettext_lazy("Error"),
}
DONE = {
    CREATE: gettext_lazy("New update submitted"),
    UPDATE: gettext_lazy("Draft completed and submitted"),
    SKIP: gettext_lazy("Skipped"),
}
SAVED_FIELDS = ["status", "narrative_en", "narrative_zh", "reason_en", "reason_zh"]
DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
# The row's activity columns and the fields of Activity they fill.
ACTIVITY_FIELDS = {
    "activity_date": "date", "activity_title_en": "title_en", "activity_title_zh": "title_zh",
    "activity_kind": "kind", "activity_place_en": "place_en", "activity_place_zh": "place_zh",
    "activity_organisers": "organisers", "activity_fund": "fund", "activity_amount_usd": "amount_usd",
}  # fmt: skip


class UploadRefused(Exception):
    """The upload cannot be confirmed as it is; the message says why."""


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
class Preview:
    upload: ReportUpload
    rows: list[CheckedRow]
    # Why the whole upload cannot be confirmed (a closed period), whatever its rows say.
    refusal: str = ""

    @cached_property
    def counts(self) -> Counter:
        return Counter(row.outcome for row in self.rows)

    @property
    def to_submit(self) -> int:
        return self.counts[CREATE] + self.counts[UPDATE]

    @property
    def can_confirm(self) -> bool:
        blocked = self.upload.is_confirmed or self.refusal or self.counts[ERROR]
        return not blocked and self.to_submit > 0


class Known:
    """What the rows of an upload refer to, loaded in five queries whatever their number (six when
    a row names a fund)."""

    def __init__(self, period: ReportingPeriod, rows: list[dict[str, Any]]):
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


def check_rows(period: ReportingPeriod, rows: list[dict[str, Any]]) -> list[CheckedRow]:
    """Each row with its outcome: create, update (a draft or returned update), skip, or error."""
    known = Known(period, rows)
    first_rows: dict[tuple[int, int], int] = {}
    return [_check(row, period, known, first_rows) for row in rows]


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


class ReportUploadQuerySet(models.QuerySet):
    def for_period(self, period: ReportingPeriod) -> ReportUploadQuerySet:
        return self.filter(period=period)

    def latest_first(self) -> ReportUploadQuerySet:
        return self.order_by("-uploaded_at", "-pk")


class ReportUpload(models.Model):
    """A filled reporting template uploaded by a secretariat officer: its rows as read, until an
    officer confirms it; then what was done with each row. Confirmed once at most."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="report_uploads")
    original_name = models.CharField(gettext_lazy("file name"), max_length=200)
    # [{"row": 3, "plan": …, "period": …, "line": …, "owner": …, "status": …, "narrative_en": …,
    # "narrative_zh": …, "reason_en": …, …}], and once confirmed, each row's "outcome" and the
    # "update" it saved.
    rows = models.JSONField(default=list, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(gettext_lazy("confirmed at"), null=True, blank=True)
    # {"3": 2, "4": 0, …}: the version of each row's update when the preview was last shown, 0 for
    # none yet; what confirming expects to find (``show``).
    versions_seen = models.JSONField(default=dict, editable=False)

    objects = ReportUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = gettext_lazy("spreadsheet upload")
        verbose_name_plural = gettext_lazy("spreadsheet uploads")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.period})"

    def get_absolute_url(self) -> str:
        return reverse("commitments:reporting-upload-preview", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def preview(self, period: ReportingPeriod | None = None) -> Preview:
        """The rows with what confirming would do; once confirmed, what it did (without a query)."""
        if self.is_confirmed:
            return Preview(self, [CheckedRow.done_from(record) for record in self.rows])
        period = period or self.period
        refusal = ""
        if not period.is_open:
            refusal = _("The period %(period)s is closed; open it to confirm this upload.") % {
                "period": period.label
            }
        return Preview(self, check_rows(period, self.rows), refusal)

    def show(self) -> Preview:
        """The preview as an officer is shown it. The version of each row's update it shows is kept:
        confirming refuses to overwrite an update changed since (``changed_since_shown``)."""
        preview = self.preview()
        seen = {
            str(row.number): row.update.version if row.update else 0
            for row in preview.rows
            if row.line and row.organisation
        }
        if not self.is_confirmed and seen != self.versions_seen:
            # Not once confirmed, even if the confirmation commits while this preview is read.
            ReportUpload.objects.filter(pk=self.pk, confirmed_at__isnull=True).update(versions_seen=seen)
            self.versions_seen = seen
        return preview

    def changed_since_shown(self, preview: Preview) -> list[CheckedRow]:
        """The rows to submit whose update is not as the preview last showed it: an owner saved,
        started or resubmitted it since. A row not shown with its line and owner counts as changed."""
        return [
            row
            for row in preview.rows
            if row.outcome in (CREATE, UPDATE)
            and self.versions_seen.get(str(row.number)) != (row.update.version if row.update else 0)
        ]

    def confirm(self, *, by) -> int:
        """Submit every row's update, all of them or none; returns how many were submitted.

        Raises UploadRefused, also when an update changed since the preview was shown, or
        EditConflict. Before anything is read, the period is locked (so that it cannot close
        halfway), then the updates the rows name, in the order of their ids: an owner's web edit
        of one of them waits for the confirmation, or the confirmation for it, and neither
        deadlocks. Should the database still give up a transaction in a race for a lock, the
        confirmation is tried once more, then refused with a "try again".
        """
        for _attempt in range(2):
            try:
                return self._confirm(by)
            except OperationalError as error:
                if not is_transient(error):
                    raise
                given_up = error
        raise UploadRefused(
            _("Other changes to these updates were being saved at the same moment; try again.")
        ) from given_up

    def _confirm(self, by) -> int:
        try:
            with transaction.atomic():
                upload = ReportUpload.objects.select_for_update().get(pk=self.pk)
                # No KEY: an owner's edit, which checks that its update's period exists, is not held up.
                period = ReportingPeriod.objects.select_for_update(no_key=True).get(pk=self.period_id)
                codes = {str(row.get("line") or "").strip() for row in upload.rows}
                named = StatusUpdate.objects.in_period(period).filter(line__code__in=codes)
                list(named.select_for_update(no_key=True, of=("self",)).order_by("pk").values_list("pk"))
                preview = upload.preview(period)
                _refuse_unless_confirmable(preview, upload.changed_since_shown(preview))
                reason = f"spreadsheet upload {upload.pk}"
                records = [
                    row.record(row.save(period, by=by, reason=reason) if row.outcome != SKIP else None)
                    for row in preview.rows
                ]
                upload.rows, upload.confirmed_by, upload.confirmed_at = records, by, timezone.now()
                upload.save(update_fields=["rows", "confirmed_by", "confirmed_at"])
        except IntegrityError as error:  # an owner created the same update meanwhile
            raise UploadRefused(
                _("An update of one of these lines was saved meanwhile; check the preview again.")
            ) from error
        self.rows, self.confirmed_by, self.confirmed_at = upload.rows, by, upload.confirmed_at
        return preview.to_submit


def _refuse_unless_confirmable(preview: Preview, changed: list[CheckedRow]) -> None:
    if preview.upload.is_confirmed:
        raise UploadRefused(_("This upload has been confirmed already; its updates were submitted then."))
    if preview.refusal:
        raise UploadRefused(preview.refusal)
    if changed:
        # All or none, as always: the officer sees the owners' updates as they are now, then decides.
        rows = ", ".join(
            _("%(row)d (line %(line)s, %(owner)s)")
            % {"row": row.number, "line": row.line.code, "owner": row.organisation.acronym}
            for row in changed
        )
        raise UploadRefused(
            ngettext(
                "Row %(rows)s changed after you saw the preview: its owner saved the update meanwhile. "
                "Check it below as it is now; confirming again submits it with the file's values.",
                "Rows %(rows)s changed after you saw the preview: their owners saved the updates meanwhile. "
                "Check them below as they are now; confirming again submits them with the file's values.",
                len(changed),
            )
            % {"rows": rows}
        )
    if errors := preview.counts[ERROR]:
        raise UploadRefused(
            ngettext(
                "%(count)d row has an error; correct it in the file and upload it again.",
                "%(count)d rows have errors; correct them in the file and upload it again.",
                errors,
            )
            % {"count": errors}
        )
    if not preview.to_submit:
        raise UploadRefused(_("There is nothing to submit: no row has a status or progress."))
