"""Writes for grading: drafts, submissions, and storing what the engine found."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone

from challenges.models import Challenge, ChallengeVersion
from grader.engine.judge import default_judge
from grader.engine.results import GradingResult, cut
from grader.engine.results import Status as TestStatus
from grader.models import Draft, ScratchRun, Submission, WorkerHeartbeat

log = logging.getLogger(__name__)


class SubmissionRefused(Exception):
    """A request the learner can fix or wait out; the message says which."""

    def __init__(
        self, message: str, status: int = 429, in_flight: Submission | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status that says the same
        self.in_flight = in_flight  # the learner's grading still going, which the page can follow instead
        self.retry_after = retry_after  # seconds until the rate limit lets one more through


def code_check(code: str) -> None:
    size = len(code.encode("utf-8", "surrogatepass"))
    limit = settings.GRADER_MAX_CODE_BYTES
    if size > limit:
        raise SubmissionRefused(f"Your code is {size / 1024:.1f} KiB; the limit is {limit // 1024} KiB.", status=413)
    if "\x00" in code:  # PostgreSQL stores no NUL in text, and Python reads no source with one
        raise SubmissionRefused("Your code contains a NUL character (\\0), which Python does not accept.", status=400)


def draft_save(*, user, challenge: Challenge, code: str) -> Draft:
    code_check(code)
    return _draft_upsert(user=user, challenge=challenge, code=code)


def _draft_upsert(*, user, challenge: Challenge, code: str) -> Draft:
    # one upsert, not update_or_create's read, savepoint and write: it runs on every Run and Submit
    [draft] = Draft.objects.bulk_create(
        [Draft(user=user, challenge=challenge, code=code, updated=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "challenge"],
        update_fields=["code", "updated"],
    )
    return draft


# Sent before a learner's Submit is stored, with user, challenge and now; a
# receiver returns why it is refused, or None. Apps that set dates on work
# (courses) connect here, so the grader imports none of them.
submit_requested = Signal()

# Sent once a Submit's result is stored (a grading or a regrade), with the
# submission. Apps that report scores elsewhere (lti, to an LMS) connect here;
# sent robustly: a receiver's failure is logged and never undoes the result.
submission_graded = Signal()


def submission_create(*, user, challenge: Challenge, code: str, kind: str, preview: bool = False) -> Submission:
    """Store a grading request and enqueue it once the row is committed.

    The code is saved as the draft in the same transaction, and kept when the
    request is refused, so a refused request loses nothing. A *preview* (an
    instructor trying the latest, maybe unpublished, content as a learner)
    keeps no draft and counts in no score. A Submit is refused when a
    receiver of ``submit_requested`` gives a reason (the courses app's, when
    the learner's assignments holding the challenge have all closed:
    ``courses.services.submit_refusal`` states the rule); Run never is.
    """
    from grader.tasks import grade_submission

    code_check(code)
    closed = None
    if kind == Submission.Kind.SUBMIT and not preview:  # Run is practice, always allowed
        now = timezone.now()
        answers = submit_requested.send(sender=Submission, user=user, challenge=challenge, now=now)
        closed = next((reason for _, reason in answers if reason), None)
    # ids, not versions: a version carries its whole pack, and only its id is stored
    version_id = (challenge.draft_version_id if preview else None) or challenge.current_version_id
    if version_id is None:
        raise SubmissionRefused("This challenge has no content yet.", status=404)
    with transaction.atomic():  # one commit for the draft and the submission
        if not preview:
            _draft_upsert(user=user, challenge=challenge, code=code)  # checked above
        # Serialise this user's requests, so two quick clicks cannot both pass
        # the checks below. (SQLite's IMMEDIATE transactions already do.)
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        refusal = SubmissionRefused(closed, status=403) if closed else _refusal(user)
        if refusal is None:
            submission = Submission.objects.create(
                user=user, challenge=challenge, version_id=version_id, code=code, kind=kind, preview=preview,
                seed=ChallengeVersion.grading_seed(version_id),
            )  # fmt: skip
            # robust: the row is committed whatever the broker says; if the message
            # is lost here, the sweeper sends it again (a Submit is not an error page)
            transaction.on_commit(lambda: grade_submission.delay(submission.pk), robust=True)
    if refusal is not None:  # raised after the commit: the draft stays
        raise refusal
    return submission


def _refusal(user) -> SubmissionRefused | None:
    """Why *user* may not start a grading now (one in flight, or the rate limit), if so."""
    return _busy_or_rate_refusal(Submission.objects.filter(user=user), settings.GRADER_RATE_LIMIT, "grading")


IN_FLIGHT = ("queued", "running")  # the statuses of work not yet done, a Submission's as a ScratchRun's


def _busy_or_rate_refusal(rows: QuerySet, limit: int, noun: str) -> SubmissionRefused | None:
    """Why one more of a user's *rows* (each with ``status`` and ``created``)
    may not start now: one still in flight, or *limit* in the rate window."""
    window = settings.GRADER_RATE_WINDOW
    since = timezone.now() - timedelta(seconds=window)
    counts = rows.aggregate(  # both checks in one query
        in_flight=Count("pk", filter=Q(status__in=IN_FLIGHT)), recent=Count("pk", filter=Q(created__gte=since))
    )
    if counts["in_flight"]:
        return SubmissionRefused(
            f"A {noun} of yours is still in progress; wait for its result. Your code is saved.",
            status=409, in_flight=rows.filter(status__in=IN_FLIGHT).order_by("-created").first(),
        )  # fmt: skip
    if counts["recent"] >= limit:
        oldest = rows.filter(created__gte=since).order_by("created").values_list("created", flat=True).first()
        left = (oldest + timedelta(seconds=window) - timezone.now()).total_seconds()
        wait = max(1, int(left // 60) + 1)
        return SubmissionRefused(
            f"You have used your {limit} {noun}s for the last {window // 60} minutes; "
            f"try again in {wait} minute{'s' if wait != 1 else ''}. Your code is saved.",
            retry_after=max(1, math.ceil(left)),
        )
    return None


T = TypeVar("T")
DATABASE_PATIENCE_SECONDS = 60  # how long a claimed grading waits for the database to come back


def _said(exc: Exception) -> str:
    """A database error in one line: its type and its message's first line."""
    return f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"


