"""Reads: who may see which course, and learners' progress and course scores.

A course score is computed, never stored. For one learner, challenge and
assignment it is the best, over the learner's graded Submits of the challenge
that the assignment accepts (made from its open time and before the learner's
hard close, from whatever page), of the Submit's score times its late factor.
So a Submit counts for every assignment that holds the challenge and accepts
it, each with its own dates; the grader's own (practice) score is untouched.
Runs, instructors' previews and the grader's internal errors count for nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet

from courses.models import Assignment, AssignmentChallenge, Course, Extension, Membership, SimilarityRun
from courses.rules import Dates, days_late, effective_dates, penalty_factor
from grader.models import Submission

ADMIN = "admin"  # a superuser's role in a course they are not a member of
Role = Membership.Role


# --- access -------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """What a user is in a course; views ask it, never the role string."""

    course: Course
    role: str  # a Membership.Role, or ADMIN
    membership: Membership | None = None

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.INSTRUCTOR, ADMIN)

    @property
    def is_staff(self) -> bool:
        """Instructors, TAs and admins read everything in the course."""
        return self.role in (Role.INSTRUCTOR, Role.TA, ADMIN)

    @property
    def is_learner(self) -> bool:
        return self.role == Role.LEARNER


def course_access(*, user, course_id: int) -> Access | None:
    """*user*'s access to the course, or None: not signed in, not a member (a
    former one included) and not an admin. Views answer None with a 404, so a
    course's existence does not leak."""
    if not (user.is_authenticated and user.is_active):
        return None
    membership = Membership.objects.select_related("course").filter(course_id=course_id, user=user, left=None).first()
    if user.is_superuser:
        course = membership.course if membership else Course.objects.filter(pk=course_id).first()
        return Access(course, ADMIN, membership) if course else None
    if membership is None:
        return None
    return Access(membership.course, membership.role, membership)


def join_code_normal(code: str) -> str:
    """A join code as stored, from what a learner typed: case, spaces and dashes do not matter."""
    return "".join(c for c in code.upper() if c not in " -\t")


def course_for_code(code: str) -> Course | None:
    return Course.objects.filter(join_code=join_code_normal(code)).first()


def course_for_invite(*, user, code: str) -> tuple[Course | None, bool]:
    """The course an invite link's *code* names (None: rotated away or never
    was), and whether *user* is in it now."""
    course = course_for_code(code)
    member = course is not None and Membership.objects.filter(course=course, user=user, left=None).exists()
    return course, member


def membership_list_active(*, user) -> QuerySet[Membership]:
    """*user*'s current courses, newest first."""
    return Membership.objects.filter(user=user, left=None).select_related("course").order_by("-course__created")


ROLE_ORDER = {Role.INSTRUCTOR: 0, Role.TA: 1, Role.LEARNER: 2}


def course_roster(*, course: Course) -> tuple[list[Membership], list[Membership]]:
    """(current members, staff first then learners by username; former stints, latest first)."""
    rows = list(Membership.objects.filter(course=course).select_related("user", "removed_by"))
    current = sorted((m for m in rows if m.left is None), key=lambda m: (ROLE_ORDER[m.role], m.user.username))
    former = sorted((m for m in rows if m.left is not None), key=lambda m: m.left, reverse=True)
    return current, former


def course_learners(*, course: Course) -> QuerySet:
    """Users enrolled now as learners."""
    enrolled = Membership.objects.filter(course=course, role=Role.LEARNER, left=None).values("user_id")
    return get_user_model().objects.filter(pk__in=enrolled, is_active=True).order_by("username")


# --- assignments --------------------------------------------------------------


def assignment_list(*, access: Access, now: datetime) -> QuerySet[Assignment]:
    """The course's assignments *access* may see: all for staff; for learners
    only those open already (before its open time an assignment is invisible)."""
    assignments = Assignment.objects.filter(course=access.course)
    if not access.is_staff:
        assignments = assignments.filter(opens__lte=now)
    return assignments


def assignment_for_access(*, access: Access, assignment_id: int, now: datetime) -> Assignment | None:
    return assignment_list(access=access, now=now).filter(pk=assignment_id).first()


def assignment_items(*, assignments) -> dict[int, list[AssignmentChallenge]]:
    """Each assignment's challenges in order, with ``points`` (the current version's)."""
    items = (
        AssignmentChallenge.objects.filter(assignment__in=assignments)
        .select_related("challenge")
        .annotate(points=F("challenge__current_version__points"))
        .order_by("assignment_id", "position", "pk")
    )
    by_assignment: dict[int, list[AssignmentChallenge]] = defaultdict(list)
    for item in items:
        by_assignment[item.assignment_id].append(item)
    return by_assignment


# --- progress and course scores -----------------------------------------------


