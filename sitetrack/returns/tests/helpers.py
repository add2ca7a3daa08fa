"""Households written straight through the service, for the tests."""

from __future__ import annotations

import datetime as dt
import itertools

from sitetrack.returns.services import HouseholdRecord, households_save, survey_create

_ids = itertools.count(1)


def make_survey(operation, month=dt.date(2014, 3, 1), **kw):
    return survey_create(operation=operation, month=month, **kw)


def add(
    survey, site, intention, *, count=1, weight=1.0, timing="", destination=None, origin=None, answers=None
):
    """`count` households of one kind at `site` (admin 2 = the site's area's parent)."""
    site_admin2 = site.admin_area.parent if site.admin_area.level == 3 else site.admin_area
    records = []
    for _ in range(count):
        records.append(
            HouseholdRecord(
                response_id=f"hh-{next(_ids)}",
                values={
                    "site_id": site.pk,
                    "site_admin2_id": site_admin2.pk,
                    "interview_date": survey.month + dt.timedelta(days=3),
                    "household_size": 4,
                    "f_18_59": 2,
                    "m_18_59": 2,
                    "intention": intention,
                    "timing": timing,
                    "weight": weight,
                    "destination_area_id": destination.pk if destination else None,
                    "destination_admin2_id": destination.pk if destination else None,
                    "origin_area_id": origin.pk if origin else None,
                    "origin_admin2_id": origin.pk if origin else None,
                },
                answers=answers or {},
            )
        )
    households_save(survey=survey, records=records)
