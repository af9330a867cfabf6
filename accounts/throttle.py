"""Every way in is throttled by one mechanism: django-ratelimit's counters in
the shared cache, fixed windows per key.

- logging in (the site's form and the admin's): failed attempts, per username
  and per client address (an address may serve a classroom, so it gets more);
- asking for a password-reset mail: every request, per address asked for and
  per client, so nobody can flood an inbox or probe addresses quickly;
- signing up: every request, per client;
- the API: requests with a wrong, expired or revoked token, per client
  (``api.auth``; a valid token is never counted nor refused).

Past a limit the request is refused with 429 before the view runs, and the page
says when to try again. While the cache is away (a Redis restart) nothing is
counted or refused, with a warning logged: signing in keeps working, and the
counters are open only for as long as the outage the warnings date.

The app's system checks are not installed: they reject the local-memory cache,
which is what a single-process development server is meant to use (production
shares Redis, CACHE_URL).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _posted(field: str) -> Callable[[str, HttpRequest], str]:
    return lambda group, request: request.POST.get(field, "").strip().lower()


@dataclass(frozen=True)
class Limit:
    key: str | Callable[[str, HttpRequest], str]  # django-ratelimit's key: "ip", or a function
    count_setting: str  # the settings naming how many per window ...
    window_setting: str  # ... and the window in seconds
    factor: int = 1

    def rate(self) -> str:
        return f"{getattr(settings, self.count_setting) * self.factor}/{getattr(settings, self.window_setting)}s"


@dataclass(frozen=True)
class Throttle:
    group: str
    limits: tuple[Limit, ...]
    window_setting: str
    method: str | tuple = "POST"  # the requests counted; django_ratelimit.ALL for every method

    def _usages(self, request: HttpRequest, *, increment: bool) -> list[dict]:
        try:
            usages = [
                get_usage(
                    request, group=self.group, key=limit.key, rate=limit.rate(), method=self.method, increment=increment
                )
                for limit in self.limits  # a list, not any(): every counter counts
            ]
        except RedisError as exc:
            log.warning("throttle %s not applied: the cache is unavailable (%s)", self.group, exc)
            return []
        return [usage for usage in usages if usage is not None]

    def reached(self, request: HttpRequest) -> bool:
        """Has any counter reached its limit? (Counts nothing.)"""
        return any(u["count"] >= u["limit"] for u in self._usages(request, increment=False))

    def count(self, request: HttpRequest) -> bool:
        """Count this request; True if it went past a limit."""
        return any(u["should_limit"] for u in self._usages(request, increment=True))

    def minutes(self) -> int:
        return max(1, getattr(settings, self.window_setting) // 60)

    def seconds_left(self, request: HttpRequest) -> int:
        """Seconds until every counter that refuses *request* starts a new
        window (each key's window ends at its own time); the window's length
        if the cache says nothing. (Counts nothing.)"""
        window = getattr(settings, self.window_setting)
        usages = self._usages(request, increment=False)
        left = [max(1, u["time_left"]) for u in usages if u["count"] >= u["limit"] and u["time_left"] >= 0]
        return max(left, default=window)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        return render(request, "429.html", {"minutes": self.minutes()}, status=429)


LOGIN = Throttle(
    "login-failures",
    (
        Limit(_posted("username"), "LOGIN_FAILURE_LIMIT", "LOGIN_FAILURE_WINDOW"),
        Limit("ip", "LOGIN_FAILURE_LIMIT", "LOGIN_FAILURE_WINDOW", factor=4),
    ),
    "LOGIN_FAILURE_WINDOW",
)
PASSWORD_RESET = Throttle(
    "password-reset",
    (
        Limit(_posted("email"), "PASSWORD_RESET_LIMIT", "PASSWORD_RESET_WINDOW"),
        Limit("ip", "PASSWORD_RESET_LIMIT", "PASSWORD_RESET_WINDOW", factor=4),
    ),
    "PASSWORD_RESET_WINDOW",
)
SIGNUP = Throttle("signup", (Limit("ip", "SIGNUP_LIMIT", "SIGNUP_WINDOW"),), "SIGNUP_WINDOW")
API_TOKEN_FAILURES = Throttle(
    "api-token-failures",
    (Limit("ip", "API_TOKEN_FAILURE_LIMIT", "API_TOKEN_FAILURE_WINDOW"),),
    "API_TOKEN_FAILURE_WINDOW",
    method=ALL,  # the API's GETs too
)


def failed_logins_throttled(view):
    """A login view (the site's or the admin's) that refuses a client or a
    username with too many failed attempts, the right password included."""

    @wraps(view)
    def throttled(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        if LOGIN.reached(request):
            return LOGIN.refuse(request)
        response = view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            LOGIN.count(request)
        return response

    return throttled


def requests_throttled(throttle: Throttle):
    """A view whose every POST counts against *throttle*."""

    def decorate(view):
        @wraps(view)
        def throttled(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST" and throttle.count(request):
                return throttle.refuse(request)
            return view(request, *args, **kwargs)

        return throttled

    return decorate
