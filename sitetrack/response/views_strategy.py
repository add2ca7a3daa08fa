"""Changing and deleting a strategic objective (IMOs and administrators); the strategy
page itself is in views_works.py. Thin: rules in services/strategy.py, access in
response.access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sitetrack.core.access import current_operation
from sitetrack.response import services
from sitetrack.response.access import access_objective
from sitetrack.response.forms_works import ObjectiveForm


@login_required
def objective_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    operation = current_operation(request)
    objective = access_objective(request.user, operation, pk, action="manage_response")
    initial = {f: getattr(objective, f) for f in ("code", "title", "sector", "description")}
    form = ObjectiveForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_update(objective=objective, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Objective %(code)s saved.") % {"code": objective.code})
            return redirect("response:strategy")
    history = objective.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request, "response/objective_form.html", {"form": form, "objective": objective, "history": history}
    )


@login_required
def objective_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A page asking to confirm; the objective and its indicators go when the form is
    posted with its confirmation (a bare POST shows the page again)."""
    operation = current_operation(request)
    objective = access_objective(request.user, operation, pk, action="manage_response")
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        code = objective.code
        services.objective_delete(objective=objective, user=request.user)
        messages.success(request, _("Objective %(code)s deleted.") % {"code": code})
        return redirect(reverse("response:strategy"))
    return render(
        request,
        "response/objective_confirm_delete.html",
        {"objective": objective, "indicators": objective.indicators.count()},
    )
