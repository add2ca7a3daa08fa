from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sitetrack.sites.models import Site, SiteStatusChange


class StatusChangeInline(admin.TabularInline):
    model = SiteStatusChange
    fk_name = "site"
    extra = 0
    raw_id_fields = ["target"]


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "site_type", "admin_area", "status", "operation"]
    list_filter = ["operation", "site_type", "status"]
    search_fields = ["code", "name"]
    raw_id_fields = ["admin_area"]
    inlines = [StatusChangeInline]
