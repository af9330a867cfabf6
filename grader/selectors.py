"""Reads of submissions and drafts. A learner only ever reads their own;
instructors and admins may read everyone's; a course's instructors and TAs
read its learners' work on its challenges (``submission_read_requested``)."""

from __future__ import annotations

import ast

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Window
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from accounts.roles import is_instructor
from challenges.models import Challenge
from grader.engine import checks
from grader.models import Draft, ScratchRun, Submission

HISTORY_LENGTH = 20
HIDDEN_MESSAGE = "Hidden test: its inputs and expected values are not shown."

# What kind of check a hidden test failed, read from the checks' own wording (grader.engine.checks);
# only these fixed phrases reach the learner, and the checks' own notes (digits matched, the author's
# probe), never the message, which may hold the inputs.
HIDDEN_KINDS = (
    ("the speed test's result", "a wrong result on the speed test's large input"),
    ("of CPU on", "too slow: over the speed limit against the reference"),
    ("finite-difference gradient", "the gradient does not match finite differences"),
    ("non-finite values", "NaN or inf in the result: a numerical-stability check"),
    ("dtype", "the result has the wrong dtype"),
    ("shape", "the result has the wrong shape or type"),
    ("should be", "the result has the wrong type"),
    ("does not match the expected values", "the values differ from the reference's"),
    ("expected", "the values differ from the reference's"),
)


def hidden_failure(status: str, message: str, metrics: dict | None = None) -> str:
    """A hidden test's failure said without its data: which kind of check it failed,
    and what the checks noted in its *metrics* (how many digits matched, what the
    input probes)."""
    if status == "timeout":
        kind = "it ran out of time"
    elif status == "error":
        kind = "your code raised an exception"
    else:
        kind = next((said for marker, said in HIDDEN_KINDS if marker in message), "one of its checks failed")
    notes = (metrics or {}).get(checks.NOTES) if status == "failed" else None
    lines = [notes[k] for k in ("digits", "probe") if isinstance(notes, dict) and isinstance(notes.get(k), str)]
    if not lines or not message.endswith("\n".join(lines)):  # noted by a check the test passed, not this failure
        lines = []
    return f"{HIDDEN_MESSAGE} What failed: {kind}." + "".join(
        f" {line[0].upper()}{line[1:].rstrip('.')}." for line in lines
    )


# What the result fragment shows, polled several times per grading: not the
# code, nor the challenge's version with its whole pack.
RESULT_FIELDS = ("user", "challenge", "kind", "preview", "status", "verdict", "score", "tests", "stdout", "error",
                 "error_line", "duration_ms", "created")  # fmt: skip


# Sent when a signed-in user who is neither the submission's owner nor an
# instructor asks for it, with user and submission; a receiver returns True to
# let them read it. The courses app lets a course's staff read its learners'
# work on its challenges here, so the grader imports nothing of courses.
submission_read_requested = Signal()


def submission_for_user(*, user, pk: int, result_only: bool = False) -> Submission | None:
    """The submission if *user* may see it (their own, anyone's for an
    instructor, or one a ``submission_read_requested`` receiver allows), else
    None; with *result_only*, only RESULT_FIELDS are loaded."""
    submissions = Submission.objects.filter(pk=pk)
    if result_only:
        submissions = submissions.only(*RESULT_FIELDS)
    else:
        submissions = submissions.select_related("challenge", "version", "user")
    if not user.is_authenticated:
        return None
    # Their own first: the result fragment is polled several times per grading,
    # and asking for permissions costs two more queries each time.
    own = submissions.filter(user=user).first()
    if own is not None:
        return own
    submission = submissions.first()
    if submission is None or is_instructor(user):
        return submission
    answers = submission_read_requested.send(sender=Submission, user=user, submission=submission)
    return submission if any(allowed for _, allowed in answers) else None


def submission_history(*, user, challenge: Challenge | int, preview: bool = False) -> QuerySet[Submission]:
    """The learner's latest gradings (or an instructor's previews) on *challenge* (or its id)."""
    mine = Submission.objects.filter(user=user, challenge=challenge, preview=preview)
    # the columns the history table shows: not the code, tests and output of twenty submissions
    shown = mine.only("created", "kind", "status", "verdict", "score", "duration_ms")
    return shown.order_by("-created")[:HISTORY_LENGTH]


def history_table(history) -> list[Submission]:
    """The history table's rows, each with its ``link`` and ``age``: one URL
    reversed for the whole table and one clock read, where the url tag and the
    timesince filter did both for every row (a third of the table's cost, and
    the table is rendered on every challenge page and every final result)."""
    rows = list(history)
    if rows:
        stand_in = 2**31 - 1  # no row's pk: the one URL reversed, then each row's pk put in its place
        url, now = reverse("grader:submission", args=[stand_in]), timezone.now()
        for row in rows:
            row.link = url.replace(str(stand_in), str(row.pk))
            row.age = "just now" if (now - row.created).total_seconds() < 60 else f"{timesince(row.created, now)} ago"
    return rows


