"""Who does what where (3W/4W): organisations' activities per site and sector with their
monthly figures, and the referrals of gaps to the cluster or organisation that should act.

Organisations themselves are `core.Organisation` (sites and memberships point at them);
a partner's organisation in an operation is `core.Membership.organisation`. This app adds
the names an organisation is also known by (for matching 3W files) and the review of
organisations an import created.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sitetrack.core.sectors import Sector


class OrganisationType(models.TextChoices):
    """The types of `core.Organisation.kind` 3W files use (the values are those of core's
    field; "cbo" is the community-based organisation 3W files add)."""

    UN = "un", _("UN agency")
    INGO = "ingo", _("International NGO")
    NNGO = "nngo", _("National NGO")
    GOVERNMENT = "government", _("Government")
    RCRC = "rcrc", _("Red Cross / Red Crescent")
    CBO = "cbo", _("Community-based organisation")
    OTHER = "other", _("Other")


# Sex × age bands of people targeted and reached (3W templates use these three ages) and
# persons with disabilities, counted within them.
PEOPLE_BANDS = ("f_0_17", "m_0_17", "f_18_59", "m_18_59", "f_60_plus", "m_60_plus")
BAND_LABELS = {
    "f_0_17": _("girls 0–17"),
    "m_0_17": _("boys 0–17"),
    "f_18_59": _("women 18–59"),
    "m_18_59": _("men 18–59"),
    "f_60_plus": _("women 60+"),
    "m_60_plus": _("men 60+"),
    "pwd": _("persons with disabilities"),
}


def _people(label) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True)


class OrganisationAlias(models.Model):
    """Another name or spelling of an organisation, as 3W files write it. `key` is the
    normalised text (case, accents, punctuation and spaces removed) that matching uses."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("organisation alias")
        verbose_name_plural = _("organisation aliases")

    def __str__(self) -> str:
        return self.name


