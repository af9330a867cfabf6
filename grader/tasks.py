from celery import shared_task
from django.db import InterfaceError, OperationalError

from grader.services import scratch_execute, submission_grade


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=1, max_retries=5)
def grade_submission(submission_id: int) -> None:
    """Entry point only: a learner's broken code is a result, not a task error."""
    submission_grade(submission_id=submission_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=1, max_retries=5)
def try_scratch(scratch_id: int) -> None:
    """Entry point only: the learner's own calls, no tests (Try your own input)."""
    scratch_execute(scratch_id=scratch_id)
