"""Validation and regrades go through Celery for real: a worker process runs them."""

import time

import pytest

from challenges.models import Challenge
from grader.models import Submission
from grader.services import submission_create
from studio.models import Regrade, ValidationRun
from studio.tests.conftest import pack_fields
from tests.support.worker import wait_until_done


def wait_for(condition, log, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not done after {seconds} s; worker log:\n{log.read_text()[-4000:]}")
        time.sleep(0.05)  # polling the database with a deadline


def test_validate_publish_and_regrade_run_in_a_worker(worker, teacher_client, teacher, alice):
    teacher_client.post("/studio/new/", pack_fields())
    teacher_client.post("/studio/double/validate/")
    run = ValidationRun.objects.get()
    wait_for(lambda: ValidationRun.objects.get(pk=run.pk).status == "done", worker)
    run.refresh_from_db()
    assert run.valid and set(run.runs) == {"reference", "triple"}
    assert teacher_client.get(f"/studio/validations/{run.pk}/").content.count(b"status passed") >= 2

    teacher_client.post("/studio/double/publish/")
    challenge = Challenge.objects.get(slug="double")
    submit = submission_create(
        user=alice, challenge=challenge, code="def double(x):\n    return x + x\n", kind="submit"
    )
    assert wait_until_done(submit.pk, worker).verdict == "passed"

    teacher_client.post("/studio/double/", pack_fields(points="20"))
    teacher_client.post("/studio/double/validate/")
    wait_for(lambda: not ValidationRun.objects.exclude(status="done").exists(), worker)
    teacher_client.post("/studio/double/publish/")
    teacher_client.post("/studio/double/regrade/", {"scope": "all"})
    regrade = Regrade.objects.get()
    wait_for(lambda: Regrade.objects.get(pk=regrade.pk).finished is not None, worker)
    regraded = Submission.objects.get(pk=submit.pk)
    assert (regraded.version.number, regraded.verdict, regraded.status) == (2, "passed", "done")
    page = teacher_client.get(f"/studio/regrades/{regrade.pk}/")
    assert b"1 of 1 submissions regraded" in page.content and b"0 learners</strong> changed verdict" in page.content
