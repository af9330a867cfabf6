"""The Celery path for real: a worker process, not eager mode, grades end to end."""

import os
import time

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from conftest import require
from grader.models import Submission
from grader.services import submission_create
from grader.tasks import grade_submission
from tests.support.worker import (
    WorkerProcess,
    _descendants,
    _drop_broker_connections,
    filesystem_options,
    wait_until_done,
)


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


def test_a_worker_killed_mid_grading_is_recovered_exactly_once(
    broker_for_tests, transactional_db, tmp_path, library, alice, monkeypatch
):
    from challenges.models import Challenge

    # a queue, and with the filesystem broker a folder, of its own: away from the session's worker
    queue, queue_dir = f"fault-{tmp_path.name}", None
    if broker_for_tests[1] is not None:
        queue_dir = tmp_path / "queue"
        monkeypatch.setitem(celery_app.conf, "broker_transport_options", filesystem_options(queue_dir))
    _drop_broker_connections()
    # short bounds, so the sweeper acts within seconds; still above this grading's length
    env = {"GRADER_STUCK_RUNNING_SECONDS": "8", "GRADER_HOUSEKEEPING_SECONDS": "1"}
    softmax = Challenge.objects.select_related("current_version").get(slug="softmax")
    slow = "import time\ntime.sleep(0.3)\n" + softmax.current_version.solution  # every test re-executes the module
    first = WorkerProcess(queue, queue_dir, tmp_path / "first.log", **env)
    try:
        # stored as submission_create would, but sent to this test's queue
        submission = Submission.objects.create(
            user=alice, challenge=softmax, version=softmax.current_version, code=slow, kind="submit", seed=1
        )
        grade_submission.apply_async(args=[submission.pk], queue=queue)
        deadline = time.monotonic() + 60
        while Submission.objects.get(pk=submission.pk).status != "running":
            assert time.monotonic() < deadline, (tmp_path / "first.log").read_text()[-3000:]
            time.sleep(0.05)
    finally:
        first.kill()  # in the middle of the grading
    assert Submission.objects.get(pk=submission.pk).status == "running"

    second = WorkerProcess(queue, queue_dir, tmp_path / "second.log", **env)
    try:
        done = wait_until_done(submission.pk, tmp_path / "second.log", seconds=120)
    finally:
        second.stop()
    assert done.verdict == "passed"
    assert done.attempts == 2  # started by the first worker (lost with it), then graded once by the second
    assert "re-enqueued 1 stuck running" in (tmp_path / "second.log").read_text()
    monkeypatch.undo()
    _drop_broker_connections()


def test_the_worker_and_its_learner_processes_run_below_normal_priority(_shared_worker, worker, library, alice):
    """GRADER_WORKER_NICE: grading yields the CPU to pages and Submits. Learner
    processes start sessions (hence scheduling autogroups) of their own, which
    must not escape it."""
    from challenges.models import Challenge

    softmax = Challenge.objects.get(slug="softmax")
    submit = submission_create(user=alice, challenge=softmax, code="def softmax(Z):\n    return Z\n", kind="run")
    wait_until_done(submit.pk, worker)  # the sandbox is up, with a learner process on standby
    nice = settings.GRADER_WORKER_NICE
    assert nice > 0
    leaders, checked = [], 0
    for pid in [_shared_worker.proc.pid, *_descendants(_shared_worker.proc.pid)]:
        try:
            assert os.getpriority(os.PRIO_PROCESS, pid) == nice, pid
            if os.getsid(pid) == pid:
                leaders.append(pid)
            checked += 1
        except ProcessLookupError:  # a learner process that just ended
            continue
    assert checked >= 4  # the worker, its grading process, a zygote and a standby at least
    if not os.path.exists("/proc/self/autogroup"):
        return  # a kernel without autogroups: the nice values are the whole story

    def autogroup_nices() -> list[str]:
        found = []
        for pid in leaders:
            try:
                with open(f"/proc/{pid}/autogroup") as f:
                    found.append(f.read().split()[-1])
            except (ProcessLookupError, FileNotFoundError):  # a learner process that just ended
                continue
            except PermissionError:  # a learner process of another uid, not dumpable
                require(False, "reading a learner process's autogroup needs root")
        return found

    # A standby forked this instant has its session for a few microseconds
    # before it sets its autogroup's nice: look again until the picture settles.
    deadline = time.monotonic() + 5
    while set(autogroups := autogroup_nices()) != {str(nice)} and time.monotonic() < deadline:
        time.sleep(0.05)  # polling with a deadline
    assert len(autogroups) >= 2 and set(autogroups) == {str(nice)}  # the worker's session and learners'


def test_the_worker_keeps_its_database_connection_between_gradings(worker, library, alice, bob):
    """Celery's Django fixup would close it around every task; a new PostgreSQL
    connection (a server process forked) costs more than a grading's queries."""
    from challenges.models import Challenge

    if connection.vendor != "postgresql":
        pytest.skip("connections are counted on PostgreSQL (CI's second run)")
    softmax = Challenge.objects.get(slug="softmax")
    warm = submission_create(user=bob, challenge=softmax, code="def softmax(Z):\n    return Z\n", kind="run")
    wait_until_done(warm.pk, worker)  # the grading process has connected by now

    def sessions_so_far() -> int:
        # every connection ever made to this database, counted by the server
        with connection.cursor() as cursor:
            cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
            return cursor.fetchone()[0]

    before = sessions_so_far()
    for _ in range(3):
        run = submission_create(user=alice, challenge=softmax, code="def softmax(Z):\n    return Z\n", kind="run")
        wait_until_done(run.pk, worker)
    # one connection per grading without reuse; at most one here (the
    # housekeeping thread's may come of age meanwhile)
    assert sessions_so_far() - before <= 1
