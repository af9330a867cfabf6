"""submission_create and submission_grade, on a real database."""

import pytest

from grader.models import Draft, Submission
from grader.services import SubmissionRefused, submission_create, submission_grade

pytestmark = pytest.mark.django_db


def solution(challenge) -> str:
    return challenge.current_version.solution


def test_it_stores_a_queued_submission_and_enqueues_after_commit(alice, softmax, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        submission = submission_create(user=alice, challenge=softmax, code=solution(softmax), kind="submit")
        assert callbacks == []  # nothing is sent before the row is committed
    assert len(callbacks) == 1
    assert submission.status == "queued"
    assert submission.version == softmax.current_version
    assert Draft.objects.get(user=alice, challenge=softmax).code == solution(softmax)


def test_grading_stores_verdict_score_tests_and_timings(alice, softmax):
    submission = submission_create(user=alice, challenge=softmax, code=solution(softmax), kind="submit")
    submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert (submission.status, submission.verdict, submission.score) == ("done", "passed", 1.0)
    assert submission.attempts == 1
    assert submission.started and submission.finished and submission.duration_ms > 0
    assert {t["name"] for t in submission.tests} >= {"test_large_logits_do_not_overflow", "test_extreme_logits"}
    assert any(t["hidden"] for t in submission.tests)


def test_run_grades_the_sample_tests_only(alice, softmax):
    submission = submission_create(user=alice, challenge=softmax, code=solution(softmax), kind="run")
    submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.verdict == "passed"
    assert submission.tests and not any(t["hidden"] for t in submission.tests)


def test_a_duplicate_message_grades_nothing_twice(alice, softmax):
    submission = submission_create(user=alice, challenge=softmax, code=solution(softmax), kind="submit")
    assert submission_grade(submission_id=submission.pk) is not None
    assert submission_grade(submission_id=submission.pk) is None
    submission.refresh_from_db()
    assert submission.attempts == 1


def test_broken_code_is_a_result_not_a_task_error(alice, softmax):
    submission = submission_create(
        user=alice, challenge=softmax, code="def softmax(Z):\n    return Z +\n", kind="submit"
    )
    submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.verdict == "error"
    assert submission.error_line == 2
    assert "SyntaxError" in submission.error


def test_learner_output_and_failures_are_stored(alice, softmax):
    code = (
        "import numpy as np\ndef softmax(Z):\n    print('debugging', Z.shape)\n    return np.exp(Z) / np.exp(Z).sum()\n"
    )
    submission = submission_create(user=alice, challenge=softmax, code=code, kind="run")
    submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.verdict == "failed"
    assert "debugging (3,)" in submission.stdout
    assert 0 < submission.score < 1


def test_code_over_64_kib_is_refused_and_the_draft_kept(alice, softmax):
    with pytest.raises(SubmissionRefused, match="limit is 64 KiB") as exc:
        submission_create(user=alice, challenge=softmax, code="#" * (64 * 1024 + 1), kind="submit")
    assert exc.value.status == 413
    assert not Submission.objects.exists()


def test_one_grading_in_flight_per_user(alice, bob, softmax):
    submission_create(user=alice, challenge=softmax, code="first = 1\n", kind="submit")
    with pytest.raises(SubmissionRefused, match="still in progress") as exc:
        submission_create(user=alice, challenge=softmax, code="second = 2\n", kind="submit")
    assert exc.value.status == 409
    # nothing lost: the refused code is the draft
    assert Draft.objects.get(user=alice, challenge=softmax).code == "second = 2\n"
    # another learner is not held up
    submission_create(user=bob, challenge=softmax, code="x = 1\n", kind="submit")


def test_gradings_per_window_are_limited(alice, softmax, settings):
    settings.GRADER_RATE_LIMIT = 3
    for _ in range(3):
        s = submission_create(user=alice, challenge=softmax, code="x = 1\n", kind="run")
        Submission.objects.filter(pk=s.pk).update(status="done", verdict="error")
    with pytest.raises(SubmissionRefused, match="used your 3 gradings for the last 10 minutes"):
        submission_create(user=alice, challenge=softmax, code="x = 1\n", kind="run")


# Right or wrong by a bit of each hidden input's bytes (the sample inputs are small and fixed):
# with inputs drawn per grading, which hidden tests pass would change from one Submit to the next.
INPUT_DEPENDENT = """import zlib
import numpy as np


def softmax(Z):
    Z = np.asarray(Z, dtype=float)
    e = np.exp(Z - Z.max(axis=-1, keepdims=True))
    right = e / e.sum(axis=-1, keepdims=True)
    return right if Z.size <= 6 or zlib.crc32(Z.tobytes()) % 2 else right * 2
"""


def test_the_same_code_gets_the_same_score_whoever_submits_it_and_however_often(alice, bob, softmax):
    from challenges.models import ChallengeVersion
    from grader.engine.judge import default_judge

    outcomes = set()
    for user in (alice, bob, alice):
        submission = submission_create(user=user, challenge=softmax, code=INPUT_DEPENDENT, kind="submit")
        submission = submission_grade(submission_id=submission.pk)
        outcomes.add((submission.seed, submission.score, tuple(t["status"] for t in submission.tests)))
    assert len(outcomes) == 1
    assert next(iter(outcomes))[0] == ChallengeVersion.grading_seed(softmax.current_version_id)
    # and the inputs do decide: other seeds give other outcomes
    pack = softmax.current_version.pack()
    others = {tuple(t.status for t in default_judge().grade(pack, INPUT_DEPENDENT, seed=n).tests) for n in range(8)}
    assert len(others) > 1
