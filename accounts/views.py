from django.conf import settings
from django.contrib import admin
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import SignupForm
from accounts.models import Preferences, theme_of
from accounts.throttle import PASSWORD_RESET, SIGNUP, failed_logins_throttled, requests_throttled
from api.models import AccessToken
from api.selectors import token_list
from api.services import DEFAULT_LIFETIME, LIFETIMES
from challenges.selectors import challenge_list_with_progress

login_view = failed_logins_throttled(LoginView.as_view())
admin_login = failed_logins_throttled(admin.site.login)
password_reset = requests_throttled(PASSWORD_RESET)(PasswordResetView.as_view())


@require_http_methods(["GET", "POST"])
@requests_throttled(SIGNUP)
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("challenges:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return redirect("challenges:list")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    challenges = challenge_list_with_progress(request.user)
    solved = [c for c in challenges if c.status == "solved"]
    return render(
        request,
        "accounts/profile.html",
        {
            "challenges": challenges,
            "solved": len(solved),
            "points": sum(c.points for c in solved),
            "attempts": sum(c.attempts for c in challenges),
            "tokens": token_list(user=request.user),
            "scopes": AccessToken.Scope.choices,
            "lifetimes": LIFETIMES,
            "default_lifetime": DEFAULT_LIFETIME,
        },
    )


def theme_context(request: HttpRequest) -> dict:
    """``theme``: the signed-in user's choice (system, light or dark), which
    base.html renders on <html>; a callable, so a template that never asks
    costs nothing."""
    user = getattr(request, "user", None)
    return {"theme": lambda: theme_of(user)}


@login_required
@require_POST
def theme(request: HttpRequest) -> HttpResponse:
    """Set the signed-in user's theme (the header's toggle). Sent by fetch: 204.
    Sent as the toggle's plain form (no JavaScript): back to the page it was on."""
    value = request.POST.get("theme", "")
    if value not in Preferences.Theme.values:
        allowed = ", ".join(Preferences.Theme.values)
        return HttpResponseBadRequest(f"theme must be one of: {allowed}.", content_type="text/plain")
    Preferences.objects.update_or_create(user=request.user, defaults={"theme": value})
    back = request.POST.get("next", "")
    if not back:
        return HttpResponse(status=204)
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("profile")
    return redirect(back)