def challenge_progress(*, user, challenge: Challenge) -> dict:
    """The history table and the learner's totals on *challenge*, in one query:
    the totals are window aggregates over all their Submits, computed before
    the history's LIMIT, and carried by every row (no row: no Submit yet)."""
    submits = Q(kind=Submission.Kind.SUBMIT, status=Submission.Status.DONE)
    history = history_table(
        submission_history(user=user, challenge=challenge).annotate(
            total_submits=Window(Count("pk", filter=submits)),
            best_score=Window(Max("score", filter=submits)),
            passes=Window(Count("pk", filter=submits & Q(verdict=Submission.Verdict.PASSED))),
        )
    )
    totals = history[0] if history else None
    return {
        "history": history,
        "attempts": totals.total_submits if totals else 0,
        "best_score": totals.best_score if totals else None,
        "solved": bool(totals and totals.passes),
        "failed_submits": totals.total_submits - totals.passes if totals else 0,
    }


def hints_unlocked(hints: list[str], *, failed_submits: int, solved: bool) -> int:
    """How many of a challenge's *hints* a learner sees: one more after each failed Submit, all once solved."""
    return len(hints) if solved else min(failed_submits, len(hints))


def draft_code(user) -> Subquery:
    """*user*'s draft of the outer query's challenge: the challenge page reads
    it with the challenge, in one query."""
    return Subquery(Draft.objects.filter(user=user, challenge=OuterRef("pk")).values("code")[:1])


def editor_code_for(*, user, challenge: Challenge, draft: str | None, from_submission: str | None = None) -> str:
    """What the editor opens with: a past submission's code if asked (the
    learner's own), else the *draft* (``draft_code``), else the starter code."""
    if from_submission and from_submission.isdigit():
        submission = submission_for_user(user=user, pk=int(from_submission))
        if submission is not None and submission.user_id == user.pk and submission.challenge_id == challenge.pk:
            return submission.code
    return draft if draft is not None else challenge.current_version.starter


def queue_position(submission: Submission) -> int:
    """1 when next in line."""
    return Submission.objects.filter(status=Submission.Status.QUEUED, created__lt=submission.created).count() + 1


def public_tests(submission: Submission, reveal: bool = False) -> list[dict]:
    """Per-test rows as a learner sees them: hidden tests keep only name and
    outcome, unless *reveal* (an instructor, who may read the tests anyway)."""
    rows = []
    for t in submission.tests:
        row = {k: t.get(k) for k in ("name", "status", "hidden", "duration_ms")}
        row["message"] = t.get("message", "")
        if t.get("hidden") and not reveal:
            row["message"] = (
                hidden_failure(t.get("status"), t.get("message") or "", t.get("metrics"))
                if t.get("status") != "passed"
                else ""
            )
        rows.append(row)
    return rows


def tests_for_viewer(submission: Submission, viewer) -> list[dict]:
    """*submission*'s per-test rows as *viewer* may read them (the result page
    and the API alike): hidden tests' messages only for instructors, who may
    read the tests anyway; its owner, and a course's staff without that role,
    read them redacted, as the learner does."""
    return public_tests(submission, reveal=submission.user_id != viewer.pk and is_instructor(viewer))


POLL_MS = 150  # a page or client following a grading asks again this soon ...
POLL_MS_PER_PLACE = 50  # ... and this much later per place in the queue
POLL_MS_MAX = 2000


def poll_ms(position: int | None) -> int:
    """When to ask again about a grading at *position* in the queue (None: running).
    Far back in a long queue the verdict is seconds away: asking every 150 ms
    would only take CPU from the workers that are grading it."""
    return min(POLL_MS_MAX, POLL_MS + POLL_MS_PER_PLACE * ((position or 1) - 1))


def scratch_for_user(*, user, pk: int, with_challenge: bool = False) -> ScratchRun | None:
    """The try-out if it is *user*'s own: nobody else sees one, staff included
    (it is practice scribbling, not work handed in)."""
    runs = ScratchRun.objects.filter(pk=pk, user=user)
    if with_challenge:
        runs = runs.annotate(slug=F("version__challenge__slug"), title=F("version__challenge__title"))
    return runs.first()


def scratch_example(*, functions: list[str], starter: str) -> str:
    """A first call to try, prefilled in the page's "Try your own input": the
    challenge's entry function on a small array for each parameter the
    starter gives it (the starter is the author's, so parsing it is safe)."""
    name = functions[0] if functions else "f"
    params: list[str] = []
    try:
        tree = ast.parse(starter)
    except (SyntaxError, ValueError):
        tree = ast.Module([], [])
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            positional = node.args.posonlyargs + node.args.args
            params = [a.arg for a in positional[: len(positional) - len(node.args.defaults)]]
            break
    lines = [f"{p} = np.array([1.0, 2.0, 3.0])" for p in params]
    return "\n".join([*lines, f"{name}({', '.join(params)})"]) + "\n"
