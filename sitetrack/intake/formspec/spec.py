"""The pieces a form is described with (fields, groups, choices, the form), and the
catalogue's indicators as plain dicts (so that describing a form needs no database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

FORM_ID = "site_assessment"
FORM_TITLE_EN = "SiteTrack site assessment"
FORM_TITLE_FR = "SiteTrack évaluation de site"
FLOWS_REPEAT = "flows"

# Formulas of derived indicators the form can compute (name in the catalogue → XPath).
DERIVED_XPATH = {
    "litres_per_person_day": "if(${individuals} > 0, ${water_litres_per_day} div ${individuals}, '')",
    "people_per_latrine": "if(${latrines_functional} > 0, ${individuals} div ${latrines_functional}, '')",
    "female_male_latrine_ratio": "if(${latrines_male} > 0, ${latrines_female} div ${latrines_male}, '')",
    "people_per_water_point": "if(${water_points} > 0, ${individuals} div ${water_points}, '')",
    "covered_m2_per_person": "if(${individuals} > 0, ${covered_area_m2} div ${individuals}, '')",
}


@dataclass(frozen=True)
class FormField:
    name: str
    type: str  # XLSForm type: integer, decimal, date, text, geopoint, calculate, start, ...
    label_en: str = ""
    label_fr: str = ""
    hint_en: str = ""
    hint_fr: str = ""
    required: bool = False
    constraint: str = ""
    constraint_en: str = ""
    constraint_fr: str = ""
    relevant: str = ""
    calculation: str = ""
    choice_filter: str = ""
    # Where the value lands: an assessment column, "indicator:<code>", "site_code",
    # "admin1_pcode", "admin2_pcode", "flow:<attr>", or "" (kept only in the raw record).
    target: str = ""

    @property
    def list_name(self) -> str:
        parts = self.type.split()
        return parts[1] if len(parts) > 1 and parts[0] in ("select_one", "select_multiple") else ""

    @property
    def base_type(self) -> str:
        return self.type.split()[0]


@dataclass
class FormGroup:
    name: str
    label_en: str
    label_fr: str
    items: list[FormField | FormGroup] = field(default_factory=list)
    repeat: bool = False
    relevant: str = ""


@dataclass
class Choice:
    name: str
    label_en: str
    label_fr: str
    extra: dict[str, str] = field(default_factory=dict)  # filter columns (admin1, admin2)


@dataclass
class FormSpec:
    form_id: str
    title_en: str
    title_fr: str
    items: list[FormField | FormGroup]
    choices: dict[str, list[Choice]]

    def walk(self, *, include_repeats: bool = False):
        """(group path, field, repeat name or None) for every field, in form order."""

        def visit(items, path: tuple[str, ...], repeat: str | None):
            for item in items:
                if isinstance(item, FormGroup):
                    if item.repeat and not include_repeats:
                        continue
                    yield from visit(item.items, (*path, item.name), item.name if item.repeat else repeat)
                else:
                    yield path, item, repeat

        yield from visit(self.items, (), None)

    def main_fields(self) -> list[tuple[tuple[str, ...], FormField]]:
        return [(p, f) for p, f, _ in self.walk()]

    def repeat_groups(self) -> list[FormGroup]:
        out: list[FormGroup] = []

        def visit(items):
            for item in items:
                if isinstance(item, FormGroup):
                    if item.repeat:
                        out.append(item)
                    visit(item.items)

        visit(self.items)
        return out

    def fields_by_name(self) -> dict[str, FormField]:
        return {f.name: f for _, f, _ in self.walk(include_repeats=True)}


def default_indicator_dicts() -> list[dict]:
    """The shipped catalogue as plain dicts (no database needed)."""
    import sitetrack.core as core

    path = Path(core.__file__).parent / "data" / "catalogue.yaml"
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["indicators"])


def indicator_dicts_for(operation=None) -> list[dict]:
    """The catalogue in force for an operation, as dicts; the shipped one as a fallback."""
    try:
        from sitetrack.core.catalogue import catalogue_for
    except ImportError:  # pragma: no cover - the catalogue module ships with core
        return default_indicator_dicts()
    index = catalogue_for(operation)
    out = []
    for ind in index.indicators.values():
        get = lambda k, ind=ind: ind.get(k) if isinstance(ind, dict) else getattr(ind, k, None)  # noqa: E731
        out.append(
            {
                "code": get("code"),
                "type": get("type"),
                "xlsform_name": get("xlsform_name") or get("code"),
                "label_en": get("label_en") or "",
                "label_fr": get("label_fr") or "",
                "guidance_en": get("guidance_en") or "",
                "guidance_fr": get("guidance_fr") or "",
                "choices": list(get("choices") or []),
                "derived": get("derived") or "",
                "sector": get("sector") or "",
            }
        )
    return out
