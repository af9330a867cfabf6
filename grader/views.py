"""Run, Submit, drafts and results. Thin: the services decide, views translate."""

from __future__ import annotations

from urllib.parse import parse_qs

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from challenges.models import Challenge, ChallengeVersion
from challenges.selectors import challenge_neighbours
from challenges.views import rewards_context
from config.middleware import allow_body
from grader.models import ScratchRun, Submission
from grader.selectors import (
    history_table,
    poll_ms,
    queue_position,
    scratch_for_user,
    submission_for_user,
    submission_history,
    tests_for_viewer,
)
from grader.services import SubmissionRefused, draft_save, scratch_create, submission_create

# A paste far past the code limit still reaches the view and gets the learner's
# message: Django refuses a form body past DATA_UPLOAD_MAX_MEMORY_SIZE unread.
code_body = allow_body(16 * 1024 * 1024)


class BadCode(SubmissionRefused):
    def __init__(self, message: str) -> None:
        super().__init__(message, status=400)


def _posted(request: HttpRequest, name: str = "code") -> str:
    """A posted text field (the code, the learner's calls), refusing bytes that
    are not UTF-8 (Django would quietly replace them, and the learner would
    lose characters without knowing)."""
    try:
        if request.content_type == "application/x-www-form-urlencoded":
            try:
                fields = parse_qs(request.body.decode("ascii"), encoding="utf-8", errors="strict")
            except (UnicodeDecodeError, ValueError) as exc:
                raise BadCode("Your code is not valid UTF-8 text.") from exc
            return fields.get(name, [""])[0]
        return request.POST.get(name, "")
    except RequestDataTooBig as exc:
        limit = settings.GRADER_MAX_CODE_BYTES // 1024
        raise SubmissionRefused(f"Your code is far larger than the {limit} KiB limit.", status=413) from exc


def _challenge(slug: str) -> Challenge:
    # not the version: a Submit stores its id, and the result fragment shows no content of it
    return get_object_or_404(Challenge, slug=slug, published=True)


def grade_response(request: HttpRequest, challenge: Challenge, kind: str, preview: bool = False) -> HttpResponse:
    """Store a Run or Submit and answer with its first result fragment (htmx) or page."""
    return _created_response(
        request, challenge,
        lambda: submission_create(
            user=request.user, challenge=challenge, code=_posted(request), kind=kind, preview=preview
        ),
        # the grading in flight is this page's: the panel follows it, and says why nothing new started
        follows=lambda pending: (pending.challenge_id, pending.preview) == (challenge.pk, preview),
        respond=_result_response, refused="grader/_refused.html", detail="grader:submission",
    )  # fmt: skip


def _created_response(request, challenge, create, *, follows, respond, refused: str, detail: str) -> HttpResponse:
    """What a POST that starts work in a worker (a grading, a try-out) answers: its
    first fragment (htmx) or a redirect to its page; refused, the work of this page
    already in flight (*follows*) with the reason, or else the reason alone."""
    try:
        started = create()
    except SubmissionRefused as exc:
        pending = exc.in_flight
        if request.htmx and pending is not None and follows(pending):
            return respond(request, pending, notice=str(exc), status=exc.status)
        context = {"message": str(exc), "challenge": challenge}
        return render(request, refused if request.htmx else "grader/refused.html", context, status=exc.status)
    if request.htmx:
        return respond(request, started)
    return redirect(detail, pk=started.pk)


@code_body
@login_required
@require_POST
def run(request: HttpRequest, slug: str) -> HttpResponse:
    return grade_response(request, _challenge(slug), Submission.Kind.RUN)


@code_body
@login_required
@require_POST
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    return grade_response(request, _challenge(slug), Submission.Kind.SUBMIT)


