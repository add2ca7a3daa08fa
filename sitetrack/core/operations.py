"""Setting up an operation: `operation_create` (the `sitetrack operation create` command
and the administrators' page call it), and finding one by slug with a message that says
how to create it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sitetrack.core.models import Membership, Operation, Role
from sitetrack.geo.models import AdminArea

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# Names are always kept in the two languages SiteTrack's pages speak.
BASE_LANGUAGES = ("en", "fr")


def no_operation_message(slug: str) -> str:
    known = ", ".join(Operation.objects.values_list("slug", flat=True)) or _("none yet")
    return _(
        "No operation '%(slug)s' (known: %(known)s). Create it with: sitetrack operation create "
        "--name NAME --country ISO3 --slug %(slug)s (import the country's admin areas first: "
        "sitetrack import-admin-areas FILE; see docs/new-operation.md)."
    ) % {"slug": slug, "known": known}


def operation_for_command(slug: str) -> Operation:
    """The operation a command names, or a CommandError that says how to create it."""
    from django.core.management.base import CommandError

    operation = Operation.objects.filter(slug=slug).select_related("country").first()
    if operation is None:
        raise CommandError(no_operation_message(slug))
    return operation


def may_create_operation(user: AbstractBaseUser) -> bool:
    """Staff, superusers and the administrators of an operation may set up a new one."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    from sitetrack.core.access import can

    memberships = Membership.objects.filter(user=user).select_related("operation")
    return any(can(user, m.operation, "manage_users") for m in memberships)


def country_area(code: str) -> AdminArea | None:
    """The admin-0 area of a country named by ISO3, ISO2 or its P-code ("CAF", "CF")."""
    from sitetrack.geo.countries import iso3

    code = (code or "").strip()
    countries = AdminArea.objects.filter(level=0)
    found = countries.filter(pcode__iexact=code).first()
    if found is not None:
        return found
    wanted = iso3(code)
    if wanted is None:
        return None
    for area in countries:
        if iso3(area.pcode) == wanted:
            return area
    return None


def clean_languages(languages: list[str] | str | None) -> list[str]:
    """ "en,fr,sg" → ["en", "fr", "sg"]: ISO 639-1 codes, English and French always first.
    ValidationError for a code that is not a language."""
    import pycountry

    if isinstance(languages, str):
        languages = languages.split(",")
    codes = list(BASE_LANGUAGES)
    bad = []
    for item in languages or []:
        code = item.strip().lower()
        if not code:
            continue
        if pycountry.languages.get(alpha_2=code) is None:
            bad.append(item.strip())
        elif code not in codes:
            codes.append(code)
    if bad:
        raise ValidationError(
            {
                "languages": [
                    _("%(codes)s: not a two-letter language code (ISO 639-1, e.g. ar, pt, so, sg).")
                    % {"codes": ", ".join(bad)}
                ]
            }
        )
    return codes


@transaction.atomic
def operation_create(
    *,
    user: AbstractBaseUser | None,
    name: str,
    country: str | AdminArea,
    slug: str = "",
    languages: list[str] | str | None = None,
) -> Operation:
    """A new operation in a country whose admin areas are imported. `user=None` is a system
    action (the command); a user must be staff or an administrator. The creator (when a
    user) becomes the operation's administrator."""
    if user is not None and not may_create_operation(user):
        raise PermissionDenied(_("Only administrators can create an operation."))
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    elif Operation.objects.filter(name__iexact=name).exists():
        errors["name"] = [_("There is already an operation named “%(name)s”.") % {"name": name}]
    area = country if isinstance(country, AdminArea) else country_area(str(country))
    if area is None:
        errors["country"] = [
            _(
                "No admin areas for “%(code)s” yet. Import the country's admin areas first "
                "(sitetrack import-admin-areas FILE), then create the operation."
            )
            % {"code": country}
        ]
    slug = slugify(slug or name)[:50]
    if not slug:
        errors.setdefault("slug", []).append(_("Give a slug of letters, digits and hyphens."))
    elif Operation.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append(
            _("The slug “%(slug)s” is taken; give another with --slug.") % {"slug": slug}
        )
    try:
        codes = clean_languages(languages)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    operation = Operation.objects.create(slug=slug, name=name, country=area, languages=codes)
    if user is not None and not user.is_superuser:
        Membership.objects.create(user=user, operation=operation, role=Role.ADMINISTRATOR)
    return operation
