"""Which form field lands where.

Forms SiteTrack generated map themselves: a field's XLSForm name is an assessment field,
a catalogue indicator's `xlsform_name`, or one of the location keys. Other forms (a DTM
form with `m0310_loc_num_idp_ind`, a partner's own form) use a saved FieldMapping, which
can be edited on a web page and exported/imported as YAML or JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sitetrack.assessments.validation import COUNT_FIELDS, PRIORITY_FIELDS, SEVERITY_FIELDS
from sitetrack.core.safe_yaml import load_user_yaml
from sitetrack.intake.formspec import FLOWS_REPEAT, FormSpec

# site_code: the site's code (SSID) in any column; location_pcode: the location's P-code
# (admin-4/5) or DTM location code, matched to a site's code, alias or own admin area.
SITE_TARGETS = ("site_code", "location_pcode")
LOCATION_TARGETS = (*SITE_TARGETS, "admin1_pcode", "admin2_pcode")
SCALAR_TARGETS = (*COUNT_FIELDS, *SEVERITY_FIELDS, *PRIORITY_FIELDS, "visit_date", "method", "observations")
FLOW_TARGETS = ("flow:direction", "flow:area", "flow:individuals", "flow:reason")
# What a site missing from the registry is created from (`import --create-sites`); the
# import itself does not read them.
SITE_ATTRIBUTE_TARGETS = ("site:name", "site:type", "site:gps", "site:latitude", "site:longitude")
# submission_id: a stable response id column, for exports without _uuid / meta/instanceID.
OTHER_TARGETS = ("priorities", "submission_id", "ignore")
# A value table may send a choice to "ignore": the value is left in the raw record only.
IGNORE_VALUE = "ignore"
SHIPPED = Path(__file__).resolve().parent / "mappings"


@dataclass
class Target:
    target: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Mapping:
    name: str
    fields: dict[str, Target]
    repeats: dict[str, str]  # export repeat name → "flows"

    def target_names(self) -> set[str]:
        return {t.target for t in self.fields.values()}


def valid_target(target: str, indicator_codes: set[str]) -> bool:
    if (
        target in SCALAR_TARGETS
        or target in LOCATION_TARGETS
        or target in FLOW_TARGETS
        or target in OTHER_TARGETS
        or target in SITE_ATTRIBUTE_TARGETS
    ):
        return True
    return target.startswith("indicator:") and target.split(":", 1)[1] in indicator_codes


def automatic_mapping(form: FormSpec, catalogue=None) -> Mapping:
    """The mapping of a form SiteTrack generated (and of any form using the same names)."""
    fields: dict[str, Target] = {}
    for _path, f, _repeat in form.walk(include_repeats=True):
        if f.target:
            fields[f.name] = Target(f.target)
    if catalogue is not None:
        for name, definition in catalogue.by_xlsform_name.items():
            if not definition.derived:
                fields.setdefault(name, Target(f"indicator:{definition.code}"))
    for name in SCALAR_TARGETS:
        fields.setdefault(name, Target(name))
    return Mapping("automatic", fields, {FLOWS_REPEAT: FLOWS_REPEAT})


def mapping_from_dict(data: dict[str, Any], *, indicator_codes: set[str] | None = None) -> Mapping:
    """Parse and check a mapping document ({name, fields, repeats}); ValidationError
    listing every bad entry."""
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise ValidationError({"fields": [_("A mapping needs a 'fields' dictionary: form field → target.")]})
    errors: list[str] = []
    fields: dict[str, Target] = {}
    for source, spec in data["fields"].items():
        if isinstance(spec, str):
            target = Target(spec)
        elif isinstance(spec, dict) and isinstance(spec.get("target"), str):
            values = spec.get("values") or {}
            if not isinstance(values, dict):
                errors.append(_("%(field)s: 'values' must map form values to ours.") % {"field": source})
                continue
            target = Target(spec["target"], {str(k): str(v) for k, v in values.items()})
        else:
            errors.append(_("%(field)s: give a target name or {target, values}.") % {"field": source})
            continue
        if indicator_codes is not None and not valid_target(target.target, indicator_codes):
            errors.append(
                _("%(field)s: unknown target %(target)s.") % {"field": source, "target": target.target}
            )
            continue
        fields[str(source)] = target
    if not {t.target for t in fields.values()} & set(SITE_TARGETS):
        errors.append(
            _("No field is mapped to site_code or location_pcode: imports could not find the site.")
        )
    if errors:
        raise ValidationError({"fields": errors})
    repeats = {str(k): str(v) for k, v in (data.get("repeats") or {}).items()}
    return Mapping(str(data.get("name") or "mapping"), fields, repeats)


def mapping_to_dict(mapping_model) -> dict[str, Any]:
    return {
        "name": mapping_model.name,
        "description": mapping_model.description,
        "form_id": mapping_model.form_id,
        "fields": mapping_model.fields,
        "repeats": mapping_model.repeats,
    }


def parse_mapping_text(text: str, *, filename: str = "") -> dict[str, Any]:
    try:
        data = json.loads(text) if filename.endswith(".json") else load_user_yaml(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ValidationError(
            {"file": [_("The mapping file cannot be read: %(error)s") % {"error": exc}]}
        ) from exc
    if not isinstance(data, dict):
        raise ValidationError({"file": [_("The mapping file must hold one mapping (a dictionary).")]})
    return data


def _is_xlsform(data: bytes) -> bool:
    """An XLSX workbook with a `survey` sheet: an XLSForm."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            book = zf.read("xl/workbook.xml")[:200_000].decode("utf-8", "replace").lower()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    return 'name="survey"' in book


def read_mapping_upload(data: bytes, *, filename: str = "") -> dict[str, Any]:
    """An uploaded mapping file (YAML or JSON) as a document; a ValidationError that says
    what the file is and what to upload instead when it is not one."""
    if data[:2] == b"PK" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        if _is_xlsform(data):
            message = _(
                "This file is an XLSForm (a form's definition), not a field mapping. A mapping is a YAML or "
                "JSON file (fields: form field → SiteTrack target): create one with “New mapping”, or install "
                "the shipped DTM mapping. To import submissions, upload the form's data export on the Import "
                "page."
            )
        else:
            message = _(
                "This file is a spreadsheet, not a field mapping. A mapping is a YAML or JSON file (fields: "
                "form field → SiteTrack target); to import submissions, upload the export on the Import page."
            )
        raise ValidationError({"file": [message]})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            {"file": [_("The mapping file must be YAML or JSON text in UTF-8; this file is not text.")]}
        ) from exc
    return parse_mapping_text(text, filename=filename.lower())


def shipped_mappings() -> dict[str, dict[str, Any]]:
    """Mappings shipped with SiteTrack (intake/mappings/*.yaml), by name."""
    out = {}
    for path in sorted(SHIPPED.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[data["name"]] = data
    return out
