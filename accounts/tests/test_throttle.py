"""Every way in is throttled: the site's login, the admin's, password-reset
mail and sign-up, each per what it is about and per client."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.PASSWORD_RESET_LIMIT = 2
    settings.SIGNUP_LIMIT = 2
    cache.clear()
    yield
    cache.clear()


def log_in(client, url, username, password, address="127.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url", [reverse("login"), reverse("admin:login")])
def test_failed_logins_are_throttled_per_username_even_with_the_right_password(client, admin_user, url):
    for _ in range(3):
        assert log_in(client, url, "admin", "wrong").status_code == 200
    blocked = log_in(client, url, "admin", "password", address="10.0.0.9")  # from anywhere, for now
    assert blocked.status_code == 429
    assert b"Too many attempts" in blocked.content and b"Try again in 15 minutes" in blocked.content
    assert "_auth_user_id" not in client.session


def test_the_site_and_the_admin_share_one_count(client, admin_user):
    for url in (reverse("login"), reverse("admin:login"), reverse("login")):
        log_in(client, url, "admin", "wrong")
    assert log_in(client, reverse("admin:login"), "admin", "password").status_code == 429


def test_one_client_guessing_many_usernames_is_throttled(client, alice):
    for n in range(12):  # 4x a username's limit: an address may serve a classroom
        assert log_in(client, reverse("login"), f"user{n}", "wrong").status_code == 200
    assert log_in(client, reverse("login"), "alice", "alice-password-1").status_code == 429
    assert log_in(client, reverse("login"), "alice", "alice-password-1", address="10.0.0.2").status_code == 302


def test_a_proxy_header_names_the_client(client, alice, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    for n in range(12):
        client.post(reverse("login"), {"username": f"user{n}", "password": "x"}, HTTP_X_REAL_IP="192.0.2.1")
    other = client.post(
        reverse("login"), {"username": "alice", "password": "alice-password-1"}, HTTP_X_REAL_IP="192.0.2.2"
    )
    assert other.status_code == 302
    client.logout()
    same = client.post(
        reverse("login"), {"username": "alice", "password": "alice-password-1"}, HTTP_X_REAL_IP="192.0.2.1"
    )
    assert same.status_code == 429


def test_logging_in_right_is_not_counted(client, alice):
    for _ in range(5):
        assert log_in(client, reverse("login"), "alice", "alice-password-1").status_code == 302
        client.logout()


def reset(client, email, address="127.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_mail_is_throttled_per_address_asked_for(client, alice):
    assert reset(client, "alice@example.com").status_code == 302
    assert reset(client, "Alice@Example.com ", address="10.0.0.3").status_code == 302
    assert len(mail.outbox) == 2
    refused = reset(client, "alice@example.com", address="10.0.0.4")
    assert refused.status_code == 429 and b"Try again in 60 minutes" in refused.content
    assert len(mail.outbox) == 2


def test_password_reset_is_throttled_per_client(client, alice):
    for n in range(8):  # 4x the per-address limit, each for another address
        assert reset(client, f"nobody{n}@example.com").status_code == 302
    assert reset(client, "alice@example.com").status_code == 429
    assert mail.outbox == []
    assert reset(client, "alice@example.com", address="10.0.0.5").status_code == 302
    assert len(mail.outbox) == 1


def sign_up(client, name, address="127.0.0.1"):
    fields = {
        "username": name,
        "email": f"{name}@example.com",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
    }
    response = client.post(reverse("signup"), fields, REMOTE_ADDR=address)
    client.logout()
    return response


def test_sign_up_is_throttled_per_client(client, django_user_model):
    assert sign_up(client, "dave").status_code == 302
    assert sign_up(client, "erin").status_code == 302
    refused = sign_up(client, "frank")
    assert refused.status_code == 429
    assert not django_user_model.objects.filter(username="frank").exists()
    assert sign_up(client, "frank", address="10.0.0.6").status_code == 302


def test_pages_are_not_counted(client):
    for _ in range(5):
        assert client.get(reverse("signup")).status_code == 200
        assert client.get(reverse("password_reset")).status_code == 200
        assert client.get(reverse("admin:login")).status_code == 200
