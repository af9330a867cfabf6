"""Courses' pages. Thin: ``course_access`` says who may do what, the services
write, the selectors read. A course is a 404 to anyone not in it (its
existence does not leak); members without the right get a 403: TAs and
learners on instructors' pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import instructor_required
from challenges.models import Challenge
from courses.forms import AssignmentForm, CourseForm, ExtensionForm, JoinForm, RoleForm, RosterForm, SimilarityForm
from courses.gradebook import DEFAULT_SORT, assignment_analytics, course_gradebook, course_gradebook_export_rows
from courses.models import Assignment, Extension, Membership, SimilarityPair, SimilarityRun
from courses.selectors import (
    Access,
    assignment_for_access,
    assignment_items,
    assignment_list,
    course_access,
    course_for_invite,
    course_learners,
    course_roster,
    dashboard,
    learner_progress,
    similarity_pairs,
    similarity_runs,
)
from courses.services import (
    CourseRefused,
    assignment_move,
    assignment_save,
    course_create,
    course_join,
    course_rotate_code,
    course_set_joining,
    extension_grant,
    extension_revoke,
    membership_end,
    membership_set_role,
    roster_apply,
    roster_read,
    similarity_request,
)
from courses.similarity import marked
from gradebook.exports import csv_response
from gradebook.views import LEARNERS_PER_PAGE, sort_header


def _access(request: HttpRequest, course_id: int, *, staff: bool = False, edit: bool = False) -> Access:
    access = course_access(user=request.user, course_id=course_id)
    if access is None:
        raise Http404("No such course.")
    if (edit and not access.can_edit) or (staff and not access.is_staff):
        raise PermissionDenied("Not for your role in this course.")
    return access


def _status(request: HttpRequest, *forms) -> int:
    return 400 if request.method == "POST" and any(f.errors for f in forms) else 200


@login_required
@require_GET
def my_courses(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/dashboard.html", {"courses": dashboard(user=request.user, now=timezone.now())})


@instructor_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = course_create(user=request.user, now=timezone.now(), **form.cleaned_data)
        messages.success(request, f"Course created. Learners join with the code {course.join_code}.")
        return redirect("courses:detail", course_id=course.pk)
    return render(request, "courses/course_form.html", {"form": form}, status=_status(request, form))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, course_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    form = CourseForm(request.POST or None, instance=access.course)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("courses:detail", course_id=course_id)
    return render(request, "courses/course_form.html", {"form": form, "access": access}, status=_status(request, form))


@login_required
@require_GET
def detail(request: HttpRequest, course_id: int) -> HttpResponse:
    access = _access(request, course_id)
    now = timezone.now()
    assignments = list(assignment_list(access=access, now=now))
    context = {"access": access, "course": access.course}
    if access.is_learner:
        context["progress"] = learner_progress(user=request.user, assignments=assignments, now=now)
    else:
        items = assignment_items(assignments=assignments)
        context["assignments"] = [(a, items.get(a.pk, [])) for a in assignments]
        context["invite_url"] = request.build_absolute_uri(reverse("courses:invite", args=[access.course.join_code]))
    return render(request, "courses/detail.html", context)


# --- joining and leaving -------------------------------------------------------------


def _join(request: HttpRequest, code: str) -> HttpResponse:
    try:
        membership, new = course_join(user=request.user, code=code, now=timezone.now())
    except CourseRefused as exc:
        messages.error(request, str(exc))
        return redirect("courses:join")
    messages.success(request, f"Welcome to {membership.course}." if new else f"You are in {membership.course} already.")
    return redirect("courses:detail", course_id=membership.course_id)


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _join(request, form.cleaned_data["code"])
    return render(request, "courses/join.html", {"form": form}, status=_status(request, form))


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, code: str) -> HttpResponse:
    """An invite link: GET asks, POST joins (a link followed joins nobody by itself)."""
    if request.method == "POST":
        return _join(request, code)
    course, member = course_for_invite(user=request.user, code=code)
    if course is None:
        raise Http404("No course has this join code.")
    if member:
        return redirect("courses:detail", course_id=course.pk)
    return render(request, "courses/invite.html", {"course": course, "code": code})


@login_required
@require_POST
def leave(request: HttpRequest, course_id: int) -> HttpResponse:
    access = _access(request, course_id)
    if access.membership is None:
        raise PermissionDenied("You are not a member.")

    def leave_it() -> str:
        membership_end(membership=access.membership, now=timezone.now())
        return f"You left {access.course}. Your submissions are kept."

    if not _tell(request, leave_it):
        return redirect("courses:detail", course_id=course_id)
    return redirect("courses:dashboard")


# --- members -------------------------------------------------------------------------


@login_required
@require_GET
def members(request: HttpRequest, course_id: int) -> HttpResponse:
    access = _access(request, course_id, staff=True)
    current, former = course_roster(course=access.course)
    context = {
        "access": access,
        "course": access.course,
        "current": current,
        "former": former,
        "roles": Membership.Role.choices,
        "invite_url": request.build_absolute_uri(reverse("courses:invite", args=[access.course.join_code])),
    }
    return render(request, "courses/members.html", context)


def _tell(request: HttpRequest, change) -> bool:
    """Make *change* (it returns what to tell); a refusal is told instead. Whether it was made."""
    try:
        done = change()
    except CourseRefused as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, done)
    return True


def _member(access: Access, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, course=access.course, left=None
    )


@login_required
@require_POST
def member_role(request: HttpRequest, course_id: int, membership_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    membership = _member(access, membership_id)
    form = RoleForm(request.POST)

    def change() -> str:
        if not form.is_valid():
            raise CourseRefused("Choose a role.")
        membership_set_role(membership=membership, role=form.cleaned_data["role"])
        return f"{membership.user} is now {membership.get_role_display()}."

    _tell(request, change)
    return redirect("courses:members", course_id=course_id)


@login_required
@require_POST
def member_remove(request: HttpRequest, course_id: int, membership_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    membership = _member(access, membership_id)

    def remove() -> str:
        membership_end(membership=membership, by=request.user, now=timezone.now())
        return f"{membership.user} was removed. Their stint and submissions are kept."

    _tell(request, remove)
    return redirect("courses:members", course_id=course_id)


@login_required
@require_POST
def joining(request: HttpRequest, course_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    course_set_joining(course=access.course, open=request.POST.get("open") == "1")
    messages.success(request, "Joining is open." if access.course.joining_open else "Joining is closed.")
    return redirect("courses:members", course_id=course_id)


@login_required
@require_POST
def rotate(request: HttpRequest, course_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    code = course_rotate_code(course=access.course)
    messages.success(request, f"The new join code is {code}; the old code and links no longer work.")
    return redirect("courses:members", course_id=course_id)


@login_required
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest, course_id: int) -> HttpResponse:
    """Upload (or paste) a roster: the answer is its preview, row by row."""
    access = _access(request, course_id, edit=True)
    form = RosterForm(request.POST or None, request.FILES or None)
    context = {"access": access, "course": access.course, "form": form}
    if request.method == "POST" and form.is_valid():
        context["text"] = form.cleaned_data["text"]
        context["roster"] = roster_read(course=access.course, text=context["text"])
    return render(request, "courses/roster.html", context, status=_status(request, form))


@login_required
@require_POST
def roster_confirm(request: HttpRequest, course_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    text = request.POST.get("text", "")
    try:
        added = roster_apply(course=access.course, text=text, now=timezone.now())
    except CourseRefused as exc:
        roster = roster_read(course=access.course, text=text)
        context = {"access": access, "course": access.course, "form": RosterForm(), "text": text, "roster": roster}
        messages.error(request, str(exc))
        return render(request, "courses/roster.html", context, status=409)
    count = len(added.additions)
    messages.success(request, f"Added {count} member{'s' if count != 1 else ''}.")
    return redirect("courses:members", course_id=course_id)


# --- assignments -----------------------------------------------------------------------


def _assignment(access: Access, assignment_id: int) -> Assignment:
    assignment = assignment_for_access(access=access, assignment_id=assignment_id, now=timezone.now())
    if assignment is None:  # a learner's, before it opens: as if it did not exist
        raise Http404("No such assignment.")
    return assignment


def _published_slugs() -> list[str]:
    return list(Challenge.objects.filter(published=True).order_by("slug").values_list("slug", flat=True))


def _assignment_form(request: HttpRequest, access: Access, assignment: Assignment | None) -> HttpResponse:
    initial = AssignmentForm.initial_from(assignment) if assignment else None
    form = AssignmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = assignment_save(
            course=access.course,
            assignment=assignment,
            fields=form.fields_for_model(),
            challenges=form.cleaned_data["challenges"],
        )
        messages.success(request, "Assignment saved.")
        return redirect("courses:assignment", course_id=access.course.pk, assignment_id=saved.pk)
    context = {
        "access": access,
        "course": access.course,
        "assignment": assignment,
        "form": form,
        "slugs": _published_slugs(),
    }
    return render(request, "courses/assignment_form.html", context, status=_status(request, form))


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest, course_id: int) -> HttpResponse:
    return _assignment_form(request, _access(request, course_id, edit=True), None)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, course_id: int, assignment_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    return _assignment_form(request, access, _assignment(access, assignment_id))


@login_required
@require_GET
def assignment_detail(request: HttpRequest, course_id: int, assignment_id: int) -> HttpResponse:
    access = _access(request, course_id)
    assignment = _assignment(access, assignment_id)
    context = {"access": access, "course": access.course, "assignment": assignment}
    if access.is_learner:
        [context["progress"]] = learner_progress(user=request.user, assignments=[assignment], now=timezone.now())
    else:
        context["items"] = assignment_items(assignments=[assignment]).get(assignment.pk, [])
        context["extensions"] = assignment.extensions.count()
    return render(request, "courses/assignment.html", context)


@login_required
@require_POST
def assignment_reorder(request: HttpRequest, course_id: int, assignment_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    step = -1 if request.POST.get("direction") == "up" else 1
    assignment_move(assignment=_assignment(access, assignment_id), step=step)
    return redirect("courses:detail", course_id=course_id)


@login_required
@require_http_methods(["GET", "POST"])
def extensions(request: HttpRequest, course_id: int, assignment_id: int) -> HttpResponse:
    """The assignment's extensions for its staff; instructors grant them here."""
    access = _access(request, course_id, staff=True)
    assignment = _assignment(access, assignment_id)
    if request.method == "POST" and not access.can_edit:
        raise PermissionDenied("Only the course's instructors grant extensions.")
    form = ExtensionForm(request.POST or None, learners=course_learners(course=access.course))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            extension_grant(assignment=assignment, user=d["learner"], due=d["due"], closes=d["closes"])
        except CourseRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Extension granted to {d['learner']}.")
            return redirect("courses:extensions", course_id=course_id, assignment_id=assignment_id)
    context = {
        "access": access,
        "course": access.course,
        "assignment": assignment,
        "form": form,
        "extensions": assignment.extensions.select_related("user").order_by("user__username"),
    }
    return render(request, "courses/extensions.html", context, status=_status(request, form))


