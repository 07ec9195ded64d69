"""Finalised editions of the progress report: the content and files as submitted, never changed.

A secretariat officer finalises a report for a plan, period, language and meeting; the content
(``ReportContent`` as JSON) and each generated file are stored together. Later edits to updates
or statuses cannot reach an edition. An administrator may withdraw one, with a reason; it stays,
listed as withdrawn. The next period's report compares against the last edition not withdrawn.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..storage import evidence_storage
from .plans import Plan
from .tracking import ReportingPeriod

if TYPE_CHECKING:
    from ..progress_report.content import ReportContent

# Who may finalise a report (migration 0006 gives it to secretariat officers and administrators).
# The permissions (migration 0006): secretariat officers add (finalise) editions; only
# administrators change them, and the only change there is, is withdrawing.
FINALISE = "commitments.add_reportedition"
WITHDRAW = "commitments.change_reportedition"


class FrozenEdition(Exception):
    """Something tried to change a finalised edition's content or files."""


class ReportEditionQuerySet(models.QuerySet):
    def current(self) -> ReportEditionQuerySet:
        """Editions not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def withdrawn(self) -> ReportEditionQuerySet:
        return self.filter(withdrawn_at__isnull=False)

    def for_plan(self, plan: Plan) -> ReportEditionQuerySet:
        return self.filter(plan=plan)

    def for_period(self, period: ReportingPeriod) -> ReportEditionQuerySet:
        return self.filter(period=period)

    def in_language(self, language: str) -> ReportEditionQuerySet:
        return self.filter(language=language)

    def latest_first(self) -> ReportEditionQuerySet:
        return self.order_by("-finalised_at", "-pk")

    def with_files(self) -> ReportEditionQuerySet:
        """With plan, period, people and files, in two queries whatever the number of editions."""
        return self.select_related("plan", "period", "finalised_by", "withdrawn_by").prefetch_related("files")


class ReportEdition(models.Model):
    """A finalised progress report: its content and generated files as they were submitted."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        CHINESE = "zh", _("Chinese")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="report_editions")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="report_editions")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    meeting = models.CharField(
        _("meeting"), max_length=200, blank=True, help_text=_("For example PMC 10+1 Session, July 2027.")
    )
    as_of = models.DateTimeField(_("data as of"))
    content = models.JSONField(_("content"), encoder=DjangoJSONEncoder, editable=False)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("finalised by"), on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(_("finalised at"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    history = HistoricalRecords()

    objects = ReportEditionQuerySet.as_manager()

    # The only fields saved after creation: the withdrawal.
    WITHDRAWAL = {"withdrawn_by", "withdrawn_at", "withdrawal_reason"}

    class Meta:
        ordering = ["-finalised_at", "-pk"]
        verbose_name = _("report edition")
        verbose_name_plural = _("report editions")

    def __str__(self) -> str:
        return f"{self.plan.code} {self.period.label} {self.language} {self.finalised_at:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding and set(kwargs.get("update_fields") or ["*"]) - self.WITHDRAWAL:
            raise FrozenEdition("A finalised edition cannot be changed, only withdrawn.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenEdition("A finalised edition is never deleted; withdraw it instead.")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def report(self) -> ReportContent:
        """The stored content as it was finalised."""
        from ..progress_report.content import ReportContent

        return ReportContent.from_json(self.content)

    @classmethod
    def finalise(
        cls,
        plan: Plan,
        period: ReportingPeriod,
        language: str,
        meeting: str,
        *,
        by,
        renderers: dict[str, Callable[[ReportContent], bytes]],
    ) -> ReportEdition:
        """Build the final report as of the period's cut-off, render it in each format of
        ``renderers`` (format → function of the content giving the file's bytes) and store the
        content and files as a new edition, all or nothing."""
        from ..progress_report.build import build_report

        if not by.has_perm(FINALISE):
            raise PermissionDenied(_("Only secretariat officers can finalise a report."))
        unknown = set(renderers) - set(EditionFile.Format.values)
        if unknown:
            raise ValueError(f"Unknown edition formats: {sorted(unknown)}")
        stored: list[EditionFile] = []
        try:
            with transaction.atomic():
                content = build_report(plan, period, language, meeting=meeting, is_final=True)
                edition = cls.objects.create(
                    plan=plan, period=period, language=language, meeting=meeting, as_of=content.as_of,
                    content=content.to_json(), finalised_by=by, finalised_at=content.generated_at,
                )  # fmt: skip
                for fmt, render in renderers.items():
                    stored.append(EditionFile.store(edition, fmt, render(content)))
        except BaseException:
            # The database rolled back; files written before the failure must go with it.
            for file in stored:
                file.file.storage.delete(file.file.name)
            raise
        return edition

    @staticmethod
    def may_withdraw(user) -> bool:
        return user.has_perm(WITHDRAW)

    def withdraw(self, *, by, reason: str) -> None:
        """Withdraw the edition: only administrators, with a reason. It stays, marked withdrawn."""
        if not self.may_withdraw(by):
            raise PermissionDenied(_("Only administrators can withdraw a report edition."))
        if not reason.strip():
            raise ValidationError({"withdrawal_reason": _("Say why the edition is withdrawn.")})
        if self.is_withdrawn:
            raise ValidationError(_("This edition was withdrawn already."))
        self.withdrawn_by, self.withdrawn_at, self.withdrawal_reason = by, timezone.now(), reason.strip()
        self.save(update_fields=sorted(self.WITHDRAWAL))

    def file(self, fmt: str) -> EditionFile | None:
        """The edition's file in ``fmt``; reads ``with_files()``'s prefetch when there is one."""
        return next((file for file in self.files.all() if file.format == fmt), None)


def edition_file_name(instance: EditionFile, filename: str) -> str:
    return f"editions/{filename}"


class EditionFile(models.Model):
    """One generated file of an edition, in private storage, with its size and SHA-256 digest."""

    class Format(models.TextChoices):
        DOCX = "docx", _("Word (DOCX)")
        HTML = "html", _("Web page (HTML)")
        XLSX = "xlsx", _("Spreadsheet (XLSX)")

    edition = models.ForeignKey(ReportEdition, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    file = models.FileField(_("file"), max_length=200, storage=evidence_storage, upload_to=edition_file_name)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["edition", "format"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "format"], name="one_file_per_edition_format")
        ]
        verbose_name = _("edition file")
        verbose_name_plural = _("edition files")

    def __str__(self) -> str:
        return self.file_name

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise FrozenEdition("An edition's files are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenEdition("An edition's files are never deleted.")

    @property
    def file_name(self) -> str:
        """The name to download it as, e.g. poa-2026-2030-2026-2027-zh.docx."""
        edition = self.edition
        period = slugify(edition.period.label.replace("–", "-"))
        return f"{edition.plan.code}-{period}-{edition.language}.{self.format}"

    @classmethod
    def store(cls, edition: ReportEdition, fmt: str, data: bytes) -> EditionFile:
        name = f"{edition.plan.code}-{edition.pk}-{edition.language}.{fmt}"
        file = cls(edition=edition, format=fmt, size=len(data), sha256=hashlib.sha256(data).hexdigest())
        file.file.save(name, ContentFile(data), save=False)
        file.save()
        return file

    def read(self) -> bytes:
        with self.file.open("rb") as handle:
            return handle.read()
