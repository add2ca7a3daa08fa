from django.http import HttpRequest

from sitetrack.core.access import operations_for, role_in


def operation(request: HttpRequest) -> dict:
    op = getattr(request, "operation", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"operation": None, "operations": [], "role": None}
    return {
        "operation": op,
        "operations": list(operations_for(user)),
        "role": role_in(user, op) if op else None,
    }
