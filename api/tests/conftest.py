import pytest

from api.services import token_create


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def token_for(db):
    """token_for(user, "read", "submit") -> the Authorization header of a new token of *user*'s."""

    def make(user, *scopes: str) -> dict:
        _, secret = token_create(user=user, name="test", scopes=list(scopes or ("read", "submit")))
        return bearer(secret)

    return make
