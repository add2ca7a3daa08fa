"""Assessment rounds and site assessments: who is on each site, who came and left, what
they need, and how services measure against thresholds."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sitetrack.core.sectors import Sector

# Sex-and-age bands of CCCM site profiles; field names f_<band> / m_<band>.
AGE_BANDS = ("0_4", "5_11", "12_17", "18_59", "60_plus")
SAD_FIELDS = tuple(f"{sex}_{band}" for sex in ("f", "m") for band in AGE_BANDS)
VULNERABLE_FIELDS = ("pregnant_lactating", "disabilities", "uasc", "older_alone", "chronic_illness")
SHELTER_FIELDS = (
    "hh_tent",
    "hh_makeshift",
    "hh_collective_building",
    "hh_host_family",
    "hh_open_air",
    "hh_other",
)


class RoundKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly site needs")
    MONTHLY = "monthly", _("Monthly site profile")
    BASELINE = "baseline", _("Baseline")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    operation = models.ForeignKey("core.Operation", on_delete=models.PROTECT, related_name="rounds")
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices)
    number = models.PositiveIntegerField(_("number"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    catalogue_version = models.ForeignKey(
        "core.CatalogueVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="rounds"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["operation", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "kind", "number"], name="round_number_per_kind"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="round_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.number} ({self.period_start}–{self.period_end})"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VALIDATED = "validated", _("Validated")
    RETURNED = "returned", _("Returned")
    LOCKED = "locked", _("Locked")


class VisitMethod(models.TextChoices):
    OBSERVATION = "observation", _("Direct observation")
    KEY_INFORMANT = "key_informant", _("Key informant interview")
    FOCUS_GROUP = "focus_group", _("Focus group discussion")


class SiteAssessmentQuerySet(models.QuerySet):
    def validated(self) -> SiteAssessmentQuerySet:
        """Only validated (or locked after validation) figures feed reports."""
        return self.filter(
            status__in=[AssessmentStatus.VALIDATED, AssessmentStatus.LOCKED], was_validated=True
        )


def _count(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True)


def _severity(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


NEED_FIELDS = {sector: f"need_{sector}" for sector in Sector.values}


class SiteAssessment(models.Model):
    # No single-column indexes on round and site: the composite indexes below begin with
    # them; status is looked up within rounds, through (round, status). Every index is one
    # more write for each of an import's rows (and the validation's UPDATE).
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="assessments", db_index=False)
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="assessments", db_index=False)
    catalogue_version = models.ForeignKey(
        "core.CatalogueVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    # Set when validated; stays true when the round closes and the status becomes locked.
    was_validated = models.BooleanField(default=False)

    households = _count(_("households"))
    individuals = _count(_("individuals"))
    f_0_4 = _count(_("female 0–4"))
    f_5_11 = _count(_("female 5–11"))
    f_12_17 = _count(_("female 12–17"))
    f_18_59 = _count(_("female 18–59"))
    f_60_plus = _count(_("female 60+"))
    m_0_4 = _count(_("male 0–4"))
    m_5_11 = _count(_("male 5–11"))
    m_12_17 = _count(_("male 12–17"))
    m_18_59 = _count(_("male 18–59"))
    m_60_plus = _count(_("male 60+"))

    arrivals = _count(_("arrivals since last round (individuals)"))
    departures = _count(_("departures since last round (individuals)"))

    pregnant_lactating = _count(_("pregnant and lactating women"))
    disabilities = _count(_("persons with disabilities"))
    uasc = _count(_("unaccompanied and separated children"))
    older_alone = _count(_("older persons alone"))
    chronic_illness = _count(_("persons with chronic illness"))

    hh_tent = _count(_("households in tents"))
    hh_makeshift = _count(_("households in makeshift shelters"))
    hh_collective_building = _count(_("households in collective buildings"))
    hh_host_family = _count(_("households with host families"))
    hh_open_air = _count(_("households in the open air"))
    hh_other = _count(_("households in other shelter"))

    # Severity (1–5) of the need in each sector: one column per sector so that a
    # 100,000-row import writes one row per assessment and gap lists filter on an index.
    need_protection = _severity(_("protection need severity"))
    need_wash = _severity(_("WASH need severity"))
    need_health = _severity(_("health need severity"))
    need_food_security = _severity(_("food security need severity"))
    need_shelter_nfi = _severity(_("shelter/NFI need severity"))
    need_security = _severity(_("security need severity"))
    need_education = _severity(_("education need severity"))
    need_nutrition = _severity(_("nutrition need severity"))
    need_livelihoods = _severity(_("livelihoods need severity"))
    need_cccm = _severity(_("CCCM need severity"))

    priority_1 = models.CharField(_("first priority need"), max_length=20, choices=Sector.choices, blank=True)
    priority_2 = models.CharField(
        _("second priority need"), max_length=20, choices=Sector.choices, blank=True
    )
    priority_3 = models.CharField(_("third priority need"), max_length=20, choices=Sector.choices, blank=True)

    # Service indicator values from the catalogue, keyed by indicator code
    # ({"water_litres_per_day": 42000, "latrines_functional": 120, ...}). The catalogue is
    # data: new indicators need no migration; selectors read values in SQL.
    indicators = models.JSONField(_("indicator values"), default=dict, blank=True)

    observations = models.TextField(_("observations"), blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visit_date = models.DateField(_("visit date"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=VisitMethod.choices, blank=True)

    # Findings of the validation rules, recomputed on every save and import:
    # [{"rule": ..., "severity": "error"|"warning", "field": ..., "message": ...}].
    issues = models.JSONField(default=list, blank=True)
    error_count = models.PositiveSmallIntegerField(default=0)
    warning_count = models.PositiveSmallIntegerField(default=0)
    warnings_comment = models.TextField(_("comment on warnings"), blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # History is read by assessment (`id`), date, user and round: the other columns the
    # history copies would each be one more index written for every history row.
    history = HistoricalRecords(
        no_db_index=["status", "site", "catalogue_version", "facilitator", "validated_by"]
    )
    objects = SiteAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["round", "site"]
        indexes = [
            models.Index(fields=["round", "status"]),
            models.Index(fields=["site", "round"]),
            # The API lists assessments newest round first; this index serves that order.
            models.Index(fields=["-round", "site"], name="assessment_newest_first"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["round", "site"], name="one_assessment_per_site_per_round"),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5})
                    | models.Q(**{f"{field}__isnull": True}),
                    name=f"{field}_1_5",
                )
                for field in (f"need_{s}" for s in Sector.values)
            ],
        ]

    def __str__(self) -> str:
        return f"{self.site.code} / {self.round}"


class FlowDirection(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival")
    DEPARTURE = "departure", _("Departure")


class PopulationFlow(models.Model):
    """Arrivals from an area of origin / departures to a destination, with the reason."""

    # Indexed by the (assessment, direction) index below.
    assessment = models.ForeignKey(
        SiteAssessment, on_delete=models.CASCADE, related_name="flows", db_index=False
    )
    direction = models.CharField(max_length=10, choices=FlowDirection.choices)
    area = models.ForeignKey(
        "geo.AdminArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    individuals = models.PositiveIntegerField()
    reason = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["assessment", "direction"])]

    def __str__(self) -> str:
        return f"{self.direction} {self.individuals} ({self.area_id or '?'})"


class IssueSeverity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")


class ValidationSettings(models.Model):
    """Per-operation parameters of the validation rules (defaults in
    assessments.validation.ValidationRules; see docs/assessments.md for their sources)."""

    operation = models.OneToOneField(
        "core.Operation", on_delete=models.CASCADE, related_name="validation_settings"
    )
    min_household_size = models.DecimalField(
        _("minimum average household size"), max_digits=5, decimal_places=2, default=2
    )
    max_household_size = models.DecimalField(
        _("maximum average household size"), max_digits=5, decimal_places=2, default=10
    )
    outlier_change_pct = models.PositiveIntegerField(
        _("population change flagged as an outlier (%)"), default=50
    )
    flow_tolerance_pct = models.PositiveIntegerField(
        _("tolerance between flows and population change (% of previous population)"), default=10
    )
    flow_tolerance_min = models.PositiveIntegerField(
        _("tolerance between flows and population change (people, at least)"), default=50
    )
    check_priorities = models.BooleanField(
        _("flag a first priority that contradicts indicators meeting their thresholds"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("validation settings")
        verbose_name_plural = _("validation settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_household_size__gte=models.F("min_household_size")),
                name="household_size_range",
            )
        ]

    def __str__(self) -> str:
        return f"validation settings {self.operation_id}"
