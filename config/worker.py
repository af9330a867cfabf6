"""What every Celery worker does besides running tasks: its priority, one
sandbox slot per pool process, database connections kept fresh, and the
housekeeping thread (a heartbeat for /healthz, and each app's sweep of lost
work). Loaded by the worker only (``include`` in config/celery.py), after
Django is set up and before ``worker_init``."""

import logging
import os
import socket
import threading

from billiard.process import current_process
from celery.signals import task_prerun, worker_init, worker_process_init, worker_ready, worker_shutdown
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections
from kombu.exceptions import OperationalError as KombuOperationalError

from courses.services import similarity_sweep
from grader.engine import judge
from grader.engine.sandbox import hardening
from grader.services import scratch_sweep, submission_sweep, worker_heartbeat
from lti.services import score_sweep
from studio.services import studio_sweep

log = logging.getLogger(__name__)
_stop = threading.Event()

# Each app's own sweep of lost work; housekeeping runs every one.
SWEEPS = (submission_sweep, scratch_sweep, studio_sweep, similarity_sweep, score_sweep)


@worker_init.connect
def _lower_priority(**kwargs) -> None:
    # In the main process, before the pool forks: every grading process, zygote
    # and learner process inherits it (learners' own sessions: share_priority).
    os.nice(settings.GRADER_WORKER_NICE)
    hardening.share_priority()


@worker_process_init.connect
def _one_sandbox_uid_per_worker_process(**kwargs) -> None:
    # Each prefork child gets its own slot, hence its own sandbox uid.
    judge.configure_default(slot=current_process().index)


@task_prerun.connect
def _reuse_database_connection(**kwargs) -> None:
    # What Django does before each request: drop a connection that is too old
    # or failed, keep a good one (settings.CELERY_DB_REUSE_MAX).
    close_old_connections()


def housekeeping_once(name: str) -> None:
    """Say this worker is alive, and re-enqueue (or give up on) lost work of every app."""
    try:
        worker_heartbeat(name=name)
        for sweep in SWEEPS:
            sweep()
    except (OperationalError, InterfaceError):
        log.warning("housekeeping: the database did not answer; trying again later")
    except KombuOperationalError:
        # the broker is away: what was not re-sent is still queued in the database
        log.warning("housekeeping: the broker did not answer; trying again later")


@worker_ready.connect
def _start_housekeeping(sender=None, **kwargs) -> None:
    # In the worker's main process, beside the pool: no beat needed, and
    # every worker does it, so one dead worker stops nothing.
    name = getattr(sender, "hostname", None) or f"celery@{socket.gethostname()}"

    def loop() -> None:
        while not _stop.is_set():
            close_old_connections()  # this thread's own connection, which may have dropped
            housekeeping_once(name)
            _stop.wait(settings.GRADER_HOUSEKEEPING_SECONDS)

    threading.Thread(target=loop, name="grader-housekeeping", daemon=True).start()


@worker_shutdown.connect
def _stop_housekeeping(**kwargs) -> None:
    _stop.set()
