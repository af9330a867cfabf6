"""An LMS course nobody has linked yet: its instructor's first launch offers a
new course or one they instruct (a CSRF-checked form), and then goes on; a
learner's launch says the instructor has not set it up, and signs nobody in."""

import pytest
from django.test import Client
from django.utils import timezone

from courses.models import Course, Membership
from courses.services import course_create
from lti.models import LtiContext, LtiUser, ResourceLink
from lti.tests.conftest import launch, signed_in
from tests.support.lti_platform import INSTRUCTOR, TEACHING_ASSISTANT, Person

pytestmark = pytest.mark.django_db
DEEP_LINKING = "LtiDeepLinkingRequest"


def instructs(user, course) -> None:
    Membership.objects.create(course=course, user=user, role=Membership.Role.INSTRUCTOR, joined=timezone.now())


def test_a_learner_launching_into_an_unlinked_lms_course_is_told_and_not_signed_in(client, registered, lms, learner):
    response, _, _ = launch(client, lms, learner, custom={"challenge": "softmax"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Your instructor has not set up this tool for this LMS course yet." in page
    assert signed_in(client) is None and not LtiUser.objects.exists() and not LtiContext.objects.exists()
    ta = Person("lms-ta", [INSTRUCTOR, TEACHING_ASSISTANT])  # a TA does not decide it either
    assert launch(client, lms, ta)[0].status_code == 409


def test_an_instructor_links_the_lms_course_to_one_they_already_instruct(
    client, registered, lms, instructor, softmax, teacher
):
    # last term's LMS course, linked earlier by the same LMS account
    launch(client, lms, instructor)
    client.post("/lti/setup/", {"course": "new"})
    last_term = LtiContext.objects.get().course
    someone_elses = course_create(user=teacher, title="Not theirs", now=timezone.now())
    client.logout()
    lms.context_id = "course-101-copy"  # the LMS's copy of the course, a new context
    response, _, _ = launch(client, lms, instructor, custom={"challenge": "softmax"})
    assert response["Location"] == "/lti/setup/"
    page = client.get("/lti/setup/").content.decode()
    assert f'value="{last_term.pk}"' in page and "Not theirs" not in page and 'value="new"' in page
    # a course they do not instruct is refused, whatever the form is made to send
    refused = client.post("/lti/setup/", {"course": str(someone_elses.pk)}, follow=True)
    assert b"only to a course you instruct" in refused.content
    assert not LtiContext.objects.filter(context_id="course-101-copy").exists()
    response = client.post("/lti/setup/", {"course": str(last_term.pk)})
    assert response["Location"] == "/challenges/softmax/"  # the launch went on to its link
    assert LtiContext.objects.get(context_id="course-101-copy").course == last_term
    assert Course.objects.count() == 2
    assert ResourceLink.objects.get(context__context_id="course-101-copy").challenge == softmax
    assert client.get("/lti/setup/").status_code == 404  # nothing waits any more
    # and the learners' launches now land in it
    client.logout()
    learner = Person("lms-learner-9", ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"])
    assert launch(client, lms, learner, custom={"challenge": "softmax"})[0].status_code == 302
    assert Membership.objects.filter(course=last_term, user__lti_accounts__sub="lms-learner-9").exists()


def test_the_setup_form_is_csrf_protected_and_only_for_the_launching_instructor(
    registered, lms, instructor, alice, teacher
):
    client = Client(enforce_csrf_checks=True)
    launch(client, lms, instructor)
    assert client.post("/lti/setup/", {"course": "new"}).status_code == 403
    assert not LtiContext.objects.exists()
    other = Client()
    other.force_login(teacher)  # no launch of theirs waits
    assert (
        other.get("/lti/setup/").status_code == 404 and other.post("/lti/setup/", {"course": "new"}).status_code == 404
    )
    assert Client().get("/lti/setup/").status_code == 302  # to the login page


def test_a_deep_linking_launch_from_an_unlinked_course_goes_on_to_the_picker(
    client, registered, lms, instructor, softmax
):
    launch(client, lms, instructor, message_type=DEEP_LINKING)
    response = client.post("/lti/setup/", {"course": "new"})
    assert response.status_code == 200 and b"softmax" in response.content.lower()
    assert response.templates[0].name == "lti/deep_link.html"


def test_a_colleague_who_linked_it_meanwhile_wins(client, registered, lms, instructor, lms_course):
    """The page was open while another instructor linked the LMS course: no second course."""
    LtiContext.objects.all().delete()
    launch(client, lms, instructor)
    LtiContext.objects.create(platform=registered, context_id=lms.context_id, course=lms_course)
    response = client.post("/lti/setup/", {"course": "new"})
    assert response.status_code == 302 and Course.objects.count() == 1
    assert Membership.objects.get(user__lti_accounts__sub=instructor.sub).course == lms_course
