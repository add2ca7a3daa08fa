"""Organisations of the response: create, add the other names they go by, confirm the ones
an import created. `user=None` is a system action (demo builder, a command run by an IMO
on the server): no role check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sitetrack.core.models import Operation, Organisation
from sitetrack.response.access import require_response
from sitetrack.response.cleaning import Errors, clean_choice, normalise_name
from sitetrack.response.models import OrganisationAlias, OrganisationReview, OrganisationType

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _check_new_name(name: str, acronym: str, errors: Errors) -> None:
    if not name:
        errors.add("name", _("This field is required."))
        return
    key = normalise_name(name)
    clash = Organisation.objects.filter(Q(name__iexact=name) | Q(aliases__key=key)).first()
    if clash is not None:
        errors.add(
            "name",
            _("“%(name)s” is already known as %(organisation)s.") % {"name": name, "organisation": clash},
        )
    if acronym and Organisation.objects.filter(acronym__iexact=acronym).exists():
        errors.add("acronym", _("The acronym “%(acronym)s” is already used.") % {"acronym": acronym})


@transaction.atomic
def organisation_create(
    *,
    operation: Operation,
    user: User | None,
    name: str,
    acronym: str = "",
    kind: str = "",
    aliases: list[str] | tuple[str, ...] = (),
    review_source: str | None = None,
) -> Organisation:
    """A new organisation. `review_source` (the file an import read it from) puts it on
    the list of new organisations an IMO reviews."""
    if user is not None:
        require_response(user, operation, "manage_response")
    errors = Errors()
    name = (name or "").strip()
    acronym = (acronym or "").strip()
    _check_new_name(name, acronym, errors)
    kind = clean_choice(kind, "kind", OrganisationType, errors)
    errors.raise_if_any()
    organisation = Organisation.objects.create(name=name, acronym=acronym, kind=kind)
    for alias in aliases:
        organisation_alias_add(organisation=organisation, name=alias, user=None, operation=operation)
    if review_source is not None:
        OrganisationReview.objects.create(
            organisation=organisation, operation=operation, source=review_source
        )
    return organisation


@transaction.atomic
def organisation_alias_add(
    *, organisation: Organisation, name: str, user: User | None, operation: Operation
) -> OrganisationAlias | None:
    """Record another name of an organisation; nothing happens if the name already leads
    to it. Refused when the name leads to another organisation."""
    if user is not None:
        require_response(user, operation, "manage_response")
    key = normalise_name(name)
    if not key or key in (normalise_name(organisation.name), normalise_name(organisation.acronym)):
        return None
    existing = OrganisationAlias.objects.filter(key=key).select_related("organisation").first()
    if existing is not None:
        if existing.organisation_id == organisation.pk:
            return existing
        errors = Errors()
        errors.add(
            "name",
            _("“%(name)s” is already a name of %(organisation)s.")
            % {"name": name, "organisation": existing.organisation},
        )
        errors.raise_if_any()
    return OrganisationAlias.objects.create(organisation=organisation, name=name.strip(), key=key)


@transaction.atomic
def organisation_review_confirm(*, review: OrganisationReview, user: User | None) -> OrganisationReview:
    if user is not None:
        require_response(user, review.operation, "manage_response")
    review.reviewed_at = timezone.now()
    review.reviewed_by = user
    review.save(update_fields=["reviewed_at", "reviewed_by"])
    return review


@transaction.atomic
def organisation_merge(*, review: OrganisationReview, into: Organisation, user: User | None) -> Organisation:
    """The organisation an import created is really `into`: its activities and referrals
    move there, its name and acronym become aliases, and it is deleted."""
    from sitetrack.response.models import Activity, Referral

    operation = review.operation
    if user is not None:
        require_response(user, operation, "manage_response")
    source = review.organisation
    Activity.objects.filter(organisation=source).update(organisation=into)
    Activity.objects.filter(funding_organisation=source).update(funding_organisation=into)
    Referral.objects.filter(to_organisation=source).update(to_organisation=into)
    OrganisationAlias.objects.filter(organisation=source).update(organisation=into)
    names = [source.name, source.acronym]
    review.delete()
    source.delete()
    for name in names:
        if name:
            organisation_alias_add(organisation=into, name=name, user=None, operation=operation)
    return into
