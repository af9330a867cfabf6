"""Personal access tokens: made and revoked on the profile page (CSRF-checked
forms), stored hashed, shown once, scoped; and what the API does with a token
that is missing, wrong, revoked, out of scope, or another user's."""

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from api.models import AccessToken
from api.services import MAX_TOKENS, TokenRefused, token_create, token_revoke
from api.tests.conftest import bearer
from gradebook.tests.conftest import make_submission

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def test_a_token_made_on_the_profile_page_is_shown_once_and_only_its_hash_is_kept(alice_client, alice):
    page = alice_client.get(reverse("profile"))
    assert b'action="/accounts/tokens/new/"' in page.content and b"csrfmiddlewaretoken" in page.content
    made = alice_client.post(reverse("token_new"), {"name": "laptop", "scopes": ["read", "submit"]})
    assert made.status_code == 201 and "no-store" in made["Cache-Control"]
    secret = made.context["secret"]
    assert secret.startswith("ngr_") and len(secret) >= 40 and secret.encode() in made.content
    token = AccessToken.objects.get(user=alice)
    assert (token.name, token.scopes) == ("laptop", ["read", "submit"])
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    # nothing stored or shown afterwards gives the secret back
    stored = " ".join(str(v) for v in AccessToken.objects.filter(pk=token.pk).values().get().values())
    assert secret not in stored and secret[len(token.hint) :] not in stored
    profile = alice_client.get(reverse("profile"))
    assert secret.encode() not in profile.content and token.hint.encode() in profile.content
    assert alice_client.get(ME, **bearer(secret)).json() == {"username": "alice", "token": "laptop",
                                                             "scopes": ["read", "submit"]}  # fmt: skip


