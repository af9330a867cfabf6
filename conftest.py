import os
from pathlib import Path

import pytest

# The real-worker fixtures, defined once for every test package: a plugin, not
# an import into each conftest, so there is one session worker and one broker.
pytest_plugins = ["tests.support.worker"]

# Tests that start a real worker or a browser: `make test-fast` leaves them out.
SLOW_FIXTURES = {"worker", "private_queue", "broker_for_tests", "page"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def require(condition: bool, reason: str) -> None:
    """Skip on a developer's machine when a server or browser is missing; in CI
    (CI=true) the same absence is a failure."""
    if condition:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # MD5 keeps user creation in tests fast; production uses Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # The throttles count in the cache; no test inherits another's counts.
    from django.core.cache import cache

    cache.clear()


# The five challenges the project started from: what most tests grade against. Importing the
# whole library (40+ packs) for every test that needs a challenge would cost a second each.
SEED_CHALLENGES = ("softmax", "cross-entropy", "batch-norm", "cosine-similarity", "softmax-gradient-step")


@pytest.fixture
def library(db):
    """The seed challenges of the shipped library, imported."""
    from django.conf import settings

    from challenges.services import challenge_import_folders

    challenge_import_folders(paths=[Path(settings.CHALLENGE_LIBRARY) / slug for slug in SEED_CHALLENGES])


@pytest.fixture
def whole_library(db):
    """Every shipped challenge and track, imported."""
    from django.conf import settings

    from challenges.services import challenge_import_folders

    challenge_import_folders(paths=[settings.CHALLENGE_LIBRARY])


@pytest.fixture
def softmax(library):
    from challenges.models import Challenge

    return Challenge.objects.select_related("current_version").get(slug="softmax")


@pytest.fixture
def alice(db, django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "alice-password-1")


@pytest.fixture
def bob(db, django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.com", "bob-password-1")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def teacher(db, django_user_model):
    """An instructor."""
    from accounts.roles import grant_instructor

    user = django_user_model.objects.create_user("teacher", "teacher@example.com", "teacher-password-1")
    grant_instructor(user)
    return user


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client
