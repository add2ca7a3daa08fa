"""The site-assessment form, described once.

The XLSForm generator writes it, the fake-export generator fills it with data, and the
automatic mapping reads it: a form field's XLSForm name is the key everywhere. Indicator
fields come from the catalogue (plain dicts, so that this package needs no database).

- spec.py: fields, groups, choices, the form; the catalogue's indicators as dicts
- site_assessment.py: the site-assessment form, one function per group of questions
"""

from sitetrack.assessments.models import AGE_BANDS
from sitetrack.intake.formspec.site_assessment import site_assessment_form
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
    indicator_dicts_for,
)

__all__ = [
    "AGE_BANDS",
    "DERIVED_XPATH",
    "FLOWS_REPEAT",
    "FORM_ID",
    "FORM_TITLE_EN",
    "FORM_TITLE_FR",
    "Choice",
    "FormField",
    "FormGroup",
    "FormSpec",
    "default_indicator_dicts",
    "indicator_dicts_for",
    "site_assessment_form",
]
