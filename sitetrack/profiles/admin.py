from django.contrib import admin

from sitetrack.profiles.models import ProfileBatch


@admin.register(ProfileBatch)
class ProfileBatchAdmin(admin.ModelAdmin):
    list_display = ("round", "language", "status", "total", "done", "failed", "workers", "created_at")
    list_filter = ("status", "language")
    readonly_fields = ("errors", "error", "task_id", "started_at", "finished_at", "created_by")
