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
        assert studio_sweep() == {"validations": 2, "regrade items": 1}
    assert len(callbacks) == 3
    assert ValidationRun.objects.get(pk=crashed.pk).status == "queued"
    assert ValidationRun.objects.get(pk=lost.pk).enqueued > long_ago
    assert ValidationRun.objects.get(pk=fresh.pk).enqueued == fresh.enqueued
    assert RegradeItem.objects.get(pk=item.pk).enqueued > long_ago
    with django_capture_on_commit_callbacks(execute=False):
        assert studio_sweep() == {"validations": 0, "regrade items": 0}