@dataclass(frozen=True)
class CountedSubmit:
    """The Submit that gives a learner's course score on one challenge."""

    submission_id: int
    created: datetime
    score: float  # the grader's score, 0..1
    days_late: int
    factor: float  # what the late policy keeps

    @property
    def course_score(self) -> float:
        return self.score * self.factor


@dataclass
class ItemProgress:
    item: AssignmentChallenge
    status: str = "new"  # solved (a passing Submit counted), attempted, new (not started)
    best: CountedSubmit | None = None

    @property
    def points(self) -> int:
        return self.item.points or 0

    @property
    def earned(self) -> float:
        return self.best.course_score * self.points if self.best else 0.0


@dataclass
class AssignmentProgress:
    assignment: Assignment
    dates: Dates
    state: str  # upcoming, open, late (past due, before the close), closed
    items: list[ItemProgress] = field(default_factory=list)

    @property
    def points(self) -> int:
        return sum(i.points for i in self.items)

    @property
    def earned(self) -> float:
        return sum(i.earned for i in self.items)

    @property
    def fraction(self) -> float | None:
        return self.earned / self.points if self.points else None

    @property
    def solved(self) -> int:
        return sum(i.status == "solved" for i in self.items)


def _submits(*, users, challenge_ids, since: datetime) -> QuerySet:
    return (
        Submission.objects.filter(
            user__in=users,
            challenge_id__in=challenge_ids,
            kind=Submission.Kind.SUBMIT,
            status=Submission.Status.DONE,
            preview=False,
            created__gte=since,
        )
        .exclude(verdict=Submission.Verdict.INTERNAL_ERROR)  # the grader's fault, not an attempt
        .order_by("created")
        .values_list("user_id", "pk", "challenge_id", "created", "score", "verdict")
    )


def assignment_progress(
    *, assignment: Assignment, items: list[AssignmentChallenge], extension: Extension | None, rows, now: datetime
) -> AssignmentProgress:
    """One learner's progress from their Submit *rows* (oldest first) of the assignment's challenges."""
    dates = effective_dates(assignment, extension)
    progress = {item.challenge_id: ItemProgress(item) for item in items}
    for pk, challenge_id, created, score, verdict in rows:
        p = progress.get(challenge_id)
        if p is None or not dates.accepts(created):
            continue
        if verdict == Submission.Verdict.PASSED:
            p.status = "solved"
        elif p.status == "new":
            p.status = "attempted"
        if score is None:
            continue
        late = days_late(created, dates.due)
        factor = penalty_factor(late, per_day=assignment.late_penalty_per_day, floor=assignment.late_floor)
        counted = CountedSubmit(pk, created, score, late, factor)
        if p.best is None or counted.course_score > p.best.course_score:
            p.best = counted  # the earliest of equal scores stays: ties go to the on-time Submit
    return AssignmentProgress(assignment, dates, dates.state(now), list(progress.values()))


def learners_progress(
    *, learners: list, assignments: list[Assignment], now: datetime, users=None
) -> dict[int, list[AssignmentProgress]]:
    """Each of *learners*' progress on each of *assignments* (any courses), by
    user id: three queries whatever the numbers (items, extensions, Submits).
    *users* may give the learners as a subquery, to spare a long list of ids."""
    if not assignments or not learners:
        return {u.pk: [] for u in learners}
    items = assignment_items(assignments=assignments)
    pks = [u.pk for u in learners]
    extensions = {
        (e.assignment_id, e.user_id): e
        for e in Extension.objects.filter(assignment__in=assignments, user__in=users if users is not None else pks)
    }
    challenge_ids = {i.challenge_id for its in items.values() for i in its}
    # each learner's Submits of each challenge, oldest first: an assignment walks only its own challenges'
    rows: dict[tuple[int, int], list] = defaultdict(list)
    since = min(a.opens for a in assignments)
    for user_id, *row in _submits(users=users if users is not None else pks, challenge_ids=challenge_ids, since=since):
        rows[user_id, row[1]].append(row)
    return {
        pk: [
            assignment_progress(
                assignment=a,
                items=items.get(a.pk, []),
                extension=extensions.get((a.pk, pk)),
                rows=[r for i in items.get(a.pk, []) for r in rows.get((pk, i.challenge_id), ())],
                now=now,
            )
            for a in assignments
        ]
        for pk in pks
    }


def learner_progress(*, user, assignments: list[Assignment], now: datetime) -> list[AssignmentProgress]:
    """*user*'s progress on each of *assignments* (any courses): three queries in all."""
    return learners_progress(learners=[user], assignments=assignments, now=now)[user.pk]


@dataclass
class DashboardCourse:
    membership: Membership
    assignments: list[AssignmentProgress]  # learners: open ones with progress; staff: none (they manage)

    @property
    def course(self) -> Course:
        return self.membership.course


