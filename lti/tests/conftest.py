from urllib.parse import parse_qs, urlsplit

import pytest

from lti.models import Deployment, Platform
from tests.support.lti_platform import INSTRUCTOR, LEARNER, Person, TestPlatform

LAUNCH_URL = "http://testserver/lti/launch/"


@pytest.fixture
def lms():
    """A test platform on 127.0.0.1, launching to the Django test client's host."""
    platform = TestPlatform(tool_launch_url=LAUNCH_URL, tool_login_url="http://testserver/lti/login/")
    yield platform
    platform.stop()


@pytest.fixture
def registered(db, lms) -> Platform:
    """The test platform registered in the admin, with its deployment."""
    platform = Platform.objects.create(**lms.registration())
    Deployment.objects.create(platform=platform, deployment_id=lms.deployment_id)
    return platform


@pytest.fixture
def learner() -> Person:
    return Person("lms-learner-1", [LEARNER], given_name="Ada", family_name="Lovelace", email="ada@example.com")


@pytest.fixture
def instructor() -> Person:
    return Person("lms-teacher-1", [INSTRUCTOR], given_name="Grace", family_name="Hopper", email="grace@example.com")


def login_initiation(client, lms: TestPlatform, person: Person) -> tuple[str, str]:
    """The LMS's login initiation: the tool answers with a redirect to the LMS's
    authorisation endpoint; its (state, nonce)."""
    response = client.get("/lti/login/", lms.login_params(person))
    assert response.status_code == 302, response.content
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(lms.url + "/auth?")
    assert query["redirect_uri"] == [LAUNCH_URL] and query["client_id"] == [lms.client_id]
    return query["state"][0], query["nonce"][0]


def launch(client, lms: TestPlatform, person: Person, *, key=None, kid=None, change=None, drop=(), **claims):
    """A whole launch through the test client: login initiation, then the id_token
    the LMS would post (signed with *key*, claims changed by *change* and *drop*)."""
    state, nonce = login_initiation(client, lms, person)
    body = lms.claims(person, nonce=nonce, **claims)
    body.update(change or {})
    for name in drop:
        body.pop(name)
    token = lms.id_token(body, key=key, kid=kid)
    return client.post("/lti/launch/", {"id_token": token, "state": state}), token, state


def signed_in(client):
    return client.session.get("_auth_user_id")


def make_assignment(course, challenges, title="Week 1"):
    """An assignment open since yesterday, due next week, no late penalty."""
    from datetime import timedelta

    from django.utils import timezone

    from courses.services import assignment_save

    now = timezone.now()
    fields = {"title": title, "opens": now - timedelta(days=1), "due": now + timedelta(days=7), "closes": None,
              "late_penalty_per_day": 0, "late_floor": 0}  # fmt: skip
    return assignment_save(course=course, fields=fields, challenges=challenges)


@pytest.fixture
def eager(monkeypatch):
    """Celery tasks run in this process as they are sent, retries too, at once (no
    countdown is waited). A task's error is not raised here (a retry could not
    chain): tests assert what the task left behind."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def tool_keys_known(client, lms, db):
    """The test platform knows our public keys (an LMS fetches them from the JWKS URL)."""
    lms.tool_jwks = client.get("/lti/jwks/").json()


@pytest.fixture
def lms_course(registered, lms):
    """The test platform's course already linked to a course here (as its instructor's set-up does)."""
    from courses.models import Course
    from lti.models import LtiContext

    course = Course.objects.create(title="Machine learning 101", join_code="LMS101", joining_open=False)
    return LtiContext.objects.create(platform=registered, context_id=lms.context_id, course=course,
                                     memberships_url=lms.url + "/memberships").course  # fmt: skip
