"""Token authentication for the API: ``Authorization: Bearer ngr_...`` only.

Sessions are not accepted: a browser sends its cookies to any site that asks,
so a cookie-authenticated API would need CSRF checks on every write. A header
is sent only by a client that holds the token, so there is nothing to forge.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from api.models import AccessToken
from api.selectors import token_for_secret
from api.services import token_touch


class TokenAuth(HttpBearer):
    """A live token holding *scope*: none is 401 (an expired one says so), one without the scope 403."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        found = token_for_secret(token.strip())
        if found is None:
            return None
        if found.expired:  # its owner should learn why, and make a new one
            raise HttpError(401, f"This token expired on {found.expires_at:%Y-%m-%d %H:%M} UTC; make a new one.")
        if self.scope not in found.scopes:
            raise HttpError(403, f"This token does not hold the '{self.scope}' scope.")
        token_touch(found)
        request.user = found.user  # what the services and selectors ask
        return found


READ, SUBMIT, INSTRUCTOR = (TokenAuth(scope) for scope in AccessToken.Scope.values)
