"""Launches through Django's test client against the test platform on 127.0.0.1:
who is signed in, what course and membership a launch makes, what it opens,
and every tampered token refused with a clear page and no one signed in."""

import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import Membership
from lti.models import LtiContext, LtiUser, ResourceLink
from lti.tests.conftest import launch, login_initiation, make_assignment, signed_in
from tests.support.lti_platform import INSTRUCTOR, TEACHING_ASSISTANT, Person, rsa_key

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_a_learners_first_launch_makes_their_account_and_course_and_opens_the_challenge(
    client, registered, lms_course, lms, learner, softmax
):
    response, _, _ = launch(client, lms, learner, custom={"challenge": "softmax"}, lineitem=lms.lineitem_url())
    assert response.status_code == 302 and response["Location"] == "/challenges/softmax/"
    account = LtiUser.objects.select_related("user").get(platform=registered, sub=learner.sub)
    user = account.user
    assert signed_in(client) == str(user.pk)
    assert user.username.startswith("ada-lovelace-") and not user.has_usable_password()
    assert (user.first_name, user.last_name, user.email) == ("Ada", "Lovelace", "ada@example.com")
    context = LtiContext.objects.select_related("course").get(platform=registered, context_id=lms.context_id)
    assert context.course.title == "Machine learning 101" and not context.course.joining_open
    assert context.memberships_url == lms.url + "/memberships"
    membership = Membership.objects.get(course=context.course, user=user, left=None)
    assert membership.role == Membership.Role.LEARNER
    link = ResourceLink.objects.get(context=context, resource_link_id="link-1")
    assert (link.challenge, link.lineitem_url, link.score_scope) == (softmax, lms.lineitem_url(), True)
    assert client.get(response["Location"]).status_code == 200


def test_a_second_launch_is_the_same_user_and_an_email_alone_links_nobody(
    client, registered, lms_course, lms, learner, alice
):
    launch(client, lms, learner)
    first = LtiUser.objects.get(sub=learner.sub).user
    client.logout()
    launch(client, lms, learner)
    assert LtiUser.objects.get(sub=learner.sub).user == first and signed_in(client) == str(first.pk)
    # someone else at the LMS claims alice's email: a new user, never alice
    client.logout()
    impostor = Person("lms-someone-else", learner.roles, email=alice.email)
    launch(client, lms, impostor)
    assert signed_in(client) not in (str(alice.pk), str(first.pk))
    assert LtiUser.objects.get(sub="lms-someone-else").user != alice


def test_roles_map_to_course_roles_and_the_first_instructor_creates_the_course(client, registered, lms, instructor):
    response, _, _ = launch(client, lms, instructor)
    assert response["Location"] == "/lti/setup/"
    response = client.post("/lti/setup/", {"course": "new"})
    context = LtiContext.objects.select_related("course").get()
    user = User.objects.get(pk=signed_in(client))
    assert context.course.created_by == user
    assert Membership.objects.get(course=context.course, user=user).role == Membership.Role.INSTRUCTOR
    assert response["Location"] == f"/courses/{context.course.pk}/"  # a link that opens nothing yet: the course
    client.logout()
    launch(client, lms, Person("lms-ta", [INSTRUCTOR, TEACHING_ASSISTANT]))
    assert Membership.objects.get(course=context.course, user=signed_in(client)).role == Membership.Role.TA


def test_a_learner_launch_of_an_assignment_opens_it(client, registered, lms_course, lms, instructor, learner, softmax):
    launch(client, lms, instructor)
    course = LtiContext.objects.get().course
    assignment = make_assignment(course, [softmax])
    client.logout()
    response, _, _ = launch(client, lms, learner, resource_link="link-2", custom={"assignment": str(assignment.pk)})
    assert response["Location"] == f"/courses/{course.pk}/assignments/{assignment.pk}/"
    assert client.get(response["Location"]).status_code == 200
    assert ResourceLink.objects.get(resource_link_id="link-2").assignment == assignment


def test_a_link_to_another_courses_assignment_is_refused(
    client, registered, lms_course, lms, learner, teacher, softmax
):
    from courses.services import course_create

    other = course_create(user=teacher, title="Not yours", now=timezone.now())
    theirs = make_assignment(other, [softmax], title="Secret")
    response, _, _ = launch(client, lms, learner, custom={"assignment": str(theirs.pk)})
    assert response.status_code == 403 and b"not in this course" in response.content
    assert signed_in(client) is None


