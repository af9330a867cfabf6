"""Reads for a course's staff: the per-course gradebook, its CSV rows and an
assignment's analytics. Computed from the Submits like every course score
(courses/selectors.py), never stored.

Weighting, by points as a learner's own progress is: a cell is the course
score on one challenge of one assignment (best accepted Submit x late factor,
0..1); an assignment's percentage is its points earned (cell x the
challenge's points, summed) over its points; the course total is the points
earned over the points of every assignment that has opened (an assignment not
yet open is left out of the total and shows no percentage). A challenge in
two assignments counts in each, by each one's dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from courses.models import Assignment, AssignmentChallenge, Course
from courses.selectors import (
    AssignmentProgress,
    ItemProgress,
    assignment_items,
    course_learners,
    learners_progress,
)
from gradebook.selectors import ChallengeAnalytics, challenge_analytics, users_named

DEFAULT_SORT = "name"
NOT_SCORED = -1.0  # sorts below a score of 0


@dataclass
class GradebookAssignment:
    """An assignment's columns: its challenges, then its percentage."""

    assignment: Assignment
    items: list[AssignmentChallenge]
    opened: bool  # counted in the course total

    @property
    def sort_key(self) -> str:
        return f"a.{self.assignment.pk}"

    def item_sort_key(self, item: AssignmentChallenge) -> str:
        return f"c.{item.pk}"


@dataclass
class CourseRow:
    user: object
    progress: list[AssignmentProgress]  # one per assignment of the course, in course order
    opened: list[bool]  # which of them count in the total

    @property
    def full_name(self) -> str:
        return f"{self.user.first_name} {self.user.last_name}".strip()

    @property
    def points(self) -> int:
        return sum(p.points for p, counted in zip(self.progress, self.opened, strict=True) if counted)

    @property
    def earned(self) -> float:
        return sum(p.earned for p, counted in zip(self.progress, self.opened, strict=True) if counted)

    @property
    def total(self) -> float | None:
        """The course total, 0..1; None while no assignment with points has opened."""
        return self.earned / self.points if self.points else None


@dataclass
class CourseGradebook:
    course: Course
    assignments: list[GradebookAssignment]  # every assignment, in course order
    shown: list[int] = field(default_factory=list)  # indexes of the assignments shown (the filter)
    rows: list[CourseRow] = field(default_factory=list)  # filtered and sorted; the view paginates
    sort: str = DEFAULT_SORT  # the sort applied, after falling back from an unknown one

    @property
    def shown_assignments(self) -> list[GradebookAssignment]:
        return [self.assignments[i] for i in self.shown]


def _score(value: float | None) -> float:
    return NOT_SCORED if value is None else value


def _cell_score(i: int, j: int) -> Callable[[CourseRow], float]:
    def key(row: CourseRow) -> float:
        best = row.progress[i].items[j].best
        return best.course_score if best else NOT_SCORED

    return key


def _sorters(book: CourseGradebook) -> dict[str, Callable[[CourseRow], object]]:
    """Sort key -> the row's value, for the columns shown."""
    sorters: dict[str, Callable[[CourseRow], object]] = {"total": lambda r: _score(r.total)}
    for i in book.shown:
        column = book.assignments[i]
        sorters[column.sort_key] = lambda r, i=i: _score(r.progress[i].fraction)
        for j, item in enumerate(column.items):
            sorters[column.item_sort_key(item)] = _cell_score(i, j)
    return sorters


