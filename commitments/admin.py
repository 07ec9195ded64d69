from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ActionLine, Area, Part, Plan


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
class ActionLineAdmin(admin.ModelAdmin):
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
