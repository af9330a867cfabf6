"""A real Celery worker for tests, on the test database and a private queue.

With the embedded default the broker is a filesystem queue in a temporary
folder; with CELERY_BROKER_URL=redis://... (CI's second run) it is Redis, on a
queue of the test's own so no other worker takes the task.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from conftest import require
from grader.models import Submission

ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def _drop_broker_connections() -> None:
    """Forget pooled connections and producers made with the old settings.
    app.close() drops only the connection pool: the producer pool, cached on
    app.amqp, would keep publishing with the previous test's transport options
    (into its queue folder, where no worker is listening)."""
    celery_app.close()
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(tmp_path, transactional_db):
    broker = settings.CELERY_BROKER_URL
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": broker}
    saved = {k: celery_app.conf[k] for k in ("task_default_queue", "broker_transport_options")}
    if broker == "filesystem://":
        env["CELERY_FILESYSTEM_DIR"] = str(tmp_path / "queue")
        options = {**celery_app.conf.broker_transport_options}
        for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
            folder = tmp_path / "queue" / Path(options[key]).name
            folder.mkdir(parents=True, exist_ok=True)
            options[key] = str(folder)
        celery_app.conf.broker_transport_options = options
    else:
        require(_redis_answers(broker), f"the broker at {broker} does not answer")
    celery_app.conf.task_default_queue = queue
    _drop_broker_connections()
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1", "-Q", queue, "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield tmp_path / "worker.log"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        celery_app.conf.update(saved)
        _drop_broker_connections()


def wait_until_done(pk: int, log: Path, seconds: float = 90) -> Submission:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        submission = Submission.objects.get(pk=pk)
        if submission.status == Submission.Status.DONE:
            return submission
        time.sleep(0.05)  # polling the database with a deadline, not a guess at timing
    pytest.fail(f"submission {pk} still {submission.status} after {seconds} s; worker log:\n{log.read_text()[-4000:]}")
