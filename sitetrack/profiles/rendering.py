"""A site profile as HTML (the web page's body and the printed page) and as PDF (one A4
page, WeasyPrint). Rendering reads only the `SiteProfile` it is given, never the
database: the batch runs it in forked processes."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sitetrack.profiles.charts import map_svg, pyramid_svg, svg_data_uri, trend_svg
from sitetrack.profiles.selectors import SiteProfile
from sitetrack.reports.formatting import decimal, number, signed


def _coordinates(profile: SiteProfile) -> str:
    if profile.latitude is None or profile.longitude is None:
        return _("not recorded")
    lat = f"{abs(profile.latitude):.4f}° {'N' if profile.latitude >= 0 else 'S'}"
    lon = f"{abs(profile.longitude):.4f}° {'E' if profile.longitude >= 0 else 'W'}"
    return f"{lat}, {lon}"


def _change(profile: SiteProfile) -> str:
    """The change since the previous round of the trend (same site), as text."""
    known = [p for p in profile.trend if p.individuals is not None]
    if len(known) < 2 or known[-1].round_number != profile.round_number:
        return ""
    return _("%(change)s since round #%(number)s") % {
        "change": signed(known[-1].individuals - known[-2].individuals),
        "number": known[-2].round_number,
    }


def profile_context(profile: SiteProfile, *, charts: bool = True) -> dict:
    """What the templates print: the profile and its figures formatted once, here."""
    return {
        "p": profile,
        "title": _("Monthly site profile"),
        "round_label": _("Monthly round #%(number)s, %(start)s – %(end)s")
        % {
            "number": profile.round_number,
            "start": date_format(profile.period_start, "DATE_FORMAT"),
            "end": date_format(profile.period_end, "DATE_FORMAT"),
        },
        "coordinates": _coordinates(profile),
        "area_name": profile.admin_areas[-1].name if profile.admin_areas else "",
        "figures": {
            "individuals": number(profile.individuals),
            "households": number(profile.households),
            "average_household_size": decimal(profile.average_household_size),
            "arrivals": number(profile.arrivals),
            "departures": number(profile.departures),
            "area_m2": number(profile.area_m2),
            "capacity": number(profile.capacity),
            "pyramid_total": number(profile.pyramid_total),
            "change": _change(profile),
        },
        "pyramid_rows": [
            {"label": b.label, "female": number(b.female), "male": number(b.male)} for b in profile.pyramid
        ],
        "shelter_rows": [
            {
                "label": s.label,
                "households": number(s.households),
                "percent": "–" if s.percent is None else f"{decimal(s.percent)} %",
            }
            for s in profile.shelter
            if s.households
        ],
        "indicator_rows": [
            {
                "i": i,
                "value": decimal(i.value),
                "threshold": f"{'≥' if i.direction == 'min' else '≤'} {decimal(i.threshold)}"
                if i.threshold is not None
                else "–",
            }
            for i in profile.indicators
        ],
        "need_rows": _need_rows(profile),
        "visit_date": date_format(profile.visit_date, "DATE_FORMAT")
        if profile.visit_date
        else _("not recorded"),
        "method": profile.method or _("not recorded"),
        "pyramid_src": svg_data_uri(pyramid_svg(profile)) if charts else "",
        "trend_src": svg_data_uri(trend_svg(profile)) if charts else "",
        "map_src": svg_data_uri(map_svg(profile)) if charts else "",
    }


def _need_rows(profile: SiteProfile) -> list[dict]:
    partners = {p.sector: ", ".join(p.organisations) for p in profile.partners}
    return [
        {
            "n": n,
            "severity": "–" if n.severity is None else str(n.severity),
            "partners": partners.get(n.sector, ""),
        }
        for n in profile.needs
    ]


def render_profile_html(profile: SiteProfile) -> str:
    """The printed page (standalone HTML with its own CSS), in the profile's language."""
    with translation.override(profile.language):
        return render_to_string("profiles/profile_pdf.html", profile_context(profile))


def render_html_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def render_profile_pdf(profile: SiteProfile) -> bytes:
    return render_html_pdf(render_profile_html(profile))


def profile_filename(profile: SiteProfile, ext: str = "pdf") -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in profile.code)
    return f"site-profile-{safe}-round-{profile.round_number}-{profile.language}.{ext}"
