"""Reads of submissions and drafts. A learner only ever reads their own;
instructors and admins may read everyone's."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet

from accounts.roles import is_instructor
from challenges.models import Challenge
from grader.models import Draft, Submission

HISTORY_LENGTH = 20
HIDDEN_MESSAGE = "Hidden test: its inputs and expected values are not shown."


def submission_for_user(*, user, pk: int) -> Submission | None:
    """The submission if *user* may see it (their own, or anyone's for an instructor), else None."""
    submissions = Submission.objects.select_related("challenge", "version", "user").filter(pk=pk)
    # Their own first: the result fragment is polled several times per grading,
    # and asking for permissions costs two more queries each time.
    own = submissions.filter(user=user).first() if user.is_authenticated else None
    if own is not None or not is_instructor(user):
        return own
    return submissions.first()


def submission_history(*, user, challenge: Challenge, preview: bool = False) -> QuerySet[Submission]:
    """The learner's latest gradings (or an instructor's previews) on *challenge*."""
    mine = Submission.objects.filter(user=user, challenge=challenge, preview=preview)
    return mine.order_by("-created")[:HISTORY_LENGTH]


def challenge_progress(*, user, challenge: Challenge) -> dict:
    submits = Q(kind=Submission.Kind.SUBMIT, status=Submission.Status.DONE)
    stats = Submission.objects.filter(user=user, challenge=challenge, preview=False).aggregate(
        attempts=Count("pk", filter=submits),
        best_score=Max("score", filter=submits),
        passes=Count("pk", filter=submits & Q(verdict=Submission.Verdict.PASSED)),
    )
    return {
        "history": submission_history(user=user, challenge=challenge),
        "attempts": stats["attempts"],
        "best_score": stats["best_score"],
        "solved": stats["passes"] > 0,
    }


def editor_code_for(*, user, challenge: Challenge, from_submission: str | None = None) -> str:
    """What the editor opens with: a past submission's code if asked (the
    learner's own), else the draft, else the starter code."""
    if from_submission and from_submission.isdigit():
        submission = submission_for_user(user=user, pk=int(from_submission))
        if submission is not None and submission.user_id == user.pk and submission.challenge_id == challenge.pk:
            return submission.code
    draft = Draft.objects.filter(user=user, challenge=challenge).values_list("code", flat=True).first()
    return draft if draft is not None else challenge.current_version.starter


def queue_position(submission: Submission) -> int:
    """1 when next in line."""
    return Submission.objects.filter(status=Submission.Status.QUEUED, created__lt=submission.created).count() + 1


def public_tests(submission: Submission, reveal: bool = False) -> list[dict]:
    """Per-test rows as a learner sees them: hidden tests keep only name and
    outcome, unless *reveal* (an instructor, who may read the tests anyway)."""
    rows = []
    for t in submission.tests:
        row = {k: t.get(k) for k in ("name", "status", "hidden", "duration_ms")}
        row["message"] = t.get("message", "")
        if t.get("hidden") and not reveal:
            row["message"] = HIDDEN_MESSAGE if t.get("status") != "passed" else ""
        rows.append(row)
    return rows
