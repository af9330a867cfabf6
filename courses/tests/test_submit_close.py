"""After the hard close a course learner's Submit is refused; Run still works.
The rule (courses.services.submit_refusal): refused only when every open-already
assignment holding the challenge, among the learner's current courses, has closed
for them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Membership
from courses.services import extension_grant, membership_end, submit_refusal
from courses.tests.conftest import DAY, HOUR, enrol, make_assignment
from grader.models import Draft, Submission
from grader.services import SubmissionRefused, submission_create

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def closed(course, challenges, now):
    """Softmax, in an assignment of alice's course that closed an hour ago."""
    return make_assignment(course, [challenges.softmax], opens=now - 3 * DAY, due=now - 2 * DAY, closes=now - HOUR)


def test_a_submit_after_the_close_is_refused_with_the_reason_and_the_code_kept(closed, alice, challenges):
    with pytest.raises(SubmissionRefused) as refused:
        submission_create(user=alice, challenge=challenges.softmax, code="x = 2\n", kind="submit")
    assert refused.value.status == 403
    assert "“Week 1” (Deep learning from scratch (Autumn 2026)) closed at" in str(refused.value)
    assert "Run still works" in str(refused.value)
    assert not Submission.objects.exists()
    assert Draft.objects.get(user=alice).code == "x = 2\n"  # a refused request loses nothing


def test_run_still_works_after_the_close(closed, alice, challenges):
    run = submission_create(user=alice, challenge=challenges.softmax, code="x = 1\n", kind="run")
    assert run.kind == "run"


def test_the_submit_page_shows_the_refusal_and_run_is_accepted(closed, alice_client, challenges):
    response = alice_client.post(reverse("grader:submit", args=["softmax"]), {"code": "x = 1\n"}, **HTMX)
    assert response.status_code == 403 and b"closed at" in response.content
    response = alice_client.post(reverse("grader:run", args=["softmax"]), {"code": "x = 1\n"}, **HTMX)
    assert response.status_code == 200 and Submission.objects.get().kind == "run"


def test_before_the_close_a_late_submit_is_stored(course, alice, challenges, now):
    make_assignment(course, [challenges.softmax], opens=now - 3 * DAY, due=now - DAY, closes=now + HOUR)
    assert submission_create(user=alice, challenge=challenges.softmax, code="x = 1\n", kind="submit").pk


def test_other_challenges_outsiders_staff_and_previews_are_not_refused(closed, alice, bob, tara, teacher, challenges):
    assert submit_refusal(user=alice, challenge=challenges.batch_norm, now=timezone.now()) is None
    for user in (bob, tara, teacher):
        assert submit_refusal(user=user, challenge=challenges.softmax, now=timezone.now()) is None
    preview = submission_create(user=alice, challenge=challenges.softmax, code="x\n", kind="submit", preview=True)
    assert preview.preview


def test_an_extension_reopens_submits_for_that_learner(closed, alice, challenges, now):
    extension_grant(assignment=closed, user=alice, due=now + DAY, closes=None)
    assert submit_refusal(user=alice, challenge=challenges.softmax, now=now) is None


def test_an_assignment_still_open_in_another_course_lets_the_submit_through(closed, alice, challenges, now):
    other = Course.objects.create(title="Other", join_code="OTHER")
    enrol(other, alice)
    make_assignment(other, [challenges.softmax], opens=now - DAY, due=now + DAY)
    assert submit_refusal(user=alice, challenge=challenges.softmax, now=now) is None


def test_an_assignment_not_yet_open_neither_refuses_nor_lets_through(closed, course, alice, challenges, now):
    make_assignment(course, [challenges.softmax], opens=now + DAY, due=now + 2 * DAY, title="Week 2")
    assert "Week 1" in submit_refusal(user=alice, challenge=challenges.softmax, now=now)
    closed.delete()
    assert submit_refusal(user=alice, challenge=challenges.softmax, now=now) is None


def test_leaving_the_course_lifts_its_close(closed, course, alice, challenges, now):
    membership_end(membership=Membership.objects.get(course=course, user=alice), now=now)
    assert submit_refusal(user=alice, challenge=challenges.softmax, now=now) is None


def test_the_check_costs_one_query_for_a_learner_with_no_assignment(alice, challenges, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert submit_refusal(user=alice, challenge=challenges.softmax, now=timezone.now()) is None
