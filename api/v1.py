"""The token API, version 1 (django-ninja): thin, like the views. Every write
goes through the same services as the pages, so the same limits apply."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI, Query, Status
from ninja.errors import HttpError

from api import schemas
from api.auth import INSTRUCTOR, READ, SUBMIT, Throttled
from challenges.models import Challenge, Track
from challenges.rendering import sample_test_sources
from challenges.selectors import challenge_list_published, challenge_list_with_progress
from courses.gradebook import _percent, course_gradebook  # _percent: the CSV export's rounding
from courses.models import Course, Membership
from courses.selectors import ADMIN, course_access
from grader.models import Submission
from grader.selectors import poll_ms, queue_position, submission_for_user, tests_for_viewer
from grader.services import SubmissionRefused, submission_create

api = NinjaAPI(
    title="NumPy ML grader API",
    version="1",
    description=(
        "Personal access tokens (made on your profile page) go in an `Authorization: Bearer ngr_...` header; "
        'each endpoint names the scope it needs. Errors are JSON: `{"detail": ...}`.'
    ),
    urls_namespace="api",
)
ERRORS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error}


def _retry_after(response: HttpResponse, seconds: int | None) -> HttpResponse:
    """A 429 says when to try again (RFC 9110's Retry-After, in seconds), for clients to wait that long."""
    if seconds is not None:
        response["Retry-After"] = str(seconds)
    return response


@api.exception_handler(SubmissionRefused)
def refused(request: HttpRequest, exc: SubmissionRefused):
    pending = exc.in_flight.pk if exc.in_flight is not None else None
    response = api.create_response(request, {"detail": str(exc), "in_flight": pending}, status=exc.status)
    return _retry_after(response, exc.retry_after)


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled):
    return _retry_after(api.create_response(request, {"detail": exc.message}, status=429), exc.wait)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig):
    return api.create_response(request, {"detail": "The request body is too large."}, status=413)


