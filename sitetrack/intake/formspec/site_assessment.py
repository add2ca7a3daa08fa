"""The site-assessment form, one function per group of questions."""

from __future__ import annotations

from sitetrack.assessments.models import SAD_FIELDS, SHELTER_FIELDS, VULNERABLE_FIELDS
from sitetrack.core.sectors import Sector
from sitetrack.intake.formspec.spec import (
    DERIVED_XPATH,
    FLOWS_REPEAT,
    FORM_ID,
    FORM_TITLE_EN,
    FORM_TITLE_FR,
    Choice,
    FormField,
    FormGroup,
    FormSpec,
    default_indicator_dicts,
)


def _count(name: str, en: str, fr: str, **kw) -> FormField:
    return FormField(
        name,
        "integer",
        en,
        fr,
        required=kw.pop("required", False),
        constraint=kw.pop("constraint", ". >= 0"),
        constraint_en=kw.pop("constraint_en", "Must be 0 or more."),
        constraint_fr=kw.pop("constraint_fr", "Doit être 0 ou plus."),
        target=kw.pop("target", name),
        **kw,
    )


BAND_LABELS = {"0_4": "0–4", "5_11": "5–11", "12_17": "12–17", "18_59": "18–59", "60_plus": "60+"}
SECTOR_FR = {
    "protection": "Protection",
    "wash": "Eau, hygiène et assainissement",
    "health": "Santé",
    "food_security": "Sécurité alimentaire",
    "shelter_nfi": "Abris et articles non alimentaires",
    "security": "Sécurité",
    "education": "Éducation",
    "nutrition": "Nutrition",
    "livelihoods": "Moyens de subsistance",
    "cccm": "Coordination et gestion des camps",
}
SECTOR_EN = {
    "protection": "Protection",
    "wash": "Water, sanitation and hygiene",
    "health": "Health",
    "food_security": "Food security",
    "shelter_nfi": "Shelter and NFI",
    "security": "Security",
    "education": "Education",
    "nutrition": "Nutrition",
    "livelihoods": "Livelihoods",
    "cccm": "Camp coordination and camp management",
}
VULNERABLE_LABELS = {
    "pregnant_lactating": ("Pregnant and lactating women", "Femmes enceintes et allaitantes"),
    "disabilities": ("Persons with disabilities", "Personnes handicapées"),
    "uasc": ("Unaccompanied and separated children", "Enfants non accompagnés et séparés"),
    "older_alone": ("Older persons alone", "Personnes âgées seules"),
    "chronic_illness": ("Persons with chronic illness", "Personnes atteintes de maladies chroniques"),
}
SHELTER_LABELS = {
    "hh_tent": ("Households in tents", "Ménages sous tente"),
    "hh_makeshift": ("Households in makeshift shelters", "Ménages dans des abris de fortune"),
    "hh_collective_building": ("Households in collective buildings", "Ménages dans des bâtiments collectifs"),
    "hh_host_family": ("Households with host families", "Ménages en familles d'accueil"),
    "hh_open_air": ("Households in the open air", "Ménages à ciel ouvert"),
    "hh_other": ("Households in other shelter", "Ménages dans un autre abri"),
}


def _location_group() -> FormGroup:
    """Admin 1, admin 2, site (cascading selects), GPS."""
    return FormGroup(
        "grp_location",
        "Location",
        "Localisation",
        [
            FormField(
                "admin1",
                "select_one admin1",
                "Region (admin 1)",
                "Région (admin 1)",
                required=True,
                target="admin1_pcode",
            ),
            FormField(
                "admin2",
                "select_one admin2",
                "District (admin 2)",
                "District (admin 2)",
                required=True,
                choice_filter="admin1=${admin1}",
                target="admin2_pcode",
            ),
            FormField(
                "site_code",
                "select_one site",
                "Site",
                "Site",
                required=True,
                choice_filter="admin2=${admin2}",
                target="site_code",
                hint_en="Only the open sites of the registry in this district are listed.",
                hint_fr="Seuls les sites ouverts du registre dans ce district sont listés.",
            ),
            FormField("site_gps", "geopoint", "GPS position at the site", "Position GPS sur le site"),
        ],
    )