def _despite_database_outage(step: Callable[[], T], submission_id: int) -> T:
    """Run a database *step* of a grading already claimed, retrying while the
    database is unreachable. Retrying the whole task would not help: the claim
    is taken, so the retry would find nothing queued and leave the submission
    running until the sweeper's bound."""
    deadline, pause = time.monotonic() + DATABASE_PATIENCE_SECONDS, 0.25
    while True:
        try:
            return step()
        except (OperationalError, InterfaceError) as exc:
            if time.monotonic() + pause > deadline:
                raise
            log.warning(
                "submission %s: the database did not answer (%s); trying again in %.2f s",
                submission_id, _said(exc), pause,
            )  # fmt: skip
            connection.close()  # a dropped connection is not reused; the next query opens a new one
            time.sleep(pause)
            pause = min(pause * 2, 4.0)


def submission_grade(*, submission_id: int) -> Submission | None:
    """Grade a queued submission and store the result. Safe to call twice.

    Claiming is an atomic conditional update: a duplicate message, or a
    second worker, finds nothing to claim and grades nothing.
    """
    claimed = Submission.objects.filter(pk=submission_id, status=Submission.Status.QUEUED).update(
        # tests=[]: rows an earlier, lost attempt stored as it went are not this one's
        status=Submission.Status.RUNNING,
        started=timezone.now(),
        attempts=F("attempts") + 1,
        tests=[],
    )
    if claimed != 1:
        log.info("submission %s: not queued, nothing to grade", submission_id)
        return None
    submission = _despite_database_outage(
        lambda: Submission.objects.select_related("version__challenge").get(pk=submission_id), submission_id
    )
    result = default_judge().grade(
        submission.version.pack(),
        submission.code,
        run_only=submission.kind == Submission.Kind.RUN,
        seed=submission.seed,
        on_test=_PartialRows(submission),
    )
    # Only the grading that still owns the submission stores: if the sweeper
    # handed it to another worker meanwhile, one result is kept, not two.
    store = partial(submission_store_result, submission=submission, result=result, attempt=submission.attempts)
    if not _despite_database_outage(store, submission.pk):
        log.warning("submission %s: taken over while grading; result dropped", submission.pk)
        return None
    wait_ms = (submission.started - submission.created).total_seconds() * 1000
    log.info(
        "graded submission=%s challenge=%s kind=%s verdict=%s score=%.3f queue_wait_ms=%.0f grading_ms=%.0f",
        submission.pk, submission.version.challenge.slug, submission.kind, submission.verdict, submission.score,
        wait_ms, submission.duration_ms,
    )  # fmt: skip
    return submission


