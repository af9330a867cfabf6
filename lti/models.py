"""LTI 1.3: the platforms (LMSs) registered with us, and what their launches
map to here: a platform's user (issuer, sub) to a user, a context to a course,
a resource link to an assignment or a challenge, and each learner's score sent
to the link's line item (Assignment and Grade Services).

Nothing here is matched by email: a platform's user is who its ``sub`` says,
signed by the platform's key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from challenges.models import Challenge
from courses.models import Assignment, Course


class Platform(models.Model):
    """One registration of this tool in an LMS: what the LMS's admin gave us."""

    name = models.CharField(max_length=120, help_text="Shown to instructors, e.g. 'University Canvas'.")
    issuer = models.CharField(
        max_length=255, help_text="The platform's issuer (iss), e.g. https://canvas.instructure.com"
    )
    client_id = models.CharField(max_length=255, help_text="The client id the platform gave this tool.")
    auth_login_url = models.URLField(max_length=500, help_text="The platform's OIDC authentication endpoint.")
    auth_token_url = models.URLField(
        max_length=500, help_text="The platform's OAuth2 token endpoint (for grades, rosters)."
    )
    auth_audience = models.CharField(
        max_length=500, blank=True, help_text="The token endpoint's audience, if not its URL (Brightspace, Moodle)."
    )
    jwks_url = models.URLField(max_length=500, help_text="The platform's public keys (JWKS).")
    active = models.BooleanField(default=True, help_text="Off: every launch from it is refused.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["issuer", "client_id"], name="one_registration_per_client")]

    def __str__(self) -> str:
        return self.name


class Deployment(models.Model):
    """A deployment id the platform launches with: a launch naming another is refused."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "deployment_id"], name="one_deployment_id")]

    def __str__(self) -> str:
        return f"{self.platform}: {self.deployment_id}"


class ToolKey(models.Model):
    """Our RSA key pair: the private part signs deep-linking responses and the
    assertions we trade for service tokens; the JWKS endpoint serves the public
    parts of every active key (several during a rotation)."""

    kid = models.CharField(max_length=64, unique=True)
    private_key = models.TextField()  # PEM, PKCS#8; never shown in the admin
    public_jwk = models.JSONField()
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"key {self.kid}{'' if self.active else ' (retired)'}"


class LtiUser(models.Model):
    """A platform's user (its ``sub``) is this user of ours."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="users")
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_accounts")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "sub"], name="one_user_per_sub")]

    def __str__(self) -> str:
        return f"{self.platform} {self.sub} → {self.user}"


class LtiContext(models.Model):
    """A platform's course (its context) is this course of ours."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lti_contexts")
    title = models.CharField(max_length=255, blank=True)
    memberships_url = models.URLField(max_length=500, blank=True)  # Names and Role Provisioning, from the last launch
    lineitems_url = models.URLField(max_length=500, blank=True)
    # The roster sync runs in a worker (lti.tasks.sync_roster): asked for, then finished with a result.
    roster_requested = models.DateTimeField(null=True, blank=True)
    roster_synced = models.DateTimeField(null=True, blank=True)  # when the last sync finished, either way
    roster_ok = models.BooleanField(null=True)  # whether it did
    roster_result = models.TextField(blank=True)  # what it did, or why it could not

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "context_id"], name="one_course_per_context")]

    def __str__(self) -> str:
        return f"{self.platform} {self.title or self.context_id} → {self.course}"

    @property
    def roster_running(self) -> bool:
        """A sync was asked for after the last one finished."""
        return self.roster_requested is not None and (
            self.roster_synced is None or self.roster_synced < self.roster_requested
        )


class ResourceLink(models.Model):
    """A link placed in the LMS: it opens an assignment or a challenge, and its
    line item (when the platform gives one) receives the learners' scores."""

    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="links")
    resource_link_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    challenge = models.ForeignKey(Challenge, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lineitem_url = models.URLField(max_length=500, blank=True)
    score_scope = models.BooleanField(default=False)  # the platform granted us the AGS score scope

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["context", "resource_link_id"], name="one_row_per_resource_link"),
            models.CheckConstraint(condition=Q(assignment=None) | Q(challenge=None), name="link_opens_one_thing"),
        ]

    def __str__(self) -> str:
        return self.title or self.resource_link_id


class ScoreSync(models.Model):
    """A learner's score on one link, as we last computed it and as we last sent
    it. The row is the truth: the task sends whatever it says now, so a retry
    after an outage sends the latest score, never a stale one."""

    class Status(models.TextChoices):
        PENDING = "pending"  # a score to send: a task is on its way (or retrying)
        SENT = "sent"  # the platform accepted ``sent_score``
        FAILED = "failed"  # the platform refused it, or stayed down past every retry: ``error`` says why

    link = models.ForeignKey(ResourceLink, on_delete=models.CASCADE, related_name="scores")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    sent_given = models.FloatField(null=True, blank=True)  # the last score the platform accepted ...
    sent_maximum = models.FloatField(null=True, blank=True)  # ... out of this
    sent = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # tries since the last change
    error = models.TextField(blank=True)
    requested = models.DateTimeField(default=timezone.now)  # the last time a score changed: what the sweep resends by

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "user"], name="one_score_per_learner_and_link")]
        indexes = [models.Index(fields=["status", "requested"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.link}: {self.status}"