def _visit_group() -> FormGroup:
    """Date, method, consent, the key informant."""
    return FormGroup(
        "grp_visit",
        "Visit",
        "Visite",
        [
            FormField(
                "visit_date",
                "date",
                "Date of the visit",
                "Date de la visite",
                required=True,
                constraint=". <= today()",
                constraint_en="The visit date cannot be in the future.",
                constraint_fr="La date de visite ne peut pas être dans le futur.",
                target="visit_date",
            ),
            FormField("method", "select_one method", "Main method", "Méthode principale", target="method"),
            FormField(
                "consent",
                "select_one yes_no",
                "The key informant agrees to answer",
                "L'informateur clé accepte de répondre",
                required=True,
            ),
            FormField("ki_role", "text", "Key informant's role", "Rôle de l'informateur clé"),
            FormField("ki_sex", "select_one sex", "Key informant's sex", "Sexe de l'informateur clé"),
            FormField("enumerator_org", "text", "Your organisation", "Votre organisation"),
            FormField(
                "ki_name",
                "text",
                "Key informant's name",
                "Nom de l'informateur clé",
                hint_en="Kept only in the restricted raw record.",
                hint_fr="Conservé uniquement dans l'enregistrement brut restreint.",
            ),
            FormField(
                "ki_phone",
                "text",
                "Key informant's phone",
                "Téléphone de l'informateur clé",
                hint_en="Kept only in the restricted raw record.",
                hint_fr="Conservé uniquement dans l'enregistrement brut restreint.",
            ),
        ],
    )


def _population_items() -> list[FormField | FormGroup]:
    """Households, individuals, the sex-and-age bands that add up to them."""
    bands = list(SAD_FIELDS)
    band_sum = " + ".join(f"${{{b}}}" for b in bands[:-1])
    pop_items: list[FormField | FormGroup] = [
        _count(
            "households",
            "Households on the site",
            "Ménages sur le site",
            required=True,
            constraint=". >= 0 and . <= ${individuals}",
            constraint_en="Households cannot exceed individuals.",
            constraint_fr="Les ménages ne peuvent pas dépasser les individus.",
        ),
        _count(
            "individuals",
            "Individuals on the site",
            "Individus sur le site",
            required=True,
            hint_en="Everyone living on the site on the day of the visit.",
            hint_fr="Toutes les personnes vivant sur le site le jour de la visite.",
        ),
    ]
    for i, name in enumerate(bands):
        sex, band = name.split("_", 1)
        en = f"{'Female' if sex == 'f' else 'Male'} {BAND_LABELS[band]}"
        fr = f"{'Femmes' if sex == 'f' else 'Hommes'} {BAND_LABELS[band]}"
        if i == len(bands) - 1:
            pop_items.append(
                _count(
                    name,
                    en,
                    fr,
                    required=True,
                    constraint=f". >= 0 and ({band_sum} + .) = ${{individuals}}",
                    constraint_en="The sex and age bands must add up to the individuals.",
                    constraint_fr="Les tranches de sexe et d'âge doivent totaliser les individus.",
                )
            )
        else:
            pop_items.append(_count(name, en, fr, required=True))
    pop_items.append(FormField("sadd_total", "calculate", calculation=" + ".join(f"${{{b}}}" for b in bands)))
    return pop_items


def _site_info_group() -> FormGroup:
    """Site conditions: local name, type, distances to services."""
    return FormGroup(
        "grp_site_info",
        "Site conditions",
        "Conditions du site",
        [
            FormField("site_name_local", "text", "Local name of the site", "Nom local du site"),
            FormField(
                "site_type_observed", "select_one site_type", "Type of site observed", "Type de site observé"
            ),
            *[
                FormField(name, "select_one yes_no", en, fr)
                for name, en, fr in (
                    ("management_present", "Site management present", "Gestion du site présente"),
                    (
                        "land_agreement",
                        "Agreement with the land owner",
                        "Accord avec le propriétaire du terrain",
                    ),
                    ("flood_risk", "Flood risk", "Risque d'inondation"),
                    ("fire_risk", "Fire risk", "Risque d'incendie"),
                    ("road_access", "Access by road", "Accès par la route"),
                    ("electricity", "Electricity on site", "Électricité sur le site"),
                )
            ],
            *[
                FormField(
                    f"distance_{name}_km",
                    "decimal",
                    en,
                    fr,
                    constraint=". >= 0",
                    constraint_en="Must be 0 or more.",
                    constraint_fr="Doit être 0 ou plus.",
                )
                for name, en, fr in (
                    (
                        "health",
                        "Distance to the nearest health facility (km)",
                        "Distance au centre de santé le plus proche (km)",
                    ),
                    (
                        "school",
                        "Distance to the nearest school (km)",
                        "Distance à l'école la plus proche (km)",
                    ),
                    (
                        "market",
                        "Distance to the nearest market (km)",
                        "Distance au marché le plus proche (km)",
                    ),
                )
            ],
        ],
    )


