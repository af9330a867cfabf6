"""The profile page's token forms: make one (its secret shown once) and revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.services import DEFAULT_LIFETIME, TokenRefused, token_create, token_revoke


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@never_cache  # the page holds the secret: no cache keeps it
@login_required
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    try:
        token, secret = token_create(
            user=request.user,
            name=request.POST.get("name", ""),
            scopes=request.POST.getlist("scopes"),
            days=_int(request.POST.get("days", str(DEFAULT_LIFETIME))),
        )
    except TokenRefused as exc:
        messages.error(request, str(exc))
        return redirect("profile")
    return render(request, "api/token_created.html", {"token": token, "secret": secret}, status=201)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    if token_revoke(user=request.user, pk=pk):
        messages.success(request, "Token revoked: it no longer works.")
    else:
        messages.error(request, "No such live token of yours.")
    return redirect("profile")
