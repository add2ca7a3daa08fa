"""Who receives the weekly report, and what was sent to whom."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sitetrack.core.sectors import Sector


class SubscriptionQuerySet(models.QuerySet):
    def active(self) -> SubscriptionQuerySet:
        return self.filter(active=True)


class Subscription(models.Model):
    """A cluster focal point who receives the weekly report: the whole report (no sector)
    or one sector's gap list, in their language."""

    operation = models.ForeignKey(
        "core.Operation", on_delete=models.CASCADE, related_name="report_subscriptions"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    sector = models.CharField(
        _("sector"),
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text=_("Leave empty to receive the whole report."),
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_subscriptions",
        verbose_name=_("organisation"),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="en")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["operation", "sector", "name"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "email", "sector"], name="one_subscription_per_email_and_sector"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> — {self.get_sector_display() or _('whole report')}"


class SendStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class SendLog(models.Model):
    """One email of a published round to one subscriber (kept even if it failed)."""

    round = models.ForeignKey("assessments.Round", on_delete=models.CASCADE, related_name="send_logs")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="send_logs"
    )
    # Copied so that the log still says who it went to after a subscription changes.
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=250)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SendStatus.choices)
    error = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("report send log")
        verbose_name_plural = _("report send logs")
        indexes = [models.Index(fields=["round", "subscription", "status"])]

    def __str__(self) -> str:
        return f"{self.round} → {self.email} ({self.status})"
