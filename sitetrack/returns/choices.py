"""The answers of the return intention survey, defined once: the models, the XLSForm, the
import (codes, English and French labels), the report and the HXL export all read them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SamplingMethod(models.TextChoices):
    CENSUS = "census", _("Census (every household)")
    SIMPLE_RANDOM = "simple_random", _("Simple random sample")
    SYSTEMATIC = "systematic", _("Systematic random sample")
    STRATIFIED = "stratified", _("Random sample stratified by site")
    CLUSTER = "cluster", _("Cluster sample")
    CONVENIENCE = "convenience", _("Convenience sample (not representative)")


class Intention(models.TextChoices):
    RETURN = "return_origin", _("Return to place of origin")
    RELOCATE = "relocate", _("Relocate elsewhere in the country")
    INTEGRATE = "integrate_locally", _("Integrate locally")
    LEAVE = "leave_country", _("Leave the country")
    UNDECIDED = "undecided", _("Undecided")


class Timing(models.TextChoices):
    WITHIN_MONTH = "within_1m", _("Within a month")
    ONE_TO_THREE = "1_3m", _("In 1 to 3 months")
    THREE_TO_SIX = "3_6m", _("In 3 to 6 months")
    OVER_SIX = "over_6m", _("In more than 6 months")
    DONT_KNOW = "dont_know", _("Does not know")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Reason(models.TextChoices):
    SECURITY_IMPROVED = "security_improved", _("Security has improved at origin")
    PROPERTY = "property", _("House, land or property at origin")
    FAMILY = "family", _("Family or community at origin")
    LIVELIHOODS_ORIGIN = "livelihoods_origin", _("Livelihoods at origin")
    CONDITIONS_HERE = "conditions_here", _("Poor living conditions on the site")
    INSECURITY_ORIGIN = "insecurity_origin", _("Insecurity at origin")
    HOME_DESTROYED = "home_destroyed", _("Home destroyed or occupied")
    SERVICES_HERE = "services_here", _("Services and assistance here")
    WORK_HERE = "work_here", _("Work or school here")
    OTHER = "other", _("Other reason")


class Condition(models.TextChoices):
    SECURITY = "security", _("Security")
    SHELTER = "shelter_rebuilt", _("Shelter rebuilt")
    LIVELIHOODS = "livelihoods", _("Livelihoods")
    SERVICES = "services", _("Basic services")
    COHESION = "social_cohesion", _("Social cohesion")
    DOCUMENTATION = "documentation", _("Documentation")


class Obstacle(models.TextChoices):
    INSECURITY = "insecurity", _("Insecurity on the way or at origin")
    NO_SHELTER = "no_shelter", _("House destroyed, no shelter")
    NO_TRANSPORT = "no_transport", _("No means of transport")
    NO_LIVELIHOODS = "no_livelihoods", _("No livelihoods at origin")
    NO_SERVICES = "no_services", _("No services at origin")
    LAND_OCCUPIED = "land_occupied", _("Land or house occupied")
    NO_DOCUMENTS = "no_documents", _("Missing documents")
    HEALTH = "health", _("Illness or disability")
    NONE = "none", _("No obstacle")
    OTHER = "other", _("Other obstacle")


class InfoNeed(models.TextChoices):
    SECURITY = "security", _("Security situation")
    HOUSING = "housing_land", _("Housing, land and property")
    SERVICES = "services", _("Services available")
    LIVELIHOODS = "livelihoods", _("Work and livelihoods")
    RETURN_ASSISTANCE = "return_assistance", _("Assistance to return")
    ROADS = "roads", _("Roads and transport")
    NONE = "none", _("No information needed")


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


# The multiple-choice questions: question name → its choices. A household's answers to
# them are rows of HouseholdAnswer (question, code), so the report counts them in SQL.
MULTIPLE = {
    "reasons": Reason,
    "conditions": Condition,
    "obstacles": Obstacle,
    "info_needs": InfoNeed,
}
QUESTION_LABELS = {
    "reasons": _("Reasons for the intention"),
    "conditions": _("Conditions required to return"),
    "obstacles": _("Obstacles to return"),
    "info_needs": _("Information needs about the area of origin"),
}
AGE_BANDS = ("0_4", "5_11", "12_17", "18_59", "60_plus")
BAND_LABELS = {"0_4": "0–4", "5_11": "5–11", "12_17": "12–17", "18_59": "18–59", "60_plus": "60+"}
COMPOSITION_FIELDS = tuple(f"{sex}_{band}" for sex in ("f", "m") for band in AGE_BANDS)
