"""Writes for authoring: validation runs, publishing, regrades."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from challenges.models import Challenge, ChallengeVersion
from challenges.services import challenge_make_current
from grader.engine.judge import default_judge
from grader.engine.validate import REFERENCE, validate_pack
from grader.models import Submission
from grader.services import clean_json, requeue_lost, submission_store_result
from studio.models import Regrade, RegradeItem, Status, ValidationRun
from studio.selectors import LATEST_FIRST

log = logging.getLogger(__name__)


class PublishRefused(Exception):
    pass


def validation_request(*, version: ChallengeVersion, user) -> ValidationRun:
    """Queue a validation of *version*; one already queued or running is reused."""
    from studio.tasks import validate_version

    pending = version.validations.filter(status__in=[Status.QUEUED, Status.RUNNING]).first()
    if pending is not None:
        return pending
    run = ValidationRun.objects.create(version=version, requested_by=user)
    transaction.on_commit(partial(validate_version.delay, run.pk))
    return run


def validation_execute(*, run_id: int) -> ValidationRun | None:
    """Run a queued validation in the sandbox and store its table. Safe to call twice."""
    claimed = ValidationRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None
    run = ValidationRun.objects.select_related("version__challenge").get(pk=run_id)
    pack = run.version.pack()
    try:
        v = validate_pack(pack, default_judge(), seed=ChallengeVersion.grading_seed(run.version_id))
    except Exception as exc:  # a pack that cannot even be loaded is a finding, not a crash
        log.exception("validation %s could not run", run_id)
        run.valid, run.problems = False, [f"the pack could not be validated: {type(exc).__name__}: {exc}"]
    else:
        run.valid, run.problems, run.tests = v.valid, v.problems, v.tests
        run.runs = {
            name: {
                "verdict": result.verdict,
                "description": "reference solution" if name == REFERENCE else pack.mutant_description(name),
                "statuses": {t.name: t.status for t in result.tests},
            }
            for name, result in v.runs.items()
        }
    run.status, run.finished = Status.DONE, timezone.now()
    if not _validation_store(run):
        log.warning("validation %s: taken over while running; table dropped", run_id)
        return None
    log.info("validated %s: %s", run.version, "valid" if run.valid else "; ".join(run.problems))
    return run


def _validation_store(run: ValidationRun) -> bool:
    """Store *run*'s table if this attempt still owns it; a table the database
    refuses is stored as a finding (not valid), or the run would stay running."""
    mine = ValidationRun.objects.filter(pk=run.pk, status=Status.RUNNING, attempts=run.attempts)
    run.problems, run.tests, run.runs = clean_json(run.problems), clean_json(run.tests), clean_json(run.runs)
    fields = ("valid", "problems", "tests", "runs", "status", "finished")
    try:
        with transaction.atomic():
            return mine.update(**{f: getattr(run, f) for f in fields}) == 1
    except (OperationalError, InterfaceError):
        raise
    except (DatabaseError, ValueError, TypeError):
        log.exception("validation %s: the database refused its table", run.pk)
        run.valid, run.problems, run.tests, run.runs = False, ["the validation's table could not be stored"], [], {}
        return mine.update(**{f: getattr(run, f) for f in fields}) == 1


def latest_validation(version: ChallengeVersion | None) -> ValidationRun | None:
    return None if version is None else version.validations.order_by(*LATEST_FIRST).first()


def challenge_publish(*, challenge: Challenge) -> ChallengeVersion:
    """Make the latest content live, if it validates; the refusal names the fault."""
    version = challenge.latest_version
    if version is None:
        raise PublishRefused("This challenge has no content yet.")
    run = latest_validation(version)
    if run is None or run.status != Status.DONE:
        raise PublishRefused(
            f"Version {version.number} has not been validated yet: press Validate and wait for the table."
            if run is None
            else f"Version {version.number} is still being validated; publish once the table is complete."
        )
    if not run.valid:
        raise PublishRefused(f"Version {version.number} does not validate: " + "; ".join(run.problems))
    with transaction.atomic():
        if challenge.current_version_id != version.pk:
            challenge_make_current(challenge, version)
        challenge.published = True
        challenge.save(update_fields=["published", "updated"])
    return version


def challenge_unpublish(*, challenge: Challenge) -> None:
    challenge.published = False
    challenge.save(update_fields=["published", "updated"])


def regrade_start(*, challenge: Challenge, scope: str, user) -> Regrade:
    """Regrade past Submits against the current version, in the background.

    Only Submits graded against another version are taken, so running it twice
    does no work twice; a regrade still in progress is returned, not doubled.
    """
    from studio.tasks import regrade_submission

    version = challenge.current_version
    with transaction.atomic():
        Challenge.objects.select_for_update().filter(pk=challenge.pk).exists()  # one start at a time
        running = challenge.regrades.filter(finished__isnull=True).first()
        if running is not None:
            return running
        submits = Submission.objects.filter(
            challenge=challenge, kind=Submission.Kind.SUBMIT, preview=False, status=Submission.Status.DONE
        )
        if scope == Regrade.Scope.LATEST:
            latest = (
                Submission.objects.filter(
                    challenge=challenge, kind=Submission.Kind.SUBMIT, preview=False, user=OuterRef("user")
                )
                .order_by("-created")
                .values("pk")[:1]
            )
            submits = submits.filter(pk=Subquery(latest))
        submits = submits.exclude(version=version).values_list("pk", "version_id", "verdict", "score")
        regrade = Regrade.objects.create(challenge=challenge, version=version, scope=scope, requested_by=user)
        RegradeItem.objects.bulk_create(
            RegradeItem(regrade=regrade, submission_id=pk, old_version_id=v, old_verdict=verdict, old_score=score)
            for pk, v, verdict, score in submits
        )
        ids = list(regrade.items.values_list("pk", flat=True))
        if not ids:
            regrade.finished = timezone.now()
            regrade.save(update_fields=["finished"])
        for pk in ids:
            transaction.on_commit(partial(regrade_submission.delay, pk))
    log.info("regrade %s: %d submissions of %s to v%d", regrade.pk, len(ids), challenge.slug, version.number)
    return regrade


def regrade_item_execute(*, item_id: int) -> RegradeItem | None:
    """Grade one submission again and store its new result. Safe to call twice."""
    claimed = RegradeItem.objects.filter(pk=item_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None
    item = RegradeItem.objects.select_related("regrade__version__challenge", "submission").get(pk=item_id)
    submission, version = item.submission, item.regrade.version
    result = default_judge().grade(version.pack(), submission.code, seed=ChallengeVersion.grading_seed(version.pk))
    with transaction.atomic():
        # locked until the commit: the sweeper, or a cancel, cannot move it between the check and the store
        mine = RegradeItem.objects.select_for_update().filter(pk=item.pk, status=Status.RUNNING, attempts=item.attempts)
        if not mine.exists():
            return None  # handed to another worker, or cancelled, meanwhile
        submission_store_result(submission=submission, result=result, version=version)
        mine.update(status=Status.DONE, new_verdict=submission.verdict, new_score=submission.score)
        _regrade_finish_if_complete(item.regrade_id)
    item.refresh_from_db()
    return item


def _regrade_finish_if_complete(regrade_id: int) -> None:
    Regrade.objects.filter(pk=regrade_id, finished__isnull=True).exclude(
        items__status__in=[Status.QUEUED, Status.RUNNING]
    ).update(finished=timezone.now())


def regrade_cancel(*, regrade: Regrade, user) -> bool:
    """Stop an unfinished regrade: items not yet regraded are never run (a
    worker grading one now drops its result), and a new regrade may start.
    False if it had finished already."""
    now = timezone.now()
    with transaction.atomic():
        if not Regrade.objects.filter(pk=regrade.pk, finished__isnull=True).update(finished=now, cancelled=now):
            return False
        stopped = regrade.items.filter(status__in=[Status.QUEUED, Status.RUNNING]).update(status=Status.CANCELLED)
    regrade.finished = regrade.cancelled = now
    log.info("regrade %s cancelled by %s: %d submissions not regraded", regrade.pk, user, stopped)
    return True


def _validations_give_up(rows: QuerySet[ValidationRun]) -> int:
    problem = f"the validation gave up after {settings.GRADER_MAX_ATTEMPTS} attempts: each one stopped before the end"
    return rows.update(status=Status.DONE, valid=False, problems=[problem], finished=timezone.now())


def _regrade_items_give_up(rows: QuerySet[RegradeItem]) -> int:
    # the submission keeps the result it had; the item says its regrade failed
    regrades = set(rows.values_list("regrade_id", flat=True))
    ended = rows.update(status=Status.DONE, new_verdict=Submission.Verdict.INTERNAL_ERROR, new_score=None)
    for regrade_id in regrades:
        _regrade_finish_if_complete(regrade_id)
    return ended


def studio_sweep() -> dict[str, int]:
    """Re-enqueue validations and regrade items whose worker died or whose
    message was lost, or give up on them, like ``submission_sweep`` does for
    submissions."""
    from studio.tasks import regrade_submission, validate_version

    now = timezone.now()
    stuck_running = now - timedelta(seconds=settings.GRADER_VALIDATION_TIME_LIMIT + 30)
    stuck_queued = now - timedelta(seconds=settings.GRADER_STUCK_QUEUED_SECONDS)
    stuck_item = now - timedelta(seconds=settings.GRADER_STUCK_RUNNING_SECONDS)
    counts = {}
    counts["validations"], gave_up_validations = requeue_lost(
        ValidationRun, Q(status=Status.RUNNING, started__lt=stuck_running)
        | Q(status=Status.QUEUED, enqueued__lt=stuck_queued), validate_version, now,
        give_up=_validations_give_up, limit=100,
    )  # fmt: skip
    counts["regrade items"], gave_up_items = requeue_lost(
        RegradeItem, Q(status=Status.RUNNING, started__lt=stuck_item)
        | Q(status=Status.QUEUED, enqueued__lt=stuck_queued), regrade_submission, now,
        give_up=_regrade_items_give_up,
    )  # fmt: skip
    counts["gave up"] = gave_up_validations + gave_up_items
    if counts["validations"] or counts["regrade items"]:
        log.warning("sweeper re-enqueued %(validations)d validations and %(regrade items)d regrade items", counts)
    return counts
