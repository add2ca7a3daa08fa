from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


def health(request: HttpRequest) -> JsonResponse:
    """Liveness plus one trivial query: the baseline endpoint of the API load benchmark."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def operation_create_view(request: HttpRequest) -> HttpResponse:
    """Administrators set up a new operation (after importing its country's admin areas)."""
    from sitetrack.core.forms import OperationForm
    from sitetrack.core.operations import may_create_operation, operation_create

    if not may_create_operation(request.user):
        raise PermissionDenied(_("Only administrators can create an operation."))
    form = OperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operation = operation_create(
                user=request.user,
                name=form.cleaned_data["name"],
                country=form.cleaned_data["country"],
                slug=form.cleaned_data["slug"],
                languages=form.cleaned_data["languages"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Operation %(name)s created. Next: rounds, then the site master list.")
                % {"name": operation.name},
            )
            return redirect("core:operation-create")
    has_countries = form.fields["country"].queryset.exists()
    return render(request, "core/operation_form.html", {"form": form, "has_countries": has_countries})
