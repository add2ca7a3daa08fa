"""Validation findings stored as a code and its parameters instead of a sentence.

Findings written before were sentences in the language of whoever saved them. They
cannot be translated back, so each assessment that has such findings has them
regenerated: the validation rules run again on its stored figures, its flows, the
previous round's figures, its catalogue version and its operation's rule settings (what
the service did when it was saved). An assessment whose findings cannot be regenerated
keeps its sentences, which pages still show as written.
"""

from decimal import Decimal

from django.db import migrations

BATCH = 500


def _catalogue(apps, version_id, cache):
    from sitetrack.core.catalogue import INDICATOR_FIELDS, CatalogueIndex, _def_from_row

    if version_id not in cache:
        Indicator = apps.get_model("core", "Indicator")
        CatalogueVersion = apps.get_model("core", "CatalogueVersion")
        version = CatalogueVersion.objects.filter(pk=version_id).first()
        if version is None:
            cache[version_id] = None
        else:
            defs = [
                _def_from_row({f: getattr(row, f) for f in INDICATOR_FIELDS}, row.order)
                for row in Indicator.objects.filter(version_id=version_id).order_by("order", "code")
            ]
            cache[version_id] = CatalogueIndex(
                version=version,
                indicators={d.code: d for d in defs},
                by_xlsform_name={d.xlsform_name: d for d in defs},
            )
    return cache[version_id]


def _rules(apps, operation_id, cache):
    from sitetrack.assessments.validation import ValidationRules

    if operation_id not in cache:
        settings = apps.get_model("assessments", "ValidationSettings").objects.filter(
            operation_id=operation_id
        ).first()
        cache[operation_id] = (
            ValidationRules()
            if settings is None
            else ValidationRules(
                min_household_size=float(settings.min_household_size),
                max_household_size=float(settings.max_household_size),
                outlier_change_pct=float(settings.outlier_change_pct),
                flow_tolerance_pct=float(settings.flow_tolerance_pct),
                flow_tolerance_min=int(settings.flow_tolerance_min),
                check_priorities=settings.check_priorities,
            )
        )
    return cache[operation_id]


def _values(assessment, area_m2):
    from sitetrack.assessments.validation import COUNT_FIELDS, PRIORITY_FIELDS, SEVERITY_FIELDS

    values = {name: getattr(assessment, name) for name in (*COUNT_FIELDS, *SEVERITY_FIELDS, *PRIORITY_FIELDS)}
    values["indicators"] = dict(assessment.indicators or {})
    values["site_area_m2"] = float(area_m2) if isinstance(area_m2, Decimal) else area_m2
    return values


def _previous(apps, assessment):
    Round = apps.get_model("assessments", "Round")
    SiteAssessment = apps.get_model("assessments", "SiteAssessment")
    round = assessment.round
    before = (
        Round.objects.filter(operation_id=round.operation_id, kind=round.kind, number__lt=round.number)
        .order_by("-number")
        .first()
    )
    if before is None:
        return None
    previous = (
        SiteAssessment.objects.filter(round=before, site_id=assessment.site_id)
        .exclude(status="draft")
        .select_related("site")
        .first()
    )
    return _values(previous, previous.site.area_m2) if previous else None


def regenerate(apps, schema_editor):
    from sitetrack.assessments.findings import summarise
    from sitetrack.assessments.validation import validate

    SiteAssessment = apps.get_model("assessments", "SiteAssessment")
    PopulationFlow = apps.get_model("assessments", "PopulationFlow")
    catalogues, rules = {}, {}
    legacy = SiteAssessment.objects.exclude(issues=[]).select_related("round", "site").order_by("pk")
    changed = []
    for assessment in legacy.iterator(chunk_size=BATCH):
        if all("code" in issue for issue in assessment.issues or []):
            continue
        catalogue = _catalogue(apps, assessment.catalogue_version_id, catalogues)
        if catalogue is None:
            continue
        values = _values(assessment, assessment.site.area_m2)
        flows = [
            {"direction": f.direction, "individuals": f.individuals}
            for f in PopulationFlow.objects.filter(assessment_id=assessment.pk).order_by("pk")
        ]
        if flows:
            values["flows"] = flows
        try:
            findings = validate(
                values,
                previous=_previous(apps, assessment),
                catalogue=catalogue,
                rules=_rules(apps, assessment.round.operation_id, rules),
            )
        except Exception:  # noqa: BLE001 — keep the sentences rather than stop the upgrade
            continue
        assessment.issues, assessment.error_count, assessment.warning_count = summarise(findings)
        changed.append(assessment)
        if len(changed) >= BATCH:
            SiteAssessment.objects.bulk_update(changed, ["issues", "error_count", "warning_count"])
            changed = []
    SiteAssessment.objects.bulk_update(changed, ["issues", "error_count", "warning_count"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_assessment_newest_first"),
        ("core", "0002_initial"),
    ]

    operations = [migrations.RunPython(regenerate, migrations.RunPython.noop)]