class OrganisationReview(models.Model):
    """An organisation an import created because no known one matched: an IMO confirms it
    (or merges it into the organisation it really is)."""

    organisation = models.OneToOneField("core.Organisation", on_delete=models.CASCADE, related_name="review")
    operation = models.ForeignKey("core.Operation", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"review of {self.organisation}"


class ActivityType(models.Model):
    """One entry of a sector's list of activities (the 3W template's dropdown)."""

    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    code = models.SlugField(_("code"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sector", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["code"], name="activity_type_code")]
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")

    def __str__(self) -> str:
        return self.code

    def name(self, language: str = "en") -> str:
        return self.name_fr if language.startswith("fr") and self.name_fr else self.name_en


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


class ActivitySource(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    TEMPLATE = "template", _("3W template")
    OCHA = "ocha", _("Published 3W (operational presence)")


class ActivityQuerySet(models.QuerySet):
    def ongoing(self) -> ActivityQuerySet:
        return self.filter(status=ActivityStatus.ONGOING)

    def for_operation(self, operation) -> ActivityQuerySet:
        return self.filter(operation=operation)

    def during(self, start: date, end: date) -> ActivityQuerySet:
        """Activities whose dates overlap [start, end] (no end date: still running)."""
        return self.filter(Q(start_date__lte=end) | Q(start_date__isnull=True)).filter(
            Q(end_date__gte=start) | Q(end_date__isnull=True)
        )


class Activity(models.Model):
    operation = models.ForeignKey("core.Operation", on_delete=models.PROTECT, related_name="activities")
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("implementing organisation"),
    )
    funding_organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_activities",
        verbose_name=_("funding / appealing organisation"),
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, db_index=True)
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("activity")
    )
    # A site, or only an admin area for area-wide work; admin_area is always set (the
    # site's own area when there is a site) so that figures roll up by area.
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("site"),
    )
    admin_area = models.ForeignKey(
        "geo.AdminArea", on_delete=models.PROTECT, related_name="activities", verbose_name=_("admin area")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    targeted = _people(_("people targeted"))
    targeted_f_0_17 = _people(_("girls 0–17 targeted"))
    targeted_m_0_17 = _people(_("boys 0–17 targeted"))
    targeted_f_18_59 = _people(_("women 18–59 targeted"))
    targeted_m_18_59 = _people(_("men 18–59 targeted"))
    targeted_f_60_plus = _people(_("women 60+ targeted"))
    targeted_m_60_plus = _people(_("men 60+ targeted"))
    targeted_pwd = _people(_("persons with disabilities targeted"))
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(max_length=10, choices=ActivitySource.choices, default=ActivitySource.WEB)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["operation", "sector", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["operation", "sector", "status"]),
            models.Index(fields=["operation", "organisation"]),
            models.Index(fields=["site", "sector"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="activity_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.activity_type.code} {self.site.code if self.site_id else self.admin_area.pcode}"


class ReportingPeriod(models.Model):
    """A month of 3W reporting. Figures of a month can be changed until its deadline (or
    until an IMO locks it earlier); an IMO reopens a month by moving its deadline."""

    operation = models.ForeignKey(
        "core.Operation", on_delete=models.CASCADE, related_name="reporting_periods"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    deadline = models.DateField(_("reporting deadline"))
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["operation", "-month"]
        constraints = [models.UniqueConstraint(fields=["operation", "month"], name="one_period_per_month")]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")

    def is_locked(self, today: date) -> bool:
        return self.locked_at is not None or today > self.deadline


class ActivityReport(models.Model):
    """The figures of one activity for one month: people reached, quantity delivered."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    reached = _people(_("people reached"))
    reached_f_0_17 = _people(_("girls 0–17 reached"))
    reached_m_0_17 = _people(_("boys 0–17 reached"))
    reached_f_18_59 = _people(_("women 18–59 reached"))
    reached_m_18_59 = _people(_("men 18–59 reached"))
    reached_f_60_plus = _people(_("women 60+ reached"))
    reached_m_60_plus = _people(_("men 60+ reached"))
    reached_pwd = _people(_("persons with disabilities reached"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2, null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "period"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "period"], name="one_report_per_activity_month")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.period}"


class ReferralStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    DECLINED = "declined", _("Declined")


REFERRAL_CLOSED = (ReferralStatus.RESOLVED, ReferralStatus.DECLINED)


class ReferralQuerySet(models.QuerySet):
    def still_open(self) -> ReferralQuerySet:
        return self.exclude(status__in=REFERRAL_CLOSED)

    def overdue(self, today: date) -> ReferralQuerySet:
        return self.still_open().filter(due_date__lt=today)


class Referral(models.Model):
    """A need referred to a sector cluster or an organisation, followed until it is
    resolved or declined (with a reason)."""

    operation = models.ForeignKey("core.Operation", on_delete=models.PROTECT, related_name="referrals")
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, db_index=True)
    to_organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred to (organisation)"),
    )
    focal_point_name = models.CharField(_("focal point"), max_length=200, blank=True)
    focal_point_email = models.EmailField(_("focal point email"), blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.OPEN, db_index=True
    )
    due_date = models.DateField(_("due date"))
    declined_reason = models.TextField(_("reason declined"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["operation", "due_date", "pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return self.status not in REFERRAL_CLOSED and self.due_date < today


class ReferralComment(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    # The status change this comment came with, if any ("" for a plain comment).
    status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["referral", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.text[:40]}"


def _token() -> str:
    """The default of the former response.DataChange's token (its migrations name it; the
    data version now lives in core.versions)."""
    return uuid.uuid4().hex


# --- site maintenance and infrastructure -------------------------------------------------


class FacilityKind(models.TextChoices):
    LATRINE = "latrine", _("Latrine")
    SHOWER = "shower", _("Shower")
    WATER_POINT = "water_point", _("Water point")
    DRAINAGE = "drainage", _("Drainage")
    LIGHTING = "lighting", _("Lighting point")
    COMMUNAL_SHELTER = "communal_shelter", _("Communal shelter")
    WASTE_POINT = "waste_point", _("Waste point")


class FacilityCondition(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    BROKEN = "broken", _("Out of order")


class Facility(models.Model):
    """A line of a site's infrastructure inventory: `quantity` units of one kind (a block
    of 8 latrines, one water point) in one condition, checked on a date. The units count as
    functional when usable."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="facilities")
    kind = models.CharField(_("facility"), max_length=20, choices=FacilityKind.choices)
    label = models.CharField(_("name or location"), max_length=120, blank=True)
    quantity = models.PositiveIntegerField(_("units"), default=1)
    condition = models.CharField(
        _("condition"), max_length=10, choices=FacilityCondition.choices, default=FacilityCondition.GOOD
    )
    usable = models.BooleanField(_("usable"), default=True)
    sex_segregated = models.BooleanField(_("sex-segregated"), null=True, blank=True)
    lockable = models.BooleanField(_("lockable from inside"), null=True, blank=True)
    checked_on = models.DateField(_("checked on"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "kind", "pk"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [models.Index(fields=["site", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}".strip()


class WorkOrderKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("Maintenance / repair")
    IMPROVEMENT = "improvement", _("Improvement / new works")


class WorkOrderPriority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class WorkOrderStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


WORK_ORDER_CLOSED = (WorkOrderStatus.DONE, WorkOrderStatus.CANCELLED)


class WorkOrder(models.Model):
    """A maintenance or improvement request on a site (optionally on one facility), the
    organisation responsible for it, its status, dates and cost."""

    operation = models.ForeignKey("core.Operation", on_delete=models.PROTECT, related_name="work_orders")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="work_orders")
    facility = models.ForeignKey(
        Facility, on_delete=models.SET_NULL, null=True, blank=True, related_name="work_orders"
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=WorkOrderKind.choices, default=WorkOrderKind.MAINTENANCE
    )
    title = models.CharField(_("request"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=WorkOrderPriority.choices, default=WorkOrderPriority.MEDIUM
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("responsible organisation"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=WorkOrderStatus.choices, default=WorkOrderStatus.REQUESTED
    )
    requested_on = models.DateField(_("requested on"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost (USD)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    actual_cost = models.DecimalField(
        _("actual cost (USD)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["operation", "status", "-priority", "pk"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        indexes = [
            models.Index(fields=["operation", "status"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return self.status not in WORK_ORDER_CLOSED and self.due_date is not None and self.due_date < today


class SharedResult(models.Model):
    """A computed result shared by the server's processes (the gap matrix of a round at
    a data version): a process that has not computed it yet reads it here instead of
    recomputing it (`response.versions.cached(..., shared=True)`)."""

    key = models.CharField(max_length=64, unique=True)
    value = models.BinaryField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


# --- response strategy --------------------------------------------------------------------


class StrategyObjective(models.Model):
    """One of the cluster's objectives for the operation (e.g. "SO1: safe access to WASH
    services in sites"), optionally of one sector, measured by its indicators."""

    operation = models.ForeignKey("core.Operation", on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("objective"), max_length=300)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["operation", "code"]
        constraints = [models.UniqueConstraint(fields=["operation", "code"], name="one_objective_code")]
        verbose_name = _("strategic objective")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class IndicatorMeasure(models.TextChoices):
    """What an objective's indicator counts (computed by `strategy.strategy_progress`)."""

    PEOPLE_IN_NEED = "people_in_need", _("People in need (sites with severe need)")
    PEOPLE_TARGETED = "people_targeted", _("People targeted by ongoing activities")
    PEOPLE_REACHED = "people_reached", _("People reached in the month")
    SITES_REACHED = "sites_reached", _("Sites with an ongoing activity")


class ObjectiveIndicator(models.Model):
    objective = models.ForeignKey(StrategyObjective, on_delete=models.CASCADE, related_name="indicators")
    measure = models.CharField(_("measure"), max_length=20, choices=IndicatorMeasure.choices)
    # The sector counted; blank: the objective's (or every sector when it has none).
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    label = models.CharField(_("indicator"), max_length=200, blank=True)
    baseline = models.PositiveIntegerField(_("baseline"), default=0)
    target = models.PositiveIntegerField(_("target"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "pk"]
        verbose_name = _("objective indicator")

    def __str__(self) -> str:
        return self.label or self.get_measure_display()
