"""Health checks, the sweeper that re-enqueues lost submissions, and production settings."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from config.worker import housekeeping_once
from grader.models import Submission, WorkerHeartbeat
from grader.services import submission_create, submission_grade, submission_sweep, worker_heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_database_broker_and_a_worker_answer(client):
    worker_heartbeat(name="celery@test")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "worker": "ok"}}


def test_healthz_names_a_silent_worker(client):
    WorkerHeartbeat.objects.create(name="celery@gone", seen=timezone.now() - timedelta(minutes=5))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failed"
    assert body["checks"]["worker"] == "failed: no worker has reported in the last minute"
    assert body["checks"]["database"] == "ok"


def test_housekeeping_beats_and_sweeps(alice, softmax, django_capture_on_commit_callbacks):
    submission = submission_create(user=alice, challenge=softmax, code="x = 1\n", kind="run")
    Submission.objects.filter(pk=submission.pk).update(enqueued=timezone.now() - timedelta(hours=1))
    housekeeping_once("celery@here")
    assert WorkerHeartbeat.objects.get(name="celery@here").seen > timezone.now() - timedelta(seconds=5)
    submission.refresh_from_db()
    assert submission.enqueued > timezone.now() - timedelta(seconds=5)  # re-sent


def test_the_sweeper_requeues_lost_and_stuck_submissions_only(alice, bob, softmax, django_capture_on_commit_callbacks):
    from challenges.models import Challenge

    batch_norm = Challenge.objects.get(slug="batch-norm")
    long_ago = timezone.now() - timedelta(hours=1)
    finished = submission_create(user=alice, challenge=batch_norm, code="done = 1\n", kind="run")
    Submission.objects.filter(pk=finished.pk).update(status="done", verdict="error", enqueued=long_ago)
    lost = submission_create(user=alice, challenge=softmax, code="lost = 1\n", kind="run")
    stuck = submission_create(user=bob, challenge=softmax, code="stuck = 1\n", kind="run")
    Submission.objects.filter(pk=lost.pk).update(enqueued=long_ago)
    Submission.objects.filter(pk=stuck.pk).update(status="running", started=long_ago, attempts=1)

    with django_capture_on_commit_callbacks() as sent:
        assert submission_sweep() == {"running": 1, "queued": 1, "gave up": 0}
    assert len(sent) == 2  # a message for each, once committed
    assert set(Submission.objects.filter(status="queued").values_list("pk", flat=True)) == {lost.pk, stuck.pk}
    assert submission_sweep() == {"running": 0, "queued": 0, "gave up": 0}  # a second sweep finds nothing

    # the re-queued submission is graded once, as the new attempt
    submission_grade(submission_id=stuck.pk)
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts) == ("done", 2)


def test_a_grading_taken_over_meanwhile_stores_nothing(alice, softmax, monkeypatch):
    submission = submission_create(user=alice, challenge=softmax, code=softmax.current_version.solution, kind="run")
    from grader import services

    real_judge = services.default_judge()

    class SweptMeanwhile:
        def grade(self, *args, **kwargs):
            # while this grading runs, the sweeper hands the submission to another worker
            Submission.objects.filter(pk=submission.pk).update(status="queued")
            return real_judge.grade(*args, **kwargs)

    monkeypatch.setattr(services, "default_judge", lambda: SweptMeanwhile())
    assert submission_grade(submission_id=submission.pk) is None
    submission.refresh_from_db()
    assert (submission.status, submission.verdict) == ("queued", "")


def test_production_settings_pass_the_deploy_checks():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "grader.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", ["", "dev-only-insecure-key-change-me"])
def test_production_refuses_a_missing_or_default_secret_key(key):
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": key}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_pages_carry_security_headers_and_safe_cookies(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "alice-password-1"})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    page = client.get(reverse("challenges:list"))
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"


def test_pages_carry_a_content_security_policy_with_a_fresh_nonce(client, softmax):
    first = client.get(reverse("challenges:detail", args=["softmax"]))
    policy = first["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    nonce = first.context["csp_nonce"]
    assert f"'nonce-{nonce}'" in policy
    assert f'<meta name="csp-nonce" content="{nonce}">'.encode() in first.content
    second = client.get(reverse("challenges:detail", args=["softmax"]))
    assert second.context["csp_nonce"] != nonce
