"""The Celery path for real: a worker process, not eager mode, grades end to end."""

from grader.services import submission_create
from grader.tests.worker import wait_until_done


def test_a_real_worker_grades_a_submit_and_a_run(worker, library, alice):
    from challenges.models import Challenge

    softmax = Challenge.objects.select_related("current_version").get(slug="softmax")
    submit = submission_create(user=alice, challenge=softmax, code=softmax.current_version.solution, kind="submit")
    done = wait_until_done(submit.pk, worker)
    assert (done.verdict, done.score, done.attempts) == ("passed", 1.0, 1)
    assert any(t["hidden"] for t in done.tests)

    run = submission_create(user=alice, challenge=softmax, code="def softmax(Z):\n    return Z / 0\n", kind="run")
    done = wait_until_done(run.pk, worker)
    assert done.verdict == "failed"
    assert "graded submission=" in worker.read_text()
