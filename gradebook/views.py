"""The gradebook, its CSV exports and per-challenge analytics: instructors only."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.roles import instructor_required
from challenges.models import Challenge
from gradebook.exports import csv_response
from gradebook.selectors import (
    DEFAULT_SORT,
    challenge_analytics,
    challenge_summaries,
    gradebook_build,
    gradebook_export_rows,
    learner_cell,
    learner_submissions,
    submission_export_rows,
)

LEARNERS_PER_PAGE = 50
SUBMISSIONS_PER_PAGE = 100


def _filters(request: HttpRequest) -> dict[str, str]:
    return {
        "q": request.GET.get("q", "").strip(),
        "tag": request.GET.get("tag", "").strip(),
        "sort": request.GET.get("sort", DEFAULT_SORT),
    }


def sort_header(key: str, current: str, *, descending_first: bool) -> dict:
    """Where a column header's link goes: the other direction when it is the
    current sort, else the direction people usually want first."""
    if current == key:
        return {"sort": f"-{key}", "arrow": "▲"}
    if current == f"-{key}":
        return {"sort": key, "arrow": "▼"}
    return {"sort": f"-{key}" if descending_first else key, "arrow": ""}


def _today() -> str:
    return timezone.now().strftime("%Y-%m-%d")


@instructor_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    book = gradebook_build(name=filters["q"], tag=filters["tag"], sort=filters["sort"])
    page = Paginator(book.rows, LEARNERS_PER_PAGE).get_page(request.GET.get("page"))
    headers = {
        "name": sort_header("name", book.sort, descending_first=False),
        "total": sort_header("total", book.sort, descending_first=True),
        "solved": sort_header("solved", book.sort, descending_first=True),
    }
    columns = [(col, sort_header(col.sort_key, book.sort, descending_first=True)) for col in book.columns]
    # each cell with its column, for the link; only this page's rows
    rows = [(row, list(zip(book.columns, row.cells, strict=True))) for row in page]
    return render(
        request,
        "gradebook/index.html",
        {"book": book, "page": page, "rows": rows, "filters": filters, "headers": headers, "columns": columns},
    )


@instructor_required
@require_GET
def learner_challenge(request: HttpRequest, user_id: int, slug: str) -> HttpResponse:
    learner = get_object_or_404(get_user_model(), pk=user_id)
    challenge = get_object_or_404(Challenge.objects.select_related("current_version"), slug=slug)
    submissions = Paginator(learner_submissions(user=learner, challenges=[challenge]), SUBMISSIONS_PER_PAGE)
    return render(
        request,
        "gradebook/learner_challenge.html",
        {
            "learner": learner,
            "challenge": challenge,
            "cell": learner_cell(user=learner, challenge=challenge),
            "page": submissions.get_page(request.GET.get("page")),
        },
    )


@instructor_required
@require_GET
def challenges(request: HttpRequest) -> HttpResponse:
    return render(request, "gradebook/challenges.html", {"summaries": challenge_summaries()})


@instructor_required
@require_GET
def challenge(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = get_object_or_404(Challenge.objects.select_related("current_version"), slug=slug)
    stats = challenge_analytics(challenge=challenge)
    context = {"challenge": challenge, "stats": stats, "report": stats.misconceptions}
    return render(request, "gradebook/challenge.html", context)


@instructor_required
@require_GET
def export(request: HttpRequest) -> StreamingHttpResponse:
    filters = _filters(request)
    rows = gradebook_export_rows(name=filters["q"], tag=filters["tag"])
    return csv_response(rows, filename=f"gradebook-{_today()}.csv")


@instructor_required
@require_GET
def submissions_export(request: HttpRequest) -> StreamingHttpResponse:
    slug = request.GET.get("challenge", "")
    challenge = get_object_or_404(Challenge, slug=slug) if slug else None
    name = f"submissions-{slug}-{_today()}.csv" if slug else f"submissions-{_today()}.csv"
    return csv_response(submission_export_rows(challenge=challenge), filename=name)