def _movements_group() -> FormGroup:
    """Arrivals, departures and the flows repeat group by area."""
    flows = FormGroup(
        FLOWS_REPEAT,
        "Arrivals and departures by area",
        "Arrivées et départs par zone",
        [
            FormField(
                "flow_direction",
                "select_one direction",
                "Arrival or departure",
                "Arrivée ou départ",
                required=True,
                target="flow:direction",
            ),
            FormField(
                "flow_area",
                "select_one admin2",
                "Area of origin or destination",
                "Zone d'origine ou de destination",
                target="flow:area",
            ),
            FormField(
                "flow_individuals",
                "integer",
                "Individuals",
                "Individus",
                required=True,
                constraint=". > 0",
                constraint_en="Must be more than 0.",
                constraint_fr="Doit être supérieur à 0.",
                target="flow:individuals",
            ),
            FormField(
                "flow_reason", "select_one reason", "Main reason", "Raison principale", target="flow:reason"
            ),
        ],
        repeat=True,
        relevant="${arrivals} > 0 or ${departures} > 0",
    )
    return FormGroup(
        "grp_movements",
        "Movements since the last round",
        "Mouvements depuis le dernier cycle",
        [
            _count("arrivals", "Arrivals (individuals)", "Arrivées (individus)"),
            _count("departures", "Departures (individuals)", "Départs (individus)"),
            flows,
        ],
    )


def _vulnerable_group() -> FormGroup:
    """Vulnerable groups, each at most the individuals."""
    return FormGroup(
        "grp_vulnerable",
        "Vulnerable groups",
        "Groupes vulnérables",
        [
            _count(
                name,
                *VULNERABLE_LABELS[name],
                constraint=". >= 0 and . <= ${individuals}",
                constraint_en="Cannot exceed the individuals on the site.",
                constraint_fr="Ne peut pas dépasser les individus du site.",
            )
            for name in VULNERABLE_FIELDS
        ],
    )


def _shelter_group() -> FormGroup:
    """Households by shelter type, adding up to at most the households."""
    shelter_sum = " + ".join(f"${{{n}}}" for n in SHELTER_FIELDS[:-1])
    shelter_items = []
    for i, name in enumerate(SHELTER_FIELDS):
        if i == len(SHELTER_FIELDS) - 1:
            shelter_items.append(
                _count(
                    name,
                    *SHELTER_LABELS[name],
                    constraint=f". >= 0 and ({shelter_sum} + .) <= ${{households}}",
                    constraint_en="Households by shelter cannot exceed the households on the site.",
                    constraint_fr="Les ménages par abri ne peuvent pas dépasser les ménages du site.",
                )
            )
        else:
            shelter_items.append(_count(name, *SHELTER_LABELS[name]))
    return FormGroup("grp_shelter", "Shelter", "Abris", shelter_items)


def _needs_group() -> FormGroup:
    """Severity of needs per sector and the three priorities."""

    need_items: list[FormField | FormGroup] = [
        FormField(
            f"need_{s}",
            "select_one severity",
            f"{SECTOR_EN[s]}: severity of needs",
            f"{SECTOR_FR[s]} : sévérité des besoins",
            required=True,
            target=f"need_{s}",
            hint_en="1 = none or minimal … 5 = catastrophic.",
            hint_fr="1 = nulle ou minimale … 5 = catastrophique.",
        )
        for s in Sector.values
    ]
    need_items += [
        FormField(
            "priority_1",
            "select_one sector",
            "First priority need",
            "Premier besoin prioritaire",
            required=True,
            target="priority_1",
        ),
        FormField(
            "priority_2",
            "select_one sector",
            "Second priority need",
            "Deuxième besoin prioritaire",
            constraint=". != ${priority_1}",
            constraint_en="Choose a different sector.",
            constraint_fr="Choisir un autre secteur.",
            target="priority_2",
        ),
        FormField(
            "priority_3",
            "select_one sector",
            "Third priority need",
            "Troisième besoin prioritaire",
            constraint=". != ${priority_1} and . != ${priority_2}",
            constraint_en="Choose a different sector.",
            constraint_fr="Choisir un autre secteur.",
            target="priority_3",
        ),
    ]
    return FormGroup("grp_needs", "Needs", "Besoins", need_items)


