from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from challenges.models import Challenge
from challenges.rendering import render_markdown, sample_test_sources
from challenges.selectors import (
    STATUSES,
    challenge_list_published,
    challenge_list_with_progress,
    challenge_matches,
    challenge_neighbours,
    challenge_tags,
    challenges_by_track,
)
from courses.selectors import challenge_assignment_context
from grader.engine.pack import split_hints
from grader.selectors import challenge_progress, draft_code, editor_code_for, hints_unlocked, scratch_example


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "challenges/landing.html", {"count": challenge_list_published().count()})


def challenge_list(request: HttpRequest) -> HttpResponse:
    challenges = challenge_list_with_progress(request.user)
    tags = challenge_tags(challenges)
    filters = {k: request.GET.get(k, "")[:100] for k in ("q", "difficulty", "tag", "status")}
    # filtered here, not in SQL: tags live in a JSON list, and the list is short
    shown = [
        c
        for c in challenges
        if (not filters["difficulty"] or c.difficulty == filters["difficulty"])
        and (not filters["tag"] or filters["tag"] in c.tags)
        and (not filters["status"] or c.status == filters["status"])
        and challenge_matches(c, filters["q"])
    ]
    return render(
        request,
        "challenges/list.html",
        {
            "challenges": shown,
            "groups": challenges_by_track(challenges, shown),
            "tags": tags,
            "filters": filters,
            "difficulties": Challenge.Difficulty.choices,
            "statuses": STATUSES if request.user.is_authenticated else (),
        },
    )


def challenge_page_context(challenge: Challenge, version) -> dict:
    """What the challenge page shows of *version* (learners' page and instructors' preview)."""
    return {
        "challenge": challenge,
        "version": version,
        "statement_html": render_markdown(version.statement),
        "sample_tests": sample_test_sources(version.tests),
        "neighbours": challenge_neighbours(challenge),
    }


def rewards_context(version, *, failed_submits: int, solved: bool) -> dict:
    """What a learner has earned on *version*: the hints unlocked so far and, once solved, the
    takeaways under one heading (the pack's own "# Takeaways: ..." line, if it starts with one)."""
    hints = split_hints(version.hints)
    shown = hints_unlocked(hints, failed_submits=failed_submits, solved=solved)
    context = {
        "hints": [render_markdown(h) for h in hints[:shown]],
        "hints_total": len(hints),
        "hints_locked": len(hints) - shown,
    }
    if solved:
        first, _, rest = version.takeaways.lstrip().partition("\n")
        heading = first[2:].strip() if first.startswith("# ") else ""
        context["takeaways_title"] = heading or "Takeaways"
        context["takeaways_html"] = render_markdown(rest if heading else version.takeaways)
    return context


def challenge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    challenges = Challenge.objects.select_related("current_version", "track")
    if request.user.is_authenticated:
        challenges = challenges.annotate(draft=draft_code(request.user))
    challenge = get_object_or_404(challenges, slug=slug, published=True, current_version__isnull=False)
    version = challenge.current_version
    context = {
        **challenge_page_context(challenge, version),
        "run_url": reverse("grader:run", args=[slug]),
        "submit_url": reverse("grader:submit", args=[slug]),
        "draft_url": reverse("grader:draft", args=[slug]),
        "scratch_url": reverse("grader:scratch", args=[slug]),
        "scratch_example": scratch_example(functions=version.functions, starter=version.starter),
    }
    if request.user.is_authenticated:
        progress = challenge_progress(user=request.user, challenge=challenge)
        context.update(progress)
        context["code"] = editor_code_for(
            user=request.user, challenge=challenge, draft=challenge.draft, from_submission=request.GET.get("from")
        )
        context.update(rewards_context(version, failed_submits=progress["failed_submits"], solved=progress["solved"]))
        if "assignment" in request.GET:  # opened from a course's assignment: its dates, on this page
            context["course_assignment"] = assignment = challenge_assignment_context(
                user=request.user, challenge=challenge, assignment_id=request.GET["assignment"], now=timezone.now()
            )
            if assignment is not None:
                context["course_item"] = next(
                    (i for i in assignment.items if i.item.challenge_id == challenge.pk), None
                )
    return render(request, "challenges/detail.html", context)
