"""The site registry: every displacement site of an operation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SiteType(models.TextChoices):
    PLANNED_CAMP = "planned_camp", _("Planned camp")
    SPONTANEOUS_SITE = "spontaneous_site", _("Spontaneous site")
    COLLECTIVE_CENTRE = "collective_centre", _("Collective centre")
    TRANSIT_CENTRE = "transit_centre", _("Transit centre")
    RECEPTION_CENTRE = "reception_centre", _("Reception centre")
    EVACUATION_CENTRE = "evacuation_centre", _("Evacuation centre")
    # DTM's "dispersed settings / host communities": displaced people living among residents.
    HOST_COMMUNITY = "host_community", _("Host community / dispersed setting")


class SiteStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another site")
    RELOCATED = "relocated", _("Relocated")


class ManagementType(models.TextChoices):
    CAMP_MANAGEMENT = "camp_management", _("Camp management agency")
    SITE_MANAGEMENT = "site_management", _("Site management (mobile teams)")
    GOVERNMENT = "government", _("Government / camp administration")
    COMMUNITY = "community", _("Self-managed by the community")
    RELIGIOUS = "religious", _("Religious institution")
    NONE = "none", _("No management")


class LandTenure(models.TextChoices):
    PUBLIC = "public", _("Public land")
    PRIVATE = "private", _("Private land")
    COMMUNAL = "communal", _("Communal / customary land")
    RELIGIOUS = "religious", _("Religious institution")
    UNKNOWN = "unknown", _("Unknown")


class SiteQuerySet(models.QuerySet):
    def open(self) -> SiteQuerySet:
        return self.filter(status=SiteStatus.OPEN)

    def for_operation(self, operation) -> SiteQuerySet:
        return self.filter(operation=operation)


class Site(models.Model):
    operation = models.ForeignKey("core.Operation", on_delete=models.PROTECT, related_name="sites")
    code = models.CharField(_("site code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    # Other names the site is known by (local names, former names), one list.
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    # The name in each language of the operation ({"fr": "...", "ar": "..."}), when the
    # master list gives one; `name` stays the name shown by default.
    names = models.JSONField(_("names by language"), default=dict, blank=True)
    site_type = models.CharField(_("site type"), max_length=30, choices=SiteType.choices, db_index=True)
    admin_area = models.ForeignKey(
        "geo.AdminArea", on_delete=models.PROTECT, related_name="sites", verbose_name=_("admin area")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    management_agency = models.ForeignKey(
        "core.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_sites",
        verbose_name=_("management agency"),
    )
    management_type = models.CharField(
        _("management type"), max_length=30, choices=ManagementType.choices, blank=True
    )
    land_tenure = models.CharField(_("land tenure"), max_length=20, choices=LandTenure.choices, blank=True)
    area_m2 = models.PositiveIntegerField(_("site area (m²)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (people)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SiteStatus.choices, default=SiteStatus.OPEN, db_index=True
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        indexes = [
            models.Index(fields=["operation", "status"]),
            models.Index(fields=["operation", "site_type"]),
            # The site list (API and page) reads an operation's sites in code order.
            models.Index(fields=["operation", "code"], name="site_operation_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def name_in(self, language: str) -> str:
        """The site's name in a language of the operation, else its main name."""
        return (self.names or {}).get(language) or self.name


class SiteStatusChange(models.Model):
    """Dated status history: opened, closed, merged into another site, relocated."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=SiteStatus.choices)
    date = models.DateField(_("date"))
    # The site it was merged into or relocated to.
    target = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "date", "id"]

    def __str__(self) -> str:
        return f"{self.site.code} {self.status} {self.date}"


class SiteImportMapping(models.Model):
    """The column choices an IMO made on the web for a master list, kept per operation so
    the next list with the same headers is mapped the same way."""

    operation = models.OneToOneField(
        "core.Operation", on_delete=models.CASCADE, related_name="site_import_mapping"
    )
    # Normalised column header → field name ("" = ignored), over every list mapped so far.
    columns = models.JSONField(default=dict, blank=True)
    defaults = models.JSONField(default=dict, blank=True)  # field → value for empty cells
    updated_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"site import mapping of {self.operation}"
