"""The plans and their action lines: what the tracker tracks.

A plan (a source document) has parts (pillars), areas and action lines. Every text comes
in English and Chinese; a field the source documents filled remembers the value they gave
(``source``) so that a re-import can tell a change in the source from an edit by staff.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:  # tracking.py imports this module, so its models are imported where used.
    from .tracking import Ownership, PeriodStatus, Status

EXPORT_FIELDS = [
    "plan", "code", "label", "part", "part_title_en", "part_title_zh", "area", "area_title_en",
    "area_title_zh", "heading_en", "heading_zh", "text_en", "text_zh", "in_source", "status", "owners",
    "predecessors", "successors", "suggested_predecessors", "targets",
]  # fmt: skip


def interface_language() -> str:
    """The content language ("en" or "zh") that goes with the active interface language."""
    return "zh" if (get_language() or "en").startswith("zh") else "en"


# The filter value for "no confirmed status" and "no update".
NO_STATUS = "none"
NO_UPDATE = "none"
# The filter value for "submitted or approved".
REPORTED = "reported"
# What a line code looks like in a search: "2", "2.6", "2.6.6".
CODE = re.compile(r"\d+(\.\d+)*\.?")
# A search's size: every word is a condition on each line's four texts and its owners' names, so
# more words cost more time (1,900 words took 39 s on PostgreSQL, and a thousand were more
# conditions than SQLite takes). A real search is a few words.
SEARCH_MAX_WORDS = 10
SEARCH_MAX_CHARACTERS = 200


def validate_search(text: str) -> None:
    """Refuse a search longer than SEARCH_MAX_WORDS words or SEARCH_MAX_CHARACTERS characters."""
    if len(text) > SEARCH_MAX_CHARACTERS:
        raise ValidationError(
            ngettext(
                "Search for at most %(limit)d character; this search has %(count)d.",
                "Search for at most %(limit)d characters; this search has %(count)d.",
                SEARCH_MAX_CHARACTERS,
            ),
            code="search_too_long",
            params={"limit": SEARCH_MAX_CHARACTERS, "count": len(text)},
        )
    words = len(text.split())
    if words > SEARCH_MAX_WORDS:
        raise ValidationError(
            ngettext(
                "Search for at most %(limit)d word; this search has %(count)d.",
                "Search for at most %(limit)d words; this search has %(count)d.",
                SEARCH_MAX_WORDS,
            ),
            code="search_too_many_words",
            params={"limit": SEARCH_MAX_WORDS, "count": words},
        )


class Localized(str):
    """A text in the wanted language, or in the other one when the wanted one is empty."""

    language: str
    is_fallback: bool

    def __new__(cls, text: str, language: str, is_fallback: bool) -> Localized:
        value = super().__new__(cls, text)
        value.language, value.is_fallback = language, is_fallback
        return value


def listed(items) -> str:
    """Items named one after another as the interface language lists them: "1.1, 2.3" or "1.1、2.3"."""
    return ("、" if interface_language() == "zh" else ", ").join(str(item) for item in items)


def in_language(en: str, zh: str, language: str) -> Localized:
    """The text in ``language`` ("en" or "zh"), or the other one, marked as a fallback, when it has none."""
    wanted, other = (en, zh) if language == "en" else (zh, en)
    if wanted or not other:
        return Localized(wanted, language, False)
    return Localized(other, "zh" if language == "en" else "en", True)


class Localizable:
    """Picks the text of a field pair ``<field>_en`` / ``<field>_zh`` in the interface language."""

    def localized(self, field: str, language: str | None = None) -> Localized:
        return in_language(
            getattr(self, f"{field}_en"), getattr(self, f"{field}_zh"), language or interface_language()
        )


class Bilingual(Localizable, models.Model):
    """Behaviour shared by models with English and Chinese texts taken from a source."""

    source = models.JSONField(_("values from the source document"), default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def localized_title(self) -> Localized:
        return self.localized("title")

    def take_source(self, values: dict[str, str]) -> tuple[list[str], list[str]]:
        """Take the texts a source document gives, keeping what staff have edited.

        Returns the fields changed and the fields whose source changed while staff had
        edited them (those keep the staff's text). Nothing is saved here.
        """
        changed, kept = [], []
        for field, new in values.items():
            previous = self.source.get(field)
            if previous == new:
                continue
            current = getattr(self, field)
            if current == new:
                pass
            elif current in ("", previous):
                setattr(self, field, new)
                changed.append(field)
            elif current != new:
                kept.append(field)
            self.source[field] = new
        return changed, kept


class PlanQuerySet(models.QuerySet):
    def with_line_counts(self) -> PlanQuerySet:
        return self.annotate(line_count=models.Count("lines"))

    def with_source_line_counts(self) -> PlanQuerySet:
        """``line_count``: the plan's lines still in its source document (``in_source()``)."""
        in_source = models.Q(lines__missing_from_source_since__isnull=True)
        return self.annotate(line_count=models.Count("lines", filter=in_source))

    def default(self) -> Plan | None:
        """The plan the register, dashboard and report open on (``Plan.default_among``)."""
        return Plan.default_among(self.with_line_counts())

    def preceding(self, plan: Plan) -> list[Plan]:
        """The plans whose lines ``plan`` may continue (``Plan.precedes``), oldest first; plans are few."""
        return [earlier for earlier in self.order_by("first_year", "code") if earlier.precedes(plan)]


class Plan(Bilingual):
    class Kind(models.TextChoices):
        PLAN_OF_ACTION = "plan", _("Plan of action")
        ANNEX = "annex", _("Annex")
        JOINT_STATEMENT = "joint-statement", _("Joint statement")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="annexes",
    )
    preamble_en = models.TextField(_("preamble (English)"), blank=True)
    preamble_zh = models.TextField(_("preamble (Chinese)"), blank=True)
    imported_at = models.DateTimeField(_("last imported"), null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-first_year", "code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.localized("title")

    @staticmethod
    def default_among(plans) -> Plan | None:
        """The plan a page opens on: the newest plan of action with lines, of ``plans`` read with
        a ``line_count`` (``with_line_counts()`` or ``with_source_line_counts()``)."""
        candidates = [p for p in plans if p.kind == Plan.Kind.PLAN_OF_ACTION and p.line_count]
        return min(candidates, key=lambda p: (-p.first_year, p.code), default=None)

    def has_ended(self, today: datetime.date | None = None) -> bool:
        """Whether the plan ended before this year: its last year (a joint statement's year) is past."""
        today = today or timezone.localdate()
        return (self.last_year or self.first_year) < today.year

    @property
    def years(self) -> str:
        if self.last_year and self.last_year != self.first_year:
            return f"{self.first_year}–{self.last_year}"
        return str(self.first_year)

    @property
    def short_name(self) -> str:
        """The plan named by its kind and years in the interface language ("Plan of Action
        2026–2030", "行动计划（2026–2030）"), where pages have no room for the full title: never
        its code, which is an address, not a name."""
        names = {
            Plan.Kind.PLAN_OF_ACTION: _("Plan of Action %(years)s"),
            Plan.Kind.ANNEX: _("Annex %(years)s"),
            Plan.Kind.JOINT_STATEMENT: _("Joint Statement %(years)s"),
        }
        return names.get(self.kind, _("Plan of Action %(years)s")) % {"years": self.years}

    @property
    def is_translated(self) -> bool:
        return bool(self.title_en and self.title_zh)

    def precedes(self, other: Plan) -> bool:
        """Whether this plan ends before ``other`` starts, so that ``other``'s lines may continue its
        lines. A joint statement has no last year: it ends the year it is made."""
        return (self.last_year or self.first_year) < other.first_year

    def outline(self) -> list[tuple[Part, list[tuple[Area | None, list[ActionLine]]]]]:
        """Parts with their sections in document order, in three queries.

        A section is an area and its lines, or a run of lines that belong to no area
        (5.1, or 1.7 of the 2021–2025 plan, which stands between areas 1.6 and 1.8).
        """
        areas = {area.pk: area for area in self.areas.all()}
        outline: dict[int, tuple[Part, list]] = {part.pk: (part, []) for part in self.parts.all()}
        for line in self.lines.order_by("position"):
            sections = outline[line.part_id][1]
            area = areas.get(line.area_id)
            if not sections or sections[-1][0] is not area:
                sections.append((area, []))
            sections[-1][1].append(line)
        return list(outline.values())


class Part(Bilingual):
    """A part of a plan; in the plans of action, a pillar."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label as printed"), max_length=40, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="part_number_unique_in_plan")]
        verbose_name = _("part")
        verbose_name_plural = _("parts")

    def __str__(self) -> str:
        return f"{self.code}. {self.localized('title')}"


class Area(Bilingual):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="areas")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="areas")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("code"), max_length=20)
    sort_key = models.CharField(max_length=60, editable=False)
    label = models.CharField(_("label as printed"), max_length=40, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=500, blank=True)

    class Meta:
        ordering = ["plan", "sort_key"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="area_code_unique_in_plan")]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return f"{self.code} {self.localized('title')}"


class ActionLineQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> ActionLineQuerySet:
        return self.filter(plan=plan)

    def in_part(self, part: Part) -> ActionLineQuerySet:
        return self.filter(part=part)

    def in_area(self, area: Area) -> ActionLineQuerySet:
        return self.filter(area=area)

    def in_source(self) -> ActionLineQuerySet:
        return self.filter(missing_from_source_since__isnull=True)

    def in_code_order(self) -> ActionLineQuerySet:
        return self.order_by("plan", "sort_key")

    def with_structure(self) -> ActionLineQuerySet:
        return self.select_related("plan", "part", "area")

    def with_target_flag(self) -> ActionLineQuerySet:
        """Lines with ``has_targets``, so that a page reads the targets only of a line that has any."""
        from .continuity import Target

        return self.annotate(has_targets=models.Exists(Target.objects.filter(line=models.OuterRef("pk"))))

    def with_current_status_code(self) -> ActionLineQuerySet:
        """Lines with ``current_status_code`` and ``current_status_order``: the code and order of
        the status of their latest confirmed period status (None before the first), to show (with
        the statuses read once), filter and sort on. No query more."""
        from .tracking import PeriodStatus

        latest = PeriodStatus.objects.latest_confirmed().filter(line=models.OuterRef("pk"))
        return self.annotate(
            current_status_code=models.Subquery(latest.values("status__code")[:1]),
            current_status_order=models.Subquery(latest.values("status__order")[:1]),
        )

    def with_current_status(self) -> ActionLineQuerySet:
        """Lines with their current status: the status of their latest confirmed period status.

        Each line gets ``confirmed_period_statuses``: its latest confirmed period status alone
        (with status and period), from which ``line.current_status`` reads; and the annotations of
        ``with_current_status_code()``. One query more, whatever the number of lines or periods.
        """
        return self.with_current_status_code().prefetch_related(self.current_status_prefetch())

    @staticmethod
    def current_status_prefetch() -> models.Prefetch:
        """What ``with_current_status()`` prefetches, for lines read otherwise
        (``prefetch_related_objects(lines, ActionLineQuerySet.current_status_prefetch())``)."""
        from .tracking import PeriodStatus

        return models.Prefetch(
            "period_statuses",
            # Sliced: only the latest per line is fetched (a window function), not every period's.
            queryset=PeriodStatus.objects.latest_confirmed().select_related("status", "period")[:1],
            to_attr="confirmed_period_statuses",
        )

    def search(self, text: str) -> ActionLineQuerySet:
        """Lines matching every word of ``text`` in their code, texts or confirmed owners.

        A code ("2.6", "2.6.6") finds that line and the lines under it, not "12.6" or "1.2.6".
        A longer search than ``validate_search`` allows is refused (ValidationError): the
        register's search field validates with it, and so says why.
        """
        from .tracking import Ownership

        validate_search(text)
        lines = self
        for word in dict.fromkeys(text.split()):  # a repeated word adds nothing but time
            if CODE.fullmatch(word):
                word = word.rstrip(".")
                lines = lines.filter(models.Q(code=word) | models.Q(code__startswith=f"{word}."))
                continue
            owners = (
                Ownership.objects.confirmed()
                .filter(line=models.OuterRef("pk"))
                .filter(
                    models.Q(organisation__acronym__icontains=word)
                    | models.Q(organisation__name_en__icontains=word)
                    | models.Q(organisation__name_zh__icontains=word)
                )
            )
            lines = lines.filter(
                models.Q(text_en__icontains=word) | models.Q(text_zh__icontains=word)
                | models.Q(heading_en__icontains=word) | models.Q(heading_zh__icontains=word)
                | models.Exists(owners)
            )  # fmt: skip
        return lines

    def with_status(self, code: str) -> ActionLineQuerySet:
        """Lines whose current status is ``code``; "none" for lines without a confirmed status.

        Needs ``with_current_status_code()``.
        """
        if code == NO_STATUS:
            return self.filter(current_status_code__isnull=True)
        return self.filter(current_status_code=code)

    def with_period_status(self, period, code: str) -> ActionLineQuerySet:
        """Lines whose confirmed status for ``period`` is ``code``; "none": not confirmed for it."""
        from .tracking import PeriodStatus

        confirmed = PeriodStatus.objects.confirmed().filter(line=models.OuterRef("pk"), period=period)
        if code == NO_STATUS:
            return self.filter(~models.Exists(confirmed))
        return self.filter(models.Exists(confirmed.filter(status__code=code)))

    def owned_by(self, organisation, *, lead_only: bool = False) -> ActionLineQuerySet:
        from .tracking import Ownership

        owners = Ownership.objects.confirmed().filter(line=models.OuterRef("pk"), organisation=organisation)
        if lead_only:
            owners = owners.filter(role=Ownership.Role.LEAD)
        return self.filter(models.Exists(owners))

    def in_update_state(self, period, state: str, organisation=None) -> ActionLineQuerySet:
        """Lines by the period's update state: "none" (no update), an update state, "reported"
        (submitted or approved), or "confirmed".

        With ``organisation``, the states of that owner's update; otherwise of any owner's.
        """
        from .tracking import PeriodStatus, StatusUpdate

        if state == "confirmed":
            confirmed = PeriodStatus.objects.confirmed().filter(line=models.OuterRef("pk"), period=period)
            return self.filter(models.Exists(confirmed))
        updates = StatusUpdate.objects.in_period(period).filter(line=models.OuterRef("pk"))
        if organisation is not None:
            updates = updates.filter(organisation=organisation)
        if state == NO_UPDATE:
            return self.filter(~models.Exists(updates))
        if state == REPORTED:
            return self.filter(models.Exists(updates.reported()))
        return self.filter(models.Exists(updates.filter(state=state)))

    def with_evidence_in(self, period, present: bool = True) -> ActionLineQuerySet:
        from .tracking import Evidence

        evidence = Evidence.objects.not_withdrawn().filter(
            update__line=models.OuterRef("pk"), update__period=period
        )
        return self.filter(models.Exists(evidence) if present else ~models.Exists(evidence))

    def overdue_in(self, period, organisation=None) -> ActionLineQuerySet:
        """Past the period's deadline, lines with a confirmed owner (``organisation``, if given)
        that has no submitted or approved update for the period."""
        from .tracking import Ownership

        if not period.is_past_deadline:
            return self.none()
        silent = Ownership.objects.confirmed().yet_to_report_in(period).filter(line=models.OuterRef("pk"))
        if organisation is not None:
            silent = silent.filter(organisation=organisation)
        return self.filter(models.Exists(silent))

    def with_last_update(self) -> ActionLineQuerySet:
        """Lines with ``last_update_at``: when an owner last submitted or had an update decided."""
        from .tracking import StatusUpdate

        latest = (
            StatusUpdate.objects.exclude(state=StatusUpdate.State.DRAFT).filter(line=models.OuterRef("pk"))
            .order_by("-updated_at").values("updated_at")[:1]
        )  # fmt: skip
        return self.annotate(last_update_at=models.Subquery(latest))

    def with_owners(self) -> ActionLineQuerySet:
        """Lines with their confirmed owners and organisations, lead first, as ``confirmed_owners``.

        One query more, whatever the number of lines; ``line.owners`` and ``line.owners_text``
        read from it.
        """
        from .tracking import Ownership

        owners = Ownership.objects.confirmed().lead_first().select_related("organisation")
        return self.prefetch_related(
            models.Prefetch("ownerships", queryset=owners, to_attr="confirmed_owners")
        )

    def with_suggestions(self, suggestions) -> ActionLineQuerySet:
        """The lines of ``suggestions`` (ownerships), each with them as ``suggestions``, by acronym:
        one line and its text, however many bodies it names."""
        chosen = suggestions.order_by("organisation__acronym").select_related("organisation")
        return self.filter(models.Exists(chosen.filter(line=models.OuterRef("pk")))).prefetch_related(
            models.Prefetch("ownerships", queryset=chosen, to_attr="suggestions")
        )

    def with_link_suggestions(self, links) -> ActionLineQuerySet:
        """The later lines of ``links`` (continuity links), each with them as ``link_suggestions``,
        best first, with their earlier lines and plans."""
        chosen = links.best_first().select_related("predecessor__plan")
        return self.filter(models.Exists(chosen.filter(successor=models.OuterRef("pk")))).prefetch_related(
            models.Prefetch("predecessor_links", queryset=chosen, to_attr="link_suggestions")
        )

    def with_links(self) -> ActionLineQuerySet:
        """Lines with their continuity links, each with the other line and its plan: ``earlier_links``
        (confirmed and suggested) and ``later_links`` (confirmed). Two queries more, whatever the
        number of lines; ``line.predecessors()``, ``successors()`` and ``suggested_predecessors()``
        read from them."""
        from .continuity import LineLink

        return self.prefetch_related(
            models.Prefetch(
                "predecessor_links",
                LineLink.objects.exclude(state=LineLink.State.REJECTED).select_related("predecessor__plan"),
                to_attr="earlier_links",
            ),
            models.Prefetch(
                "successor_links",
                LineLink.objects.confirmed().select_related("successor__plan"),
                to_attr="later_links",
            ),
        )

    def with_targets(self) -> ActionLineQuerySet:
        """Lines with their quantified targets prefetched: one query more."""
        return self.prefetch_related("targets")

    def with_status_in(self, period) -> ActionLineQuerySet:
        """Lines with ``status_in_period``: the pk of their status confirmed for ``period``, else None."""
        from .tracking import PeriodStatus

        confirmed = PeriodStatus.objects.confirmed().filter(line=models.OuterRef("pk"), period=period)
        return self.annotate(status_in_period=models.Subquery(confirmed.values("status")[:1]))

    def with_update_flag(self, period) -> ActionLineQuerySet:
        """Lines with ``has_update``: whether any owner has an update, in any state, for ``period``."""
        from .tracking import StatusUpdate

        updates = StatusUpdate.objects.in_period(period).filter(line=models.OuterRef("pk"))
        return self.annotate(has_update=models.Exists(updates))


class ActionLine(Bilingual):
    """A numbered action line of a plan: the commitment that is tracked."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="lines")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="lines")
    code = models.CharField(_("code"), max_length=20)
    # Zero-padded code ("0002.0010.0001") so that SQL sorts 2.10.1 after 2.9.4.
    sort_key = models.CharField(max_length=60, editable=False)
    position = models.PositiveIntegerField(_("position in the document"))
    label = models.CharField(_("label as printed"), max_length=40, blank=True)
    heading_en = models.CharField(_("heading (English)"), max_length=300, blank=True)
    heading_zh = models.CharField(_("heading (Chinese)"), max_length=300, blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    text_zh = models.TextField(_("text (Chinese)"), blank=True)
    source_line = models.PositiveIntegerField(_("line in the source file"), null=True)
    missing_from_source_since = models.DateTimeField(
        _("missing from the source since"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ActionLineQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "sort_key"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="line_code_unique_in_plan")]
        indexes = [models.Index(fields=["plan", "sort_key"], name="line_plan_order")]
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")

    def __str__(self) -> str:
        return f"{self.code} {self.short_text}"

    def get_absolute_url(self) -> str:
        return reverse("commitments:line-detail", args=[self.plan.code, self.code])

    @property
    def address(self) -> str:
        """The line named across plans, as the exports name it: "poa-2026-2030:2.8.1"."""
        return f"{self.plan.code}:{self.code}"

    @property
    def localized_text(self) -> Localized:
        return self.localized("text")

    @property
    def localized_heading(self) -> Localized:
        return self.localized("heading")

    @property
    def short_text(self) -> str:
        text = self.localized("text")
        return text if len(text) <= 120 else text[:117].rstrip() + "…"

    @property
    def is_translated(self) -> bool:
        return bool(self.text_en and self.text_zh)

    @property
    def final(self):
        """The line's ``FinalStatus`` once its ended plan is closed out, else None (select_related
        ``final_status__status`` to read it without a query)."""
        try:
            return self.final_status
        except ObjectDoesNotExist:
            return None

    @property
    def current_period_status(self) -> PeriodStatus | None:
        """The latest confirmed period status (``PeriodStatus.objects.latest_confirmed()``), or None
        before the first one.

        Read from ``ActionLine.objects.with_current_status()`` when the line came from it;
        one query otherwise.
        """
        if hasattr(self, "confirmed_period_statuses"):
            return next(iter(self.confirmed_period_statuses), None)
        return self.period_statuses.latest_confirmed().select_related("status", "period").first()

    @property
    def current_status(self) -> Status | None:
        """The line's current status: that of its latest confirmed period status, or None."""
        latest = self.current_period_status
        return latest.status if latest else None

    @property
    def owners(self) -> list[Ownership]:
        """The confirmed ownerships, lead first, then by acronym.

        Read from ``ActionLine.objects.with_owners()`` when the line came from it; one query
        otherwise.
        """
        if hasattr(self, "confirmed_owners"):
            return self.confirmed_owners
        return list(self.ownerships.confirmed().lead_first().select_related("organisation"))

    @property
    def owners_text(self) -> str:
        """The confirmed owners on one line, e.g. "ATM+China (lead); ASEC (supporting)".

        Roles are their codes, not translated, so that an export reads the same in any language.
        """
        return "; ".join(f"{owner.organisation.acronym} ({owner.role})" for owner in self.owners)

    def _links(self, attribute: str) -> list:
        """``earlier_links`` or ``later_links`` of ``with_links()``; read again when the line did not
        come from it."""
        if not hasattr(self, attribute):
            return getattr(ActionLine.objects.with_links().get(pk=self.pk), attribute)
        return getattr(self, attribute)

    def predecessors(self) -> list[str]:
        """The addresses of the lines this line continues (confirmed links), in plan and code order."""
        from .continuity import LineLink

        links = [link for link in self._links("earlier_links") if link.state == LineLink.State.CONFIRMED]
        return [link.predecessor.address for link in sorted(links, key=lambda link: link.predecessor.order)]

    def suggested_predecessors(self) -> list[tuple[str, float | None]]:
        """The addresses of the lines suggested as continued by this one, with their scores, best first."""
        from .continuity import LineLink

        links = [link for link in self._links("earlier_links") if link.state == LineLink.State.SUGGESTED]
        links.sort(key=lambda link: (-(link.score or 0), link.predecessor.order))
        return [(link.predecessor.address, link.score) for link in links]

    def successors(self) -> list[str]:
        """The addresses of the lines that continue this one (confirmed links), in plan and code order."""
        links = self._links("later_links")
        return [link.successor.address for link in sorted(links, key=lambda link: link.successor.order)]

    @property
    def order(self) -> tuple:
        """Where the line sorts among the lines of several plans: the older plan first, then in code order."""
        return (self.plan.first_year, self.plan.code, self.sort_key)

    def mark_missing_from_source(self) -> None:
        self.missing_from_source_since = timezone.now()
        self.save(update_fields=["missing_from_source_since"])

    def export_record(self, *, flat: bool = False) -> dict[str, Any]:
        """The line as one record, for the exports.

        ``status`` is the current status's code or None, ``owners`` a list of
        ``{"acronym", "role"}``, lead first. ``predecessors`` and ``successors`` are the
        "plan-code:line-code" of the lines linked by confirmed links, ``suggested_predecessors``
        ``{"line", "score"}`` of the suggested ones, best first. ``flat`` makes every value a
        text, for CSV: the code or "", ``owners_text``, the lines joined by "; " and each
        suggestion as "line (score)"; ``targets`` each target's ``Target.export_record()``, as
        "key: value unit (start/end)" when flat. Take the lines from ``with_structure()``,
        ``with_current_status()``, ``with_owners()``, ``with_links()`` and ``with_targets()`` to
        keep the queries few.
        """
        status = self.current_status
        code = status.code if status else None
        if flat:
            owners: Any = self.owners_text
        else:
            owners = [{"acronym": owner.organisation.acronym, "role": owner.role} for owner in self.owners]
        predecessors, successors = self.predecessors(), self.successors()
        suggested: Any = [
            {"line": address, "score": score} for address, score in self.suggested_predecessors()
        ]
        if flat:
            predecessors, successors = "; ".join(predecessors), "; ".join(successors)
            suggested = "; ".join(f"{item['line']} ({item['score']:.2f})" for item in suggested)
        targets: Any = [target.export_record() for target in self.targets.all()]
        if flat:
            targets = "; ".join(
                f"{item['key']}: {item['value']} {item['unit']} ({item['starts_on']}/{item['ends_on']})"
                for item in targets
            )
        record = {
            "plan": self.plan.code,
            "code": self.code,
            "label": self.label,
            "part": self.part.code,
            "part_title_en": self.part.title_en,
            "part_title_zh": self.part.title_zh,
            "area": self.area.code if self.area else "",
            "area_title_en": self.area.title_en if self.area else "",
            "area_title_zh": self.area.title_zh if self.area else "",
            "heading_en": self.heading_en,
            "heading_zh": self.heading_zh,
            "text_en": self.text_en,
            "text_zh": self.text_zh,
            "in_source": "no" if self.missing_from_source_since else "yes",
            "status": (code or "") if flat else code,
            "owners": owners,
            "predecessors": predecessors,
            "successors": successors,
            "suggested_predecessors": suggested,
            "targets": targets,
        }
        assert list(record) == EXPORT_FIELDS
        return record
