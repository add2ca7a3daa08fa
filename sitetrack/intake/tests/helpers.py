"""Shared set-up for intake tests: a round and a handful of registry sites."""

from __future__ import annotations

import datetime
from pathlib import Path

from sitetrack.assessments.models import Round, RoundKind
from sitetrack.core.catalogue import catalogue_ensure_default
from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site, SiteType

FIXTURES = Path(__file__).resolve().parent / "fixtures"


class IntakeCase(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        catalogue_ensure_default()
        cls.round = Round.objects.create(
            operation=cls.operation,
            kind=RoundKind.WEEKLY,
            number=1,
            period_start=datetime.date(2014, 2, 1),
            period_end=datetime.date(2014, 2, 14),
        )
        cls.codes = [cls.mpoko.code, cls.boy_rabe.code]
        for i in range(2, 7):
            site = Site.objects.create(
                operation=cls.operation,
                code=f"CF7111-S{i:03d}",
                name=f"Site {i}",
                site_type=SiteType.SPONTANEOUS_SITE,
                admin_area=cls.arr1_3,
                area_m2=20000,
            )
            cls.codes.append(site.code)

    def sites_for_export(self) -> list[tuple[str, str, str]]:
        out = []
        for site in Site.objects.filter(code__in=self.codes).select_related("admin_area__parent__parent"):
            admin2 = site.admin_area.parent
            out.append((site.code, admin2.parent.pcode, admin2.pcode))
        return sorted(out)
