"""Courses, who is in them, and the assignments they set.

Times are stored in UTC (USE_TZ) and shown in the viewer's zone. A course
score is never stored: it is computed from the grader's Submissions against
the assignment's dates (courses/selectors.py), so the practice score stays
what the grader says.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from challenges.models import Challenge
from grader.models import Submission


class Course(models.Model):
    title = models.CharField(max_length=120)
    term = models.CharField(max_length=60, blank=True)  # e.g. "Autumn 2026"
    description = models.TextField(blank=True)
    # the secret in invite links; rotating it makes old links stop working
    join_code = models.CharField(max_length=16, unique=True)
    joining_open = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.title} ({self.term})" if self.term else self.title


class Membership(models.Model):
    """One stint of a user in a course. Leaving or removal sets ``left`` and
    keeps the row; joining again starts a new row, so the history stays."""

    class Role(models.TextChoices):
        INSTRUCTOR = "instructor"  # edits the course and its assignments
        TA = "ta", "teaching assistant"  # reads everything in the course, edits nothing
        LEARNER = "learner"  # sees open assignments; their Submits get course scores

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.LEARNER)
    joined = models.DateTimeField()
    left = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(  # None when they left of their own accord
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["course", "joined", "pk"]
        constraints = [
            # the database, not a check before the insert, keeps two quick joins from making two
            models.UniqueConstraint(fields=["course", "user"], condition=Q(left=None), name="one_active_membership"),
        ]
        indexes = [models.Index(fields=["user", "left"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.course} as {self.role}{' (left)' if self.left else ''}"

    @property
    def is_staff(self) -> bool:
        return self.role in (self.Role.INSTRUCTOR, self.Role.TA)


class Assignment(models.Model):
    """An ordered set of challenges with dates. Learners see it from ``opens``;
    a Submit after ``due`` is late (penalised per started day, never below
    ``late_floor``); after ``closes`` Submits are refused and never count."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=120)
    opens = models.DateTimeField()
    due = models.DateTimeField()
    closes = models.DateTimeField(null=True, blank=True)  # None: late Submits count for ever
    late_penalty_per_day = models.FloatField(default=0)  # a fraction of the score; 0: no penalty
    late_floor = models.FloatField(default=0)  # the least fraction a late Submit keeps
    position = models.PositiveIntegerField(default=0)
    challenges = models.ManyToManyField(Challenge, through="AssignmentChallenge", related_name="assignments")

    class Meta:
        ordering = ["course", "position", "due", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(opens__lte=F("due")), name="assignment_opens_before_due"),
            models.CheckConstraint(
                condition=Q(closes=None) | Q(closes__gte=F("due")), name="assignment_closes_after_due"
            ),
            models.CheckConstraint(
                condition=Q(late_penalty_per_day__gte=0, late_penalty_per_day__lte=1),
                name="assignment_penalty_fraction",
            ),
            models.CheckConstraint(condition=Q(late_floor__gte=0, late_floor__lte=1), name="assignment_floor_fraction"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.course})"


class AssignmentChallenge(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="items")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="assignment_items")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["assignment", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "challenge"], name="challenge_once_per_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.challenge.slug} in {self.assignment.title}"


class Extension(models.Model):
    """A learner's own dates for one assignment: they replace its due time and,
    when set, its hard close (which never falls before the extended due)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_extensions")
    due = models.DateTimeField()
    closes = models.DateTimeField(null=True, blank=True)  # None: the assignment's, moved no earlier than due

    class Meta:
        ordering = ["assignment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "user"], name="one_extension_per_learner"),
            models.CheckConstraint(
                condition=Q(closes=None) | Q(closes__gte=F("due")), name="extension_closes_after_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.assignment.title}: due {self.due:%Y-%m-%d %H:%M} UTC"


class SimilarityRun(models.Model):
    """A similarity check of one challenge of an assignment: its current learners'
    final Submits compared in pairs (courses/similarity.py), in a worker. Pairs at
    or above ``threshold`` are kept; the rest are only counted."""

    class Status(models.TextChoices):
        QUEUED = "queued"  # stored, a task enqueued after commit
        RUNNING = "running"  # claimed by a worker
        DONE = "done"  # pairs stored
        FAILED = "failed"  # ``error`` says why; no pair stored

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="similarity_runs")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    threshold = models.FloatField()  # 0..1: the least similarity listed
    learners = models.PositiveIntegerField(default=0)  # final Submits compared
    total = models.PositiveIntegerField(default=0)  # pairs to compare
    compared = models.PositiveIntegerField(default=0)  # pairs compared so far: the progress
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # runs started (re-queued after a lost worker)
    created = models.DateTimeField(auto_now_add=True)
    enqueued = models.DateTimeField(default=timezone.now)  # last message sent for it; the sweeper resends lost ones
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=0, threshold__lte=1), name="similarity_threshold_fraction"
            ),
        ]
        indexes = [models.Index(fields=["assignment", "challenge", "-created"])]

    def __str__(self) -> str:
        return f"similarity of {self.challenge.slug} in {self.assignment.title}: {self.status}"

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class SimilarityPair(models.Model):
    """Two learners' final Submits found alike, with the ranges of each that match."""

    run = models.ForeignKey(SimilarityRun, on_delete=models.CASCADE, related_name="pairs")
    submission_a = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    submission_b = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()  # the higher of the two sides'
    similarity_a = models.FloatField()  # the share of a's code found in b
    similarity_b = models.FloatField()
    regions_a = models.JSONField(default=list)  # [[start, end], ...]: character ranges of a's code that b shares
    regions_b = models.JSONField(default=list)

    class Meta:
        ordering = ["run", "-similarity", "pk"]

    def __str__(self) -> str:
        return f"#{self.submission_a_id} ~ #{self.submission_b_id}: {self.similarity:.0%}"