@login_required
@require_POST
def extension_withdraw(request: HttpRequest, course_id: int, assignment_id: int, extension_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    assignment = _assignment(access, assignment_id)
    extension = get_object_or_404(Extension.objects.select_related("user"), pk=extension_id, assignment=assignment)
    extension_revoke(extension=extension)
    messages.success(request, f"{extension.user}'s extension was withdrawn; the assignment's dates apply.")
    return redirect("courses:extensions", course_id=course_id, assignment_id=assignment_id)


# --- the course gradebook ----------------------------------------------------------------


@login_required
@require_GET
def gradebook(request: HttpRequest, course_id: int) -> HttpResponse:
    """Learners x the assignments' challenges, for the course's staff."""
    access = _access(request, course_id, staff=True)
    filters = {
        "q": request.GET.get("q", "").strip(),
        "assignment": request.GET.get("assignment", ""),
        "sort": request.GET.get("sort", DEFAULT_SORT),
    }
    book = course_gradebook(
        course=access.course, now=timezone.now(), name=filters["q"], assignment_id=filters["assignment"],
        sort=filters["sort"],
    )  # fmt: skip
    page = Paginator(book.rows, LEARNERS_PER_PAGE).get_page(request.GET.get("page"))
    headers = {
        "name": sort_header("name", book.sort, descending_first=False),
        "total": sort_header("total", book.sort, descending_first=True),
    }
    columns = [
        (
            column,
            sort_header(column.sort_key, book.sort, descending_first=True),
            [
                (item, sort_header(column.item_sort_key(item), book.sort, descending_first=True))
                for item in column.items
            ],
        )
        for column in book.shown_assignments
    ]
    # this page's rows, each with the progress of the assignments shown
    rows = [(row, [row.progress[i] for i in book.shown]) for row in page]
    context = {"access": access, "course": access.course, "book": book, "page": page, "rows": rows,
               "filters": filters, "headers": headers, "columns": columns}  # fmt: skip
    return render(request, "courses/gradebook.html", context)


@login_required
@require_GET
def gradebook_export(request: HttpRequest, course_id: int) -> StreamingHttpResponse:
    access = _access(request, course_id, staff=True)
    book = course_gradebook(course=access.course, now=timezone.now(), name=request.GET.get("q", ""))
    name = f"course-{access.course.pk}-gradebook-{timezone.now():%Y-%m-%d}.csv"
    return csv_response(course_gradebook_export_rows(book=book), filename=name)


@login_required
@require_GET
def analytics(request: HttpRequest, course_id: int, assignment_id: int) -> HttpResponse:
    access = _access(request, course_id, staff=True)
    assignment = _assignment(access, assignment_id)
    context = {"access": access, "course": access.course, "assignment": assignment,
               "items": assignment_analytics(assignment=assignment, now=timezone.now())}  # fmt: skip
    return render(request, "courses/analytics.html", context)


# --- similarity checks -------------------------------------------------------------------


def _assignment_challenge(access: Access, assignment_id: int, slug: str) -> tuple[Assignment, Challenge]:
    assignment = _assignment(access, assignment_id)
    return assignment, get_object_or_404(Challenge, slug=slug, assignment_items__assignment=assignment)


def _similarity_page(request: HttpRequest, access: Access, assignment, challenge, run) -> HttpResponse:
    context = {"access": access, "course": access.course, "assignment": assignment, "challenge": challenge,
               "run": run, "pairs": similarity_pairs(run=run) if run else [],
               "runs": similarity_runs(assignment=assignment, challenge=challenge)[:10]}  # fmt: skip
    if request.htmx and run is not None:  # the progress poll: the run's fragment alone
        return render(request, "courses/_similarity_run.html", context)
    context["form"] = SimilarityForm(initial={"threshold": round(100 * (run.threshold if run else 0.5))})
    return render(request, "courses/similarity.html", context)


@login_required
@require_GET
def similarity(request: HttpRequest, course_id: int, assignment_id: int, slug: str) -> HttpResponse:
    """The latest similarity check of an assignment's challenge: instructors only (the issue's rule:
    an accusation's evidence; TAs read and grade Submits, not this)."""
    access = _access(request, course_id, edit=True)
    assignment, challenge = _assignment_challenge(access, assignment_id, slug)
    run = similarity_runs(assignment=assignment, challenge=challenge).first()
    return _similarity_page(request, access, assignment, challenge, run)


@login_required
@require_GET
def similarity_run(request: HttpRequest, course_id: int, assignment_id: int, slug: str, run_id: int) -> HttpResponse:
    access = _access(request, course_id, edit=True)
    assignment, challenge = _assignment_challenge(access, assignment_id, slug)
    run = get_object_or_404(similarity_runs(assignment=assignment, challenge=challenge), pk=run_id)
    return _similarity_page(request, access, assignment, challenge, run)


@login_required
@require_POST
def similarity_start(request: HttpRequest, course_id: int, assignment_id: int, slug: str) -> HttpResponse:
    """Start a check (instructors only)."""
    access = _access(request, course_id, edit=True)
    assignment, challenge = _assignment_challenge(access, assignment_id, slug)
    form = SimilarityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The threshold is a whole percentage from 1 to 100.")
        return redirect("courses:similarity", course_id=course_id, assignment_id=assignment_id, slug=slug)
    threshold = form.cleaned_data["threshold"] / 100
    run = similarity_request(assignment=assignment, challenge=challenge, user=request.user, threshold=threshold)
    if run.threshold != threshold:
        messages.info(request, f"A check started before is still under way (from {run.threshold:.0%}): here it is.")
    return redirect("courses:similarity_run", course_id=course_id, assignment_id=assignment_id, slug=slug,
                    run_id=run.pk)  # fmt: skip


@login_required
@require_GET
def similarity_pair(
    request: HttpRequest, course_id: int, assignment_id: int, slug: str, run_id: int, pair_id: int
) -> HttpResponse:
    """Two final Submits side by side, the code they share marked. Learner code
    is hostile: it reaches the page only as escaped text, cut by the ranges."""
    access = _access(request, course_id, edit=True)
    assignment, challenge = _assignment_challenge(access, assignment_id, slug)
    run = get_object_or_404(SimilarityRun, pk=run_id, assignment=assignment, challenge=challenge)
    pair = get_object_or_404(
        SimilarityPair.objects.select_related("submission_a__user", "submission_b__user"), pk=pair_id, run=run
    )
    sides = [
        (pair.submission_a, pair.similarity_a, marked(pair.submission_a.code, pair.regions_a)),
        (pair.submission_b, pair.similarity_b, marked(pair.submission_b.code, pair.regions_b)),
    ]
    context = {"access": access, "course": access.course, "assignment": assignment, "challenge": challenge,
               "run": run, "pair": pair, "sides": sides}  # fmt: skip
    return render(request, "courses/similarity_pair.html", context)