# Caps on what is stored from a grading, above the engine's own (its output
# cap is 1 MiB): a defence if those ever fail, not the limits learners meet.
STDOUT_CHARS = (1 << 20) + 4096
TEXT_CHARS = 64 * 1024  # the error, each test's message, any other string
NAME_CHARS = 1024
NESTING = 16  # levels of lists and dicts kept in a test's metrics
LARGEST_INT = 2**63 - 1  # what a database integer or a JSON reader is sure to hold
LARGEST_LINE = 2**31 - 1  # error_line's column
LARGEST_MS = 1e9
TEST_STATUSES = {TestStatus.PASSED, TestStatus.FAILED, TestStatus.ERROR, TestStatus.TIMEOUT, TestStatus.SKIPPED}
UNSTORABLE = {
    "verdict": Submission.Verdict.INTERNAL_ERROR,
    "score": 0.0,
    "tests": [],
    "stdout": "",
    "error": "The grader could not store this result; this is not your fault. Please try again.",
    "error_line": None,
}


def clean_text(value, limit: int = TEXT_CHARS) -> str:
    """*value* as text any database stores and any page renders: cut to *limit*
    characters, NUL dropped (PostgreSQL refuses it in text and JSON), and lone
    surrogates replaced with U+FFFD (UTF-8 cannot encode them)."""
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    value = cut(value, limit)
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # through UTF-16, surrogates that pair up become their character; lone ones are replaced
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return value


def _finite(value, low: float, high: float) -> float | None:
    """*value* as a float if it is a real number within [low, high], else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) and low <= value <= high else None


def clean_json(value, depth: int = 0):
    """*value* as JSON every database accepts: strings cleaned, numbers finite
    and within 64 bits (else None), tuples as lists, anything else as text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -LARGEST_INT <= value <= LARGEST_INT else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return clean_text(value)
    if depth >= NESTING:
        return None
    if isinstance(value, dict):
        return {clean_text(k, NAME_CHARS): clean_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v, depth + 1) for v in value]
    return clean_text(value)


def _test_row(test) -> dict:
    row = clean_json(dict(vars(test)))
    row["name"] = clean_text(test.name, NAME_CHARS)
    row["status"] = test.status if isinstance(test.status, str) and test.status in TEST_STATUSES else TestStatus.ERROR
    row["message"] = clean_text(test.message)
    row["hidden"] = bool(test.hidden)
    row["duration_ms"] = _finite(test.duration_ms, 0, LARGEST_MS) or 0.0
    return row


def _result_fields(result: GradingResult) -> dict:
    """What a grading found, as Submission fields, each one safe to store:
    strings, numbers and verdicts from the learner's side are checked here,
    on the trusted side, whatever the engine did."""
    line = result.error_line
    verdict = result.verdict if isinstance(result.verdict, str) else None
    verdict = verdict if verdict in Submission.Verdict.values else Submission.Verdict.INTERNAL_ERROR
    return {
        "verdict": verdict,
        "score": _finite(result.score, 0.0, 1.0) or 0.0,
        "tests": [_test_row(t) for t in result.tests],
        "stdout": clean_text(result.stdout, STDOUT_CHARS),
        "error": clean_text(result.error),
        "error_line": line if type(line) is int and 1 <= line <= LARGEST_LINE else None,
        "duration_ms": _finite(result.duration_ms, 0.0, LARGEST_MS),
    }


