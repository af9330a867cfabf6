from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from studio.services import regrade_item_execute, validation_execute

_DB_ERRORS = dict(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=1, max_retries=5)


@shared_task(
    **_DB_ERRORS,
    time_limit=settings.GRADER_VALIDATION_TIME_LIMIT,
    soft_time_limit=settings.GRADER_VALIDATION_TIME_LIMIT - 30,
)
def validate_version(run_id: int) -> None:
    validation_execute(run_id=run_id)


@shared_task(**_DB_ERRORS)
def regrade_submission(item_id: int) -> None:
    regrade_item_execute(item_id=item_id)
