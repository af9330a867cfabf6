import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def attempt(client, password):
    return client.post(reverse("login"), {"username": "alice", "password": password})


def test_failed_logins_are_throttled_per_username(client, alice, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert attempt(client, "wrong").status_code == 200
    blocked = attempt(client, "alice-password-1")  # even the right password, for now
    assert blocked.status_code == 429
    assert b"Too many failed attempts" in blocked.content
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_count(client, alice, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, "alice-password-1").status_code == 302
    client.logout()
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, "alice-password-1").status_code == 302
