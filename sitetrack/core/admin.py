from django.contrib import admin

from sitetrack.core.models import CatalogueVersion, Indicator, Membership, Operation, Organisation


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind"]
    search_fields = ["name", "acronym"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "operation", "role", "organisation"]
    list_filter = ["operation", "role"]
    filter_horizontal = ["areas"]
    raw_id_fields = ["sites"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = [
        "code",
        "label_en",
        "label_fr",
        "type",
        "sector",
        "threshold",
        "threshold_direction",
        "hxl",
        "xlsform_name",
    ]


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "operation", "number", "created_at"]
    inlines = [IndicatorInline]
