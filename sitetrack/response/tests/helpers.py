"""Shared test data of the response app: a second organisation, an activity of each."""

from __future__ import annotations

from datetime import date

from sitetrack.core.models import Organisation
from sitetrack.response.models import Activity, ActivityStatus, ActivityType


def other_organisation() -> Organisation:
    return Organisation.objects.create(name="Norwegian Refugee Council", acronym="NRC", kind="ingo")


def latrines() -> ActivityType:
    return ActivityType.objects.get(code="wash-latrines")


def make_activity(case, organisation: Organisation, **extra) -> Activity:
    """An ongoing latrine activity at M'Poko, written directly (the services are tested)."""
    values = {
        "operation": case.operation,
        "organisation": organisation,
        "sector": "wash",
        "activity_type": latrines(),
        "site": case.mpoko,
        "admin_area": case.mpoko.admin_area,
        "start_date": date(2014, 1, 1),
        "status": ActivityStatus.ONGOING,
        "unit": "latrines",
        **extra,
    }
    return Activity.objects.create(**values)
