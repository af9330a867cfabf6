from django.contrib import admin
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SignupForm
from accounts.throttle import PASSWORD_RESET, SIGNUP, failed_logins_throttled, requests_throttled
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
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
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
        },
    )
