"""Demo step 2: the operation, the organisations working on displacement sites in CAR in
2014, and one demo user per role (password DEMO_PASSWORD, an API token each)."""

from __future__ import annotations

import datetime
import hashlib

from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from sitetrack.core.models import Membership, Operation, Organisation, Role
from sitetrack.demo.context import DEMO_PASSWORD, DemoContext
from sitetrack.geo.models import AdminArea

OPERATION = {
    "slug": "car-bangui-2014",
    "name": "Central African Republic — Bangui 2014",
    "started_on": datetime.date(2013, 12, 5),  # the fighting in Bangui that emptied whole neighbourhoods
}

# (name, acronym, kind): agencies present in CCCM, shelter/NFI and site services in CAR in
# 2014 (CCCM / Shelter-NFI cluster publications of the period).
ORGANISATIONS = [
    ("International Organization for Migration", "IOM", "un"),
    ("Office of the United Nations High Commissioner for Refugees", "UNHCR", "un"),
    ("United Nations Children's Fund", "UNICEF", "un"),
    ("Danish Refugee Council", "DRC", "ingo"),
    ("Agency for Technical Cooperation and Development", "ACTED", "ingo"),
    ("Norwegian Refugee Council", "NRC", "ingo"),
    ("Première Urgence – Aide Médicale Internationale", "PU-AMI", "ingo"),
    ("Catholic Relief Services", "CRS", "ingo"),
    ("Médecins Sans Frontières", "MSF", "ingo"),
    ("Mercy Corps", "Mercy Corps", "ingo"),
    ("Caritas Centrafrique", "Caritas", "nngo"),
    ("Croix-Rouge centrafricaine", "CRCA", "rcrc"),
    ("Ministère des Affaires sociales et de l'Action humanitaire", "MASAH", "government"),
]

# username: (first name, last name, role, organisation acronym, scope P-codes, language)
USERS = {
    "admin": ("Aïcha", "Ngaïkoïsset", Role.ADMINISTRATOR, "IOM", [], "en"),
    "imo": ("Ibrahim", "Sall", Role.IMO, "IOM", [], "en"),
    "facilitator": ("Fatou", "Ndiaye", Role.FACILITATOR, "IOM", ["CF711", "CF712", "CF713", "CF714"], "fr"),
    "facilitator2": ("Jean-Pierre", "Koyassé", Role.FACILITATOR, "ACTED", ["CF11"], "fr"),
    "partner": ("Paul", "Andersen", Role.PARTNER, "DRC", [], "en"),
    "viewer": ("Victoria", "Lemaire", Role.VIEWER, "UNHCR", [], "fr"),
}


def demo_token(username: str) -> str:
    """A stable token per demo user, so the documentation's curl examples keep working
    after `load-demo` is run again. Demo only: the password is public anyway."""
    return hashlib.sha1(f"sitetrack-demo-token:{username}".encode()).hexdigest()


def demo_email(username: str) -> str:
    return f"{username}@demo.sitetrack.example"


def _refuse_taken_usernames() -> None:
    """A user of the database who is not the demo's (another email) but has a demo
    username ("admin" is common) would get the demo's public password and token: the
    demo stops instead (nothing of it is written: one transaction) and says so."""
    from django.core.management.base import CommandError

    taken = User.objects.filter(username__in=list(USERS)).exclude(
        email__in=[demo_email(name) for name in USERS]
    )
    names = [f"{u.username} ({u.email or 'no email'})" for u in taken]
    if names:
        raise CommandError(
            f"These users exist and are not the demo's: {', '.join(names)}. Loading the demo would "
            "give them its public password and token. Rename them, or load the demo into a database "
            "of its own (SQLITE_PATH or DATABASE_URL)."
        )


def build(ctx: DemoContext) -> None:
    country = AdminArea.objects.get(pcode="CF")
    operation, _ = Operation.objects.update_or_create(
        slug=OPERATION["slug"],
        defaults={
            "name": OPERATION["name"],
            "country": country,
            "started_on": OPERATION["started_on"],
            "is_active": True,
        },
    )
    organisations = {}
    for name, acronym, kind in ORGANISATIONS:
        organisations[acronym], _ = Organisation.objects.update_or_create(
            name=name, defaults={"acronym": acronym, "kind": kind}
        )

    _refuse_taken_usernames()
    for username, (first, last, role, acronym, scope, language) in USERS.items():
        is_admin = role == Role.ADMINISTRATOR
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": demo_email(username),
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        membership, _ = Membership.objects.update_or_create(
            user=user,
            operation=operation,
            defaults={"role": role, "organisation": organisations[acronym], "language": language},
        )
        membership.areas.set(AdminArea.objects.filter(pcode__in=scope))
        Token.objects.filter(user=user).exclude(key=demo_token(username)).delete()
        Token.objects.get_or_create(user=user, defaults={"key": demo_token(username)})
        ctx.users[username] = user

    ctx.operation = operation
    ctx.extra["organisations"] = organisations
    ctx.extra["tokens"] = {username: demo_token(username) for username in USERS}
    ctx.log(f"operation {operation.slug}: {len(USERS)} demo users, {len(organisations)} organisations")
