"""The return intention survey as a form, described once from the same definitions as the
models (choices.py): the XLSForm generator (intake/xlsform) writes it, the import reads
its exports by the same names, codes and labels (English and French)."""

from __future__ import annotations

from django.utils import translation

from sitetrack.intake.formspec import Choice, FormField, FormGroup, FormSpec
from sitetrack.returns.choices import (
    AGE_BANDS,
    BAND_LABELS,
    MULTIPLE,
    Intention,
    Sex,
    Timing,
    YesNo,
)

FORM_ID = "return_intentions"
FORM_NAME = "return-intentions"
TITLE_EN = "SiteTrack return intention survey"
TITLE_FR = "SiteTrack enquête sur les intentions de retour"
# Lists of answers, by XLSForm list name.
LISTS = {
    "intention": Intention,
    "timing": Timing,
    "sex": Sex,
    "yes_no": YesNo,
    "reason": MULTIPLE["reasons"],
    "condition": MULTIPLE["conditions"],
    "obstacle": MULTIPLE["obstacles"],
    "info_need": MULTIPLE["info_needs"],
}
MULTIPLE_LISTS = {
    "reasons": "reason",
    "conditions": "condition",
    "obstacles": "obstacle",
    "info_needs": "info_need",
}
MOVING = f"selected(${{intention}}, '{Intention.RETURN}') or selected(${{intention}}, '{Intention.RELOCATE}')"


def labels(choices) -> list[Choice]:
    """A TextChoices as form choices, labelled in English and French."""
    out = []
    for value in choices.values:
        with translation.override("en"):
            en = str(choices(value).label)
        with translation.override("fr"):
            fr = str(choices(value).label)
        out.append(Choice(value, en, fr))
    return out


def _area_fields(prefix: str, en: str, fr: str, relevant: str = "") -> list[FormField]:
    return [
        FormField(
            f"{prefix}_adm1",
            "select_one area1",
            f"{en}: region (admin 1)",
            f"{fr} : région (admin 1)",
            relevant=relevant,
        ),
        FormField(
            f"{prefix}_adm2",
            "select_one area2",
            f"{en}: district (admin 2)",
            f"{fr} : district (admin 2)",
            choice_filter=f"adm1=${{{prefix}_adm1}}",
            relevant=relevant,
        ),
        FormField(
            f"{prefix}_adm3",
            "select_one area3",
            f"{en}: sub-district (admin 3), if known",
            f"{fr} : sous-district (admin 3), si connu",
            choice_filter=f"adm2=${{{prefix}_adm2}}",
            relevant=relevant,
        ),
    ]


def _household_group() -> FormGroup:
    bands = [f"{sex}_{band}" for sex in ("f", "m") for band in AGE_BANDS]
    items: list[FormField] = [
        FormField(
            "hh_size",
            "integer",
            "Household size (people)",
            "Taille du ménage (personnes)",
            required=True,
            constraint=". > 0 and . <= 50",
            constraint_en="From 1 to 50 people.",
            constraint_fr="De 1 à 50 personnes.",
        ),
    ]
    band_sum = " + ".join(f"${{{b}}}" for b in bands)
    for i, name in enumerate(bands):
        sex, band = name.split("_", 1)
        en = f"{'Females' if sex == 'f' else 'Males'} {BAND_LABELS[band]}"
        fr = f"{'Femmes' if sex == 'f' else 'Hommes'} {BAND_LABELS[band]}"
        last = i == len(bands) - 1
        items.append(
            FormField(
                name,
                "integer",
                en,
                fr,
                required=True,
                constraint=f". >= 0 and {band_sum} = ${{hh_size}}" if last else ". >= 0",
                constraint_en="The sex and age bands must add up to the household size."
                if last
                else "Must be 0 or more.",
                constraint_fr="Les tranches de sexe et d'âge doivent totaliser la taille du ménage."
                if last
                else "Doit être 0 ou plus.",
            )
        )
    items += [
        FormField("head_sex", "select_one sex", "Sex of the head of household", "Sexe du chef de ménage"),
        FormField(
            "head_age",
            "integer",
            "Age of the head of household",
            "Âge du chef de ménage",
            constraint=". >= 12 and . <= 120",
            constraint_en="From 12 to 120 years.",
            constraint_fr="De 12 à 120 ans.",
        ),
    ]
    return FormGroup("grp_household", "Household", "Ménage", items)


