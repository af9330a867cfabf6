"""A real Celery worker for tests, on the test database and a private queue.

With the embedded default the broker is a filesystem queue in a temporary
folder; with CELERY_BROKER_URL=redis://... (CI's second run) it is Redis, on a
queue of the test's own so no other worker takes the task.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

import courses.tasks  # noqa: F401
import grader.tasks  # noqa: F401
import lti.tasks  # noqa: F401
import studio.tasks  # noqa: F401  (every task defined before app.close() below takes the app off Celery's list of apps)
from config.celery import app as celery_app
from conftest import require
from grader.models import Submission
from tests.support.procs import children

ROOT = Path(settings.BASE_DIR)


def _database_url(port: int | None = None) -> str:
    """The test database as a URL for another process; *port* to reach
    PostgreSQL through something else (a proxy) on this machine."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{port or db['PORT'] or 5432}/{db['NAME']}"


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


def _descendants(pid: int) -> list[int]:
    """Every process below *pid* (pool processes may start sessions of their own)."""
    below = children()
    found, todo = [], [pid]
    while todo:
        for child in below.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _environment(queue: str, queue_dir: Path | None, **env: str) -> dict[str, str]:
    """A server process's environment: the test database, broker and queue."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": queue,  # what the process itself sends (Submits, the sweeper) goes to this queue
        **env,
    }
    if queue_dir is not None:
        env["CELERY_FILESYSTEM_DIR"] = str(queue_dir)
    return env


class WorkerProcess:
    """``celery worker`` as a subprocess, on the test database and queue."""

    def __init__(self, queue: str, queue_dir: Path | None, log: Path, concurrency: int = 1, **env: str) -> None:
        self.log = log
        self.name = f"{queue}-{uuid.uuid4().hex[:6]}@localhost"  # its own name: several may run at once
        env = _environment(queue, queue_dir, **env)
        self._log = open(log, "a")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", str(concurrency), "-Q", queue,
             "-n", self.name, "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, seconds: float = 60) -> None:
        """Until the worker consumes (its log says so), or fail with the log."""
        wait_for_log(self.log, f"{self.name} ready.", seconds=seconds)

    def kill(self) -> None:
        """SIGKILL the worker and every process under it at once, as a crash would."""
        for pid in [self.proc.pid, *_descendants(self.proc.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=30)
        self._log.close()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self._log.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebProcess:
    """The web app served by gunicorn (the production server), on the test database and queue."""

    def __init__(self, queue: str, queue_dir: Path | None, log: Path, workers: int = 2, **env: str) -> None:
        self.log = log
        self.address = ("127.0.0.1", free_port())
        self._log = open(log, "a")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"{self.address[0]}:{self.address[1]}",
             "--workers", str(workers), "--threads", "4", "--keep-alive", "60", "--no-control-socket"],
            cwd=ROOT, env=_environment(queue, queue_dir, **env), stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, seconds: float = 60) -> None:
        """Until the login page answers, or fail with the log."""
        deadline = time.monotonic() + seconds
        while True:
            conn = http.client.HTTPConnection(*self.address, timeout=5)
            try:
                conn.request("GET", "/accounts/login/")
                if conn.getresponse().status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()
            if time.monotonic() > deadline or self.proc.poll() is not None:
                pytest.fail(f"gunicorn did not answer within {seconds} s:\n{self.log.read_text()[-4000:]}")
            time.sleep(0.1)  # polling with a deadline

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self._log.close()


def filesystem_options(queue_dir: Path) -> dict:
    """The filesystem broker's options with every folder under *queue_dir*."""
    options = {**celery_app.conf.broker_transport_options}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        folder = queue_dir / Path(options[key]).name
        folder.mkdir(parents=True, exist_ok=True)
        options[key] = str(folder)
    return options


@pytest.fixture(scope="session")
def broker_for_tests(django_db_setup, tmp_path_factory):
    """Point this process's Celery app at a private queue for the session."""
    broker = settings.CELERY_BROKER_URL
    queue = f"test-{uuid.uuid4().hex[:8]}"
    saved = {k: celery_app.conf[k] for k in ("task_default_queue", "broker_transport_options")}
    queue_dir = None
    if broker == "filesystem://":
        queue_dir = tmp_path_factory.mktemp("queue")
        celery_app.conf.broker_transport_options = filesystem_options(queue_dir)
    else:
        require(_redis_answers(broker), f"the broker at {broker} does not answer")
    celery_app.conf.task_default_queue = queue
    _drop_broker_connections()
    yield queue, queue_dir
    celery_app.conf.update(saved)
    _drop_broker_connections()


@pytest.fixture(scope="session")
def _shared_worker(broker_for_tests, tmp_path_factory):
    # One worker for the session: stopping a Celery worker takes seconds.
    queue, queue_dir = broker_for_tests
    process = WorkerProcess(queue, queue_dir, tmp_path_factory.mktemp("worker") / "worker.log")
    yield process
    process.stop()


@pytest.fixture
def private_queue(broker_for_tests, transactional_db, tmp_path, monkeypatch):
    """A queue, and with the filesystem broker a folder, of this test's own, away
    from the session's worker: what this process sends by default goes there."""
    queue, queue_dir = f"private-{uuid.uuid4().hex[:8]}", None
    if broker_for_tests[1] is not None:
        queue_dir = tmp_path / "queue"
        monkeypatch.setitem(celery_app.conf, "broker_transport_options", filesystem_options(queue_dir))
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    _drop_broker_connections()
    yield queue, queue_dir
    monkeypatch.undo()
    _drop_broker_connections()


@pytest.fixture
def worker(_shared_worker, transactional_db) -> Path:
    """A running worker grading this test's submissions; its log file."""
    return _shared_worker.log


def wait_for_log(log: Path, text: str, seconds: float = 60, count: int = 1) -> None:
    """Until *text* appears *count* times in *log*, or fail showing the log's end."""
    deadline = time.monotonic() + seconds
    while log.read_text().count(text) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"{text!r} not seen {count} times in {log.name} after {seconds} s:\n{log.read_text()[-4000:]}")
        time.sleep(0.05)  # polling a file with a deadline


def wait_until_done(pk: int, log: Path, seconds: float = 90) -> Submission:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        submission = Submission.objects.get(pk=pk)
        if submission.status == Submission.Status.DONE:
            return submission
        time.sleep(0.05)  # polling the database with a deadline, not a guess at timing
    pytest.fail(f"submission {pk} still {submission.status} after {seconds} s; worker log:\n{log.read_text()[-4000:]}")
