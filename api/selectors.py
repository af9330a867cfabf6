"""Reads of access tokens."""

from __future__ import annotations

import hashlib

from django.db.models import F, QuerySet

from api.models import AccessToken

PREFIX = "ngr_"  # every token starts so: secret scanners and people can tell what it is


def token_digest(token: str) -> str:
    """What is stored of a token. A plain SHA-256 suffices: tokens carry 256
    random bits, so there is nothing to guess that a slow hash would protect."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_list(*, user) -> QuerySet[AccessToken]:
    """*user*'s tokens, live ones first, newest first."""
    return AccessToken.objects.filter(user=user).order_by(F("revoked").desc(nulls_first=True), "-created")


def token_for_secret(token: str) -> AccessToken | None:
    """The unrevoked token *token* is, with its active user, else None. It may
    have expired: the caller says so, rather than a bare 401."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    found = AccessToken.objects.select_related("user").filter(digest=token_digest(token), revoked=None).first()
    if found is None or not found.user.is_active:
        return None
    return found
