"""Token authentication for the API: ``Authorization: Bearer ngr_...`` only.

Sessions are not accepted: a browser sends its cookies to any site that asks,
so a cookie-authenticated API would need CSRF checks on every write. A header
is sent only by a client that holds the token, so there is nothing to forge.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import errors
from ninja.errors import HttpError
from ninja.security import HttpBearer

from accounts.throttle import API_TOKEN_FAILURES
from api.models import AccessToken
from api.selectors import token_for_secret
from api.services import token_touch


class Throttled(errors.Throttled):
    """A 429 saying why, whose response carries ``Retry-After: wait`` (api.v1)."""

    def __init__(self, detail: str, wait: int) -> None:
        super().__init__(wait)
        self.message = detail


class TokenAuth(HttpBearer):
    """A live token holding *scope*: none is 401 (an expired one says so), one without the scope 403."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        found = token_for_secret(token.strip())
        if found is None or found.expired:
            self._count_failure(request)
        if found is None:
            return None
        if found.expired:  # its owner should learn why, and make a new one
            raise HttpError(401, f"This token expired on {found.expires_at:%Y-%m-%d %H:%M} UTC; make a new one.")
        if self.scope not in found.scopes:
            raise HttpError(403, f"This token does not hold the '{self.scope}' scope.")
        token_touch(found)
        request.user = found.user  # what the services and selectors ask
        return found

    @staticmethod
    def _count_failure(request: HttpRequest) -> None:
        """Count a wrong token against the client; past the limit, 429. Only
        failures count and only they are refused: a valid token (256 random
        bits, not guessable) keeps working from an address shared with a
        classroom whose scripts hold stale tokens."""
        if API_TOKEN_FAILURES.count(request):
            raise Throttled(
                f"Too many requests with a wrong token; try again in {API_TOKEN_FAILURES.minutes()} minutes.",
                API_TOKEN_FAILURES.seconds_left(request),
            )


READ, SUBMIT, INSTRUCTOR = (TokenAuth(scope) for scope in AccessToken.Scope.values)
