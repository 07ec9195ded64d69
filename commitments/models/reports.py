"""Finalised editions of the progress report: the content and files as submitted, never changed.

A secretariat officer finalises a report for a plan, period, language and meeting; the content
(``ReportContent`` as JSON) and each generated file are stored together. Later edits to updates
or statuses cannot reach an edition. An administrator may withdraw one, with a reason; it stays,
listed as withdrawn. The next period's report compares against the last edition not withdrawn.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..storage import evidence_storage, removed_if_failed
from .plans import Part, Plan
from .tracking import EDIT_REPORT_TEXTS, EditConflict, ReportingPeriod

if TYPE_CHECKING:
    from ..progress_report.content import ReportContent

# Who may finalise a report (migration 0006 gives it to secretariat officers and administrators).
# The permissions (migration 0006): secretariat officers add (finalise) editions; only
# administrators change them, and the only change there is, is withdrawing.
FINALISE = "commitments.add_reportedition"
WITHDRAW = "commitments.change_reportedition"

# Who finalised and withdrew which edition, and any file found changed on disk.
logger = logging.getLogger("commitments.editions")

# The only columns of an edition written after it is created: its withdrawal. The database says
# the same on PostgreSQL (migration 0013's trigger).
WITHDRAWAL_FIELDS = frozenset({"withdrawn_by", "withdrawn_at", "withdrawal_reason"})


class FrozenEdition(Exception):
    """Something tried to change a finalised edition's content or files."""


class TamperedFile(Exception):
    """An edition's file on disk no longer has the SHA-256 it was finalised with."""


class AlreadyFinal(Exception):
    """The period has a current final edition in that language already; the message says so."""


class ReportEditionQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        """Only the withdrawal is ever written to an edition, here as in ``save``."""
        changed = {self.model._meta.get_field(name).name for name in kwargs}
        if changed - WITHDRAWAL_FIELDS:
            raise FrozenEdition("A finalised edition cannot be changed, only withdrawn.")
        return super().update(**kwargs)

    def delete(self):
        raise FrozenEdition("A finalised edition is never deleted; withdraw it instead.")

    delete.queryset_only = True

    def not_withdrawn(self) -> ReportEditionQuerySet:
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
        _("Summit"),
        max_length=200,
        blank=True,
        help_text=_("The Summit it went to, from its reporting period."),
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
    WITHDRAWAL = WITHDRAWAL_FIELDS

    class Meta:
        ordering = ["-finalised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "language"], condition=models.Q(withdrawn_at__isnull=True),
                name="one_final_edition_per_period_and_language",
                violation_error_message=_("This period has a final edition in this language already."),
            ),
        ]  # fmt: skip
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
        content: ReportContent,
        *,
        by,
        renderers: dict[str, Callable[[ReportContent], bytes]],
    ) -> ReportEdition:
        """Store ``content``, the final report built for ``plan`` and ``period`` as of the period's
        cut-off (``build_report(..., is_final=True)``), rendered in each format of ``renderers``
        (format → function of the content giving the file's bytes), as a new edition, all or nothing."""
        cls.refuse_unless_finaliser(by)
        unknown = set(renderers) - set(EditionFile.Format.values)
        if unknown:
            raise ValueError(f"Unknown edition formats: {sorted(unknown)}")
        if not content.is_final or (content.plan_code, content.period_label) != (plan.code, period.label):
            raise ValueError(f"Not the final report of {plan.code} {period.label}: {content.plan_code} "
                             f"{content.period_label}, final: {content.is_final}")  # fmt: skip
        stored: list[EditionFile] = []
        try:
            with transaction.atomic():
                cls._refuse_second_final(period, content.language)
                edition = cls.objects.create(
                    plan=plan, period=period, language=content.language, meeting=content.meeting,
                    as_of=content.as_of,
                    content=content.to_json(), finalised_by=by, finalised_at=content.generated_at,
                )  # fmt: skip
                for fmt, render in renderers.items():
                    stored.append(EditionFile.store(edition, fmt, render(content)))
        except BaseException as error:
            # The database rolled back; files written before the failure must go with it.
            for file in stored:
                file.file.storage.delete(file.file.name)
            if isinstance(error, IntegrityError):  # one_final_edition_per_period_and_language
                raise AlreadyFinal(cls.already_final_message(period, content.language)) from error
            raise
        logger.info(
            "Report edition %s finalised by %s: %s %s in %s, files %s",
            edition.pk, by.get_username(), plan.code, period.label, content.language,
            ", ".join(sorted(renderers)),
        )  # fmt: skip
        return edition

    @classmethod
    def _refuse_second_final(cls, period: ReportingPeriod, language: str) -> None:
        """A period has one current final edition per language: a second one (a double click, two
        officers at once) is refused, and an administrator withdraws the first before another.

        The period is locked first, so that the second of two finalisations waits for the first
        and then finds its edition. No KEY: owners' updates of the period may still be saved.
        """
        ReportingPeriod.objects.select_for_update(no_key=True).only("pk").get(pk=period.pk)
        cls.refuse_if_final(period, language)

    @staticmethod
    def refuse_unless_finaliser(user) -> None:
        """Raise PermissionDenied unless ``user`` may finalise a report."""
        if not user.has_perm(FINALISE):
            raise PermissionDenied(_("Only secretariat officers can finalise a report."))

    @classmethod
    def refuse_if_final(cls, period: ReportingPeriod, language: str) -> None:
        """Raise AlreadyFinal when ``period`` has a current final edition in ``language``."""
        if cls.objects.not_withdrawn().for_period(period).in_language(language).exists():
            raise AlreadyFinal(cls.already_final_message(period, language))

    @classmethod
    def already_final_message(cls, period: ReportingPeriod, language: str) -> str:
        return _(
            "The %(language)s report of %(period)s is final already; an administrator withdraws that "
            "edition before it is finalised again."
        ) % {"language": cls.Language(language).label, "period": period.label}

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
        logger.info(
            "Report edition %s (%s %s in %s) withdrawn by %s: %s",
            self.pk, self.plan.code, self.period.label, self.language, by.get_username(),
            self.withdrawal_reason,
        )  # fmt: skip

    def file(self, fmt: str) -> EditionFile | None:
        """The edition's file in ``fmt``; reads ``with_files()``'s prefetch when there is one."""
        return next((file for file in self.files.all() if file.format == fmt), None)