def return_intentions_form(*, admin1=None, admin2=None, sites=None, areas=None) -> FormSpec:
    """The form; `admin1`, `admin2`, `sites`: the registry's cascading lists (intake's
    registry_choices); `areas`: (level 1, 2, 3) lists of the country's admin areas."""
    area1, area2, area3 = areas or ([], [], [])
    location = FormGroup(
        "grp_location",
        "Location",
        "Localisation",
        [
            FormField("admin1", "select_one admin1", "Region (admin 1)", "Région (admin 1)", required=True),
            FormField(
                "admin2",
                "select_one admin2",
                "District (admin 2)",
                "District (admin 2)",
                required=True,
                choice_filter="admin1=${admin1}",
            ),
            FormField(
                "site_code",
                "select_one site",
                "Site",
                "Site",
                required=True,
                choice_filter="admin2=${admin2}",
            ),
            FormField(
                "visit_date",
                "date",
                "Date of the interview",
                "Date de l'entretien",
                required=True,
                constraint=". <= today()",
                constraint_en="The interview date cannot be in the future.",
                constraint_fr="La date de l'entretien ne peut pas être dans le futur.",
            ),
            FormField(
                "consent",
                "select_one yes_no",
                "The household agrees to answer",
                "Le ménage accepte de répondre",
                required=True,
            ),
        ],
    )
    answered = "${consent} = 'yes'"
    origin = FormGroup(
        "grp_origin",
        "Origin and displacement",
        "Origine et déplacement",
        [
            *_area_fields("origin", "Area of origin", "Zone d'origine"),
            FormField(
                "displacement_date",
                "date",
                "Date of displacement",
                "Date du déplacement",
                constraint=". <= today()",
                constraint_en="Cannot be in the future.",
                constraint_fr="Ne peut pas être dans le futur.",
            ),
            FormField(
                "visited_origin",
                "select_one yes_no",
                "Has the household visited its place of origin since?",
                "Le ménage a-t-il visité son lieu d'origine depuis ?",
            ),
        ],
        relevant=answered,
    )
    intention = FormGroup(
        "grp_intention",
        "Intentions",
        "Intentions",
        [
            FormField(
                "intention",
                "select_one intention",
                "What does the household intend to do?",
                "Que le ménage a-t-il l'intention de faire ?",
                required=True,
            ),
            FormField("timing", "select_one timing", "When?", "Quand ?", relevant=MOVING),
            *_area_fields("destination", "Intended destination", "Destination prévue", relevant=MOVING),
            FormField(
                "reasons",
                "select_multiple reason",
                "Reasons for this intention",
                "Raisons de cette intention",
            ),
            FormField(
                "conditions",
                "select_multiple condition",
                "Conditions required to return",
                "Conditions nécessaires au retour",
            ),
            FormField("obstacles", "select_multiple obstacle", "Obstacles to return", "Obstacles au retour"),
            FormField(
                "info_needs",
                "select_multiple info_need",
                "Information needed about the area of origin",
                "Informations nécessaires sur la zone d'origine",
            ),
        ],
        relevant=answered,
    )
    choices = {name: labels(values) for name, values in LISTS.items()}
    placeholder = [Choice("placeholder", "-", "-")]
    choices.update(
        admin1=admin1 or placeholder,
        admin2=admin2 or [Choice("placeholder", "-", "-", {"admin1": "placeholder"})],
        site=sites or [Choice("placeholder", "-", "-", {"admin2": "placeholder"})],
        area1=area1 or placeholder,
        area2=area2 or [Choice("placeholder", "-", "-", {"adm1": "placeholder"})],
        area3=area3 or [Choice("placeholder", "-", "-", {"adm2": "placeholder"})],
    )
    household = _household_group()
    household.relevant = answered
    items = [
        FormField("start", "start"),
        FormField("end", "end"),
        location,
        household,
        origin,
        intention,
    ]
    return FormSpec(FORM_ID, TITLE_EN, TITLE_FR, items, choices)


def country_areas(operation) -> tuple[list[Choice], list[Choice], list[Choice]]:
    """The operation's country's admin 1, 2 and 3 areas as cascading lists."""
    from sitetrack.geo.models import AdminArea

    rows = (
        AdminArea.objects.filter(path__startswith=operation.country.path, level__in=(1, 2, 3))
        .order_by("level", "pcode")
        .values_list("pcode", "name_en", "name_fr", "level", "parent__pcode")
    )
    lists: dict[int, list[Choice]] = {1: [], 2: [], 3: []}
    for pcode, en, fr, level, parent in rows:
        extra = {} if level == 1 else {f"adm{level - 1}": parent or ""}
        lists[level].append(Choice(pcode, en, fr or en, extra))
    return lists[1], lists[2], lists[3]


def form_for_operation(operation) -> FormSpec:
    """The form with the operation's registry (intake's cascading lists) and country areas."""
    if operation is None:
        return return_intentions_form()
    from sitetrack.intake.xlsform.build import registry_choices

    admin1, admin2, sites = registry_choices(operation)
    return return_intentions_form(admin1=admin1, admin2=admin2, sites=sites, areas=country_areas(operation))
