import itertools
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from grader.models import Submission

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
_seeds = itertools.count(1)


def make_submission(
    user, challenge, *, verdict="failed", score=0.0, kind="submit", at=T0, preview=False, tests=(), version=None
) -> Submission:
    """A graded submission straight into the database, created at *at*."""
    submission = Submission.objects.create(
        user=user, challenge=challenge, version=version or challenge.current_version, code="def f(): pass\n",
        kind=kind, preview=preview, status=Submission.Status.DONE, verdict=verdict, score=score,
        tests=list(tests), seed=next(_seeds), duration_ms=12.5,
    )  # fmt: skip
    # auto_now_add ignores a given time
    Submission.objects.filter(pk=submission.pk).update(created=at)
    submission.created = at
    return submission


def results(**statuses) -> list[dict]:
    """Per-test results as the engine stores them: results(test_a="passed", test_b="failed")."""
    return [{"name": n, "status": s, "hidden": False, "message": "", "duration_ms": 1.0} for n, s in statuses.items()]


@pytest.fixture
def classroom(library, alice, bob, teacher, django_user_model):
    """Three learners with known results, and people and gradings that must not count."""
    from challenges.models import Challenge

    challenges = {c.slug: c for c in Challenge.objects.select_related("current_version")}
    softmax, xent = challenges["softmax"], challenges["cross-entropy"]
    carol = django_user_model.objects.create_user("carol", first_name="Carol", last_name="Smith")
    root = django_user_model.objects.create_superuser("root", "root@example.com", "root-password-1")
    dave = django_user_model.objects.create_user("dave", is_active=False)

    make_submission(alice, softmax, verdict="failed", score=0.5, at=T0)
    make_submission(alice, softmax, verdict="passed", score=1.0, at=T0 + timedelta(hours=1))
    make_submission(alice, softmax, verdict="passed", score=1.0, at=T0 + timedelta(hours=2))
    make_submission(alice, softmax, kind="run", verdict="failed", at=T0 + timedelta(hours=3))  # not an attempt
    make_submission(alice, xent, verdict="failed", score=0.25, at=T0 + timedelta(hours=1))
    make_submission(alice, xent, verdict="passed", score=1.0, preview=True)  # previews never count
    make_submission(bob, softmax, verdict="failed", score=0.75, at=T0 + timedelta(hours=2))
    for outsider in (teacher, root, dave):  # not learners
        make_submission(outsider, softmax, verdict="passed", score=1.0)
    return SimpleNamespace(alice=alice, bob=bob, carol=carol, softmax=softmax, xent=xent, challenges=challenges)
