"""Operations, organisations, per-operation roles, and the indicator catalogue."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sitetrack.core.sectors import Sector


def default_languages() -> list[str]:
    return ["en", "fr"]


class Operation(models.Model):
    """A country or crisis response; everything but admin areas belongs to one.

    Named like the DTM API's `operation` field.
    """

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    country = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.PROTECT,
        related_name="operations",
        limit_choices_to={"level": 0},
        verbose_name=_("country"),
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The languages names are kept in (ISO 639-1, e.g. ["en", "fr", "sg"]): English and
    # French, which SiteTrack's pages speak, and the local ones. Sites and admin areas keep
    # a name in each (`names` = {"sg": "..."}), next to their main name.
    languages = models.JSONField(_("languages"), default=default_languages, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")

    def __str__(self) -> str:
        return self.name

    @property
    def language_codes(self) -> list[str]:
        return [str(code) for code in (self.languages or []) if code]


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(
        _("type"),
        max_length=30,
        blank=True,
        choices=[
            ("un", _("UN agency")),
            ("ingo", _("International NGO")),
            ("nngo", _("National NGO")),
            ("government", _("Government")),
            ("rcrc", _("Red Cross / Red Crescent")),
            ("cbo", _("Community-based organisation")),
            ("other", _("Other")),
        ],
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.acronym or self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    IMO = "imo", _("Information management officer")
    FACILITATOR = "facilitator", _("Site facilitator")
    PARTNER = "partner", _("Partner")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A user's role in one operation.

    A facilitator's scope is the admin areas (with everything below them) and the sites
    assigned here; other roles see the whole operation.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    areas = models.ManyToManyField("geo.AdminArea", blank=True, related_name="+", verbose_name=_("areas"))
    sites = models.ManyToManyField("sites.Site", blank=True, related_name="+", verbose_name=_("sites"))
    language = models.CharField(_("language"), max_length=5, default="en", choices=settings.LANGUAGES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "operation"], name="one_role_per_operation")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.operation}"


class IndicatorType(models.TextChoices):
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal")
    YES_NO = "yes_no", _("Yes / no")
    SELECT_ONE = "select_one", _("Select one")
    SELECT_MULTIPLE = "select_multiple", _("Select multiple")
    TEXT = "text", _("Text")


class ThresholdDirection(models.TextChoices):
    AT_LEAST = "min", _("At least")
    AT_MOST = "max", _("At most")


class CatalogueVersion(models.Model):
    """One frozen version of the indicator catalogue.

    `operation` is null for the shipped default; an IMO's adjustments create a new
    version for their operation. Assessments record the version they were collected with.
    """

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, null=True, blank=True, related_name="catalogue_versions"
    )
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["operation_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "number"], name="catalogue_version_number")
        ]

    def __str__(self) -> str:
        scope = self.operation.slug if self.operation_id else "default"
        return f"catalogue {scope} v{self.number}"


class Indicator(models.Model):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(max_length=80)
    label_en = models.CharField(max_length=250)
    label_fr = models.CharField(max_length=250)
    type = models.CharField(max_length=20, choices=IndicatorType.choices)
    unit = models.CharField(max_length=40, blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    # [{"name": "...", "label_en": "...", "label_fr": "..."}] for select types.
    choices = models.JSONField(default=list, blank=True)
    threshold = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    threshold_direction = models.CharField(max_length=3, choices=ThresholdDirection.choices, blank=True)
    threshold_source = models.CharField(max_length=250, blank=True)
    hxl = models.CharField(max_length=120, blank=True)
    xlsform_name = models.CharField(max_length=80)
    guidance_en = models.TextField(blank=True)
    guidance_fr = models.TextField(blank=True)
    # For derived indicators such as people per latrine: how to compute it in SQL is in
    # assessments.selectors; `derived` names the formula.
    derived = models.CharField(max_length=40, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="indicator_code_per_version")]

    def __str__(self) -> str:
        return self.code


def _change_token() -> str:
    return uuid.uuid4().hex


class DataChange(models.Model):
    """One row per committed transaction that wrote to the operation's data (any table
    but the bookkeeping ones `core.versions` leaves out): the latest row is the data
    version that cached reads are keyed by. Rows are only inserted (writers share no lock)
    and old ones pruned; the token tells apart changes that got the same id after a
    rollback or a flush."""

    token = models.CharField(max_length=32, default=_change_token)

    class Meta:
        verbose_name = _("data change")

    def __str__(self) -> str:
        return str(self.pk)
