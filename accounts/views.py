from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SignupForm
from accounts.throttle import login_blocked, login_failed, login_succeeded
from challenges.selectors import challenge_list_with_progress


class ThrottledLoginView(LoginView):
    """Django's login, refusing attempts after too many failures."""

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if login_blocked(request, username):
            minutes = max(1, settings.LOGIN_FAILURE_WINDOW // 60)
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, f"Too many failed attempts. Try again in {minutes} minutes.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            login_succeeded(request, username)
        else:
            login_failed(request, username)
        return response


@require_http_methods(["GET", "POST"])
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
