"""Households and individuals of a master list land as validated figures of a baseline
round (the assessments app's services), so reports and the API count them; never dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sitetrack.core.tabular import Table

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sitetrack.core.models import Operation
    from sitetrack.sites.master_list.report import SitesImportReport
    from sitetrack.sites.models import Site


def land_population(
    operation: Operation,
    user: User | None,
    population: list[tuple[Site, dict[str, int], int]],
    table: Table,
    report: SitesImportReport,
) -> None:
    from sitetrack.assessments.baseline import assessment_record_baseline, baseline_round_for_import

    if not population:
        return
    try:
        round = baseline_round_for_import(operation=operation, user=user, on=timezone.localdate())
    except PermissionDenied as denied:
        report.errors.append(table.problem(str(denied), rule="scope", field="households"))
        return
    report.population_round = str(round)
    for site, values, number in population:
        try:
            _assessment, changed = assessment_record_baseline(
                round=round, site=site, user=user, values=values, source=table.file
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                field = name if name in values else next(iter(values))
                for message in messages:
                    report.errors.append(
                        table.problem(
                            message,
                            rule=f"population_{name}",
                            row=number,
                            field=field,
                            value=values.get(field),
                        )
                    )
            continue
        except PermissionDenied as denied:
            report.errors.append(table.problem(str(denied), rule="scope", row=number, field="households"))
            continue
        if changed:
            report.population_landed += 1
        else:
            report.population_unchanged += 1