def test_an_observer_gets_no_role_and_is_not_signed_in(client, registered, lms_course, lms):
    observer = Person("lms-parent", ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"])
    response, _, _ = launch(client, lms, observer)
    assert response.status_code == 403 and signed_in(client) is None and not LtiUser.objects.exists()


OTHER_KEY = rsa_key()
TAMPERED = {
    # name: (launch arguments, words of the reason shown)
    "bad signature": (dict(key=OTHER_KEY), "signature does not match"),
    "unknown key id": (dict(key=OTHER_KEY, kid="not-the-platforms"), "key the platform does not publish"),
    "wrong audience": (dict(change={"aud": "another-tool"}), "issuer and client id"),
    "wrong audience among several": (dict(change={"aud": ["grader-tool", "x"], "azp": "x"}), "meant for another tool"),
    "expired": (dict(change={"exp": int(time.time()) - 120, "iat": int(time.time()) - 600}), "expired"),
    "no expiry": (dict(drop=("exp",)), "lacks a claim it must carry"),
    "wrong issuer": (dict(change={"iss": "https://evil.example"}), "issuer and client id"),
    "unknown deployment": (dict(change={"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "other"}), "deployment"),
    "nonce the tool never issued": (dict(change={"nonce": "made-up"}), "used already or has expired"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_a_tampered_launch_is_refused_with_a_clear_page_and_no_sign_in(client, registered, lms, learner, case):
    arguments, reason = TAMPERED[case]
    response, _, _ = launch(client, lms, learner, **arguments)
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Launch refused</h1>" in page and reason in page, page
    assert "Nobody was signed in" in page
    assert signed_in(client) is None
    assert not LtiUser.objects.exists() and not User.objects.exists() and not LtiContext.objects.exists()


def test_a_replayed_launch_is_refused(client, registered, lms_course, lms, learner):
    first, token, state = launch(client, lms, learner)
    assert first.status_code == 302
    del client.cookies[settings.SESSION_COOKIE_NAME]  # signed out; the login's state cookie stays
    replay = client.post("/lti/launch/", {"id_token": token, "state": state})  # the same token, state and cookie
    assert replay.status_code == 403 and b"used already" in replay.content, replay.content.decode()
    assert signed_in(client) is None


def test_a_launch_without_the_logins_state_cookie_is_refused(client, registered, lms_course, lms, learner):
    state, nonce = login_initiation(client, lms, learner)
    client.cookies.clear()  # another browser: it never started this login
    token = lms.id_token(lms.claims(learner, nonce=nonce))
    response = client.post("/lti/launch/", {"id_token": token, "state": state})
    assert response.status_code == 403 and b"did not start in this browser" in response.content
    assert signed_in(client) is None


def test_a_platform_switched_off_launches_nothing(client, registered, lms_course, lms, learner):
    registered.active = False
    registered.save()
    response = client.get("/lti/login/", lms.login_params(learner))
    assert response.status_code == 400 and b"Launch refused" in response.content


def test_the_jwks_serves_our_public_key_only(client, db):
    keys = client.get("/lti/jwks/").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["kid"] and keys[0]["alg"] == "RS256"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])  # no private part


def test_a_data_privacy_launch_is_refused_clearly_as_not_supported(client, registered, lms_course, lms, learner):
    claim = "https://purl.imsglobal.org/spec/lti/claim/"
    response, _, _ = launch(client, lms, learner, message_type="DataPrivacyLaunchRequest", for_user=learner.sub,
                            drop=(claim + "context", claim + "resource_link"))  # fmt: skip
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Launch refused</h1>" in page
    assert "does not support the LMS&#x27;s data privacy launches" in page
    assert signed_in(client) is None and not LtiUser.objects.exists()


def test_a_launch_of_a_message_type_nobody_knows_is_refused_clearly(client, registered, lms_course, lms, learner):
    response, _, _ = launch(client, lms, learner, message_type="LtiSomethingNewRequest")
    assert response.status_code == 403
    assert b"does not support this kind of LMS launch" in response.content and signed_in(client) is None
