"""The figures of a return intention survey, computed in SQL (GROUP BY on the households
and their answers): counts of households, sums of weights and of squared weights, from
which `estimate` gives weighted shares and their 95% confidence intervals.

These are the raw figures, for the report builder (`returns/report.py`), which suppresses
small cells before anything is shown; nothing here is published as it is.

Confidence interval (sampled designs): the Wilson score interval for a proportion, with
the sample size replaced by Kish's effective sample size n_eff = (Σw)² / Σw² of the group
the share is computed in (Kish 1965, the design effect of unequal weights; see
docs/returns.md for the formulas and sources). Census designs get no interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, FloatField, Sum
from django.db.models.functions import Coalesce

from sitetrack.returns.choices import Intention
from sitetrack.returns.models import HouseholdAnswer, HouseholdResponse, Survey

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution

# Dimensions of the intention tables: the column a household is grouped by.
# (Sites by id: their code, type and admin 2 come from one query of the sites, and the
# sums of a site type or an admin 2 are those of its sites.)
DIMENSIONS = {
    "site": "site_id",
    "origin": "origin_admin2_id",
    "destination": "destination_admin2_id",
}


@dataclass(frozen=True)
class Sums:
    """Households counted (n), their weights summed (w) and their squared weights (w2)."""

    n: int = 0
    w: float = 0.0
    w2: float = 0.0

    def __add__(self, other: Sums) -> Sums:
        return Sums(self.n + other.n, self.w + other.w, self.w2 + other.w2)

    @property
    def effective_n(self) -> float:
        """Kish's effective sample size (Σw)² / Σw²."""
        return self.w * self.w / self.w2 if self.w2 > 0 else 0.0


@dataclass(frozen=True)
class Estimate:
    share: float | None  # weighted proportion, 0..1
    low: float | None = None  # 95% confidence interval (sampled designs)
    high: float | None = None


def wilson_interval(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion p observed on (an effective) n."""
    if n <= 0:
        return (0.0, 1.0)
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(max(p * (1 - p) / n + z2 / (4 * n * n), 0.0)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def estimate(part: Sums, whole: Sums, *, interval: bool) -> Estimate:
    """The weighted share of `part` in `whole`, with its interval when `interval`."""
    if whole.w <= 0:
        return Estimate(None)
    share = part.w / whole.w
    if not interval:
        return Estimate(share)
    low, high = wilson_interval(share, whole.effective_n)
    return Estimate(share, low, high)


def _sums_by(qs, *fields: str) -> dict[tuple, Sums]:
    weight = F("weight")
    rows = (
        qs.order_by()
        .values(*fields)
        .annotate(
            n=Count("*"),
            w=Coalesce(Sum("weight"), 0.0, output_field=FloatField()),
            w2=Coalesce(Sum(weight * weight, output_field=FloatField()), 0.0, output_field=FloatField()),
        )
    )
    return {tuple(r[f] for f in fields): Sums(r["n"], float(r["w"]), float(r["w2"])) for r in rows}


def households(survey: Survey):
    return HouseholdResponse.objects.filter(survey=survey)


def intention_sums(survey: Survey, dimension: str | None = None) -> dict[tuple, Sums]:
    """(group, intention) → Sums; group None when the household has no value (origin not
    known, no destination); without a dimension, (intention,) → Sums."""
    if dimension is None:
        return _sums_by(households(survey), "intention")
    return _sums_by(households(survey), DIMENSIONS[dimension], "intention")


def timing_sums(survey: Survey) -> dict[str, Sums]:
    """Timing ("" when not stated) → Sums, among the households intending to return."""
    qs = households(survey).filter(intention=Intention.RETURN)
    return {k[0]: v for k, v in _sums_by(qs, "timing").items()}


def od_sums(survey: Survey) -> dict[tuple, Sums]:
    """(current site id, admin 2 of the intended destination or None) → Sums; the
    report adds the sites of an admin 2 up into the matrix's rows."""
    return _sums_by(households(survey), "site_id", "destination_admin2_id")


def answer_sums(survey: Survey) -> dict[tuple[str, str], Sums]:
    """(question, option code) → households that chose it (weighted), for every
    multiple-choice question at once (answers carry their household's survey and weight)."""
    weight = F("weight")
    rows = (
        HouseholdAnswer.objects.filter(survey=survey)
        .order_by()
        .values("question", "code")
        .annotate(
            n=Count("*"),
            w=Coalesce(Sum(weight), 0.0, output_field=FloatField()),
            w2=Coalesce(Sum(weight * weight, output_field=FloatField()), 0.0, output_field=FloatField()),
        )
    )
    return {(r["question"], r["code"]): Sums(r["n"], float(r["w"]), float(r["w2"])) for r in rows}


def site_links(site_ids) -> dict[int, tuple[str, str, str, str | None]]:
    """Site id → (code, name, site type, admin 2 P-code of its area)."""
    from sitetrack.sites.models import Site

    out = {}
    for pk, code, name, site_type, path in Site.objects.filter(pk__in=list(site_ids)).values_list(
        "pk", "code", "name", "site_type", "admin_area__path"
    ):
        parts = path.strip("/").split("/")
        out[pk] = (code, name, site_type, parts[2] if len(parts) > 2 else None)
    return out


def area_pcodes(ids) -> dict[int, str]:
    from sitetrack.geo.models import AdminArea

    return dict(AdminArea.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "pcode"))


def area_names(pcodes, language: str) -> dict[str, str]:
    from sitetrack.geo.models import AdminArea

    out = {}
    for pcode, en, fr in AdminArea.objects.filter(pcode__in=[p for p in pcodes if p]).values_list(
        "pcode", "name_en", "name_fr"
    ):
        out[pcode] = (fr or en) if language == "fr" else en
    return out


def survey_of(operation, month: date) -> Survey | None:
    return Survey.objects.filter(operation=operation, month=month.replace(day=1)).first()


def previous_survey(survey: Survey) -> Survey | None:
    return (
        Survey.objects.filter(operation=survey.operation, month__lt=survey.month).order_by("-month").first()
    )
