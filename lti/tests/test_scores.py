"""Assignment and Grade Services: a graded Submit's course score goes to the
link's line item on the test platform, retried while the platform is down,
and the last score sent is on the course's LMS page for its staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Membership
from grader.engine.results import GradingResult
from grader.models import Submission
from grader.services import submission_store_result
from lti.models import LtiContext, LtiUser, ScoreSync
from lti.services import score_sweep, scores_request
from lti.tests.conftest import launch, make_assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(client, registered, lms_course, lms, learner, softmax, eager, tool_keys_known):
    """The learner launched a challenge link with a line item; their user."""
    launch(client, lms, learner, custom={"challenge": "softmax"}, lineitem=lms.lineitem_url())
    client.logout()
    return LtiUser.objects.get(sub=learner.sub).user


def graded(user, challenge, score: float, kind=Submission.Kind.SUBMIT) -> Submission:
    """A Submit whose result is stored the way a worker stores it (the signal included)."""
    submission = Submission.objects.create(
        user=user, challenge=challenge, version=challenge.current_version, code="x = 1\n", kind=kind, seed=1
    )
    verdict = "passed" if score == 1 else "failed"
    submission_store_result(submission=submission, result=GradingResult(challenge.slug, verdict, score, []))
    return submission


def test_a_graded_submit_sends_its_score_to_the_line_item(
    linked, lms, learner, softmax, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        graded(linked, softmax, 1.0)
    [score] = lms.scores_for(learner.sub)
    assert (score["scoreGiven"], score["scoreMaximum"]) == (100, 100)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert score["lineitem"] == "/lineitems/1" and score["timestamp"]
    assert lms.tokens_issued[-1]["scope"] == "https://purl.imsglobal.org/spec/lti-ags/scope/score"
    sync = ScoreSync.objects.get(user=linked)
    assert (sync.status, sync.sent_given, sync.sent_maximum, sync.attempts) == ("sent", 100, 100, 1)


def test_the_best_submit_counts_not_the_last(linked, lms, learner, softmax, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        graded(linked, softmax, 1.0)
        graded(linked, softmax, 0.25)
    assert [s["scoreGiven"] for s in lms.scores_for(learner.sub)] == [100, 100]


def test_a_score_is_retried_while_the_lms_is_down(linked, lms, learner, softmax, django_capture_on_commit_callbacks):
    lms.down = 2
    with django_capture_on_commit_callbacks(execute=True):
        graded(linked, softmax, 1.0)
    assert lms.down == 0 and len(lms.scores_for(learner.sub)) == 1
    sync = ScoreSync.objects.get(user=linked)
    assert (sync.status, sync.attempts, sync.error) == ("sent", 3, "")


def test_a_score_the_lms_never_takes_is_failed_and_the_instructor_sends_it_again(
    client, linked, lms, learner, instructor, softmax, settings, django_capture_on_commit_callbacks
):
    settings.LTI_SCORE_MAX_RETRIES = 2
    lms.down = 100
    with django_capture_on_commit_callbacks(execute=True):
        graded(linked, softmax, 1.0)
    sync = ScoreSync.objects.get(user=linked)
    assert lms.down == 97  # three tries: the first and two retries
    assert sync.status == "failed" and "did not answer after 3 tries" in sync.error and "503" in sync.error
    assert lms.scores == []

    launch(client, lms, instructor)  # the course's instructor, through the LMS
    course = LtiContext.objects.get().course
    page = client.get(f"/lti/courses/{course.pk}/").content.decode()
    assert "Failed" in page and "Send again" in page
    lms.down = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/lti/courses/{course.pk}/scores/{sync.pk}/resend/")
    assert response.status_code == 302
    assert [s["scoreGiven"] for s in lms.scores_for(learner.sub)] == [100]
    page = client.get(f"/lti/courses/{course.pk}/").content.decode()
    assert "100 / 100" in page and "Sent" in page


def test_a_refused_score_is_failed_at_once(linked, lms, softmax, django_capture_on_commit_callbacks):
    from lti.models import ResourceLink

    ResourceLink.objects.update(lineitem_url=lms.url + "/no-such-lineitem")  # the platform answers 404
    with django_capture_on_commit_callbacks(execute=True):
        graded(linked, softmax, 1.0)
    sync = ScoreSync.objects.get(user=linked)
    assert (sync.status, sync.attempts) == ("failed", 1) and "404" in sync.error


def test_runs_previews_and_other_users_send_nothing(linked, lms, alice, softmax, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        graded(linked, softmax, 1.0, kind=Submission.Kind.RUN)
        graded(alice, softmax, 1.0)  # no LMS account
    assert lms.scores == [] and not ScoreSync.objects.exists()


def test_a_learner_who_left_the_course_sends_nothing(linked, lms, softmax, django_capture_on_commit_callbacks):
    Membership.objects.filter(user=linked).update(left=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        graded(linked, softmax, 1.0)
    assert lms.scores == []


def test_an_assignment_link_sends_the_assignments_course_score(
    client,
    registered,
    lms_course,
    lms,
    learner,
    instructor,
    library,
    eager,
    tool_keys_known,
    django_capture_on_commit_callbacks,
):
    from challenges.models import Challenge

    launch(client, lms, instructor)
    course = LtiContext.objects.get().course
    softmax, cross_entropy = Challenge.objects.get(slug="softmax"), Challenge.objects.get(slug="cross-entropy")
    assignment = make_assignment(course, [softmax, cross_entropy])
    client.logout()
    launch(client, lms, learner, resource_link="link-a", custom={"assignment": str(assignment.pk)},
           lineitem=lms.lineitem_url("a"))  # fmt: skip
    user = LtiUser.objects.get(sub=learner.sub).user
    with django_capture_on_commit_callbacks(execute=True):
        graded(user, softmax, 1.0)
    [score] = lms.scores_for(learner.sub)
    points = softmax.current_version.points + cross_entropy.current_version.points
    assert (score["scoreGiven"], score["scoreMaximum"], score["lineitem"]) == (100, points, "/lineitems/a")


def test_the_sweeper_resends_a_score_left_pending(linked, lms, learner, softmax, django_capture_on_commit_callbacks):
    # stored two hours ago, its messages lost: outside a capture, on-commit work never runs
    graded(linked, softmax, 1.0)
    scores_request(user_id=linked.pk, challenge_id=softmax.pk, now=timezone.now() - timedelta(hours=2))
    assert ScoreSync.objects.get(user=linked).status == "pending" and lms.scores == []
    with django_capture_on_commit_callbacks(execute=True):
        assert score_sweep() == {"resent": 1}
    assert [s["scoreGiven"] for s in lms.scores_for(learner.sub)] == [100]
    with django_capture_on_commit_callbacks(execute=True):
        assert score_sweep() == {"resent": 0}  # sent: nothing left to send
