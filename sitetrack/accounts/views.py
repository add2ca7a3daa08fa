"""The tokens page (a user sees, makes and revokes their own API tokens) and the
administrators' page (every token of the users they manage)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sitetrack.accounts import selectors, services
from sitetrack.accounts.forms import TokenCreateForm
from sitetrack.accounts.models import ApiToken


def _revoke(request: HttpRequest) -> None:
    """A POST with `revoke=<token id>` or `revoke_legacy=<user id>`; 404 for tokens the
    user may not manage (so ids cannot be probed)."""
    if request.POST.get("revoke"):
        token = get_object_or_404(ApiToken, pk=_int(request.POST["revoke"]))
        if not selectors.may_manage_tokens_of(request.user, token.user):
            raise Http404(_("No such token."))
        services.api_token_revoke(token=token, by=request.user)
        messages.success(request, _("Token %(token)s revoked.") % {"token": token})
    elif request.POST.get("revoke_legacy"):
        owner = get_object_or_404(User, pk=_int(request.POST["revoke_legacy"]))
        if not selectors.may_manage_tokens_of(request.user, owner):
            raise Http404(_("No such token."))
        services.legacy_token_revoke(user=owner, by=request.user)
        messages.success(request, _("The older token of %(user)s was revoked.") % {"user": owner.username})


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


@login_required
@require_http_methods(["GET", "POST"])
def tokens_view(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm()
    new_key = ""
    if request.method == "POST":
        if "create" in request.POST:
            form = TokenCreateForm(request.POST)
            if form.is_valid():
                token, new_key = services.api_token_create(user=request.user, **form.cleaned_data)
                messages.success(request, _("Token %(token)s made.") % {"token": token})
                form = TokenCreateForm()
        else:
            _revoke(request)
            return redirect("accounts:tokens")
    response = render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": selectors.tokens_of(request.user),
            "legacy": selectors.legacy_token_of(request.user),
            "is_admin": selectors.is_token_administrator(request.user),
        },
    )
    response["Cache-Control"] = "no-store"  # the new key is on this page once
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens_manage_view(request: HttpRequest) -> HttpResponse:
    if not selectors.is_token_administrator(request.user):
        raise PermissionDenied(_("Only administrators manage other people's tokens."))
    if request.method == "POST":
        _revoke(request)
        return redirect("accounts:tokens-manage")
    return render(
        request,
        "accounts/tokens_manage.html",
        {
            "tokens": selectors.tokens_managed_by(request.user)[:500],
            "legacy_tokens": selectors.legacy_tokens_managed_by(request.user)[:500],
        },
    )
