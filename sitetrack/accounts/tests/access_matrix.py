"""Who may reach what: every URL of the project, the status code each role of the base
case gets (sitetrack.core.testing.BaseCase), for GET and for an empty POST.

Columns, in this order:  anonymous  ada (administrator)  imani (IMO)  fatou (facilitator,
CF711 only)  paul (partner)  victor (viewer)  olga (signed in, no role).

Adding an endpoint: run the matrix test; its failure prints the line to add, with what
the URL answers now. Check every code is what you intend before pasting it.
"""

from __future__ import annotations

ROLES = ("anonymous", "ada", "imani", "fatou", "paul", "victor", "olga")

# URL name (namespace:name) or route: (GET codes, POST codes).
MATRIX: dict[str, tuple[str, str | None]] = {
    #                              anon ada imani fatou paul victor olga
    "health": ("200 200 200 200 200 200 200", "200 200 200 200 200 200 200"),
    "admin-area-list": ("401 200 200 200 200 200 200", "401 400 400 400 400 400 400"),
    "admin-area-geojson": ("401 200 200 200 200 200 200", "401 405 405 405 405 405 405"),
    "admin-area-detail": ("401 200 200 200 200 200 200", "401 405 405 405 405 405 405"),
    "api-sites": ("401 200 200 200 200 200 400", "401 400 400 403 403 403 400"),
    "api-site": ("401 200 200 200 200 200 404", "401 405 405 405 405 405 405"),
    "api-rounds": ("401 200 200 200 200 200 400", "401 400 400 400 400 400 400"),
    "api-round": ("401 200 200 200 200 200 400", "401 405 405 405 405 405 405"),
    "api-round-close": ("401 405 405 405 405 405 405", "401 200 200 403 403 403 400"),
    "api-assessments": ("401 200 200 200 200 200 400", "401 400 400 400 400 400 400"),
    "api-assessment": ("401 200 200 200 200 200 400", "401 405 405 405 405 405 405"),
    "api-assessment-submit": ("401 405 405 405 405 405 405", "401 200 200 200 403 403 400"),
    "api-assessment-validate": ("401 405 405 405 405 405 405", "401 400 400 403 403 403 400"),
    "api-assessment-return": ("401 405 405 405 405 405 405", "401 400 400 403 403 403 400"),
    "api-catalogue": ("401 200 200 200 200 200 400", "401 405 405 405 405 405 405"),
    "api-imports": ("401 200 200 403 403 403 400", "401 415 415 415 415 415 415"),
    "api-import": ("401 200 200 403 403 403 404", "401 405 405 405 405 405 405"),
    "api-import-log": ("401 200 200 403 403 403 404", "401 405 405 405 405 405 405"),
    "api-token-obtain": ("405 405 405 405 405 405 405", "400 400 400 400 400 400 400"),
    "api-tokens": ("401 200 200 200 200 200 200", "401 405 405 405 405 405 405"),
    "api-token-revoke": ("401 405 405 405 405 405 405", "401 405 405 405 405 405 405"),
    "schema": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "api-docs": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "api-redoc": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "set_language": ("302 302 302 302 302 302 302", "302 302 302 302 302 302 302"),
    "javascript-catalog": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "admin:login": ("200 200 200 200 200 200 200", "200 200 200 200 200 200 200"),
    "login": ("200 200 200 200 200 200 200", "200 200 200 200 200 200 200"),
    "logout": ("405 405 405 405 405 405 405", "302 302 302 302 302 302 302"),
    "accounts:tokens": ("302 200 200 200 200 200 200", "302 302 302 302 302 302 302"),
    "accounts:tokens-manage": ("302 200 403 403 403 403 403", "302 302 403 403 403 403 403"),
    "sites:list": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "sites:map": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "sites:map-data": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "sites:create": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "sites:import": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "sites:detail": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "sites:edit": ("302 200 200 200 403 403 404", "302 200 200 200 403 403 404"),
    "sites:status": ("302 405 405 405 405 405 405", "302 302 302 302 403 403 404"),
    "assessments:rounds": ("302 200 200 200 200 200 404", "302 200 200 403 403 403 404"),
    "assessments:board": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "assessments:round_close": ("302 405 405 405 405 405 405", "302 302 302 403 403 403 404"),
    "assessments:form": ("302 200 200 200 403 403 404", "302 200 200 200 403 403 404"),
    "assessments:detail": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "assessments:submit": ("302 405 405 405 405 405 405", "302 302 302 302 403 403 404"),
    "assessments:validate": ("302 405 405 405 405 405 405", "302 302 302 403 403 403 404"),
    "assessments:return": ("302 405 405 405 405 405 405", "302 302 302 403 403 403 404"),
    "assessments:catalogue": ("302 200 200 200 200 200 404", "302 200 200 403 403 403 404"),
    "intake:home": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "intake:run": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "intake:run-status": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "intake:run-log": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "intake:holds": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "intake:hold-resolve": ("302 405 405 405 405 405 405", "302 302 302 403 403 403 404"),
    "intake:mappings": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "intake:mapping-new": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "intake:mapping": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "intake:mapping-download": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "reports:home": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "reports:weekly": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "reports:weekly-download": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "reports:weekly-publish": ("302 405 405 405 405 405 405", "302 302 302 403 403 403 404"),
    "reports:subscriptions": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "reports:subscription-edit": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "web:home": ("302 200 200 200 200 200 200", "302 200 200 200 200 200 200"),
    "api-activities": ("401 200 200 200 200 200 400", "401 400 400 403 400 403 400"),
    "api-activity": ("401 200 200 200 200 200 404", "401 405 405 405 405 405 405"),
    "api-activity-reports": ("401 200 200 200 200 200 404", "401 400 400 403 400 403 404"),
    "api-organisations": ("401 200 200 200 200 200 400", "401 400 400 400 400 400 400"),
    "api-organisation": ("401 200 200 200 200 200 400", "401 405 405 405 405 405 405"),
    "api-referrals": ("401 200 200 200 200 200 400", "401 405 405 405 405 405 405"),
    "api-referral-status": ("401 405 405 405 405 405 405", "401 400 400 403 400 404 404"),
    "response:activities": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "response:referrals": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "web:search": ("302 200 200 200 200 200 200", "302 200 200 200 200 200 200"),
    "api-sites-import": ("401 405 405 405 405 405 405", "401 415 415 415 415 415 415"),
    "api-gaps": ("401 200 200 200 200 200 400", "401 405 405 405 405 405 405"),
    # response: site maintenance, strategy, 3W upload (h7-response, additive)
    "api-facilities": ("401 200 200 200 200 200 400", "401 400 400 400 403 403 400"),
    "api-facility": ("401 200 200 200 200 200 400", "401 405 405 405 405 405 405"),
    "api-work-orders": ("401 200 200 200 200 200 400", "401 400 400 400 400 403 400"),
    "api-work-order": ("401 200 200 200 200 200 400", "401 405 405 405 405 405 405"),
    "response:work-orders": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "response:work-order-create": ("302 200 200 200 200 403 404", "302 200 200 200 200 403 404"),
    "response:work-order": ("302 200 200 200 200 200 404", "302 200 200 200 200 403 404"),
    "response:site-facilities": ("302 200 200 200 200 200 404", "302 200 200 200 403 403 404"),
    "response:facility-edit": ("302 200 200 200 403 403 404", "302 200 200 200 403 403 404"),
    "response:strategy": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "response:objective-edit": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "response:objective-delete": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "response:import": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "intake:run-new-sites": ("302 302 302 403 403 403 404", "302 302 302 403 403 403 404"),
    "core:operation-create": ("302 200 403 403 403 403 403", "302 200 403 403 403 403 403"),
    "response:gaps": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "response:hxl": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "response:activity-create": ("302 200 200 403 200 403 404", "302 200 200 403 200 403 404"),
    "response:activity": ("302 200 200 200 200 200 404", "302 200 200 403 200 403 404"),
    "response:activity-edit": ("302 200 200 403 200 403 404", "302 200 200 403 200 403 404"),
    "response:referral-create": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "response:referral": ("302 200 200 200 200 404 404", "302 200 200 403 200 404 404"),
    "web:xlsform": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    # Site facilities and work orders (response), monthly site profiles (profiles).
    "profiles:rounds": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "profiles:round": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "profiles:batch-start": ("302 405 405 405 405 405 405", "302 302 302 403 403 403 404"),
    "profiles:batch-status": ("302 200 200 403 403 403 404", "302 200 200 403 403 403 404"),
    "profiles:batch-download": ("302 404 404 403 403 403 404", "302 404 404 403 403 403 404"),
    "profiles:profile": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "profiles:profile-pdf": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    # returns: the report (suppressed) for every role; household records for IMOs and administrators.
    "api-return-report": ("401 200 200 200 200 200 400", "401 405 405 405 405 405 405"),
    "returns:home": ("302 302 302 302 302 302 404", "405 405 405 405 405 405 405"),
    "returns:report": ("302 200 200 200 200 200 404", "405 405 405 405 405 405 405"),
    "returns:download": ("302 200 200 200 200 200 404", "405 405 405 405 405 405 405"),
    "returns:households": ("302 200 200 403 403 403 404", "405 405 405 405 405 405 405"),
    # monthly: the report home for every role; a month without data is a 404 (its roles are
    # tested in sitetrack/monthly/tests/test_views.py); the dashboard map needs a validated round.
    "monthly:home": ("302 200 200 200 200 200 404", "302 200 200 200 200 200 404"),
    "monthly:report": ("302 404 404 404 404 404 404", "302 404 404 404 404 404 404"),
    "monthly:pdf": ("302 404 404 404 404 404 404", "302 404 404 404 404 404 404"),
    "web:dashboard-map": ("302 404 404 404 404 404 404", "302 404 404 404 404 404 404"),
}