def _owned(model, pk: int, attempt: int) -> QuerySet:
    """The row of *model* (a Submission or a ScratchRun) while *attempt* still
    runs it: empty once the sweeper has handed it on to another."""
    return model.objects.filter(pk=pk, status="running", attempts=attempt)


# How often a grading's rows so far are written, at most. One write costs the
# grading ~1.6 ms on PostgreSQL (bench.partial_rows): one after each test made
# a fast grading half again as long, while a page or client polls every 150 ms
# at the soonest. A grading over sooner (most are) writes none; the final store does.
PARTIAL_ROWS_SECONDS = 0.1


class _PartialRows:
    """``Judge.grade``'s *on_test* for a claimed submission: stores the rows
    so far in ``tests`` as tests end, so the result fragment, the API and the
    clients show them while the grading runs: when PARTIAL_ROWS_SECONDS have
    passed since the grading began or since the last write (a row may wait
    for the next test's end). Cleaned as the final result is
    (``_test_row``), each row once. Only while this attempt owns the
    submission. Best effort: the final store writes every row whatever
    happened here, so once a write is refused, or finds the grading taken
    over, no more are tried (an outage would cost each test a wait)."""

    def __init__(self, submission: Submission) -> None:
        self.pk = submission.pk
        self.mine = _owned(Submission, submission.pk, submission.attempts)
        self.rows: list[dict] = []
        self.writing = True
        self.written = time.monotonic()

    def __call__(self, tests: list) -> None:
        if not self.writing or time.monotonic() - self.written < PARTIAL_ROWS_SECONDS:
            return
        self.rows += [_test_row(t) for t in tests[len(self.rows) :]]
        try:
            with transaction.atomic():  # a savepoint inside a caller's transaction, as the final store's
                self.writing = self.mine.update(tests=self.rows) == 1
        except (DatabaseError, ValueError, TypeError) as exc:
            self.writing = False
            log.warning(
                "submission %s: rows so far not stored (%s); the result will be, at the end", self.pk, _said(exc)
            )
        self.written = time.monotonic()


def submission_store_result(
    *,
    submission: Submission,
    result: GradingResult,
    attempt: int | None = None,
    version: ChallengeVersion | None = None,
) -> bool:
    """Store *result* as *submission*'s outcome, done (against *version*, for a
    regrade); with *attempt*, only while it is still running as that attempt
    (the grading that owns it). False when it is not, and nothing is stored.

    The result is cleaned first. A write the database refuses all the same
    stores an internal error, the reason logged: a submission left running
    would be graded again, and refused again, without end. Connection errors
    are raised: the caller decides whether to wait for the database."""
    rows = (
        Submission.objects.filter(pk=submission.pk) if attempt is None else _owned(Submission, submission.pk, attempt)
    )
    done = {"status": Submission.Status.DONE, "finished": timezone.now()}
    if version is not None:
        done.update(version=version, seed=ChallengeVersion.grading_seed(version.pk))  # what a regrade drew from
    fields = {**_result_fields(result), **done}
    try:
        with transaction.atomic():  # inside a caller's transaction, a savepoint: a refusal undoes only this
            stored = rows.update(**fields)
    except (OperationalError, InterfaceError):
        raise
    except (DatabaseError, ValueError, TypeError):  # ValueError: SQLite's encoding errors among them
        log.exception("submission %s: the database refused its result; stored as an internal error", submission.pk)
        fields = {**fields, **UNSTORABLE}
        stored = rows.update(**fields)
    if stored:
        for name, value in fields.items():
            setattr(submission, name, value)
        if submission.kind == Submission.Kind.SUBMIT and not submission.preview:
            _announce_graded(submission)
    return stored == 1


