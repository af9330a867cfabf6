"""Instructor pages: author, validate, publish, version, regrade, preview.
Thin: the services decide, views translate."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import instructor_required
from challenges.models import Challenge, Track
from challenges.rendering import render_markdown
from challenges.services import challenge_move, challenge_save_draft, challenge_set_track, draft_outcome, track_move
from challenges.views import challenge_page_context
from grader.models import Submission
from grader.selectors import history_table, submission_history
from grader.views import code_body, grade_response
from studio.forms import ChallengeForm, MutantFormSet
from studio.models import Regrade, ValidationRun
from studio.selectors import regrade_progress, studio_challenges, version_diff
from studio.services import (
    PublishRefused,
    challenge_publish,
    challenge_unpublish,
    latest_validation,
    regrade_cancel,
    regrade_start,
    validation_request,
)

NEW_CHALLENGE = {"difficulty": "easy", "points": 100, "time_per_test": 2.0, "time_total": 10.0, "memory_mb": 256}


def _challenge(slug: str) -> Challenge:
    return get_object_or_404(Challenge.objects.select_related("current_version", "draft_version"), slug=slug)


@instructor_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "studio/index.html", {"challenges": studio_challenges()})


def _save(request: HttpRequest, form: ChallengeForm, mutants: MutantFormSet) -> HttpResponse | None:
    """Save the edited pack as a draft version; None when the form shows errors."""
    if not (form.is_valid() and mutants.is_valid()):
        return None
    pack = form.to_pack(mutants.mutants())
    if pack is None:
        return None
    saved = challenge_save_draft(pack=pack, author=request.user, change_note=form.cleaned_data["change_note"])
    track = form.cleaned_data["track"]
    moved = challenge_set_track(challenge=saved.challenge, track=track)
    if saved.made:
        messages.success(
            request, f"Saved as draft version {saved.challenge.draft_version.number}. Validate it, then publish."
        )
    elif saved.set_aside is not None:
        messages.info(request, f"{draft_outcome(saved).capitalize()}.")
    elif moved:
        messages.info(request, f"Moved to the track {track.title}." if track else "Taken out of its track.")
    else:
        messages.info(request, "Nothing changed: no new version.")
    return redirect("studio:edit", slug=saved.challenge.slug)


@instructor_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = ChallengeForm(request.POST or None, initial=NEW_CHALLENGE)
    mutants = MutantFormSet(request.POST or None, prefix="mutants")
    if request.method == "POST":
        if form.is_valid() and Challenge.objects.filter(slug=form.cleaned_data["slug"]).exists():
            form.add_error("slug", "A challenge with this slug exists already.")
        elif response := _save(request, form, mutants):
            return response
    return render(request, "studio/edit.html", {"form": form, "mutants": mutants}, status=_status(request, form))


def _status(request: HttpRequest, form: ChallengeForm) -> int:
    return 400 if request.method == "POST" and form.errors else 200


@instructor_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _challenge(slug)
    version = challenge.latest_version
    form = ChallengeForm(request.POST or None, initial=ChallengeForm.initial_from(version), slug_fixed=True)
    # initial only when unbound: a bound formset would take an unchanged extra form for an empty one
    initial = None if request.method == "POST" else MutantFormSet.initial_from(version)
    mutants = MutantFormSet(request.POST or None, prefix="mutants", initial=initial)
    if request.method == "POST" and (response := _save(request, form, mutants)):
        return response
    context = {
        "challenge": challenge,
        "version": version,
        "form": form,
        "mutants": mutants,
        "validation": latest_validation(version),
        "regrade": challenge.regrades.select_related("version").first(),
        "regrade_scopes": Regrade.Scope.choices,
    }
    return render(request, "studio/edit.html", context, status=_status(request, form))


@instructor_required
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_markdown(request.POST.get("statement", "")[:200_000]))


@instructor_required
@require_POST
def validate(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _challenge(slug)
    validation_request(version=challenge.latest_version, user=request.user)
    return redirect(reverse("studio:edit", args=[slug]) + "#validation")


@instructor_required
@require_GET
def validation(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ValidationRun.objects.select_related("version__challenge"), pk=pk)
    return render(request, "studio/_validation.html", {"validation": run, "challenge": run.version.challenge})


@instructor_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _challenge(slug)
    try:
        version = challenge_publish(challenge=challenge)
    except PublishRefused as exc:
        messages.error(request, f"Not published. {exc}")
    else:
        messages.success(request, f"Published: learners now get version {version.number}.")
    return redirect("studio:edit", slug=slug)


@instructor_required
@require_POST
def unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    challenge_unpublish(challenge=_challenge(slug))
    messages.success(request, "Unpublished: learners no longer see this challenge.")
    return redirect("studio:edit", slug=slug)


@instructor_required
@require_GET
def versions(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _challenge(slug)
    history = list(challenge.versions.select_related("author").order_by("-number"))
    by_number = {str(v.number): v for v in history}
    context = {"challenge": challenge, "versions": history}
    old, new = by_number.get(request.GET.get("a", "")), by_number.get(request.GET.get("b", ""))
    if old and new:
        context.update(old=old, new=new, diff=version_diff(old, new))
    elif len(history) > 1:
        context.update(old=history[1], new=history[0], diff=version_diff(history[1], history[0]))
    return render(request, "studio/versions.html", context)


@instructor_required
@require_POST
def regrade(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = _challenge(slug)
    if challenge.current_version is None:
        messages.error(request, "Publish a version before regrading against it.")
        return redirect("studio:edit", slug=slug)
    scope = request.POST.get("scope", Regrade.Scope.LATEST)
    if scope not in Regrade.Scope.values:
        scope = Regrade.Scope.LATEST
    return redirect("studio:regrade", pk=regrade_start(challenge=challenge, scope=scope, user=request.user).pk)


@instructor_required
@require_GET
def regrade_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Regrade.objects.select_related("challenge", "version", "requested_by"), pk=pk)
    template = "studio/_regrade.html" if request.htmx else "studio/regrade.html"
    context = {"regrade": item, "progress": regrade_progress(item), "regrade_scopes": Regrade.Scope.choices}
    return render(request, template, context)


@instructor_required
@require_POST
def cancel_regrade(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Regrade, pk=pk)
    if regrade_cancel(regrade=item, user=request.user):
        messages.success(request, "Regrade cancelled. You can start a new one.")
    else:
        messages.info(request, "This regrade had finished already: nothing to cancel.")
    return redirect("studio:regrade", pk=pk)


@instructor_required
@require_GET
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The challenge page as a learner sees it, on the latest (maybe unpublished) version."""
    challenge = _challenge(slug)
    version = challenge.latest_version
    history = history_table(submission_history(user=request.user, challenge=challenge, preview=True))
    context = {
        **challenge_page_context(challenge, version),
        "preview": True,
        "takeaways_html": render_markdown(version.takeaways),
        "code": version.starter,
        "history": history,
        "run_url": reverse("studio:preview_run", args=[slug]),
        "submit_url": reverse("studio:preview_submit", args=[slug]),
    }
    return render(request, "challenges/detail.html", context)


