from billiard.process import current_process
from celery import shared_task
from celery.signals import worker_process_init
from django.db import InterfaceError, OperationalError

from grader.engine import judge
from grader.services import submission_grade


@worker_process_init.connect
def _one_sandbox_uid_per_worker_process(**kwargs) -> None:
    # Each prefork child gets its own slot, hence its own sandbox uid.
    judge.configure_default(slot=current_process().index)


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=1, max_retries=5)
def grade_submission(submission_id: int) -> None:
    """Entry point only: a learner's broken code is a result, not a task error."""
    submission_grade(submission_id=submission_id)