def _announce_graded(submission: Submission) -> None:
    for receiver, answer in submission_graded.send_robust(sender=Submission, submission=submission):
        if isinstance(answer, Exception):
            log.error("submission %s: %r failed on its result: %r", submission.pk, receiver, answer)


def worker_heartbeat(*, name: str) -> None:
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen": timezone.now()})


def requeue_lost(model, lost: Q, task, now, *, give_up: Callable[[QuerySet], int], limit: int = 500) -> tuple[int, int]:
    """Put back to queued, and send *task* again for, rows of *model* matching
    *lost* (each with ``status``, ``enqueued`` and ``attempts``). A row claimed
    GRADER_MAX_ATTEMPTS times without finishing is not sent again (whatever
    stopped those workers would stop the next): *give_up* ends it, given it as
    a queryset, and says how many it ended. How many were re-enqueued, and ended."""
    most = settings.GRADER_MAX_ATTEMPTS
    requeued = ended = 0
    for pk, attempts in model.objects.filter(lost).values_list("pk", "attempts")[:limit]:
        # the same condition again: a worker or another sweeper may have moved it meanwhile
        row = model.objects.filter(lost, pk=pk)
        if attempts >= most:
            if give_up(row.filter(attempts__gte=most)):
                log.error("sweeper gave up on %s %s after %d attempts", model._meta.verbose_name, pk, attempts)
                ended += 1
        elif row.filter(attempts__lt=most).update(status="queued", enqueued=now):
            transaction.on_commit(partial(task.delay, pk))
            requeued += 1
    return requeued, ended


def _submission_give_up(rows: QuerySet[Submission]) -> int:
    error = (
        f"The grader gave up after {settings.GRADER_MAX_ATTEMPTS} attempts: each one stopped before it could "
        "store a result. This is not your fault; please try again."
    )
    return rows.update(**{**UNSTORABLE, "error": error}, status=Submission.Status.DONE, finished=timezone.now())


def submission_sweep() -> dict[str, int]:
    """Re-enqueue submissions whose message was lost: queued and not claimed
    for too long (a crash between commit and enqueue, a broker that dropped
    it), or running for longer than any grading may take (a worker killed
    mid-grading). One claimed GRADER_MAX_ATTEMPTS times already ends as an
    internal error instead. Safe anywhere, any number of times at once: each
    change is a conditional update, and claiming grades each submission once."""
    from grader.tasks import grade_submission

    now = timezone.now()
    lost = {
        "running": Q(status=Submission.Status.RUNNING)
        & Q(started__lt=now - timedelta(seconds=settings.GRADER_STUCK_RUNNING_SECONDS)),
        "queued": Q(status=Submission.Status.QUEUED)
        & Q(enqueued__lt=now - timedelta(seconds=settings.GRADER_STUCK_QUEUED_SECONDS)),
    }
    counts = {"gave up": 0}
    for kind, condition in lost.items():
        counts[kind], ended = requeue_lost(Submission, condition, grade_submission, now, give_up=_submission_give_up)
        counts["gave up"] += ended
    if counts["running"] or counts["queued"]:
        log.warning("sweeper re-enqueued %(running)d stuck running and %(queued)d lost queued submissions", counts)
    return counts


# ---- Try your own input: the learner's own calls of their code, no tests ----

SCRATCH_MAX_BYTES = 4 * 1024  # of the calls: a few lines, not a second program
SCRATCH_KEEP = timedelta(days=1)  # a try-out is read once, at once; the sweep drops older ones


