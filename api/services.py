"""Writes of access tokens: made, used, revoked."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from api.models import AccessToken
from api.selectors import PREFIX, token_digest

LAST_USED_EVERY = timedelta(seconds=60)  # a client polling a result should not write on every request
MAX_TOKENS = 20  # live tokens per user
# Lifetimes offered, in days. No "never": a token on a laptop or in a CI secret
# outlives the memory of it, and a year is short enough to notice a leak's end.
LIFETIMES = (30, 90, 365)
DEFAULT_LIFETIME = 90


class TokenRefused(Exception):
    pass


def token_create(*, user, name: str, scopes: list[str], days: int = DEFAULT_LIFETIME) -> tuple[AccessToken, str]:
    """A new token for *user*, ending in *days* (one of LIFETIMES), and its
    secret, which is never stored and so can be shown only now."""
    name = name.strip()
    scopes = [s for s in AccessToken.Scope.values if s in set(scopes)]  # known ones, in a fixed order
    if not name:
        raise TokenRefused("Give the token a name, to tell it from your others.")
    if not scopes:
        raise TokenRefused("Choose at least one scope.")
    if days not in LIFETIMES:
        raise TokenRefused(f"Choose a lifetime of {', '.join(map(str, LIFETIMES))} days.")
    now = timezone.now()
    if AccessToken.objects.filter(user=user, revoked=None, expires_at__gt=now).count() >= MAX_TOKENS:
        raise TokenRefused(f"You have {MAX_TOKENS} live tokens; revoke one first.")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name[:80],
        digest=token_digest(secret),
        hint=secret[: len(PREFIX) + 6],
        scopes=scopes,
        expires_at=now + timedelta(days=days),
    )
    return token, secret


def token_revoke(*, user, pk: int) -> bool:
    """Revoke *user*'s token *pk*; False when they have no such token not revoked
    (an expired one may be revoked: it says so on the list)."""
    return AccessToken.objects.filter(pk=pk, user=user, revoked=None).update(revoked=timezone.now()) == 1


def token_touch(token: AccessToken) -> None:
    """Record that *token* was used, at most once a minute (one conditional update)."""
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= LAST_USED_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
