"""A learner is served, signs in and signs up while the shared cache is away (a
Redis restart): sessions fall back to the database for reads
(config/sessions.py), throttles count nothing (accounts/throttle.py) and the
nav role's cache entry is left to expire (accounts/roles.py)."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.test import override_settings
from django.urls import reverse

# Nothing listens on port 1: every cache call fails to connect, as during a restart.
CACHE_AWAY = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


@pytest.fixture
def signed_in(client, db):
    user = get_user_model().objects.create_user("ada", password="pw-for-tests-only")
    session = DatabaseStore()  # stored as the cached_db engine writes through: in the database
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                    HASH_SESSION_KEY: user.get_session_auth_hash()})  # fmt: skip
    session.create()
    client.cookies["sessionid"] = session.session_key
    return client


@override_settings(CACHES=CACHE_AWAY, SESSION_ENGINE="config.sessions")
def test_pages_are_served_from_the_database_while_the_cache_is_away(signed_in):
    response = signed_in.get(reverse("challenges:list"))
    assert response.status_code == 200
    assert response.wsgi_request.user.username == "ada"


@override_settings(CACHES=CACHE_AWAY, SESSION_ENGINE="config.sessions")
def test_a_session_changed_while_the_cache_is_away_is_kept_in_the_database(signed_in):
    session = signed_in.session
    session["seen"] = 1
    session.save()  # the database write lands; the cache write is logged and skipped
    assert DatabaseStore(session.session_key).load()["seen"] == 1


@override_settings(CACHES=CACHE_AWAY, SESSION_ENGINE="config.sessions")
def test_an_unknown_session_is_no_session_while_the_cache_is_away(client, db):
    client.cookies["sessionid"] = "x" * 32
    response = client.get(reverse("challenges:list"))
    assert response.status_code in (200, 302) and not response.wsgi_request.user.is_authenticated


@override_settings(CACHES=CACHE_AWAY, SESSION_ENGINE="config.sessions")
def test_signing_in_works_while_the_cache_is_away(client, db):
    get_user_model().objects.create_user("ada", password="pw-for-tests-only")
    wrong = client.post(reverse("login"), {"username": "ada", "password": "wrong"})
    assert wrong.status_code == 200 and b"correct username and password" in wrong.content
    right = client.post(reverse("login"), {"username": "ada", "password": "pw-for-tests-only"})
    assert right.status_code == 302
    assert client.get(reverse("challenges:list")).wsgi_request.user.username == "ada"


@override_settings(CACHES=CACHE_AWAY, SESSION_ENGINE="config.sessions")
def test_signing_up_works_while_the_cache_is_away(client, db):
    password = "a-long-pass-phrase"
    fields = {"username": "grace", "email": "grace@example.com", "password1": password, "password2": password}
    assert client.post(reverse("signup"), fields).status_code == 302
    assert client.get(reverse("challenges:list")).wsgi_request.user.username == "grace"
