"""Validations and regrade items whose worker died, or whose message was lost,
are re-enqueued by the sweeper that every worker runs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from studio.models import Regrade, RegradeItem, ValidationRun
from studio.services import studio_sweep

pytestmark = pytest.mark.django_db


def test_the_sweeper_requeues_lost_validations_and_regrade_items(
    softmax, alice, settings, django_capture_on_commit_callbacks
):
    from grader.models import Submission

    settings.GRADER_STUCK_QUEUED_SECONDS = 60
    long_ago = timezone.now() - timedelta(hours=1)
    version = softmax.current_version
    lost = ValidationRun.objects.create(version=version, enqueued=long_ago)
    fresh = ValidationRun.objects.create(version=version)
    crashed = ValidationRun.objects.create(version=version, status="running", started=long_ago)
    submission = Submission.objects.create(
        user=alice, challenge=softmax, version=version, code="x = 1", kind="submit", seed=1, status="done"
    )
    regrade = Regrade.objects.create(challenge=softmax, version=version)
    item = RegradeItem.objects.create(
        regrade=regrade, submission=submission, old_version=version, old_verdict="failed", enqueued=long_ago
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert studio_sweep() == {"validations": 2, "regrade items": 1, "gave up": 0}
    assert len(callbacks) == 3
    assert ValidationRun.objects.get(pk=crashed.pk).status == "queued"
    assert ValidationRun.objects.get(pk=lost.pk).enqueued > long_ago
    assert ValidationRun.objects.get(pk=fresh.pk).enqueued == fresh.enqueued
    assert RegradeItem.objects.get(pk=item.pk).enqueued > long_ago
    with django_capture_on_commit_callbacks(execute=False):
        assert studio_sweep() == {"validations": 0, "regrade items": 0, "gave up": 0}


def test_the_sweeper_gives_up_on_validations_and_regrade_items_claimed_too_often(
    softmax, alice, settings, caplog, django_capture_on_commit_callbacks
):
    from grader.models import Submission

    settings.GRADER_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - timedelta(hours=1)
    version = softmax.current_version
    spent = ValidationRun.objects.create(version=version, status="running", started=long_ago, attempts=3)
    submission = Submission.objects.create(
        user=alice, challenge=softmax, version=version, code="x = 1", kind="submit", seed=1, status="done",
        verdict="passed", score=1.0,
    )  # fmt: skip
    regrade = Regrade.objects.create(challenge=softmax, version=version)
    item = RegradeItem.objects.create(
        regrade=regrade, submission=submission, old_version=version, old_verdict="passed", old_score=1.0,
        status="running", started=long_ago, attempts=3,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert studio_sweep() == {"validations": 0, "regrade items": 0, "gave up": 2}
    assert callbacks == []  # nothing sent again

    spent.refresh_from_db()
    assert (spent.status, spent.valid) == ("done", False) and "gave up after 3 attempts" in spent.problems[0]
    item.refresh_from_db()
    assert (item.status, item.new_verdict) == ("done", "internal_error")
    regrade.refresh_from_db()
    assert regrade.finished is not None  # its last item ended: a new regrade may start
    assert Submission.objects.get(pk=submission.pk).verdict == "passed"  # keeps the result it had
    assert f"gave up on validation run {spent.pk} after 3 attempts" in caplog.text
    assert f"gave up on regrade item {item.pk} after 3 attempts" in caplog.text