@code_body
@login_required
@require_POST
def draft(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _challenge(slug)
    try:
        saved = draft_save(user=request.user, challenge=challenge, code=_posted(request))
    except SubmissionRefused as exc:
        return JsonResponse({"saved": False, "error": str(exc)}, status=exc.status)
    return JsonResponse({"saved": True, "updated": saved.updated.isoformat()})


def _result_context(request: HttpRequest, submission: Submission) -> dict:
    context = {"submission": submission, "tests": tests_for_viewer(submission, request.user), "poll_ms": poll_ms(None)}
    if submission.status == Submission.Status.QUEUED:
        context["position"] = position = queue_position(submission)
        context["poll_ms"] = poll_ms(position)
    return context


def _result_response(request: HttpRequest, submission: Submission, notice: str = "", status: int = 200) -> HttpResponse:
    context = _result_context(request, submission) | {"notice": notice}
    if submission.is_final and request.htmx:
        # the challenge page's history table catches up in the same response
        context["history"] = history_table(
            submission_history(user=request.user, challenge=submission.challenge_id, preview=submission.preview)
        )
        if (
            submission.kind == Submission.Kind.SUBMIT
            and not submission.preview
            and submission.user_id == request.user.pk
        ):
            context.update(_earned(request.user, submission))
    return render(request, "grader/_result.html", context, status=status)


def _earned(user, submission: Submission) -> dict:
    """After a Submit: the hints it unlocked, and once solved the takeaways and the way on, for the
    challenge page to show in place (out-of-band swaps of the final fragment)."""
    totals = Submission.objects.filter(
        user=user, challenge_id=submission.challenge_id, kind=Submission.Kind.SUBMIT,
        status=Submission.Status.DONE, preview=False,
    ).aggregate(n=Count("pk"), passes=Count("pk", filter=Q(verdict=Submission.Verdict.PASSED)))  # fmt: skip
    version = ChallengeVersion.objects.only("hints", "takeaways").get(pk=submission.version_id)
    solved = bool(totals["passes"])
    context = {"earned": True, **rewards_context(version, failed_submits=totals["n"] - totals["passes"], solved=solved)}
    if submission.verdict == Submission.Verdict.PASSED:
        challenge = Challenge.objects.select_related("track").get(pk=submission.challenge_id)
        context["solved_now"] = {"track": challenge.track, "next": challenge_neighbours(challenge).next}
    return context


@login_required
@require_GET
def result(request: HttpRequest, pk: int) -> HttpResponse:
    submission = submission_for_user(user=request.user, pk=pk, result_only=True)
    if submission is None:
        raise Http404
    return _result_response(request, submission)


@login_required
@require_GET
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = submission_for_user(user=request.user, pk=pk)
    if submission is None:
        raise Http404
    return render(request, "grader/submission.html", _result_context(request, submission))


@code_body
@login_required
@require_POST
def scratch(request: HttpRequest, slug: str) -> HttpResponse:
    """Try your own input: run the editor's code with the learner's calls, no tests."""
    challenge = _challenge(slug)
    return _created_response(
        request, challenge,
        lambda: scratch_create(
            user=request.user, challenge=challenge, code=_posted(request), source=_posted(request, "scratch")
        ),
        # the try-out in flight is this page's (another tab's): the panel follows it, and says why
        follows=lambda pending: pending.version_id == challenge.current_version_id,
        respond=_scratch_response, refused="grader/_scratch_refused.html", detail="grader:scratch_detail",
    )  # fmt: skip


def _scratch_response(
    request: HttpRequest, run: ScratchRun, template: str = "grader/_scratch.html", notice: str = "", status: int = 200
) -> HttpResponse:
    return render(request, template, {"run": run, "poll_ms": poll_ms(None), "notice": notice}, status=status)


def _own_run(request: HttpRequest, pk: int, **kwargs) -> ScratchRun:
    run = scratch_for_user(user=request.user, pk=pk, **kwargs)
    if run is None:
        raise Http404
    return run


@login_required
@require_GET
def scratch_result(request: HttpRequest, pk: int) -> HttpResponse:
    return _scratch_response(request, _own_run(request, pk))


@login_required
@require_GET
def scratch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The try-out on a page of its own: where the form lands without JavaScript."""
    return _scratch_response(request, _own_run(request, pk, with_challenge=True), "grader/scratch.html")