def scratch_create(*, user, challenge: Challenge, code: str, source: str) -> ScratchRun:
    """Store a try-out of *code* (the editor's) with the learner's calls
    *source*, and enqueue it once committed. Its own limits: one in flight per
    learner and GRADER_SCRATCH_RATE_LIMIT per window, apart from gradings. The
    code is saved as the draft in the same transaction, as Run does (without
    JavaScript the page reloads with it)."""
    from grader.tasks import try_scratch

    code_check(code)
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > SCRATCH_MAX_BYTES:
        raise SubmissionRefused(f"Your input is {size} bytes; the limit is {SCRATCH_MAX_BYTES}.", status=413)
    if "\x00" in source:
        raise SubmissionRefused("Your input contains a NUL character (\\0), which Python does not accept.", status=400)
    if challenge.current_version_id is None:
        raise SubmissionRefused("This challenge has no content yet.", status=404)
    with transaction.atomic():
        _draft_upsert(user=user, challenge=challenge, code=code)
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()  # one request of theirs at a time
        runs = ScratchRun.objects.filter(user=user)
        refusal = _busy_or_rate_refusal(runs, settings.GRADER_SCRATCH_RATE_LIMIT, "try-out")
        if refusal is None:
            run = ScratchRun.objects.create(
                user=user, version_id=challenge.current_version_id, code=code, source=source
            )
            transaction.on_commit(lambda: try_scratch.delay(run.pk), robust=True)  # lost: the sweeper resends it
    if refusal is not None:
        raise refusal
    return run


def scratch_execute(*, scratch_id: int) -> ScratchRun | None:
    """Run a queued try-out in the sandbox and store what it showed. Safe to
    call twice: claiming is a conditional update, as for a grading."""
    claimed = ScratchRun.objects.filter(pk=scratch_id, status=ScratchRun.Status.QUEUED).update(
        status=ScratchRun.Status.RUNNING, started=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        log.info("scratch run %s: not queued, nothing to run", scratch_id)
        return None
    run = ScratchRun.objects.select_related("version").get(pk=scratch_id)
    result = default_judge().try_out(run.version.pack(), run.code, run.source)
    fields = {
        "status": ScratchRun.Status.ERROR if result.internal else ScratchRun.Status.DONE,
        "output": clean_json(result.to_dict()),  # the learner process's text: cut, cleaned, only shown
        "finished": timezone.now(),
    }
    mine = _owned(ScratchRun, run.pk, run.attempts)
    if not _despite_database_outage(lambda: mine.update(**fields), run.pk):
        log.warning("scratch run %s: taken over while running; result dropped", run.pk)
        return None
    for name, value in fields.items():
        setattr(run, name, value)
    return run


def _scratch_give_up(rows: QuerySet[ScratchRun]) -> int:
    error = (
        f"The grader gave up after {settings.GRADER_MAX_ATTEMPTS} attempts. This is not your fault; please try again."
    )
    return rows.update(status=ScratchRun.Status.ERROR, output={"error": error}, finished=timezone.now())


def scratch_sweep() -> dict[str, int]:
    """Resend try-outs lost as ``submission_sweep`` resends gradings (or give
    up on them), and drop finished ones older than SCRATCH_KEEP (or the rate
    window, if longer)."""
    from grader.tasks import try_scratch

    now = timezone.now()
    running_since = now - timedelta(seconds=settings.GRADER_STUCK_RUNNING_SECONDS)
    queued_since = now - timedelta(seconds=settings.GRADER_STUCK_QUEUED_SECONDS)
    lost = Q(status=ScratchRun.Status.RUNNING, started__lt=running_since)
    lost |= Q(status=ScratchRun.Status.QUEUED, enqueued__lt=queued_since)
    counts = {}
    counts["scratch runs"], counts["gave up"] = requeue_lost(
        ScratchRun, lost, try_scratch, now, give_up=_scratch_give_up
    )
    keep = max(SCRATCH_KEEP, timedelta(seconds=settings.GRADER_RATE_WINDOW))  # the rate limit counts them
    old = ScratchRun.objects.filter(created__lt=now - keep).exclude(status__in=IN_FLIGHT)
    counts["dropped"], _ = old.delete()
    if counts["scratch runs"]:
        log.warning("sweeper re-enqueued %(scratch runs)d lost scratch runs", counts)
    return counts
