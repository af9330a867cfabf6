from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from lti.services import PlatformUnavailable, roster_sync_run, score_give_up, score_push, scores_request

_DB_ERRORS = dict(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=1, max_retries=5)


@shared_task(**_DB_ERRORS)
def refresh_scores(user_id: int, challenge_id: int) -> None:
    scores_request(user_id=user_id, challenge_id=challenge_id, now=timezone.now())


def retry_delay(retries: int) -> int:
    """Seconds before try *retries* + 1: doubling from 5, at most 10 minutes apart."""
    return min(600, 5 * 2**retries)


@shared_task(bind=True, **_DB_ERRORS)
def push_score(self, sync_id: int) -> None:
    """Send one score; while the LMS is down, try again with backoff, then give up
    (the row says so, for the instructor, who can send it again)."""
    try:
        score_push(sync_id=sync_id)
    except PlatformUnavailable as exc:
        if self.request.retries >= settings.LTI_SCORE_MAX_RETRIES:
            score_give_up(sync_id=sync_id, reason=str(exc)[:300])
            return
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries), max_retries=None) from exc


@shared_task(**_DB_ERRORS)
def sync_roster(context_id: int) -> None:
    """An instructor's roster sync, off the request: the LMS may page slowly."""
    roster_sync_run(context_id=context_id, now=timezone.now())
