"""Return intention surveys: one survey round per operation and month, and the households
interviewed in it (personal data: see core.access.access_household_records)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sitetrack.returns.choices import (
    Intention,
    SamplingMethod,
    Sex,
    Timing,
)

DEFAULT_SMALL_CELL = 5


class Survey(models.Model):
    """The return intention survey of one month in one operation."""

    operation = models.ForeignKey("core.Operation", on_delete=models.PROTECT, related_name="return_surveys")
    month = models.DateField(_("month"), help_text=_("The first day of the month surveyed."))
    sampling_method = models.CharField(
        _("sampling method"), max_length=20, choices=SamplingMethod.choices, default=SamplingMethod.STRATIFIED
    )
    sampling_frame = models.TextField(
        _("sampling frame"), blank=True, help_text=_("The list the households were drawn from.")
    )
    target_per_site = models.PositiveIntegerField(_("target sample per site"), null=True, blank=True)
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("smallest cell published"),
        default=DEFAULT_SMALL_CELL,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Cells with fewer households are shown as “<N” in every published output."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["operation", "-month"]
        verbose_name = _("return intention survey")
        verbose_name_plural = _("return intention surveys")
        constraints = [models.UniqueConstraint(fields=["operation", "month"], name="return_survey_per_month")]

    def __str__(self) -> str:
        return f"{self.operation.slug} {self.month:%Y-%m}"

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_sample(self) -> bool:
        """A sampled design: shares are estimates and get a confidence interval."""
        return self.sampling_method != SamplingMethod.CENSUS


class HouseholdResponse(models.Model):
    """One household interviewed. `response_id` is the form's own id (Kobo `_uuid` or
    `_id`, ODK instanceID), so that importing an export again changes nothing."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="households")
    response_id = models.CharField(_("response id"), max_length=100)
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="return_households")
    # The current site's admin 2 and the admin 2 of origin and destination, kept at write
    # time so that the report groups by them in one indexed column.
    site_admin2 = models.ForeignKey(
        "geo.AdminArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    interview_date = models.DateField(_("interview date"))
    household_size = models.PositiveSmallIntegerField(_("household size"))
    # Household composition: people by sex and age band (they add up to the size).
    f_0_4 = models.PositiveSmallIntegerField(_("Females 0–4"), default=0)
    f_5_11 = models.PositiveSmallIntegerField(_("Females 5–11"), default=0)
    f_12_17 = models.PositiveSmallIntegerField(_("Females 12–17"), default=0)
    f_18_59 = models.PositiveSmallIntegerField(_("Females 18–59"), default=0)
    f_60_plus = models.PositiveSmallIntegerField(_("Females 60+"), default=0)
    m_0_4 = models.PositiveSmallIntegerField(_("Males 0–4"), default=0)
    m_5_11 = models.PositiveSmallIntegerField(_("Males 5–11"), default=0)
    m_12_17 = models.PositiveSmallIntegerField(_("Males 12–17"), default=0)
    m_18_59 = models.PositiveSmallIntegerField(_("Males 18–59"), default=0)
    m_60_plus = models.PositiveSmallIntegerField(_("Males 60+"), default=0)
    head_sex = models.CharField(
        _("sex of the head of household"), max_length=10, choices=Sex.choices, blank=True
    )
    head_age = models.PositiveSmallIntegerField(_("age of the head of household"), null=True, blank=True)
    origin_area = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area of origin"),
    )
    origin_admin2 = models.ForeignKey(
        "geo.AdminArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    displacement_date = models.DateField(_("displacement date"), null=True, blank=True)
    intention = models.CharField(_("intention"), max_length=20, choices=Intention.choices)
    timing = models.CharField(_("intended timing"), max_length=20, choices=Timing.choices, blank=True)
    destination_area = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intended destination"),
    )
    destination_admin2 = models.ForeignKey(
        "geo.AdminArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visited_origin = models.BooleanField(_("has visited the place of origin"), null=True, blank=True)
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0.0)])
    # The submission as the export gave it (restricted, like the record itself).
    raw = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["raw"])

    class Meta:
        ordering = ["survey", "site", "response_id"]
        verbose_name = _("household interviewed")
        verbose_name_plural = _("households interviewed")
        constraints = [
            models.UniqueConstraint(fields=["survey", "response_id"], name="return_response_id_per_survey")
        ]
        indexes = [
            models.Index(fields=["survey", "intention"], name="return_hh_survey_intention"),
            models.Index(fields=["survey", "site"], name="return_hh_survey_site"),
            # Covering indexes of the report's GROUP BYs (selectors.py): the database reads
            # them, not the rows (which carry the raw submission).
            models.Index(fields=["survey", "site", "intention", "weight"], name="return_hh_by_site"),
            models.Index(
                fields=["survey", "origin_admin2", "intention", "weight"], name="return_hh_by_origin"
            ),
            models.Index(
                fields=["survey", "destination_admin2", "intention", "weight"],
                name="return_hh_by_destination",
            ),
            models.Index(fields=["survey", "site", "destination_admin2", "weight"], name="return_hh_by_flow"),
            models.Index(fields=["survey", "intention", "timing", "weight"], name="return_hh_by_timing"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.response_id}"


class HouseholdAnswer(models.Model):
    """One option a household chose in a multiple-choice question (reasons, conditions,
    obstacles, information needs)."""

    household = models.ForeignKey(HouseholdResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=20)
    code = models.CharField(max_length=30)
    # The household's survey and weight, copied when the answers are written (an answer is
    # rewritten whenever its household changes), so that the report counts answers from
    # one index without joining the households.
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, null=True, related_name="+")
    weight = models.FloatField(default=1.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "question", "code"], name="return_answer_once")
        ]
        indexes = [
            models.Index(fields=["question", "code"], name="return_answer_question"),
            models.Index(fields=["survey", "question", "code", "weight"], name="return_answer_by_code"),
        ]

    def __str__(self) -> str:
        return f"{self.question}={self.code}"