class ReportTextQuerySet(models.QuerySet):
    def for_period(self, period: ReportingPeriod) -> ReportTextQuerySet:
        return self.filter(period=period)


class ReportText(models.Model):
    """A section of the progress report as a secretariat officer wrote it, for one period, in
    English and Chinese: a pillar's summary or the way forward.

    The report prints it instead of the text the app drafts from the data; a regenerated draft
    never touches it. Edits are kept in the history, and an edit made on an older version is
    refused, never merged.
    """

    class Section(models.TextChoices):
        PILLAR = "pillar", _("Progress of a pillar")
        WAY_FORWARD = "way-forward", _("Way forward")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="report_texts")
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text_en = models.TextField(_("text (English)"), blank=True)
    text_zh = models.TextField(_("text (Chinese)"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ReportTextQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "section", "part"], name="one_report_text_per_section"),
            models.UniqueConstraint(
                fields=["period", "section"], condition=models.Q(part__isnull=True),
                name="one_report_text_per_section_without_part",
            ),
            models.CheckConstraint(
                condition=models.Q(section="pillar", part__isnull=False)
                | ~models.Q(section="pillar") & models.Q(part__isnull=True),
                name="report_text_part_only_for_a_pillar",
            ),
        ]  # fmt: skip
        verbose_name = _("report text")
        verbose_name_plural = _("report texts")

    def __str__(self) -> str:
        return f"{self.period} {self.section} {self.part.code if self.part else ''}".strip()

    @property
    def key(self) -> str:
        """How the report's content names the section: "pillar-2" or "way-forward"."""
        return self.key_for(self.part)

    @staticmethod
    def paragraphs(text: str) -> list[str]:
        """A text typed in a box as its paragraphs: blank lines separate them, single newlines join."""
        blocks = text.replace("\r\n", "\n").split("\n\n")
        return [
            " ".join(line.strip() for line in block.splitlines() if line.strip())
            for block in blocks
            if block.strip()
        ]

    @classmethod
    def key_for(cls, part: Part | None) -> str:
        return f"pillar-{part.code}" if part else cls.Section.WAY_FORWARD

    @classmethod
    def save_edit(
        cls, period: ReportingPeriod, section: str, part: Part | None, *, text_en: str, text_zh: str,
        by, expected_version: int | None, drafts: dict[str, str] | None = None,
    ) -> ReportText:  # fmt: skip
        """Store the officer's text; refuse it if someone saved the section since ``expected_version``
        (None: the editor started from the app's draft, when there was no text yet).

        A text that says what the app's draft in ``drafts`` (language → text) says is stored empty:
        the officer left it as drafted, so the report keeps drafting it from the data as they change.
        """
        if not by.has_perm(EDIT_REPORT_TEXTS):
            raise PermissionDenied(_("Only secretariat officers can edit the report's texts."))
        if section not in cls.Section.values or (section == cls.Section.PILLAR) != (part is not None):
            raise ValueError(
                f"Section {section!r} with part {part!r}: a pillar's text needs its part, no other."
            )
        if part is not None and part.plan_id != period.plan_id:
            raise ValidationError(_("This pillar is not part of the period's plan."))
        drafts = drafts or {}
        texts = {
            f"text_{language}": ""
            if cls.paragraphs(text) == cls.paragraphs(drafts.get(language, ""))
            else text.strip()
            for language, text in (("en", text_en), ("zh", text_zh))
        }
        with transaction.atomic():
            current = (
                cls.objects.select_for_update().filter(period=period, section=section, part=part).first()
            )
            if current is None:
                if expected_version is not None:
                    raise EditConflict(_("Someone else changed this text while you were editing it."))
                try:
                    with transaction.atomic():
                        return cls.objects.create(
                            period=period, section=section, part=part, edited_by=by, **texts
                        )
                except IntegrityError:  # another officer created it in the meantime
                    raise EditConflict(
                        _("Someone else changed this text while you were editing it.")
                    ) from None
            if current.version != expected_version:
                raise EditConflict(_("Someone else changed this text while you were editing it."))
            for field, value in texts.items():
                setattr(current, field, value)
            current.version, current.edited_by = current.version + 1, by
            current.save()
            return current