def dashboard(*, user, now: datetime) -> list[DashboardCourse]:
    """The "My courses" page: each current course, with its open assignments' progress for a learner."""
    memberships = list(membership_list_active(user=user))
    learning = [m.course_id for m in memberships if m.role == Role.LEARNER]
    assignments = list(Assignment.objects.filter(course_id__in=learning, opens__lte=now))
    by_course: dict[int, list[AssignmentProgress]] = defaultdict(list)
    for p in learner_progress(user=user, assignments=assignments, now=now):
        by_course[p.assignment.course_id].append(p)
    return [DashboardCourse(m, by_course.get(m.course_id, [])) for m in memberships]


@dataclass
class LearnerScores:
    user: object
    progress: AssignmentProgress


def assignment_scores(*, assignment: Assignment, now: datetime) -> list[LearnerScores]:
    """Every current learner's progress on *assignment*, by username (for its staff)."""
    learners = course_learners(course=assignment.course)
    people = list(learners)
    progress = learners_progress(learners=people, assignments=[assignment], now=now, users=learners.values("pk"))
    return [LearnerScores(u, progress[u.pk][0]) for u in people]


def challenge_assignment_context(*, user, challenge, assignment_id, now: datetime) -> AssignmentProgress | None:
    """The assignment a challenge page was opened from (``?assignment=<id>``), with
    *user*'s progress on it, when *user* may see it and it holds *challenge*."""
    try:
        assignment_id = int(assignment_id)
    except (TypeError, ValueError):
        return None
    assignment = (
        Assignment.objects.select_related("course").filter(pk=assignment_id, items__challenge=challenge).first()
    )
    if assignment is None:
        return None
    access = course_access(user=user, course_id=assignment.course_id)
    if access is None or (not access.is_staff and assignment.opens > now):
        return None
    if not access.is_learner:  # staff see the dates, with no progress of their own
        items = assignment_items(assignments=[assignment]).get(assignment.pk, [])
        dates = effective_dates(assignment)
        return AssignmentProgress(assignment, dates, dates.state(now), [ItemProgress(i) for i in items])
    [progress] = learner_progress(user=user, assignments=[assignment], now=now)
    return progress


# --- similarity -------------------------------------------------------------------------


def final_submits(*, assignment: Assignment, challenge) -> list[Submission]:
    """Each current learner's final Submit of *challenge* for *assignment*: their
    last graded one that the assignment accepts (by their own dates), by the rule
    course scores follow (no Runs, previews or internal errors), by username."""
    learners = course_learners(course=assignment.course)
    extensions = {e.user_id: e for e in Extension.objects.filter(assignment=assignment, user__in=learners.values("pk"))}
    last: dict[int, int] = {}
    for user_id, pk, _, created, _, _ in _submits(
        users=learners.values("pk"), challenge_ids=[challenge.pk], since=assignment.opens
    ):  # oldest first: the last accepted one stays
        if effective_dates(assignment, extensions.get(user_id)).accepts(created):
            last[user_id] = pk
    return list(Submission.objects.filter(pk__in=last.values()).select_related("user").order_by("user__username"))


def similarity_runs(*, assignment: Assignment, challenge) -> QuerySet:
    """The similarity checks of *challenge* in *assignment*, latest first."""
    return SimilarityRun.objects.filter(assignment=assignment, challenge=challenge).select_related("requested_by")


def similarity_pairs(*, run) -> QuerySet:
    """*run*'s pairs, most alike first, with both learners."""
    return run.pairs.select_related("submission_a__user", "submission_b__user")


# --- the grader's question ------------------------------------------------------------


def courses_taught_to(*, user, learner_id: int) -> QuerySet:
    """The ids (a subquery) of the courses *user* teaches now (instructor or TA)
    that *learner_id* is a current learner of."""
    teaching = Membership.objects.filter(user=user, role__in=(Role.INSTRUCTOR, Role.TA), left=None)
    return Membership.objects.filter(
        user_id=learner_id, role=Role.LEARNER, left=None, course_id__in=teaching.values("course_id")
    ).values("course_id")


def course_staff_may_read(*, user, submission) -> bool:
    """Whether *user* teaches (instructor or TA, now) a course that *submission*'s
    author is a current learner of and that sets its challenge: then they may
    open it from the course gradebook. One query."""
    return AssignmentChallenge.objects.filter(
        challenge_id=submission.challenge_id,
        assignment__course_id__in=courses_taught_to(user=user, learner_id=submission.user_id),
    ).exists()


def allow_course_staff(sender, *, user, submission, **kwargs) -> bool:
    """grader.selectors.submission_read_requested's receiver: course_staff_may_read's answer."""
    return course_staff_may_read(user=user, submission=submission)
