"""Spreadsheet uploads: a filled reporting template, kept between its preview and its confirmation.

An upload keeps the rows of the file as read, nothing more. Whenever it is looked at, its rows
are checked against the database as it is then (``commitments.checking``: the lines, their owners,
the statuses, the funds, the updates already there), so a preview never shows a stale verdict.
Confirming checks them once more and saves all of them or none; a confirmed upload then keeps what
it did. The rows of the sheet "Targets", if the file has one, are kept, checked and saved alike, each
with the update of its line and owner.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, OperationalError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# Imported from here by earlier code; the checker lives in commitments/checking.py.
from ..checking import (  # noqa: F401
    CREATE,
    DONE,
    ERROR,
    PLANNED,
    SAVE,
    SKIP,
    UPDATE,
    CheckedRow,
    CheckedTarget,
    Known,
    Preview,
    check_rows,
    check_upload,
)
from ..locking import is_transient
from .tracking import ReportingPeriod, StatusUpdate


class UploadRefused(Exception):
    """The upload cannot be confirmed as it is; the message says why."""


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
    # The rows of the sheet "Targets" alike: [{"row": 3, "line": …, "owner": …, "target": …, "value": …,
    # "source": …}], and once confirmed, each row's "outcome" and the "update" it was saved with.
    target_rows = models.JSONField(default=list, editable=False)
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
            rows = [CheckedRow.done_from(record) for record in self.rows]
            targets = [CheckedTarget.done_from(record) for record in self.target_rows]
            return Preview(self, rows, targets=targets)
        period = period or self.period
        refusal = ""
        if not period.is_open:
            refusal = _("The period %(period)s is closed; open it to confirm this upload.") % {
                "period": period.label
            }
        rows, targets = check_upload(period, self.rows, self.target_rows)
        return Preview(self, rows, refusal, targets)

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
                saved = {}
                for row in preview.rows:
                    if row.outcome != SKIP:
                        saved[row.line.pk, row.organisation.pk] = row.save(period, by=by, reason=reason)
                upload.rows = [row.record(saved.get(_key(row))) for row in preview.rows]
                upload.target_rows = [row.record(saved.get(_key(row))) for row in preview.targets]
                upload.confirmed_by, upload.confirmed_at = by, timezone.now()
                upload.save(update_fields=["rows", "target_rows", "confirmed_by", "confirmed_at"])
        except IntegrityError as error:  # an owner created the same update meanwhile
            raise UploadRefused(
                _("An update of one of these lines was saved meanwhile; check the preview again.")
            ) from error
        self.rows, self.target_rows = upload.rows, upload.target_rows
        self.confirmed_by, self.confirmed_at = by, upload.confirmed_at
        return preview.to_submit


def _key(row: CheckedRow | CheckedTarget) -> tuple[int, int] | None:
    """The line and owner of a row, which its update is saved for; None for a row skipped."""
    return (row.line.pk, row.organisation.pk) if row.outcome != SKIP else None


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
    if errors := preview.errors:
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
