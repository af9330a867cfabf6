"""Writes for grading: drafts, submissions, and storing what the engine found."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from challenges.models import Challenge
from grader.engine.judge import default_judge
from grader.models import Draft, Submission

log = logging.getLogger(__name__)


class SubmissionRefused(Exception):
    """A request the learner can fix or wait out; the message says which."""

    def __init__(self, message: str, status: int = 429) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status that says the same


def code_check(code: str) -> None:
    size = len(code.encode("utf-8", "surrogatepass"))
    limit = settings.GRADER_MAX_CODE_BYTES
    if size > limit:
        raise SubmissionRefused(f"Your code is {size / 1024:.1f} KiB; the limit is {limit // 1024} KiB.", status=413)


def draft_save(*, user, challenge: Challenge, code: str) -> Draft:
    code_check(code)
    draft, _ = Draft.objects.update_or_create(user=user, challenge=challenge, defaults={"code": code})
    return draft


def submission_create(*, user, challenge: Challenge, code: str, kind: str) -> Submission:
    """Store a grading request and enqueue it once the row is committed.

    The code is saved as the draft first, so a refused request loses nothing.
    """
    from grader.tasks import grade_submission

    draft_save(user=user, challenge=challenge, code=code)
    version = challenge.current_version
    if version is None:
        raise SubmissionRefused("This challenge has no content yet.", status=404)
    with transaction.atomic():
        # Serialise this user's requests, so two quick clicks cannot both pass
        # the checks below. (SQLite's IMMEDIATE transactions already do.)
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        in_flight = Submission.objects.filter(
            user=user, status__in=[Submission.Status.QUEUED, Submission.Status.RUNNING]
        )
        if in_flight.exists():
            raise SubmissionRefused(
                "A grading of yours is still in progress; wait for its result. Your code is saved.", status=409
            )
        limit, window = settings.GRADER_RATE_LIMIT, settings.GRADER_RATE_WINDOW
        recent = Submission.objects.filter(user=user, created__gte=timezone.now() - timedelta(seconds=window))
        if recent.count() >= limit:
            oldest = recent.order_by("created").values_list("created", flat=True).first()
            wait = max(1, int((oldest + timedelta(seconds=window) - timezone.now()).total_seconds() // 60) + 1)
            raise SubmissionRefused(
                f"You have used your {limit} gradings for the last {window // 60} minutes; "
                f"try again in {wait} minute{'s' if wait != 1 else ''}. Your code is saved."
            )
        submission = Submission.objects.create(
            user=user, challenge=challenge, version=version, code=code, kind=kind, seed=secrets.randbits(32)
        )
        transaction.on_commit(lambda: grade_submission.delay(submission.pk))
    return submission


def submission_grade(*, submission_id: int) -> Submission | None:
    """Grade a queued submission and store the result. Safe to call twice.

    Claiming is an atomic conditional update: a duplicate message, or a
    second worker, finds nothing to claim and grades nothing.
    """
    claimed = Submission.objects.filter(pk=submission_id, status=Submission.Status.QUEUED).update(
        status=Submission.Status.RUNNING, started=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        log.info("submission %s: not queued, nothing to grade", submission_id)
        return None
    submission = Submission.objects.select_related("version__challenge").get(pk=submission_id)
    result = default_judge().grade(
        submission.version.pack(),
        submission.code,
        run_only=submission.kind == Submission.Kind.RUN,
        seed=submission.seed,
    )
    submission.verdict = result.verdict
    submission.score = result.score
    submission.tests = [t.__dict__ for t in result.tests]
    submission.stdout = result.stdout
    submission.error = result.error
    submission.error_line = result.error_line
    submission.duration_ms = result.duration_ms
    submission.status = Submission.Status.DONE
    submission.finished = timezone.now()
    submission.save(
        update_fields=[
            "verdict",
            "score",
            "tests",
            "stdout",
            "error",
            "error_line",
            "duration_ms",
            "status",
            "finished",
        ]
    )
    wait_ms = (submission.started - submission.created).total_seconds() * 1000
    log.info(
        "graded submission=%s challenge=%s kind=%s verdict=%s score=%.3f queue_wait_ms=%.0f grading_ms=%.0f",
        submission.pk, submission.challenge.slug, submission.kind, submission.verdict, submission.score,
        wait_ms, submission.duration_ms,
    )  # fmt: skip
    return submission