# Whole families (a route prefix): the Django admin is for staff accounts, and the base
# case has none, so every admin URL sends every role to the admin login (GET only: the
# admin answers a POST the same way).
PREFIXES: dict[str, tuple[str, str | None]] = {
    "admin/": ("302 302 302 302 302 302 302", None),
}

# Object-level scope by guessed ids: (URL name, method, {kwarg: object}, Fatou's status).
# Objects: "code" the site outside her area, "assessment" its assessment, "round" the round.
SCOPE: list[tuple[str, str, dict[str, str], int]] = [
    ("sites:detail", "GET", {"code": "code"}, 404),
    ("sites:edit", "GET", {"code": "code"}, 404),
    ("sites:edit", "POST", {"code": "code"}, 404),
    ("sites:status", "POST", {"code": "code"}, 404),
    ("assessments:form", "GET", {"round_pk": "round", "code": "code"}, 404),
    ("assessments:form", "POST", {"round_pk": "round", "code": "code"}, 404),
    ("assessments:detail", "GET", {"pk": "assessment"}, 404),
    ("assessments:submit", "POST", {"pk": "assessment"}, 404),
    ("api-site", "GET", {"code": "code"}, 404),
    ("api-assessment", "GET", {"pk": "assessment"}, 404),
    ("api-assessment-submit", "POST", {"pk": "assessment"}, 404),
]