def _choices(
    admin1: list[Choice] | None, admin2: list[Choice] | None, sites: list[Choice] | None
) -> dict[str, list[Choice]]:
    """The choice lists (the registry's areas and sites, or placeholders)."""
    return {
        "yes_no": [Choice("yes", "Yes", "Oui"), Choice("no", "No", "Non")],
        "severity": [
            Choice("1", "1 — none or minimal", "1 — nulle ou minimale"),
            Choice("2", "2 — stress", "2 — stress"),
            Choice("3", "3 — severe", "3 — sévère"),
            Choice("4", "4 — extreme", "4 — extrême"),
            Choice("5", "5 — catastrophic", "5 — catastrophique"),
        ],
        "sector": [Choice(s, SECTOR_EN[s], SECTOR_FR[s]) for s in Sector.values],
        "method": [
            Choice("observation", "Direct observation", "Observation directe"),
            Choice("key_informant", "Key informant interview", "Entretien avec informateur clé"),
            Choice("focus_group", "Focus group discussion", "Groupe de discussion"),
        ],
        "sex": [Choice("female", "Female", "Femme"), Choice("male", "Male", "Homme")],
        "site_type": [
            Choice("planned_camp", "Planned camp", "Camp planifié"),
            Choice("spontaneous_site", "Spontaneous site", "Site spontané"),
            Choice("collective_centre", "Collective centre", "Centre collectif"),
            Choice("transit_centre", "Transit centre", "Centre de transit"),
        ],
        "direction": [Choice("arrival", "Arrival", "Arrivée"), Choice("departure", "Departure", "Départ")],
        "reason": [
            Choice("conflict", "Conflict or violence", "Conflit ou violence"),
            Choice("disaster", "Natural disaster", "Catastrophe naturelle"),
            Choice("services", "Access to services", "Accès aux services"),
            Choice("return", "Return to area of origin", "Retour dans la zone d'origine"),
            Choice("relocation", "Relocation", "Relocalisation"),
            Choice("other", "Other", "Autre"),
        ],
        "admin1": admin1 or [Choice("placeholder", "-", "-")],
        "admin2": admin2 or [Choice("placeholder", "-", "-", {"admin1": "placeholder"})],
        "site": sites or [Choice("placeholder", "-", "-", {"admin2": "placeholder"})],
    }


def _services_group(indicators: list[dict], choices: dict[str, list[Choice]]) -> FormGroup:
    """The catalogue's indicators (derived ones as calculations); adds their choice lists to `choices`."""
    service_items: list[FormField | FormGroup] = []
    calc_items = []
    for ind in indicators:
        name = ind.get("xlsform_name") or ind["code"]
        kind = ind["type"]
        if ind.get("derived"):
            formula = DERIVED_XPATH.get(ind["derived"])
            if formula:
                calc_items.append(FormField(name, "calculate", calculation=formula))
            continue
        if kind in ("select_one", "select_multiple"):
            list_name = f"ind_{ind['code']}"
            choices[list_name] = [
                Choice(
                    str(c["name"]), c.get("label_en", c["name"]), c.get("label_fr") or c.get("label_en", "")
                )
                for c in ind.get("choices") or []
            ]
            xls_type = f"{kind} {list_name}"
        elif kind == "yes_no":
            xls_type = "select_one yes_no"
        elif kind in ("integer", "decimal", "text"):
            xls_type = kind
        else:
            xls_type = "text"
        constraint = ". >= 0" if kind in ("integer", "decimal") else ""
        service_items.append(
            FormField(
                name,
                xls_type,
                ind.get("label_en", name),
                ind.get("label_fr", ""),
                hint_en=ind.get("guidance_en", ""),
                hint_fr=ind.get("guidance_fr", ""),
                constraint=constraint,
                constraint_en="Must be 0 or more." if constraint else "",
                constraint_fr="Doit être 0 ou plus." if constraint else "",
                target=f"indicator:{ind['code']}",
            )
        )
    return FormGroup("grp_services", "Services", "Services", service_items + calc_items)


def _comments_group() -> FormGroup:
    """A comment per sector and the observations."""
    return FormGroup(
        "grp_comments",
        "Comments",
        "Commentaires",
        [
            FormField(f"comment_{s}", "text", f"Comment: {SECTOR_EN[s]}", f"Commentaire : {SECTOR_FR[s]}")
            for s in Sector.values
        ]
        + [FormField("observations", "text", "Observations", "Observations", target="observations")],
    )


def site_assessment_form(
    indicators: list[dict] | None = None,
    *,
    admin1: list[Choice] | None = None,
    admin2: list[Choice] | None = None,
    sites: list[Choice] | None = None,
) -> FormSpec:
    """The site-assessment form for a catalogue (the shipped one by default)."""
    indicators = default_indicator_dicts() if indicators is None else indicators
    choices = _choices(admin1, admin2, sites)
    location, visit, site_info = _location_group(), _visit_group(), _site_info_group()
    population = FormGroup("grp_population", "Population", "Population", _population_items())
    movements, vulnerable, shelter = _movements_group(), _vulnerable_group(), _shelter_group()
    needs, services, comments = _needs_group(), _services_group(indicators, choices), _comments_group()
    items: list[FormField | FormGroup] = [
        FormField("start", "start"),
        FormField("end", "end"),
        FormField("today", "today"),
        FormField("deviceid", "deviceid"),
        location,
        visit,
        site_info,
        population,
        movements,
        vulnerable,
        shelter,
        needs,
        services,
        comments,
    ]
    return FormSpec(FORM_ID, FORM_TITLE_EN, FORM_TITLE_FR, items, choices)
