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
    registry refuses raises ValidationError naming it and the export rows."""
    if user is not None:
        require(user, operation, "create_site")
    created = []
    for proposal in proposals:
        if proposal.problem:
            continue
        try:
            created.append(
                site_create(
                    operation=operation,
                    user=user,
                    name=proposal.name,
                    site_type=proposal.site_type,
                    admin_area=proposal.admin_area,
                    code=proposal.code or None,
                    latitude=proposal.latitude,
                    longitude=proposal.longitude,
                    notes=_("Created from an export (rows %(rows)s).")
                    % {"rows": ", ".join(str(r) for r in proposal.rows[:10])},
                )
            )
        except ValidationError as exc:
            messages = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.message_dict.items())
            raise ValidationError(
                _("Site %(site)s (rows %(rows)s) cannot be created: %(errors)s")
                % {
                    "site": proposal.code or proposal.name,
                    "rows": ", ".join(str(r) for r in proposal.rows[:10]),
                    "errors": messages,
                }
            ) from exc
    return created
