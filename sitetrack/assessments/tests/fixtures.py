"""Shared helpers for assessment tests: a good record and a round on the base case."""

from __future__ import annotations

import datetime
from typing import Any

from sitetrack.assessments.models import Round, RoundKind


def good_values(**overrides: Any) -> dict[str, Any]:
    """1,000 people in 200 households, consistent in every way; 25,000 l/day and 40
    latrines: 25 l/p/d (met, 15), 25 people per latrine (gap 5 against 20)."""
    values: dict[str, Any] = {
        "households": 200,
        "individuals": 1000,
        "f_0_4": 90,
        "f_5_11": 100,
        "f_12_17": 70,
        "f_18_59": 230,
        "f_60_plus": 30,
        "m_0_4": 85,
        "m_5_11": 95,
        "m_12_17": 70,
        "m_18_59": 200,
        "m_60_plus": 30,
        "arrivals": 120,
        "departures": 20,
        "need_wash": 4,
        "need_shelter_nfi": 3,
        "need_health": 3,
        "need_food_security": 4,
        "priority_1": "food_security",
        "priority_2": "wash",
        "priority_3": "health",
        "indicators": {
            "water_litres_per_day": 25000,
            "latrines_functional": 40,
            "latrines_female": 24,
            "latrines_male": 16,
            "water_points": 5,
            "covered_area_m2": 3000,
            "health_facility_on_site": True,
            "main_water_source": "water_trucking",
        },
    }
    values.update(overrides)
    return values


def make_round(operation, number: int = 1, kind: str = RoundKind.WEEKLY, **extra) -> Round:
    start = datetime.date(2014, 1, 6) + datetime.timedelta(days=7 * (number - 1))
    return Round.objects.create(
        operation=operation,
        kind=kind,
        number=number,
        period_start=start,
        period_end=start + datetime.timedelta(days=6),
        **extra,
    )