def course_gradebook(
    *, course: Course, now: datetime, name: str = "", assignment_id: int | str | None = None, sort: str = DEFAULT_SORT
) -> CourseGradebook:
    """The course's current learners (those named *name*) x its assignments'
    challenges (only assignment *assignment_id*'s, if it is one of them),
    sorted by *sort*: "name", "total", "a.<assignment id>" (its percentage)
    or "c.<assignment item id>" (a cell), "-" first for descending.

    Five queries whatever the numbers of learners and Submits: assignments,
    their challenges, learners, extensions, Submits. Sorting by a total needs
    every row, so sorting and paging happen here, as in the global gradebook.
    """
    assignments = list(Assignment.objects.filter(course=course))
    items = assignment_items(assignments=assignments)
    columns = [GradebookAssignment(a, items.get(a.pk, []), a.opens <= now) for a in assignments]
    book = CourseGradebook(course=course, assignments=columns)
    book.shown = [i for i, a in enumerate(assignments) if str(a.pk) == str(assignment_id)] or list(
        range(len(assignments))
    )
    learners = users_named(course_learners(course=course), name)
    people = list(learners)
    progress = learners_progress(learners=people, assignments=assignments, now=now, users=learners.values("pk"))
    opened = [c.opened for c in columns]
    rows = [CourseRow(u, progress[u.pk], opened) for u in people]

    sorters = _sorters(book)
    book.sort = sort if sort.removeprefix("-") in {DEFAULT_SORT, *sorters} else DEFAULT_SORT
    descending, key = book.sort.startswith("-"), book.sort.removeprefix("-")
    # by name first: the sort is stable, so ties stay in name order either way
    rows.sort(key=lambda r: (r.user.username.casefold(), r.user.pk))
    if key == DEFAULT_SORT:
        book.rows = rows[::-1] if descending else rows
    else:
        book.rows = sorted(rows, key=sorters[key], reverse=descending)
    return book


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 2)


def course_gradebook_export_rows(*, book: CourseGradebook) -> Iterator[list]:
    """The gradebook as an LMS gradebook import reads it: one row per learner
    (username, email, full name), a percentage (0-100) per assignment, blank
    for one not yet open, and the course total."""
    yield ["username", "email", "full_name", *(c.assignment.title for c in book.assignments), "course_total"]
    for row in book.rows:
        percentages = [
            _percent(p.fraction if counted else None) for p, counted in zip(row.progress, row.opened, strict=True)
        ]
        yield [row.user.username, row.user.email, row.full_name, *percentages, _percent(row.total)]


# --- an assignment's analytics ------------------------------------------------------

BUCKETS = 5  # the score distribution's bars: 0-19%, 20-39%, ... 80-100%


@dataclass(frozen=True)
class Bucket:
    label: str
    count: int
    share: float  # of the learners with a course score


@dataclass
class ItemAnalytics:
    """One challenge of the assignment, over the course's current learners."""

    item: AssignmentChallenge
    solved: int  # a passing Submit the assignment accepts
    attempted: int  # accepted Submits, none passing
    not_started: int
    late: int  # learners whose counted Submit was late
    distribution: list[Bucket]  # of the course scores (late factor applied)
    analytics: ChallengeAnalytics  # the global gradebook's, for these learners only


def _distribution(scores: list[float]) -> list[Bucket]:
    counts = [0] * BUCKETS
    for score in scores:
        counts[min(int(score * BUCKETS), BUCKETS - 1)] += 1  # a full score goes in the top bar
    width = 100 // BUCKETS
    labels = [f"{b * width}–{b * width + width - 1}%" for b in range(BUCKETS - 1)] + [f"{100 - width}–100%"]
    return [Bucket(label, n, n / len(scores) if scores else 0.0) for label, n in zip(labels, counts, strict=True)]


def _item_analytics(item: AssignmentChallenge, cells: list[ItemProgress], learners: QuerySet) -> ItemAnalytics:
    scores = [c.best.course_score for c in cells if c.best]
    return ItemAnalytics(
        item=item,
        solved=sum(c.status == "solved" for c in cells),
        attempted=sum(c.status == "attempted" for c in cells),
        not_started=sum(c.status == "new" for c in cells),
        late=sum(1 for c in cells if c.best and c.best.days_late),
        distribution=_distribution(scores),
        analytics=challenge_analytics(challenge=item.challenge, learners=learners),
    )


def assignment_analytics(*, assignment: Assignment, now: datetime) -> list[ItemAnalytics]:
    """Per challenge of *assignment*: how its course's current learners fare.
    Four queries, then the global analytics' three per challenge, whatever the
    number of learners."""
    learners = course_learners(course=assignment.course)
    people = list(learners)
    progress = learners_progress(learners=people, assignments=[assignment], now=now, users=learners.values("pk"))
    items = assignment_items(assignments=[assignment]).get(assignment.pk, [])
    return [
        _item_analytics(item, [progress[u.pk][0].items[j] for u in people], learners) for j, item in enumerate(items)
    ]
