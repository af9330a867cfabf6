"""An LMS launch in a real browser, graded by a real worker: a learner follows an
LMS link (the test platform on 127.0.0.1 signs the launch), lands on the
assignment signed in, submits a correct solution, and the platform receives
the score on the link's line item."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.services import course_create
from lti.models import Deployment, LtiContext, Platform, ScoreSync
from lti.tests.conftest import make_assignment
from tests.browser.conftest import GRADING_TIMEOUT_MS, editor_ready, set_editor_text
from tests.browser.test_learner import SEED_SOLUTION
from tests.support.lti_platform import INSTRUCTOR, LEARNER, Person, TestPlatform


@pytest.fixture
def lms(live_server):
    # "localhost", as the live server is named: the launch's state cookie is the
    # tool's SameSite=Lax cookie over plain HTTP, sent only within one site (on
    # HTTPS it is SameSite=None; Secure and crosses sites, as a real LMS needs)
    platform = TestPlatform(
        host="localhost", tool_launch_url=live_server.url + "/lti/launch/",
        tool_login_url=live_server.url + "/lti/login/", tool_jwks=live_server.url + "/lti/jwks/",
    )  # fmt: skip
    yield platform
    platform.stop()


def scores_received(lms: TestPlatform, sub: str, seconds: float = 30) -> list[dict]:
    deadline = time.monotonic() + seconds
    while not lms.scores_for(sub):
        if time.monotonic() > deadline:
            pytest.fail(
                f"the LMS received no score for {sub} in {seconds} s; syncs: {list(ScoreSync.objects.values())}"
            )
        time.sleep(0.05)  # polling what the platform recorded, with a deadline
    return lms.scores_for(sub)


def test_a_learner_launched_from_the_lms_submits_and_the_lms_receives_the_score(
    page, live_server, worker, lms, teacher, softmax
):
    registration = Platform.objects.create(**lms.registration())
    Deployment.objects.create(platform=registration, deployment_id=lms.deployment_id)
    # the course its instructor linked to the LMS course, with an assignment
    course = course_create(user=teacher, title="ML 101", now=timezone.now())
    LtiContext.objects.create(platform=registration, context_id=lms.context_id, course=course)
    assignment = make_assignment(course, [softmax])
    learner = Person("lms-learner-7", [LEARNER], given_name="Ada", family_name="Lovelace", email="ada@example.com")

    page.goto(lms.prepare(learner, resource_link="week-1", custom={"assignment": str(assignment.pk)},
                          lineitem=lms.lineitem_url("week-1")))  # fmt: skip
    expect(page.locator(".assignment-card h3")).to_contain_text("Week 1")
    assert page.url == f"{live_server.url}/courses/{course.pk}/assignments/{assignment.pk}/"
    expect(page.locator("header.top nav")).to_contain_text("ada-lovelace-")  # signed in, as the LMS's user
    page.get_by_role("link", name="Numerically stable softmax").click()
    editor_ready(page)
    set_editor_text(page, SEED_SOLUTION)
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#result")).to_have_attribute("data-verdict", "passed", timeout=GRADING_TIMEOUT_MS)

    [score] = scores_received(lms, learner.sub)
    points = softmax.current_version.points
    assert (score["scoreGiven"], score["scoreMaximum"], score["lineitem"]) == (points, points, "/lineitems/week-1")
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")


def test_an_instructor_sets_up_an_unlinked_lms_course_and_a_learner_then_gets_in(page, live_server, lms, softmax):
    registration = Platform.objects.create(**lms.registration())
    Deployment.objects.create(platform=registration, deployment_id=lms.deployment_id)
    learner = Person("lms-learner-8", [LEARNER], given_name="Ada")
    page.goto(lms.prepare(learner, custom={"challenge": "softmax"}))
    expect(page.locator("#lti-not-set-up")).to_contain_text("Your instructor has not set up this tool")

    page.context.clear_cookies()
    instructor = Person("lms-teacher-8", [INSTRUCTOR], given_name="Grace")
    page.goto(lms.prepare(instructor, custom={"challenge": "softmax"}))
    expect(page.locator("#lti-setup h1")).to_contain_text("Set up Machine learning 101")
    page.get_by_label("a new course here, named after the LMS course").check()
    page.get_by_role("button", name="Link and continue").click()
    expect(page).to_have_url(f"{live_server.url}/challenges/softmax/")
    course = LtiContext.objects.get(platform=registration).course
    assert course.title == "Machine learning 101"

    page.context.clear_cookies()
    page.goto(lms.prepare(learner, custom={"challenge": "softmax"}))
    expect(page).to_have_url(f"{live_server.url}/challenges/softmax/")
    assert course.memberships.filter(user__lti_accounts__sub=learner.sub, left=None).exists()
