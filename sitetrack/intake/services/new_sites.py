"""Sites missing from the registry created from an export, once the IMO confirmed the
preview (importer.new_sites); through the sites app's own service, so every rule of
the registry applies."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sitetrack.core.access import require
from sitetrack.intake.importer.new_sites import ProposedSite
from sitetrack.sites.models import Site
from sitetrack.sites.services import site_create


@transaction.atomic
def sites_create_from_export(*, operation, user, proposals: list[ProposedSite]) -> list[Site]:
    """Create every proposed site that can be, or none (one transaction): a site the
    registry refuses raises ValidationError naming it and the export rows. A GPS point
    the registry refuses (outside the country or the site's admin area, swapped) does not
    hold the site back: it is created without the point, and `point_refused` says why,
    as the master-list import does."""
    if user is not None:
        require(user, operation, "create_site")
    created = []
    for proposal in proposals:
        if proposal.problem:
            continue
        try:
            created.append(_create(operation, user, proposal, with_point=True))
            continue
        except ValidationError as exc:
            errors = exc.message_dict
            if proposal.latitude is None or not set(errors) <= {"latitude", "longitude"}:
                raise _refused(proposal, errors) from exc
            proposal.point_refused = " ".join(str(m) for v in errors.values() for m in v)
        try:
            created.append(_create(operation, user, proposal, with_point=False))
        except ValidationError as exc:
            raise _refused(proposal, exc.message_dict) from exc
    return created


def _create(operation, user, proposal: ProposedSite, *, with_point: bool) -> Site:
    return site_create(
        operation=operation,
        user=user,
        name=proposal.name,
        site_type=proposal.site_type,
        admin_area=proposal.admin_area,
        code=proposal.code or None,
        latitude=proposal.latitude if with_point else None,
        longitude=proposal.longitude if with_point else None,
        notes=_("Created from an export (rows %(rows)s).") % {"rows": _rows(proposal)},
    )


def _rows(proposal: ProposedSite) -> str:
    return ", ".join(str(r) for r in proposal.rows[:10])


def _refused(proposal: ProposedSite, errors: dict) -> ValidationError:
    messages = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in errors.items())
    return ValidationError(
        _("Site %(site)s (rows %(rows)s) cannot be created: %(errors)s")
        % {"site": proposal.code or proposal.name, "rows": _rows(proposal), "errors": messages}
    )