def _absolute(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _challenge(slug: str) -> Challenge:
    challenge = (
        Challenge.objects.select_related("current_version", "track")
        .filter(slug=slug, published=True, current_version__isnull=False)
        .first()
    )
    if challenge is None:
        raise HttpError(404, f"No published challenge '{slug}'.")
    return challenge


@api.get("/me", response={200: schemas.Me, **ERRORS}, auth=READ, summary="Who the token belongs to")
def me(request: HttpRequest):
    token = request.auth
    return {"username": request.user.username, "token": token.name, "scopes": token.scopes}


@api.get("/challenges", response={200: list[schemas.ChallengeItem], **ERRORS}, auth=READ,
         summary="Published challenges, with your progress")  # fmt: skip
def challenges(request: HttpRequest):
    return [
        {
            "slug": c.slug,
            "title": c.title,
            "difficulty": c.difficulty,
            "tags": c.tags,
            "points": c.points or 0,
            "track": c.track.slug if c.track else None,
            "status": c.status,
            "best_score": c.best_score,
            "attempts": c.attempts,
            "url": _absolute(request, "challenges:detail", c.slug),
        }  # fmt: skip
        for c in challenge_list_with_progress(request.user)
    ]


@api.get("/tracks", response={200: list[schemas.TrackItem], **ERRORS}, auth=READ,
         summary="Tracks in order, each with its published challenges in order")  # fmt: skip
def tracks(request: HttpRequest):
    published = sorted(challenge_list_published(), key=lambda c: (c.track_position, c.title))
    return [
        {
            "slug": t.slug,
            "title": t.title,
            "description": t.description,
            "challenges": [c.slug for c in published if c.track_id == t.pk],
        }  # fmt: skip
        for t in Track.objects.all()
    ]


@api.get("/challenges/{slug}", response={200: schemas.ChallengeDetail, **ERRORS}, auth=READ,
         summary="A challenge's statement (Markdown), starter and sample tests")  # fmt: skip
def challenge_detail(request: HttpRequest, slug: str):
    challenge = _challenge(slug)
    version = challenge.current_version
    return {
        "slug": challenge.slug, "title": version.title, "difficulty": version.difficulty, "tags": version.tags,
        "functions": version.functions, "points": version.points, "limits": version.limits, "version": version.number,
        "track": challenge.track.slug if challenge.track else None, "statement": version.statement,
        "starter": version.starter,
        "sample_tests": [{"name": n, "source": s} for n, s in sample_test_sources(version.tests)],
        "url": _absolute(request, "challenges:detail", challenge.slug),
    }  # fmt: skip


def _item(request: HttpRequest, submission: Submission, slug: str) -> dict:
    return {
        "id": submission.pk, "challenge": slug, "kind": submission.kind, "status": submission.status,
        "verdict": submission.verdict, "score": submission.score, "duration_ms": submission.duration_ms,
        "created": submission.created, "url": _absolute(request, "grader:submission", submission.pk),
    }  # fmt: skip


def _result(request: HttpRequest, submission: Submission, slug: str) -> dict:
    position = queue_position(submission) if submission.status == Submission.Status.QUEUED else None
    return {
        **_item(request, submission, slug),
        "final": submission.is_final, "position": position,
        "poll_ms": None if submission.is_final else poll_ms(position),
        "tests": tests_for_viewer(submission, request.user),  # the page's redaction of hidden tests
        "stdout": submission.stdout, "error": submission.error, "error_line": submission.error_line,
    }  # fmt: skip


REFUSALS = {400: schemas.Refused, 403: schemas.Refused, 404: schemas.Refused, 409: schemas.Refused,
            413: schemas.Refused, 429: schemas.Refused}  # fmt: skip


def _grade(request: HttpRequest, slug: str, body: schemas.CodeIn, kind: str):
    challenge = _challenge(slug)
    submission = submission_create(user=request.user, challenge=challenge, code=body.code, kind=kind)
    return Status(201, _result(request, submission, challenge.slug))


@api.post("/challenges/{slug}/runs", response={201: schemas.Result, 401: schemas.Error, **REFUSALS}, auth=SUBMIT,
          summary="Run: grade the sample tests (counts for nothing)")  # fmt: skip
def run(request: HttpRequest, slug: str, body: schemas.CodeIn):
    return _grade(request, slug, body, Submission.Kind.RUN)


@api.post("/challenges/{slug}/submits", response={201: schemas.Result, 401: schemas.Error, **REFUSALS},
          auth=SUBMIT, summary="Submit: grade every test, hidden ones included (counts)")  # fmt: skip
def submit(request: HttpRequest, slug: str, body: schemas.CodeIn):
    return _grade(request, slug, body, Submission.Kind.SUBMIT)


HISTORY_MAX = 100


@api.get("/submissions", response={200: list[schemas.SubmissionItem], **ERRORS}, auth=READ,
         summary="Your Runs and Submits, newest first")  # fmt: skip
def submissions(request: HttpRequest, challenge: str | None = None, limit: int = Query(20, ge=1, le=HISTORY_MAX)):
    mine = Submission.objects.filter(user=request.user, preview=False).select_related("challenge")
    if challenge is not None:
        mine = mine.filter(challenge__slug=challenge)
    shown = mine.only("created", "kind", "status", "verdict", "score", "duration_ms", "challenge__slug")
    return [_item(request, s, s.challenge.slug) for s in shown.order_by("-created")[:limit]]


@api.get("/submissions/{int:pk}", response={200: schemas.Result, **ERRORS}, auth=READ,
         summary="A submission's result, hidden tests redacted as on its page")  # fmt: skip
def result(request: HttpRequest, pk: int):
    submission = submission_for_user(user=request.user, pk=pk, result_only=True)
    # someone else's, even where the role allows it, only with the instructor scope
    if submission is None or (submission.user_id != request.user.pk and "instructor" not in request.auth.scopes):
        raise HttpError(404, "No such submission of yours.")
    slug = Challenge.objects.values_list("slug", flat=True).get(pk=submission.challenge_id)
    return _result(request, submission, slug)


@api.get("/courses", response={200: list[schemas.CourseItem], **ERRORS}, auth=INSTRUCTOR,
         summary="The courses you teach (instructor or TA); every course for an admin")  # fmt: skip
def courses(request: HttpRequest):
    if request.user.is_superuser:
        return [{"id": c.pk, "title": c.title, "term": c.term, "role": ADMIN} for c in Course.objects.order_by("pk")]
    teaching = Membership.objects.filter(
        user=request.user, left=None, role__in=(Membership.Role.INSTRUCTOR, Membership.Role.TA)
    ).select_related("course")
    return [{"id": m.course.pk, "title": m.course.title, "term": m.course.term, "role": m.role} for m in teaching]


@api.get("/courses/{int:course_id}/gradebook", response={200: schemas.Gradebook, **ERRORS}, auth=INSTRUCTOR,
         summary="A course's gradebook, for its instructors and TAs (as on its gradebook page)")  # fmt: skip
def gradebook(request: HttpRequest, course_id: int):
    access = course_access(user=request.user, course_id=course_id)
    if access is None:  # not a member: as on the pages, the course's existence does not leak
        raise HttpError(404, "No such course.")
    if not access.is_staff:
        raise HttpError(403, "Only the course's instructors and TAs read its gradebook.")
    book = course_gradebook(course=access.course, now=timezone.now())
    course = access.course
    return {
        "course": {"id": course.pk, "title": course.title, "term": course.term, "role": access.role},
        "assignments": [
            {
                "id": c.assignment.pk,
                "title": c.assignment.title,
                "opens": c.assignment.opens,
                "due": c.assignment.due,
                "closes": c.assignment.closes,
                "opened": c.opened,
                "points": sum(i.points or 0 for i in c.items),
                "challenges": [{"slug": i.challenge.slug, "points": i.points or 0} for i in c.items],
            }  # fmt: skip
            for c in book.assignments
        ],
        "learners": [
            {
                "username": row.user.username,
                "email": row.user.email,
                "full_name": row.full_name,
                "total_percent": _percent(row.total),
                "assignments": [
                    {
                        "assignment": p.assignment.pk,
                        "percent": _percent(p.fraction) if counted else None,
                        "cells": [
                            {
                                "challenge": i.item.challenge.slug,
                                "status": i.status,
                                "score": i.best.course_score if i.best else None,
                                "days_late": i.best.days_late if i.best else None,
                                "submission": i.best.submission_id if i.best else None,
                            }
                            for i in p.items
                        ],
                    }
                    for p, counted in zip(row.progress, row.opened, strict=True)
                ],
            }  # fmt: skip
            for row in book.rows
        ],
    }
