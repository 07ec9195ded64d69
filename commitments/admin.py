from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionLine,
    Activity,
    Area,
    Evidence,
    Fund,
    LineLink,
    Organisation,
    Ownership,
    Part,
    PeriodStatus,
    PersonChange,
    Plan,
    ReportEdition,
    ReportingPeriod,
    Status,
    StatusUpdate,
    Target,
)


class PartInline(admin.TabularInline):
    model = Part
    fields = ["number", "code", "label", "title_en", "title_zh"]
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "title_zh", "kind", "first_year", "last_year", "adopted_on", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "title_en", "title_zh"]
    readonly_fields = ["imported_at"]
    inlines = [PartInline]


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["plan", "code", "title_en", "title_zh"]
    list_filter = ["plan"]
    search_fields = ["title_en", "title_zh"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["plan", "code", "title_en", "title_zh"]
    list_filter = ["plan", "part"]
    list_select_related = ["plan"]
    search_fields = ["code", "title_en", "title_zh"]
    ordering = ["plan", "sort_key"]


@admin.register(ActionLine)
class ActionLineAdmin(SimpleHistoryAdmin):
    list_display = ["code", "plan", "part", "short_text", "translated", "in_source"]
    list_filter = ["plan", "part"]
    list_select_related = ["plan", "part"]
    search_fields = ["code", "text_en", "text_zh"]
    ordering = ["plan", "sort_key"]
    readonly_fields = [
        "plan",
        "part",
        "area",
        "code",
        "label",
        "position",
        "source_line",
        "missing_from_source_since",
    ]
    fields = [*readonly_fields, "heading_en", "heading_zh", "text_en", "text_zh"]

    @admin.display(boolean=True, description=_("translated"))
    def translated(self, line: ActionLine) -> bool:
        return line.is_translated

    @admin.display(boolean=True, description=_("in the source"))
    def in_source(self, line: ActionLine) -> bool:
        return line.missing_from_source_since is None


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["acronym", "name_en", "name_zh", "kind"]
    list_filter = ["kind"]
    search_fields = ["acronym", "name_en", "name_zh"]
    filter_horizontal = ["focal_points"]


@admin.register(PersonChange)
class PersonChangeAdmin(admin.ModelAdmin):
    """The record of changes made on the People pages: read only, like any record."""

    list_display = ["at", "person", "action", "by"]
    list_filter = ["action"]
    search_fields = ["person__username", "by__username"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ownership)
class OwnershipAdmin(SimpleHistoryAdmin):
    list_display = ["line", "organisation", "role", "state"]
    list_filter = ["state", "role", "line__plan"]
    list_select_related = ["line", "organisation"]
    raw_id_fields = ["line"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["plan", "label", "starts_on", "ends_on", "deadline", "cutoff_on", "is_open"]
    list_filter = ["plan", "is_open"]


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    list_display = [
        "code", "label_en", "label_zh", "colour", "order", "counts_as_implemented", "counts_as_completed",
        "needs_reason",
    ]  # fmt: skip


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name_en", "name_zh", "order"]
    search_fields = ["acronym", "name_en", "name_zh"]


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the update form
    readonly_fields = ["original_name", "content_type", "size", "withdrawn_at", "withdrawn_by"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["line", "organisation", "period", "status", "state", "updated_at"]
    list_filter = ["state", "period"]
    list_select_related = ["line", "organisation", "period", "status"]
    raw_id_fields = ["line"]
    readonly_fields = ["state"]
    inlines = [ActivityInline, EvidenceInline]
    # What was submitted is what its reviewer read: after that, only the review changes it.
    REPORTED = [
        "line",
        "period",
        "organisation",
        "status",
        "narrative_en",
        "narrative_zh",
        "reason_en",
        "reason_zh",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return [*self.readonly_fields, *self.REPORTED]
        return self.readonly_fields


@admin.register(PeriodStatus)
class PeriodStatusAdmin(SimpleHistoryAdmin):
    list_display = ["line", "period", "proposed", "status", "confirmed_by", "confirmed_at"]
    list_filter = ["period", "status"]
    list_select_related = ["line", "period", "proposed", "status", "confirmed_by"]
    raw_id_fields = ["line"]
    # Statuses are confirmed on the review pages, through PeriodStatus.confirm and its rules
    # (separation of duties, a reason when differing); here they are only read.
    readonly_fields = ["line", "period", "proposed", "status", "reason", "confirmed_by", "confirmed_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ReportEdition)
class ReportEditionAdmin(admin.ModelAdmin):
    """Read only: editions are made by finalising on the report page and withdrawn there."""

    list_display = [
        "plan",
        "period",
        "language",
        "meeting",
        "as_of",
        "finalised_by",
        "finalised_at",
        "withdrawn_at",
    ]
    list_filter = ["plan", "language"]
    exclude = ["content"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LineLink)
class LineLinkAdmin(SimpleHistoryAdmin):
    list_display = ["predecessor", "successor", "state", "score"]
    list_filter = ["state", "predecessor__plan", "successor__plan"]
    list_select_related = ["predecessor__plan", "successor__plan"]
    raw_id_fields = ["predecessor", "successor"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["line", "key", "value", "unit", "starts_on", "ends_on"]
    list_select_related = ["line__plan"]
    raw_id_fields = ["line"]
