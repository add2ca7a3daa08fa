"""A batch of monthly site profiles: all the profiles of one monthly round, generated in
the background, with its progress and the sites that failed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ProfileBatch(models.Model):
    round = models.ForeignKey("assessments.Round", on_delete=models.CASCADE, related_name="profile_batches")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("sites"), default=0)
    done = models.PositiveIntegerField(_("profiles rendered"), default=0)
    failed = models.PositiveIntegerField(_("profiles failed"), default=0)
    # [{"code": "CF7111-S001", "error": "ValueError: ..."}] for the sites that failed.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Why the whole batch stopped (a failure before or after the sites were rendered).
    error = models.TextField(_("error"), blank=True)
    workers = models.PositiveSmallIntegerField(_("processes"), default=0)
    zip_file = models.FileField(_("ZIP file"), upload_to="profiles/", blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("site profile batch")
        verbose_name_plural = _("site profile batches")
        indexes = [models.Index(fields=["round", "-created_at"])]

    def __str__(self) -> str:
        return f"profiles {self.round} ({self.language}, {self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.finished else 0
        return int(100 * (self.done + self.failed) / self.total)
