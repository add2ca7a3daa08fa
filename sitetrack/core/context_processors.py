from django.http import HttpRequest

from sitetrack.core.access import Allowed, operations_for, role_in
from sitetrack.core.models import Role
from sitetrack.core.operations import may_create_operation


def operation(request: HttpRequest) -> dict:
    op = getattr(request, "operation", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "operation": None,
            "operations": [],
            "role": None,
            "role_label": "",
            "may": Allowed(None, None),
        }
    role = role_in(user, op) if op else None
    return {
        "operation": op,
        "operations": list(operations_for(user)),
        "role": role,
        "role_label": Role(role).label if role else "",
        # `{% if may.manage_catalogue %}`: permission checks by action, never by role name.
        "may": Allowed(user, op),
        # Called by the template only where the menu asks (one query, not on every page).
        "may_create_operation": lambda: may_create_operation(user),
    }
