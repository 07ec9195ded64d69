"""The plans and their action lines: what the tracker tracks.

A plan (a source document) has parts (pillars), areas and action lines. Every text comes
in English and Chinese; a field the source documents filled remembers the value they gave
(``source``) so that a re-import can tell a change in the source from an edit by staff.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

EXPORT_FIELDS = [
    "plan", "code", "label", "part", "part_title_en", "part_title_zh", "area", "area_title_en",
    "area_title_zh", "heading_en", "heading_zh", "text_en", "text_zh", "in_source",
]  # fmt: skip


def interface_language() -> str:
    """The content language ("en" or "zh") that goes with the active interface language."""
    return "zh" if (get_language() or "en").startswith("zh") else "en"


class Localized(str):
    """A text in the wanted language, or in the other one when the wanted one is empty."""

    language: str
    is_fallback: bool

    def __new__(cls, text: str, language: str, is_fallback: bool) -> Localized:
        value = super().__new__(cls, text)
        value.language, value.is_fallback = language, is_fallback
        return value


class Bilingual(models.Model):
    """Behaviour shared by models with English and Chinese texts taken from a source."""

    source = models.JSONField(_("values from the source document"), default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def localized(self, field: str, language: str | None = None) -> Localized:
        wanted = language or interface_language()
        other = "zh" if wanted == "en" else "en"
        text = getattr(self, f"{field}_{wanted}")
        if text:
            return Localized(text, wanted, False)
        return Localized(getattr(self, f"{field}_{other}"), other, True)

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

    @property
    def years(self) -> str:
        if self.last_year and self.last_year != self.first_year:
            return f"{self.first_year}–{self.last_year}"
        return str(self.first_year)

    @property
    def is_translated(self) -> bool:
        return bool(self.title_en and self.title_zh)

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

    def mark_missing_from_source(self) -> None:
        self.missing_from_source_since = timezone.now()
        self.save(update_fields=["missing_from_source_since"])

    def export_record(self) -> dict[str, str]:
        """The line as one flat record, for the exports (select_related part and area)."""
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
        }
        assert list(record) == EXPORT_FIELDS
        return record
