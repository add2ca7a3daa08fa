"""The shipped per-sector list of 3W activities (code, English, French, unit), installed by
a data migration; an IMO adds to it in the admin."""

from __future__ import annotations

DEFAULT_ACTIVITY_TYPES: dict[str, list[tuple[str, str, str, str]]] = {
    "protection": [
        ("prot-monitoring", "Protection monitoring", "Monitoring de protection", "visits"),
        ("prot-psychosocial", "Psychosocial support", "Soutien psychosocial", "people"),
        ("prot-gbv-case", "GBV case management", "Gestion de cas de VBG", "cases"),
        ("prot-child-space", "Child-friendly space", "Espace ami des enfants", "spaces"),
    ],
    "wash": [
        ("wash-water-trucking", "Water trucking", "Approvisionnement en eau par camion", "m³"),
        ("wash-latrines", "Latrines built", "Construction de latrines", "latrines"),
        ("wash-hygiene-kits", "Hygiene kits distributed", "Distribution de kits d'hygiène", "kits"),
        ("wash-hygiene-promo", "Hygiene promotion", "Promotion de l'hygiène", "sessions"),
    ],
    "health": [
        ("health-mobile-clinic", "Mobile clinic", "Clinique mobile", "consultations"),
        ("health-vaccination", "Vaccination", "Vaccination", "doses"),
        ("health-referral", "Medical referrals", "Référencements médicaux", "referrals"),
    ],
    "food_security": [
        ("food-general-distribution", "General food distribution", "Distribution générale de vivres", "t"),
        ("food-cash", "Cash for food", "Transferts monétaires pour l'alimentation", "XAF"),
    ],
    "shelter_nfi": [
        ("shelter-emergency", "Emergency shelters", "Abris d'urgence", "shelters"),
        ("shelter-nfi-kits", "NFI kits distributed", "Distribution de kits NFI", "kits"),
        ("shelter-tarpaulins", "Tarpaulins distributed", "Distribution de bâches", "tarpaulins"),
    ],
    "security": [
        (
            "security-patrols",
            "Community security patrols",
            "Patrouilles de sécurité communautaires",
            "patrols",
        ),
        ("security-lighting", "Solar lighting installed", "Installation d'éclairage solaire", "lamps"),
    ],
    "education": [
        (
            "edu-temporary-classroom",
            "Temporary learning spaces",
            "Espaces d'apprentissage temporaires",
            "classrooms",
        ),
        ("edu-school-kits", "School kits distributed", "Distribution de kits scolaires", "kits"),
    ],
    "nutrition": [
        ("nut-screening", "Malnutrition screening", "Dépistage de la malnutrition", "children"),
        ("nut-otp", "Outpatient therapeutic programme", "Programme thérapeutique ambulatoire", "children"),
    ],
    "livelihoods": [
        ("liv-cash-for-work", "Cash for work", "Argent contre travail", "days"),
        (
            "liv-income-generation",
            "Income-generating activities",
            "Activités génératrices de revenus",
            "people",
        ),
    ],
    "cccm": [
        ("cccm-site-management", "Site management", "Gestion de site", "sites"),
        ("cccm-committees", "Committee support", "Appui aux comités", "committees"),
        ("cccm-site-maintenance", "Site maintenance works", "Travaux d'entretien du site", "works"),
    ],
}

# One general entry per sector, for published 3W rows whose activity is not on the list
# (the activity's own words are kept in the notes).
GENERAL_ACTIVITY_TYPES: dict[str, tuple[str, str, str]] = {
    "protection": ("prot-other", "Other protection activity", "Autre activité de protection"),
    "wash": ("wash-other", "Other WASH activity", "Autre activité EHA"),
    "health": ("health-other", "Other health activity", "Autre activité de santé"),
    "food_security": ("food-other", "Other food security activity", "Autre activité de sécurité alimentaire"),
    "shelter_nfi": ("shelter-other", "Other shelter / NFI activity", "Autre activité abris / NFI"),
    "security": ("security-other", "Other security activity", "Autre activité de sécurité"),
    "education": ("edu-other", "Other education activity", "Autre activité d'éducation"),
    "nutrition": ("nut-other", "Other nutrition activity", "Autre activité de nutrition"),
    "livelihoods": ("liv-other", "Other livelihoods activity", "Autre activité de moyens de subsistance"),
    "cccm": ("cccm-other", "Other CCCM activity", "Autre activité CCCM"),
}