@code_body
@instructor_required
@require_POST
def preview_run(request: HttpRequest, slug: str) -> HttpResponse:
    return grade_response(request, _challenge(slug), Submission.Kind.RUN, preview=True)


@code_body
@instructor_required
@require_POST
def preview_submit(request: HttpRequest, slug: str) -> HttpResponse:
    return grade_response(request, _challenge(slug), Submission.Kind.SUBMIT, preview=True)


@instructor_required
@require_GET
def tracks(request: HttpRequest) -> HttpResponse:
    """Tracks in the challenge list's order, each with its challenges (published or not)."""
    listed = Track.objects.prefetch_related(
        Prefetch("challenges", Challenge.objects.order_by("track_position", "title"))
    )
    return render(request, "studio/tracks.html", {"tracks": listed})


MOVES = {"up": -1, "down": 1}


@instructor_required
@require_POST
def move(request: HttpRequest) -> HttpResponse:
    """Move a track, or a challenge in its track, one place up or down."""
    offset = MOVES.get(request.POST.get("direction", ""))
    if offset is None:
        return HttpResponse("direction must be up or down", status=400, content_type="text/plain")
    if "track" in request.POST:
        track_move(track=get_object_or_404(Track, pk=_pk(request.POST["track"])), offset=offset)
    else:
        challenge_move(challenge=get_object_or_404(Challenge, pk=_pk(request.POST.get("challenge"))), offset=offset)
    return redirect("studio:tracks")


def _pk(value: str | None) -> int:
    if not (value or "").isdigit():
        raise Http404("No such track or challenge.")
    return int(value)
