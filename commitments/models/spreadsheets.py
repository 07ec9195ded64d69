"""Spreadsheet uploads: a filled reporting template, kept between its preview and its confirmation.

An upload keeps the rows of the file as read, nothing more. Whenever it is looked at, its rows
are checked against the database as it is then (``commitments.checking``: the lines, their owners,
the statuses, the funds, the updates already there), so a preview never shows a stale verdict.
Confirming checks them once more and saves all of them or none; a confirmed upload then keeps what
it did.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, models, transaction
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
    SKIP,
    UPDATE,
    CheckedRow,
    Known,
    Preview,
    check_rows,
)
from .tracking import ReportingPeriod


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
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(gettext_lazy("confirmed at"), null=True, blank=True)

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

    def confirm(self, *, by) -> int:
        """Submit every row's update, all of them or none; returns how many were submitted.

        Raises UploadRefused, or EditConflict when an update changed between the check and the
        save. The period is locked meanwhile, so that it cannot close halfway.
        """
        try:
            with transaction.atomic():
                upload = ReportUpload.objects.select_for_update().get(pk=self.pk)
                period = ReportingPeriod.objects.select_for_update().get(pk=self.period_id)
                preview = upload.preview(period)
                _refuse_unless_confirmable(preview)
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


def _refuse_unless_confirmable(preview: Preview) -> None:
    if preview.upload.is_confirmed:
        raise UploadRefused(_("This upload has been confirmed already; its updates were submitted then."))
    if preview.refusal:
        raise UploadRefused(preview.refusal)
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
