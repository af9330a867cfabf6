from django.conf import settings
from django.db import models
from django.utils import timezone

from challenges.models import Challenge, ChallengeVersion
from grader.engine.results import Verdict as EngineVerdict


class Submission(models.Model):
    """One grading of a learner's code against one challenge version.

    ``status`` is where the grading is in its life; ``verdict`` is what it
    found, set only when ``status`` is done.
    """

    class Kind(models.TextChoices):
        RUN = "run"  # sample tests only; shown, not counted as an attempt
        SUBMIT = "submit"  # every test; counts

    class Status(models.TextChoices):
        QUEUED = "queued"  # stored, a task enqueued after commit
        RUNNING = "running"  # claimed by a worker
        DONE = "done"  # verdict and results stored

    class Verdict(models.TextChoices):
        PASSED = EngineVerdict.PASSED
        FAILED = EngineVerdict.FAILED
        ERROR = EngineVerdict.ERROR
        TIMEOUT = EngineVerdict.TIMEOUT
        MEMORY_LIMIT = EngineVerdict.MEMORY_LIMIT, "memory limit"
        INTERNAL_ERROR = EngineVerdict.INTERNAL_ERROR, "internal error"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="submissions")
    version = models.ForeignKey(ChallengeVersion, on_delete=models.PROTECT, related_name="submissions")
    code = models.TextField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # an instructor trying the challenge as a learner: kept out of scores and analytics
    preview = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    score = models.FloatField(null=True, blank=True)
    tests = models.JSONField(default=list, blank=True)  # per-test results, as the engine reports them
    stdout = models.TextField(blank=True)
    error = models.TextField(blank=True)
    error_line = models.PositiveIntegerField(null=True, blank=True)
    seed = models.PositiveBigIntegerField()  # hidden inputs are drawn from it: reproducible, not guessable
    attempts = models.PositiveSmallIntegerField(default=0)  # gradings started (re-queued after a lost worker)
    duration_ms = models.FloatField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    enqueued = models.DateTimeField(default=timezone.now)  # last message sent for it; the sweeper resends lost ones
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["user", "challenge", "-created"]),
            models.Index(fields=["status", "created"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.user} {self.challenge.slug} {self.kind} {self.verdict or self.status}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.DONE


class Draft(models.Model):
    """The learner's latest code for a challenge, saved as they type."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="drafts")
    code = models.TextField()
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "challenge"], name="one_draft_per_challenge")]


class WorkerHeartbeat(models.Model):
    """When each Celery worker last said it was alive (for /healthz)."""

    name = models.CharField(max_length=200, unique=True)
    seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen:%H:%M:%S}"


class ScratchRun(models.Model):
    """A learner's own calls of their code ("Try your own input"): run in the
    sandbox like a grading, against no test; counted in no score or attempt.
    Only its owner ever sees it."""

    class Status(models.TextChoices):
        QUEUED = "queued"  # stored, a task enqueued after commit
        RUNNING = "running"  # claimed by a worker
        DONE = "done"  # what the calls showed is stored (their exceptions and timeouts too)
        ERROR = "error"  # the grader failed, or the sweeper gave up: not the learner's doing

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scratch_runs")
    # ephemeral: it goes with its version, where a Submission keeps its version alive
    version = models.ForeignKey(ChallengeVersion, on_delete=models.CASCADE, related_name="scratch_runs")
    code = models.TextField()  # the editor's code when Try was pressed
    source = models.TextField()  # the learner's calls
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    output = models.JSONField(default=dict, blank=True)  # grader.engine.results.TryResult, cleaned
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    enqueued = models.DateTimeField(default=timezone.now)  # last message sent for it; the sweeper resends lost ones
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created"]), models.Index(fields=["status", "created"])]

    def __str__(self) -> str:
        return f"scratch #{self.pk} {self.user} {self.status}"

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.ERROR)
