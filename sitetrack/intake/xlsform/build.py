"""Write a FormSpec as an XLSForm workbook (survey, choices, settings) with openpyxl.

Labels, hints and constraint messages in every requested language (`label::English (en)`);
site and P-code choice lists from the registry with cascading selects admin1 → admin2 →
site through `choice_filter`.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from sitetrack.intake.formspec import (
    Choice,
    FormField,
    FormGroup,
    FormSpec,
    indicator_dicts_for,
    site_assessment_form,
)

LANGS = {"en": "English (en)", "fr": "French (fr)"}
FORMS = ("site-assessment", "return-intentions")


def registry_choices(operation) -> tuple[list[Choice], list[Choice], list[Choice]]:
    """admin1, admin2 (filtered by admin1) and open sites (filtered by admin2)."""
    from sitetrack.geo.models import AdminArea
    from sitetrack.sites.models import Site

    sites = list(
        Site.objects.open()
        .filter(operation=operation)
        .select_related("admin_area")
        .order_by("code")
        .values_list("code", "name", "admin_area__path")
    )
    admin2_codes, admin1_codes, site_choices = set(), set(), []
    for code, name, path in sites:
        parts = path.strip("/").split("/")
        admin1 = parts[1] if len(parts) > 1 else parts[0]
        admin2 = parts[2] if len(parts) > 2 else admin1
        admin1_codes.add(admin1)
        admin2_codes.add(admin2)
        site_choices.append(Choice(code, f"{name} ({code})", f"{name} ({code})", {"admin2": admin2}))
    areas = {
        a.pcode: a
        for a in AdminArea.objects.filter(pcode__in=admin1_codes | admin2_codes).select_related("parent")
    }
    admin1 = [
        Choice(p, areas[p].name_en, areas[p].name_fr or areas[p].name_en)
        for p in sorted(admin1_codes)
        if p in areas
    ]
    admin2 = [
        Choice(
            p,
            areas[p].name_en,
            areas[p].name_fr or areas[p].name_en,
            {"admin1": areas[p].parent.pcode if areas[p].parent_id else ""},
        )
        for p in sorted(admin2_codes)
        if p in areas
    ]
    return admin1, admin2, site_choices


def form_for(operation, form: str = "site-assessment") -> FormSpec:
    if form not in FORMS:
        raise ValueError(f"Unknown form {form!r}; known: {', '.join(FORMS)}")
    if form == "return-intentions":  # the returns app's survey (sitetrack/returns/form.py)
        from sitetrack.returns.form import form_for_operation

        return form_for_operation(operation)
    admin1, admin2, sites = registry_choices(operation) if operation is not None else (None, None, None)
    return site_assessment_form(indicator_dicts_for(operation), admin1=admin1, admin2=admin2, sites=sites)


def xlsform_bytes(spec: FormSpec, langs: list[str], *, version: str = "1") -> bytes:
    langs = [lang for lang in langs if lang in LANGS] or ["en"]
    wb = Workbook()
    survey = wb.active
    survey.title = "survey"
    cols = ["type", "name"]
    for lang in langs:
        cols += [f"label::{LANGS[lang]}", f"hint::{LANGS[lang]}", f"constraint_message::{LANGS[lang]}"]
    cols += ["required", "relevant", "constraint", "calculation", "choice_filter", "appearance"]
    survey.append(cols)

    def text(obj, attr: str, lang: str) -> str:
        return getattr(obj, f"{attr}_{lang}", "") or ""

    def row(**values) -> list:
        return [values.get(c, "") for c in cols]

    def emit(items) -> None:
        for item in items:
            if isinstance(item, FormGroup):
                kind = "repeat" if item.repeat else "group"
                labels = {f"label::{LANGS[lang]}": text(item, "label", lang) for lang in langs}
                survey.append(
                    row(**{"type": f"begin_{kind}", "name": item.name, "relevant": item.relevant, **labels})
                )
                emit(item.items)
                survey.append(row(type=f"end_{kind}", name=item.name))
                continue
            f: FormField = item
            values = {"type": f.type, "name": f.name}
            if f.base_type not in ("start", "end", "today", "deviceid", "calculate"):
                for lang in langs:
                    values[f"label::{LANGS[lang]}"] = text(f, "label", lang) or f.name
                    values[f"hint::{LANGS[lang]}"] = text(f, "hint", lang)
                    if f.constraint:
                        values[f"constraint_message::{LANGS[lang]}"] = text(f, "constraint", lang)
            values.update(
                required="yes" if f.required else "",
                relevant=f.relevant,
                constraint=f.constraint,
                calculation=f.calculation,
                choice_filter=f.choice_filter,
            )
            survey.append(row(**values))

    emit(spec.items)
    choices = wb.create_sheet("choices")
    extra_cols = sorted({k for items in spec.choices.values() for c in items for k in c.extra})
    header = ["list_name", "name", *[f"label::{LANGS[lang]}" for lang in langs], *extra_cols]
    choices.append(header)
    for list_name, items in spec.choices.items():
        for c in items:
            labels = [c.label_en if lang == "en" else (c.label_fr or c.label_en) for lang in langs]
            choices.append([list_name, c.name, *labels, *[c.extra.get(k, "") for k in extra_cols]])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language", "instance_name"])
    title = spec.title_fr if langs[0] == "fr" else spec.title_en
    settings.append(
        [title, spec.form_id, version, LANGS[langs[0]], "concat(${site_code}, ' ', ${visit_date})"]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