def test_the_token_forms_are_csrf_protected(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(reverse("token_new"), {"name": "x", "scopes": ["read"]}).status_code == 403
    token, _ = token_create(user=alice, name="kept", scopes=["read"])
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 403
    assert AccessToken.objects.filter(user=alice).count() == 1 and AccessToken.objects.get().active


def test_a_token_needs_a_name_and_a_known_scope(alice_client, alice):
    for data in ({"name": " ", "scopes": ["read"]}, {"name": "x", "scopes": ["admin"]}, {"name": "x"}):
        response = alice_client.post(reverse("token_new"), data, follow=True)
        assert response.status_code == 200 and list(response.context["messages"])
    assert not AccessToken.objects.exists()


def test_a_revoked_token_gets_401_and_its_owner_alone_may_revoke_it(client, alice, bob):
    token, secret = token_create(user=alice, name="ci", scopes=["read"])
    assert client.get(ME, **bearer(secret)).status_code == 200
    client.force_login(bob)
    assert client.post(reverse("token_revoke", args=[token.pk]), follow=True).status_code == 200
    assert client.get(ME, **bearer(secret)).status_code == 200  # bob could not revoke alice's
    client.force_login(alice)
    client.post(reverse("token_revoke", args=[token.pk]))
    response = client.get(ME, **bearer(secret))
    assert response.status_code == 401 and response.json() == {"detail": "Unauthorized"}
    token.refresh_from_db()
    assert token.revoked is not None
    assert b"revoked" in client.get(reverse("profile")).content


@pytest.mark.parametrize(
    "header",
    [None, "Bearer ", "Bearer ngr_not-a-real-token", "Token ngr_x", "Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQtMQ=="],
)
def test_no_token_or_a_wrong_one_gets_401(client, alice, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/challenges", **extra)
    assert response.status_code == 401 and response.json() == {"detail": "Unauthorized"}


def test_a_signed_in_session_is_not_an_api_credential(alice_client, softmax):
    """A cookie is sent by the browser to whoever asks it to: the API takes none, so no page elsewhere
    can make it Submit as the learner (and the API needs no CSRF token)."""
    assert alice_client.get("/api/v1/challenges").status_code == 401
    response = alice_client.post(
        "/api/v1/challenges/softmax/submits", {"code": "x = 1\n"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_an_inactive_users_tokens_stop_working(client, alice):
    _, secret = token_create(user=alice, name="ci", scopes=["read"])
    alice.is_active = False
    alice.save()
    assert client.get(ME, **bearer(secret)).status_code == 401


def test_a_token_without_the_scope_gets_403_naming_it(client, alice, teacher, softmax):
    _, read_only = token_create(user=alice, name="r", scopes=["read"])
    response = client.post("/api/v1/challenges/softmax/submits", {"code": "x = 1\n"}, content_type="application/json",
                           **bearer(read_only))  # fmt: skip
    assert response.status_code == 403 and response.json() == {"detail": "This token does not hold the 'submit' scope."}
    _, submit_only = token_create(user=alice, name="s", scopes=["submit"])
    assert client.get("/api/v1/challenges", **bearer(submit_only)).status_code == 403
    _, teachers_read = token_create(user=teacher, name="t", scopes=["read", "submit"])
    assert client.get("/api/v1/courses", **bearer(teachers_read)).status_code == 403
    from grader.models import Submission

    assert not Submission.objects.exists()


def test_another_users_submission_is_404_to_a_learner_and_to_an_instructor_without_the_scope(
    client, alice, bob, teacher, softmax, token_for
):
    submission = make_submission(alice, softmax)
    url = f"/api/v1/submissions/{submission.pk}"
    assert client.get(url, **token_for(alice, "read")).status_code == 200
    response = client.get(url, **token_for(bob, "read"))
    assert response.status_code == 404 and response.json() == {"detail": "No such submission of yours."}
    # the instructor's role allows it; a token without the instructor scope does not
    assert client.get(url, **token_for(teacher, "read")).status_code == 404
    assert client.get(url, **token_for(teacher, "read", "instructor")).status_code == 200
    # and bob's list of submissions holds none of alice's
    assert client.get("/api/v1/submissions", **token_for(bob, "read")).json() == []


def test_last_used_is_recorded_at_most_once_a_minute(client, alice, django_assert_num_queries):
    token, secret = token_create(user=alice, name="ci", scopes=["read"])
    assert token.last_used is None
    client.get(ME, **bearer(secret))
    token.refresh_from_db()
    first = token.last_used
    assert first is not None
    with django_assert_num_queries(1):  # the token and its user, no write
        client.get(ME, **bearer(secret))
    token.refresh_from_db()
    assert token.last_used == first


def test_a_token_lasts_the_lifetime_chosen_and_no_other(alice_client, alice):
    before = timezone.now()
    made = alice_client.post(reverse("token_new"), {"name": "ci", "scopes": ["read"], "days": "30"})
    assert made.status_code == 201 and b"It expires" in made.content
    token = AccessToken.objects.get(user=alice)
    assert before + timedelta(days=30) <= token.expires_at <= timezone.now() + timedelta(days=30)
    for days in ("0", "3650", "never", ""):  # nothing longer than a year, and no token without an end
        response = alice_client.post(reverse("token_new"), {"name": "x", "scopes": ["read"], "days": days}, follow=True)
        assert "Choose a lifetime of 30, 90, 365 days." in [str(m) for m in response.context["messages"]]
    assert AccessToken.objects.count() == 1
    page = alice_client.get(reverse("profile"))
    assert b'<option value="90" selected>90 days</option>' in page.content
    assert b"365 days" in page.content and b"never" not in page.content.split(b'id="token-days"')[1][:400]


def test_the_default_lifetime_is_90_days(alice):
    token, _ = token_create(user=alice, name="ci", scopes=["read"])
    assert abs(token.expires_at - timezone.now() - timedelta(days=90)) < timedelta(minutes=1)


def test_an_expired_token_gets_401_saying_it_expired_and_the_profile_marks_it(client, alice):
    token, secret = token_create(user=alice, name="old laptop", scopes=["read"])
    assert client.get(ME, **bearer(secret)).status_code == 200
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(ME, **bearer(secret))
    assert response.status_code == 401
    detail = response.json()["detail"]
    assert detail.startswith("This token expired on ") and detail.endswith("; make a new one.")
    client.force_login(alice)
    row = client.get(reverse("profile")).content.decode().split('<tr class="expired">')[1].split("</tr>")[0]
    assert "old laptop" in row and "<strong>expired</strong>" in row


def test_expired_tokens_do_not_count_against_the_limit_of_live_ones(alice):
    for n in range(MAX_TOKENS):
        token_create(user=alice, name=f"t{n}", scopes=["read"])
    with pytest.raises(TokenRefused):
        token_create(user=alice, name="one more", scopes=["read"])
    AccessToken.objects.filter(user=alice).update(expires_at=timezone.now())
    token_create(user=alice, name="one more", scopes=["read"])


def test_a_client_sending_wrong_tokens_gets_429_past_the_limit_and_valid_tokens_are_never_slowed(
    client, alice, settings
):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    _, good = token_create(user=alice, name="ci", scopes=["read"])
    for _ in range(10):  # valid tokens are not counted
        assert client.get(ME, **bearer(good)).status_code == 200
    revoked, revoked_secret = token_create(user=alice, name="old", scopes=["read"])
    token_revoke(user=alice, pk=revoked.pk)
    expired, expired_secret = token_create(user=alice, name="older", scopes=["read"])
    AccessToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    for secret in ("ngr_guess", revoked_secret, expired_secret):  # each kind of wrong token counts
        assert client.get(ME, **bearer(secret)).status_code == 401
    response = client.get("/api/v1/challenges", **bearer("ngr_guess-again"))
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests with a wrong token; try again in 15 minutes."}
    # seconds until this client's window ends: at most the window, and the counter's own time left
    window = settings.API_TOKEN_FAILURE_WINDOW
    assert 0 < int(response["Retry-After"]) <= window
    usage = get_usage(response.wsgi_request, group="api-token-failures", key="ip",
                      rate=f"{settings.API_TOKEN_FAILURE_LIMIT}/{window}s", method=ALL)  # fmt: skip
    assert abs(int(response["Retry-After"]) - usage["time_left"]) <= 1
    assert client.get(ME, **bearer(expired_secret)).status_code == 429
    assert client.get(ME, **bearer(good)).status_code == 200  # a classmate behind the same address
    assert client.get(ME, REMOTE_ADDR="10.0.0.9", **bearer("ngr_guess")).status_code == 401  # another client


def test_a_token_without_the_scope_is_not_a_failed_attempt(client, alice, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 1
    _, submit_only = token_create(user=alice, name="s", scopes=["submit"])
    for _ in range(3):
        assert client.get(ME, **bearer(submit_only)).status_code == 403
    assert client.get(ME, **bearer("ngr_guess")).status_code == 401
