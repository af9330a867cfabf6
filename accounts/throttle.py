"""Failed logins are counted per username and per client address in the cache;
past the limit, further attempts are refused until the window passes."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _keys(request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "unknown")
    return [f"login-fail:user:{username.strip().lower()}", f"login-fail:addr:{address}"]


def login_blocked(request, username: str) -> bool:
    limits = (settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_LIMIT * 4)  # an address may serve several people
    return any((cache.get(key) or 0) >= limit for key, limit in zip(_keys(request, username), limits, strict=True))


def login_failed(request, username: str) -> None:
    for key in _keys(request, username):
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)


def login_succeeded(request, username: str) -> None:
    cache.delete(_keys(request, username)[0])
