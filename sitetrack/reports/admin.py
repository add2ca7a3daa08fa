from django.contrib import admin

from sitetrack.reports.models import SendLog, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "sector", "organisation", "language", "operation", "active"]
    list_filter = ["operation", "sector", "language", "active"]
    search_fields = ["name", "email", "organisation__name"]


@admin.register(SendLog)
class SendLogAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "round", "email", "sector", "language", "status"]
    list_filter = ["status", "round__operation", "sector"]
    search_fields = ["email", "name"]
    readonly_fields = [f.name for f in SendLog._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