class EditionFileQuerySet(models.QuerySet):
    """An edition's files are written once; no bulk update or delete reaches them either."""

    def update(self, **kwargs) -> int:
        raise FrozenEdition("An edition's files are never changed.")

    def delete(self):
        raise FrozenEdition("An edition's files are never deleted.")

    delete.queryset_only = True


def edition_file_name(instance: EditionFile, filename: str) -> str:
    return f"editions/{filename}"


class EditionFile(models.Model):
    """One generated file of an edition, in private storage, with its size and SHA-256 digest."""

    class Format(models.TextChoices):
        DOCX = "docx", _("Word (DOCX)")
        HTML = "html", _("Web page (HTML)")
        XLSX = "xlsx", _("Spreadsheet (XLSX)")
        PDF = "pdf", _("PDF")

    edition = models.ForeignKey(ReportEdition, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    file = models.FileField(_("file"), max_length=200, storage=evidence_storage, upload_to=edition_file_name)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    objects = EditionFileQuerySet.as_manager()

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
        """The file's bytes, as finalised; raises TamperedFile (and logs it) if they changed since."""
        with self.file.open("rb") as handle:
            data = handle.read()
        digest = hashlib.sha256(data).hexdigest()
        if digest != self.sha256:
            logger.error(
                "Edition file %s (edition %s, %s) does not match its SHA-256: stored %s, on disk %s "
                "(%d bytes, %d finalised); it was not served",
                self.file.name, self.edition_id, self.format, self.sha256, digest, len(data), self.size,
            )  # fmt: skip
            raise TamperedFile(self.file.name)
        return data


class ReportBuildQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReportBuildQuerySet:
        """The secretariat (who edit the report's texts) share every build; anyone else sees their own."""
        return self if user.has_perm(EDIT_REPORT_TEXTS) else self.filter(requested_by=user)

    def latest_first(self) -> ReportBuildQuerySet:
        return self.order_by("-requested_at", "-pk")

    def with_context(self) -> ReportBuildQuerySet:
        return self.select_related("plan", "period", "requested_by")

    def requested_before(self, moment) -> ReportBuildQuerySet:
        return self.filter(requested_at__lt=moment)


def report_build_file_name(instance: ReportBuild, filename: str) -> str:
    return f"builds/{filename}"


class ReportBuild(models.Model):
    """A report built in the background: asked for, queued, built, stored. Either a draft in one
    format, or (``is_final``) the final edition of a period in one language, in every format.

    A build is a cache, not a record: the final editions are the report's history, and
    ``manage.py prune_report_builds`` deletes builds older than a few days with their files (a
    final build's edition stays).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        PDF = "pdf", _("PDF could not be made on this server: Chromium is missing or failed.")
        QUEUE = "queue", _("The report could not be queued for building.")
        ERROR = "error", _("The report could not be built because of an unexpected error; it is logged.")
        FINAL = "final", _("Nothing was finalised: this report is final already.")
        REFUSED = "refused", _("Nothing was finalised: only secretariat officers can finalise a report.")

    PENDING = (State.QUEUED, State.RUNNING)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=2, choices=ReportEdition.Language.choices)
    format = models.CharField(_("format"), max_length=10, choices=EditionFile.Format.choices, blank=True)
    is_final = models.BooleanField(_("final edition"), default=False)
    edition = models.ForeignKey(
        ReportEdition, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(
        _("file"), max_length=200, storage=evidence_storage, upload_to=report_build_file_name, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    failure = models.CharField(_("failure"), max_length=10, choices=Failure.choices, blank=True)
    failure_detail = models.TextField(_("failure detail"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    objects = ReportBuildQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")

    def __str__(self) -> str:
        return f"{self.plan.code} {self.period.label} {self.language} {self.format} ({self.state})"

    @property
    def is_pending(self) -> bool:
        return self.state in self.PENDING

    @classmethod
    def request(cls, plan: Plan, period: ReportingPeriod, language: str, fmt: str, *, by) -> ReportBuild:
        """Record the request and queue its building; with the immediate backend it is built when
        this returns. A queue that refuses the task leaves a failed build, not an error page."""
        build = cls.objects.create(plan=plan, period=period, language=language, format=fmt, requested_by=by)
        return build._queued()

    @classmethod
    def request_final(cls, plan: Plan, period: ReportingPeriod, language: str, *, by) -> ReportBuild:
        """Queue the finalising of ``period``'s report in ``language``, in every format.

        A period that already has its final edition in that language is refused here, at once
        (AlreadyFinal); the task checks again, under a lock, as ReportEdition.finalise does.
        """
        ReportEdition.refuse_unless_finaliser(by)
        ReportEdition.refuse_if_final(period, language)
        build = cls.objects.create(
            plan=plan, period=period, language=language, is_final=True, requested_by=by
        )
        return build._queued()

    def _queued(self) -> ReportBuild:
        """Queue the building of this build, and return it as it is once queued (or built)."""
        from ..tasks import build_report_file

        try:
            result = build_report_file.enqueue(self.pk)
        except Exception as error:  # a queue that is down must not lose the request
            logger.exception("Report build %s could not be queued", self.pk)
            self.fail(self.Failure.QUEUE, str(error))
            return self
        # update(), not save(): an immediate backend has built it already, and save() would undo that.
        ReportBuild.objects.filter(pk=self.pk).update(task_id=str(result.id))
        self.refresh_from_db()
        return self

    def again(self, *, by) -> ReportBuild:
        """A new build of the same report, e.g. after this one failed."""
        if self.is_final:
            return self.request_final(self.plan, self.period, self.language, by=by)
        return self.request(self.plan, self.period, self.language, self.format, by=by)

    def build(self, renderers: dict[str, Callable[[ReportContent], bytes]]) -> None:
        """Build the report and store its file, or record why not; run by the task, once.

        A task run twice (a worker that died after building) finds the build taken and leaves it.
        """
        from ..progress_report import file_name
        from ..progress_report.build import build_report
        from ..progress_report.pdf import PdfUnavailable

        if not ReportBuild.objects.filter(pk=self.pk, state=self.State.QUEUED).update(
            state=self.State.RUNNING
        ):
            return
        self.state = self.State.RUNNING
        if self.is_final:
            return self._finalise(renderers)
        try:
            if self.format not in renderers:
                raise PdfUnavailable(_("PDF cannot be made on this server: Chromium is not installed."))
            content = build_report(self.plan, self.period, self.language)
            body = renderers[self.format](content)
            with removed_if_failed(), transaction.atomic():
                name = f"{self.plan.code}-{self.pk}-{self.language}.{self.format}"
                self.file.save(name, ContentFile(body), save=False)
                self.file_name, self.size = file_name(content, self.format), len(body)
                self.state, self.finished_at = self.State.DONE, timezone.now()
                self.save(update_fields=["file", "file_name", "size", "state", "finished_at"])
        except PdfUnavailable as error:
            self.fail(self.Failure.PDF, str(error))
        except Exception as error:
            logger.exception("Report build %s failed", self.pk)
            self.fail(self.Failure.ERROR, f"{type(error).__name__}: {error}")

    def _finalise(self, renderers: dict[str, Callable[[ReportContent], bytes]]) -> None:
        from ..progress_report.build import build_report
        from ..progress_report.pdf import PdfUnavailable

        try:
            content = build_report(self.plan, self.period, self.language, is_final=True)
            self.edition = ReportEdition.finalise(
                self.plan, self.period, content, by=self.requested_by, renderers=renderers
            )
            self.state, self.finished_at = self.State.DONE, timezone.now()
            self.save(update_fields=["edition", "state", "finished_at"])
        except AlreadyFinal as error:
            self.fail(self.Failure.FINAL, str(error))
        except PermissionDenied:
            self.fail(self.Failure.REFUSED)
        except PdfUnavailable as error:
            self.fail(self.Failure.PDF, str(error))
        except Exception as error:
            logger.exception("Finalising build %s failed", self.pk)
            self.fail(self.Failure.ERROR, f"{type(error).__name__}: {error}")

    def fail(self, failure: str, detail: str = "") -> None:
        self.state, self.failure, self.failure_detail = self.State.FAILED, failure, detail
        self.finished_at = timezone.now()
        self.save(update_fields=["state", "failure", "failure_detail", "finished_at"])

    def delete(self, *args, **kwargs):
        """The row and its file: a build is a cache."""
        if self.file:
            self.file.storage.delete(self.file.name)
        return super().delete(*args, **kwargs)
