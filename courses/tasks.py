from celery import shared_task
from django.db import InterfaceError, OperationalError

from courses.services import similarity_execute

_DB_ERRORS = dict(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=1, max_retries=5)


@shared_task(**_DB_ERRORS)
def similarity_check(run_id: int) -> None:
    similarity_execute(run_id=run_id)
