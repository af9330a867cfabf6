from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessToken(models.Model):
    """A personal access token for the API. Only its SHA-256 is stored: the
    token itself is shown once, when it is made, and cannot be read back."""

    class Scope(models.TextChoices):
        READ = "read", "read: challenges, statements, your submissions and results"
        SUBMIT = "submit", "submit: Run and Submit code"
        INSTRUCTOR = "instructor", "instructor: your courses' gradebooks and learners' submissions"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=80)
    digest = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the whole token
    hint = models.CharField(max_length=16)  # its first characters, so its owner can tell tokens apart
    scopes = models.JSONField(default=list)  # Scope values
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()  # every token ends: a leaked one stops working by itself

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} {self.name} ({self.hint}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def active(self) -> bool:
        return self.revoked is None and not self.expired
