from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac

from grader.engine.pack import Pack


class Track(models.Model):
    """An ordered run of challenges on one theme, easy to hard ("Losses")."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)  # tracks are listed by this, then title

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class Challenge(models.Model):
    """A challenge as listed; its graded content lives in its versions."""

    class Difficulty(models.TextChoices):
        EASY = "easy"
        MEDIUM = "medium"
        HARD = "hard"

    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=120)
    difficulty = models.CharField(max_length=8, choices=Difficulty.choices, default=Difficulty.EASY)
    tags = models.JSONField(default=list, blank=True)
    published = models.BooleanField(default=False)
    # what learners see and are graded against
    current_version = models.ForeignKey(
        "ChallengeVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # saved by an instructor, not yet published: validated first, then made current
    draft_version = models.ForeignKey(
        "ChallengeVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # its place in the catalogue, kept out of versions: moving it grades nothing differently
    track = models.ForeignKey(Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="challenges")
    track_position = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        permissions = [("author_challenges", "Can author challenges and see every learner's scores")]

    def __str__(self) -> str:
        return self.title

    @property
    def latest_version(self) -> ChallengeVersion | None:
        """What an instructor edits: the unpublished draft, else the current version."""
        return self.draft_version or self.current_version


class ChallengeVersion(models.Model):
    """The immutable content of one revision of a challenge pack.

    Editing a challenge makes a new version; a submission records the version
    it was graded against, so its result stays explainable.
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    difficulty = models.CharField(max_length=8, choices=Challenge.Difficulty.choices)
    tags = models.JSONField(default=list)
    functions = models.JSONField()
    points = models.PositiveIntegerField()
    limits = models.JSONField()
    statement = models.TextField()
    starter = models.TextField()
    solution = models.TextField()
    tests = models.TextField()
    takeaways = models.TextField(blank=True)
    mutants = models.JSONField(default=dict)
    hints = models.TextField(blank=True)  # hints.md: "## " sections, unlocked one per failed Submit
    content_hash = models.CharField(max_length=64, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    change_note = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["challenge", "-number"]
        constraints = [models.UniqueConstraint(fields=["challenge", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"{self.challenge.slug} v{self.number}"

    @staticmethod
    def grading_seed(pk: int) -> int:
        """The seed of every grading against version *pk*: the same code gets the same score,
        whoever submits it and however often. Keyed with SECRET_KEY, so a pack's public tests
        do not give away the hidden inputs."""
        return int.from_bytes(salted_hmac("challenge-version-seed", str(pk)).digest()[:4], "big")

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError("A challenge version is immutable; create a new version instead.")
        super().save(*args, **kwargs)

    PACK_FIELDS = ("title", "difficulty", "tags", "functions", "points", "statement", "starter",
                   "solution", "tests", "takeaways", "mutants", "hints")  # fmt: skip

    def pack(self) -> Pack:
        fields = {name: getattr(self, name) for name in self.PACK_FIELDS}
        return Pack.from_dict({**fields, "slug": self.challenge.slug, "limits": dict(self.limits)})

    @classmethod
    def fields_from_pack(cls, pack: Pack) -> dict:
        data = pack.to_dict()
        return {name: data[name] for name in (*cls.PACK_FIELDS, "limits")} | {"content_hash": pack.content_hash()}
