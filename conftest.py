import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # MD5 keeps user creation in tests fast; production uses Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
