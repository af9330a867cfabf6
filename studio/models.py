from django.conf import settings
from django.db import models
from django.utils import timezone

from challenges.models import Challenge, ChallengeVersion
from grader.models import Submission


class Status(models.TextChoices):
    QUEUED = "queued"  # stored, a task enqueued after commit
    RUNNING = "running"  # claimed by a worker
    DONE = "done"  # results stored
    CANCELLED = "cancelled"  # an instructor stopped its regrade first; never run


class ValidationRun(models.Model):
    """Proof (or not) that a version is sound: its reference passes every test
    and each mutant fails at least one. Run in the sandbox by a worker."""

    version = models.ForeignKey(ChallengeVersion, on_delete=models.CASCADE, related_name="validations")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    valid = models.BooleanField(null=True)  # None until done
    problems = models.JSONField(default=list, blank=True)  # sentences naming the test or mutant at fault
    tests = models.JSONField(default=list, blank=True)  # test names, in suite order
    # run name ("reference" or a mutant) -> {"verdict", "description", "statuses": {test: status}}
    runs = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # runs started (re-queued after a lost worker)
    created = models.DateTimeField(auto_now_add=True)
    enqueued = models.DateTimeField(default=timezone.now)  # last message sent for it; the sweeper resends lost ones
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        outcome = {True: "valid", False: "invalid", None: self.status}[self.valid]
        return f"{self.version} validation: {outcome}"

    def rows(self) -> list[tuple[str, list[str]]]:
        """(test, [status per run]) in the order of ``runs``, for the table."""
        return [(t, [run["statuses"].get(t, "skipped") for run in self.runs.values()]) for t in self.tests]


class Regrade(models.Model):
    """Grading learners' past Submits again against a challenge's current version."""

    class Scope(models.TextChoices):
        LATEST = "latest", "latest Submit of each learner"
        ALL = "all", "every Submit"

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="regrades")
    version = models.ForeignKey(ChallengeVersion, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.LATEST)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)  # every item done, or cancelled
    cancelled = models.DateTimeField(null=True, blank=True)  # stopped by an instructor before the end

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"regrade of {self.challenge.slug} to v{self.version.number} ({self.scope})"


class RegradeItem(models.Model):
    """One submission in a regrade, with the verdict it had before."""

    regrade = models.ForeignKey(Regrade, on_delete=models.CASCADE, related_name="items")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    old_version = models.ForeignKey(ChallengeVersion, on_delete=models.PROTECT, related_name="+")
    old_verdict = models.CharField(max_length=16, choices=Submission.Verdict.choices)
    old_score = models.FloatField(null=True)
    new_verdict = models.CharField(max_length=16, choices=Submission.Verdict.choices, blank=True)
    new_score = models.FloatField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    enqueued = models.DateTimeField(default=timezone.now)
    started = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["regrade", "submission"], name="regrade_each_submission_once")]
        indexes = [models.Index(fields=["status", "enqueued"])]

    def __str__(self) -> str:
        return f"#{self.submission_id}: {self.old_verdict} -> {self.new_verdict or self.status}"
