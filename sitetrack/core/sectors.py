"""Humanitarian sectors (clusters) used across needs, 3W, referrals and subscriptions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    PROTECTION = "protection", _("Protection")
    WASH = "wash", _("Water, sanitation and hygiene")
    HEALTH = "health", _("Health")
    FOOD_SECURITY = "food_security", _("Food security")
    SHELTER_NFI = "shelter_nfi", _("Shelter and NFI")
    SECURITY = "security", _("Security")
    EDUCATION = "education", _("Education")
    NUTRITION = "nutrition", _("Nutrition")
    LIVELIHOODS = "livelihoods", _("Livelihoods")
    CCCM = "cccm", _("Camp coordination and camp management")


# HXL attribute for each sector (used in #sector and per-sector columns).
SECTOR_HXL = {
    Sector.PROTECTION: "protection",
    Sector.WASH: "wash",
    Sector.HEALTH: "health",
    Sector.FOOD_SECURITY: "food",
    Sector.SHELTER_NFI: "shelter",
    Sector.SECURITY: "security",
    Sector.EDUCATION: "education",
    Sector.NUTRITION: "nutrition",
    Sector.LIVELIHOODS: "livelihoods",
    Sector.CCCM: "cccm",
}
