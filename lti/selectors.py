"""Reads for LTI: a course's LMS links and the scores sent for them, a learner's
score on a link, and what a submission review (the LMS's gradebook opening one
learner's work on a link) shows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from courses.models import Course
from courses.rules import days_late, penalty_factor
from courses.selectors import Access, AssignmentProgress, course_learners, courses_taught_to, learner_progress
from gradebook.selectors import learner_submissions
from grader.models import Submission
from lti.models import LtiContext, ResourceLink, ScoreSync


def course_contexts(*, course: Course) -> list[LtiContext]:
    return list(LtiContext.objects.filter(course=course).select_related("platform"))


def course_lms(*, course: Course) -> dict:
    """The course's LMS contexts, each link with what it opens and every learner's
    last score sent (three queries, whatever the numbers)."""
    contexts = course_contexts(course=course)
    links = list(
        ResourceLink.objects.filter(context__in=contexts)
        .select_related("assignment", "challenge")
        .order_by("context_id", "title", "pk")
    )
    scores = defaultdict(list)
    for sync in ScoreSync.objects.filter(link__in=links).select_related("user").order_by("user__username"):
        scores[sync.link_id].append(sync)
    return {"contexts": contexts, "links": [(link, scores[link.pk]) for link in links]}


# --- a learner's score on a link ----------------------------------------------------------


def challenge_best(*, user, challenge) -> tuple[int, float] | None:
    """(id, score) of *user*'s best graded Submit of *challenge*, the earliest of
    equal scores: what a challenge link scores. None: no graded Submit."""
    return (
        Submission.objects.filter(
            user=user, challenge=challenge, kind=Submission.Kind.SUBMIT, status=Submission.Status.DONE, preview=False
        )  # fmt: skip
        .exclude(verdict=Submission.Verdict.INTERNAL_ERROR)
        .exclude(score=None)
        .order_by("-score", "created", "pk")
        .values_list("pk", "score")
        .first()
    )


def _challenge_points(challenge) -> float:
    return float((challenge.current_version.points if challenge.current_version else 0) or 1)


def link_score(*, link: ResourceLink, user, now: datetime) -> tuple[float, float, bool]:
    """(points earned, points possible, whether any Submit counts) of *user* on *link*:
    an assignment's course score (its dates and late policy applied), or for a
    challenge their best graded Submit."""
    if link.assignment_id:
        [progress] = learner_progress(user=user, assignments=[link.assignment], now=now)
        return progress.earned, float(progress.points or 1), any(i.best for i in progress.items)
    points = _challenge_points(link.challenge)
    best = challenge_best(user=user, challenge=link.challenge)
    return (best[1] if best else 0.0) * points, points, best is not None


# --- submission review ----------------------------------------------------------------------


def link_staff_may_read(*, user, submission) -> bool:
    """Whether *user* teaches (instructor or TA, now) a course that *submission*'s
    author is a current learner of and whose LMS link opens its challenge: the
    course sets that challenge as surely as an assignment holding it does
    (``courses.selectors.course_staff_may_read``, which covers those). One query."""
    return ResourceLink.objects.filter(
        challenge_id=submission.challenge_id,
        context__course_id__in=courses_taught_to(user=user, learner_id=submission.user_id),
    ).exists()


def allow_link_staff(sender, *, user, submission, **kwargs) -> bool:
    """grader.selectors.submission_read_requested's receiver: link_staff_may_read's answer."""
    return link_staff_may_read(user=user, submission=submission)


def may_review(*, access: Access | None, learner_id: int | None) -> bool:
    """Whom a course member may review: its staff any learner, a learner only
    themselves (*learner_id* None: someone we do not know)."""
    if access is None:
        return False
    return access.is_staff or (
        learner_id is not None and access.membership is not None and access.membership.user_id == learner_id
    )


def reviewable_links():
    """The links a submission review may be of: those that open an assignment or a challenge."""
    return ResourceLink.objects.select_related("context", "assignment", "challenge__current_version").filter(
        Q(assignment__isnull=False) | Q(challenge__isnull=False)
    )


def review_learner(*, course: Course, user_id: int):
    """The current learner *user_id* of *course*, or None: there is nothing of theirs to review here."""
    return course_learners(course=course).filter(pk=user_id).first()


@dataclass(frozen=True)
class ReviewedSubmit:
    submission: Submission
    counts: bool  # the Submit that gives the score
    accepted: bool = True  # made while the assignment took Submits (by the learner's own dates)
    days_late: int = 0
    factor: float = 1.0  # what the late policy keeps of its score


@dataclass
class ReviewedChallenge:
    challenge: object
    submits: list[ReviewedSubmit] = field(default_factory=list)  # newest first


@dataclass
class Review:
    """One learner's work on one link, as the course's gradebook counts it."""

    link: ResourceLink
    learner: object
    earned: float
    points: float
    progress: AssignmentProgress | None  # an assignment's; None for a challenge link
    challenges: list[ReviewedChallenge]


def _submits(*, user, challenges) -> defaultdict[int, list[Submission]]:
    """*user*'s Submits of *challenges* by challenge id, newest first: one query."""
    by_challenge = defaultdict(list)
    for s in learner_submissions(user=user, challenges=challenges).filter(kind=Submission.Kind.SUBMIT):
        by_challenge[s.challenge_id].append(s)
    return by_challenge


def submission_review(*, link: ResourceLink, learner, now: datetime) -> Review:
    """*learner*'s Submits of what *link* opens, each marked as the course score
    counts it: for an assignment, its course progress (dates, extension, late
    policy) and per challenge which Submit counts, which the dates accepted and
    how late each was; for a challenge, the best graded Submit."""
    if link.assignment_id:
        assignment = link.assignment
        [progress] = learner_progress(user=learner, assignments=[assignment], now=now)
        dates, challenges = progress.dates, []
        per_day, floor = assignment.late_penalty_per_day, assignment.late_floor
        submits = _submits(user=learner, challenges=[item.item.challenge for item in progress.items])
        for item in progress.items:
            counted = item.best.submission_id if item.best else None
            reviewed = ReviewedChallenge(item.item.challenge)
            for s in submits[item.item.challenge.pk]:
                late = days_late(s.created, dates.due)
                reviewed.submits.append(ReviewedSubmit(s, s.pk == counted, dates.accepts(s.created), late,
                                                       penalty_factor(late, per_day=per_day, floor=floor)))  # fmt: skip
            challenges.append(reviewed)
        return Review(link, learner, progress.earned, float(progress.points), progress, challenges)
    challenge = link.challenge
    best = challenge_best(user=learner, challenge=challenge)
    reviewed = ReviewedChallenge(challenge)
    for s in _submits(user=learner, challenges=[challenge])[challenge.pk]:
        reviewed.submits.append(ReviewedSubmit(s, best is not None and s.pk == best[0]))
    points = _challenge_points(challenge)
    return Review(link, learner, (best[1] if best else 0.0) * points, points, None, [reviewed])
