"""The HXL-tagged 3W export, with the tags the humanitarian community reads (one row per
activity; people reached are the sum of its months, from `annotate_reached`)."""

from __future__ import annotations

import csv
from io import StringIO
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext as _

from sitetrack.core.sectors import Sector
from sitetrack.response.selectors import activity_list, organisation_type_label

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sitetrack.core.models import Operation

COLUMNS = [
    ("org_name", "#org+name"),
    ("org_acronym", "#org+acronym"),
    ("org_type", "#org+type"),
    ("sector", "#sector+cluster+name"),
    ("activity", "#activity+name"),
    ("adm1", "#adm1+code"),
    ("adm2", "#adm2+code"),
    ("site_code", "#loc+code"),
    ("site_name", "#loc+name"),
    ("reached", "#reached"),
    ("targeted", "#targeted"),
    ("start", "#date+start"),
    ("end", "#date+end"),
    ("status", "#status"),
]


def _headers() -> list[str]:
    return [
        _("Organisation"),
        _("Acronym"),
        _("Organisation type"),
        _("Sector"),
        _("Activity"),
        _("Admin 1 P-code"),
        _("Admin 2 P-code"),
        _("Site code"),
        _("Site name"),
        _("People reached"),
        _("People targeted"),
        _("Start date"),
        _("End date"),
        _("Status"),
    ]


def _text(value: str) -> str:
    """Text a spreadsheet would run as a formula is quoted."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def threew_hxl_csv(*, user: AbstractBaseUser, operation: Operation, language: str = "en") -> str:
    with translation.override(language):
        out = StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(_headers())
        writer.writerow([tag for _name, tag in COLUMNS])
        rows = activity_list(user=user, operation=operation).values_list(
            "organisation__name",
            "organisation__acronym",
            "organisation__kind",
            "sector",
            "activity_type__name_en",
            "activity_type__name_fr",
            "admin_area__path",
            "site__code",
            "site__name",
            "reached_total",
            "targeted",
            "start_date",
            "end_date",
            "status",
        )
        sectors = dict(Sector.choices)
        from sitetrack.response.models import ActivityStatus

        statuses = dict(ActivityStatus.choices)
        for (
            name,
            acronym,
            kind,
            sector,
            act_en,
            act_fr,
            path,
            site_code,
            site_name,
            reached,
            targeted,
            start,
            end,
            status,
        ) in rows:
            parts = [p for p in path.split("/") if p]
            writer.writerow(
                [
                    _text(name),
                    _text(acronym),
                    organisation_type_label(kind),
                    str(sectors.get(sector, sector)),
                    _text(act_fr if language == "fr" and act_fr else act_en),
                    parts[1] if len(parts) > 1 else "",
                    parts[2] if len(parts) > 2 else "",
                    site_code or "",
                    _text(site_name or ""),
                    reached,
                    "" if targeted is None else targeted,
                    start.isoformat() if start else "",
                    end.isoformat() if end else "",
                    str(statuses.get(status, status)),
                ]
            )
        return out.getvalue()
