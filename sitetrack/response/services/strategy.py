"""Writes of the response strategy: objectives and their indicators (IMOs and
administrators). Progress is read in `response.strategy`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from sitetrack.core.sectors import Sector
from sitetrack.response.access import can_response
from sitetrack.response.cleaning import Errors, clean_choice, clean_count
from sitetrack.response.models import IndicatorMeasure, ObjectiveIndicator, StrategyObjective

# Baselines and targets are counts of people or sites (PositiveIntegerField).
MAX_FIGURE = 1_000_000_000

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sitetrack.core.models import Operation


def _require_manager(user: User | None, operation: Operation) -> None:
    if user is not None and not can_response(user, operation, "manage_response"):
        raise PermissionDenied(_("Your role in this operation does not allow this."))


def _objective_values(
    *, operation: Operation, code: str, title: str, sector: str, description: str, pk: int | None = None
) -> dict[str, str]:
    """The checked values of an objective (codes are unique in the operation, whatever
    their case); a ValidationError names every field in error."""
    errors = Errors()
    code, title = (code or "").strip(), (title or "").strip()
    same_code = StrategyObjective.objects.filter(operation=operation, code__iexact=code).exclude(pk=pk)
    if not code:
        errors.add("code", _("This field is required."))
    elif same_code.exists():
        errors.add("code", _("There is already an objective %(code)s.") % {"code": code})
    if not title:
        errors.add("title", _("This field is required."))
    sector = clean_choice(sector, "sector", Sector, errors)
    errors.raise_if_any()
    return {"code": code, "title": title, "sector": sector, "description": (description or "").strip()}


@transaction.atomic
def objective_create(
    *, operation: Operation, user: User | None, code: str, title: str, sector: str = "", description: str = ""
) -> StrategyObjective:
    """A strategic objective (IMOs and administrators)."""
    _require_manager(user, operation)
    values = _objective_values(
        operation=operation, code=code, title=title, sector=sector, description=description
    )
    return StrategyObjective.objects.create(operation=operation, **values)


@transaction.atomic
def objective_update(
    *,
    objective: StrategyObjective,
    user: User | None,
    code: str,
    title: str,
    sector: str = "",
    description: str = "",
) -> StrategyObjective:
    """Change an objective's code, title, sector or description (IMOs and
    administrators); its indicators stay. The change is kept in its history."""
    _require_manager(user, objective.operation)
    values = _objective_values(
        operation=objective.operation,
        code=code,
        title=title,
        sector=sector,
        description=description,
        pk=objective.pk,
    )
    for field, value in values.items():
        setattr(objective, field, value)
    objective.save()
    return objective


@transaction.atomic
def objective_delete(*, objective: StrategyObjective, user: User | None) -> None:
    """Delete an objective and its indicators (IMOs and administrators); the history
    keeps what it was."""
    _require_manager(user, objective.operation)
    objective.indicators.all().delete()
    objective.delete()


@transaction.atomic
def objective_indicator_add(
    *,
    objective: StrategyObjective,
    user: User | None,
    measure: str,
    target: Any,
    baseline: Any = 0,
    sector: str = "",
    label: str = "",
) -> ObjectiveIndicator:
    """An indicator of an objective, with its baseline and target."""
    _require_manager(user, objective.operation)
    errors = Errors()
    measure = clean_choice(measure, "measure", IndicatorMeasure, errors)
    if not measure and "measure" not in errors.by_field:
        errors.add("measure", _("This field is required."))
    sector = clean_choice(sector, "sector", Sector, errors)
    target_value = clean_count(target, "target", errors)
    if target_value is None and "target" not in errors.by_field:
        errors.add("target", _("This field is required."))
    baseline_value = clean_count(baseline, "baseline", errors) or 0
    for field, value in (("target", target_value), ("baseline", baseline_value)):
        if value is not None and value > MAX_FIGURE:
            errors.add(field, _("At most %(max)s.") % {"max": f"{MAX_FIGURE:,}"})
    errors.raise_if_any()
    return ObjectiveIndicator.objects.create(
        objective=objective,
        measure=measure,
        sector=sector,
        label=(label or "").strip(),
        baseline=baseline_value,
        target=target_value,
    )
