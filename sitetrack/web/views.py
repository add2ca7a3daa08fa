from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sitetrack.core.access import can


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The operation's key figures: open sites by type and by admin1 (in the user's scope)."""
    operation = getattr(request, "operation", None)
    context = {}
    if operation is not None and can(request.user, operation, "read"):
        from sitetrack.sites.selectors import operation_key_figures

        context["figures"] = operation_key_figures(user=request.user, operation=operation)
    return render(request, "web/home.html", context)
