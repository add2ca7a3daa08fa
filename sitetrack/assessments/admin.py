from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sitetrack.assessments.models import PopulationFlow, Round, SiteAssessment, ValidationSettings


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "operation", "kind", "number", "status"]
    list_filter = ["operation", "kind", "status"]


class FlowInline(admin.TabularInline):
    model = PopulationFlow
    extra = 0
    raw_id_fields = ["area"]


@admin.register(SiteAssessment)
class SiteAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["site", "round", "status", "individuals", "households"]
    list_filter = ["round__operation", "round__kind", "status"]
    raw_id_fields = ["site", "round", "facilitator", "validated_by"]
    inlines = [FlowInline]


@admin.register(ValidationSettings)
class ValidationSettingsAdmin(admin.ModelAdmin):
    list_display = ["operation", "min_household_size", "max_household_size", "outlier_change_pct"]
