from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from sitetrack.reports import formatting

register = template.Library()


@register.filter
def num(value):
    return formatting.number(value)


@register.filter
def signed(value):
    return formatting.signed(value)


@register.filter
def dec(value):
    return formatting.decimal(value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def cssstr(value):
    """Text safe inside a double-quoted CSS string."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return mark_safe(text)  # inside <style>: no HTML entities, and no "<" can close the tag


# The long tables of the web page and the HTML download, row markup built in Python: a
# template loop costs about 150 µs per row, and a national round has 5,000 sites and tens
# of thousands of gap-list rows. The markup is the one the template used to produce.


def _severity_cell(value, severe: bool) -> str:
    if severe:
        return f'<td class="num sev severe"><strong>{value}</strong></td>'
    return f'<td class="num sev">{value if value else "–"}</td>'


@register.simple_tag
def site_rows(report, rows, short) -> str:
    out = []
    sectors = [s.code for s in report.sectors]
    for row in rows:
        code = escape(row.code)
        critical = row.has_critical_gap
        cells = [
            '<tr class="critical">' if critical else '<tr class="">',
            f'<td class="code"><strong>⚠ {code}</strong></td>'
            if critical
            else f'<td class="code">{code}</td>',
            f"<td>{escape(row.name)}</td><td>{escape(row.admin2_name)}</td>",
            f'<td class="num">{formatting.number(row.individuals)}</td>',
            f'<td class="num">{formatting.number(row.households)}</td>',
            f'<td class="num">{formatting.signed(row.change_individuals)}</td>',
            f'<td class="num">{formatting.number(row.arrivals)}</td>',
            f'<td class="num">{formatting.number(row.departures)}</td>',
        ]
        cells += [_severity_cell(row.severities.get(s), row.severe.get(s, False)) for s in sectors]
        cells.append(f"<td>{' · '.join(escape(short.get(p) or '') for p in row.priorities)}</td>")
        if row.gaps:
            gap_sectors = ", ".join(escape(short.get(c) or "") for c in row.gap_sectors)
            cells.append(f'<td class="gaps"><strong>{row.critical_gap_count}</strong> — {gap_sectors}</td>')
        else:
            cells.append('<td class="gaps"></td>')
        cells.append("</tr>")
        out.append("".join(cells))
    return mark_safe("\n".join(out))


@register.simple_tag
def gap_rows(rows) -> str:
    severe_need = escape(gettext("severe need"))
    out = []
    for r in rows:
        site = r.site
        cells = [
            f'<tr><td class="code">{escape(site.code)}</td><td>{escape(site.name)}</td>',
            f'<td>{escape(site.admin2_name)}</td><td class="num">{formatting.number(site.individuals)}</td>',
        ]
        if r.severe:
            cells.append(f'<td class="num sev severe"><strong>{r.severity}</strong></td>')
        else:
            cells.append(f'<td class="num sev">{r.severity if r.severity else "–"}</td>')
        gap = r.gap
        if gap is not None:
            sign = "≥" if gap.direction == "min" else "≤"
            cells.append(
                f'<td>{escape(gap.label)}</td><td class="num"><strong>{formatting.decimal(gap.value)}</strong></td>'
                f'<td class="num">{sign} {formatting.decimal(gap.threshold)}</td>'
                f'<td class="num">{formatting.decimal(gap.gap)}</td>'
            )
        else:
            cells.append(
                f'<td>{severe_need}</td><td class="num">–</td><td class="num">–</td><td class="num">–</td>'
            )
        cells.append(f"<td>{escape(site.partners or '–')}</td></tr>")
        out.append("".join(cells))
    return mark_safe("\n".join(out))
