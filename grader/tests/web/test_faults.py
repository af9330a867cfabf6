"""Faults, for real: a worker process, a real broker, a real database, and the
fault made to happen (a broker restarted, a message never sent, a message sent
twice, the database away mid-grading, a burst of Submits through HTTP).

What must hold each time: every submission ends with exactly one verdict, and
none stays queued or running past the sweeper's bounds.
"""

import re
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
import uuid
from contextlib import suppress
from pathlib import Path

import pytest
import redis
from django.db import connection

from config.celery import app as celery_app
from conftest import require
from grader.models import Submission
from grader.services import submission_create
from grader.tasks import grade_submission
from tests.support.driver import drive, session_key_for
from tests.support.worker import (
    WebProcess,
    WorkerProcess,
    _database_url,
    _drop_broker_connections,
    free_port,
    wait_for_log,
    wait_until_done,
)

# the sweeper acts within seconds, not minutes
QUICK_SWEEP = {"GRADER_STUCK_QUEUED_SECONDS": "2", "GRADER_HOUSEKEEPING_SECONDS": "1"}


def _slowed(code: str, seconds: float) -> str:
    """*code* that takes *seconds* longer per test (every test re-executes the module)."""
    return f"import time\ntime.sleep({seconds})\n" + code


def _graded_lines(log: Path, pk: int) -> int:
    return log.read_text().count(f"graded submission={pk} ")


def _wait_graded(pk: int, log: Path, seconds: float) -> Submission:
    """Until the submission is done and its grading's log line is written: the
    line follows the stored result, and a worker killed in between loses it."""
    done = wait_until_done(pk, log, seconds=seconds)
    wait_for_log(log, f"graded submission={pk} ", seconds=seconds)
    return done


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds} s")
        time.sleep(0.05)  # polling with a deadline


def test_a_submission_whose_message_never_reached_the_broker_is_found_and_graded(
    private_queue, tmp_path, softmax, alice, monkeypatch
):
    queue, queue_dir = private_queue
    log = tmp_path / "worker.log"
    worker = WorkerProcess(queue, queue_dir, log, **QUICK_SWEEP)
    try:
        worker.wait_ready()
        with monkeypatch.context() as m:
            # the web process commits the row, then dies before it sends the message
            m.setattr(grade_submission, "delay", lambda *args, **kwargs: None)
            submission = submission_create(
                user=alice, challenge=softmax, code=softmax.current_version.solution, kind="submit"
            )
        done = _wait_graded(submission.pk, log, seconds=60)
    finally:
        worker.kill()  # the test is over: no need for a graceful shutdown, which takes seconds
    assert (done.verdict, done.attempts) == ("passed", 1)
    assert "re-enqueued 0 stuck running and 1 lost queued" in log.read_text()
    assert _graded_lines(log, submission.pk) == 1


def test_a_duplicate_message_grades_once(private_queue, tmp_path, softmax, alice):
    queue, queue_dir = private_queue
    log = tmp_path / "worker.log"
    worker = WorkerProcess(queue, queue_dir, log, concurrency=2)  # two processes race for the two messages
    try:
        worker.wait_ready()
        submission = Submission.objects.create(
            user=alice, challenge=softmax, version=softmax.current_version,
            code=softmax.current_version.solution, kind="submit", seed=7,
        )  # fmt: skip
        grade_submission.delay(submission.pk)
        grade_submission.delay(submission.pk)
        done = _wait_graded(submission.pk, log, seconds=60)
        wait_for_log(log, f"submission {submission.pk}: not queued, nothing to grade")
    finally:
        worker.kill()  # the test is over: no need for a graceful shutdown, which takes seconds
    assert (done.verdict, done.attempts) == ("passed", 1)
    assert _graded_lines(log, submission.pk) == 1


class RedisServer:
    """A private redis-server that keeps nothing on disk, to stop and start at will."""

    def __init__(self, folder: Path) -> None:
        self.port, self.folder = free_port(), folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_connect_timeout=1)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")],
        )  # fmt: skip

        def answers() -> bool:
            with suppress(redis.RedisError):
                return self.client().ping()
            return False

        _wait_for(answers, 20, "redis-server answering")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


def test_redis_restarted_with_submissions_queued_loses_none(
    broker_for_tests, transactional_db, tmp_path, softmax, django_user_model, monkeypatch
):
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    queue = f"restart-{uuid.uuid4().hex[:8]}"
    # what this process publishes (CELERY_BROKER_URL in the environment would win over broker_url)
    monkeypatch.setitem(celery_app.conf, "broker_write_url", server.url)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    _drop_broker_connections()
    log = tmp_path / "worker.log"
    worker = WorkerProcess(queue, None, log, CELERY_BROKER_URL=server.url, **QUICK_SWEEP)
    try:
        worker.wait_ready()
        learners = [django_user_model.objects.create_user(f"learner{i}") for i in range(9)]
        code = _slowed(softmax.current_version.solution, 0.05)  # about half a second a grading
        submitted = [submission_create(user=u, challenge=softmax, code=code, kind="submit") for u in learners[:8]]
        _wait_for(lambda: Submission.objects.filter(status="running").exists(), 30, "the worker starting a grading")
        waiting = server.client().llen(queue)
        assert waiting >= 4, "the queue should hold most of the submissions when Redis goes down"

        server.stop()  # every queued message goes with it: nothing is kept on disk
        # a Submit while the broker is down is stored all the same (its message is lost)
        submitted.append(submission_create(user=learners[8], challenge=softmax, code=code, kind="submit"))
        server.start()
        assert server.client().llen(queue) == 0  # the messages are lost, not redelivered

        done = [_wait_graded(s.pk, log, seconds=90) for s in submitted]
    finally:
        worker.kill()  # the test is over: no need for a graceful shutdown, which takes seconds
        server.stop()
        monkeypatch.undo()
        _drop_broker_connections()
    assert [(d.verdict, d.attempts) for d in done] == [("passed", 1)] * len(submitted)
    assert all(_graded_lines(log, d.pk) == 1 for d in done)
    assert "lost queued submissions" in log.read_text()  # the sweeper recovered them


class CuttableProxy:
    """A TCP proxy to PostgreSQL that can be cut: open connections are dropped
    and new ones closed at once, as when the database host goes away."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return  # closed
            with self.lock:
                if not self.up:
                    client.close()
                    continue
                upstream = socket.create_connection(self.upstream)
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        for s in (source, target):
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self.lock:
            self.up = False
            for s in self.sockets:
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self.sockets.clear()

    def restore(self) -> None:
        with self.lock:
            self.up = True

    def close(self) -> None:
        self.cut()
        self.server.close()


class DatabaseOutage:
    """Make the test database unreachable for the worker, and back.

    SQLite: hold its write lock (the worker's busy timeout is cut to 1 s, so
    it fails instead of waiting). PostgreSQL: the worker reaches it through a
    proxy that is cut."""

    def __init__(self) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.proxy = (
            None if self.sqlite else CuttableProxy(("127.0.0.1", int(connection.settings_dict["PORT"] or 5432)))
        )
        self.lock: sqlite3.Connection | None = None

    def worker_env(self) -> dict[str, str]:
        if self.sqlite:
            return {"DB_SQLITE_TIMEOUT": "1"}
        return {"DATABASE_URL": _database_url(port=self.proxy.port)}

    def begin(self) -> None:
        if self.sqlite:
            self.lock = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
            self.lock.execute("BEGIN EXCLUSIVE")  # in WAL mode: no writer but this one; readers go on
        else:
            self.proxy.cut()

    def end(self) -> None:
        if self.lock is not None:
            self.lock.execute("ROLLBACK")
            self.lock.close()
            self.lock = None
        if self.proxy is not None:
            self.proxy.restore()

    def close(self) -> None:
        self.end()
        if self.proxy is not None:
            self.proxy.close()


def test_the_database_away_mid_grading_delays_the_result_and_loses_nothing(private_queue, tmp_path, softmax, alice):
    queue, queue_dir = private_queue
    log = tmp_path / "worker.log"
    outage = DatabaseOutage()
    worker = WorkerProcess(queue, queue_dir, log, **outage.worker_env())
    try:
        worker.wait_ready()
        # about two seconds of grading: the outage begins while it runs
        code = _slowed(softmax.current_version.solution, 0.2)
        submission = submission_create(user=alice, challenge=softmax, code=code, kind="submit")
        _wait_for(
            lambda: Submission.objects.filter(pk=submission.pk, status="running").exists(), 60, "the grading starting"
        )
        outage.begin()
        # the database stays away until the worker has tried, and failed, to store four times
        # (some 2 s on PostgreSQL, 5 s on SQLite, where each try first waits a second for the lock)
        failed = f"submission {submission.pk}: the database did not answer"
        wait_for_log(log, failed, seconds=60, count=4)
        outage.end()
        done = _wait_graded(submission.pk, log, seconds=60)
    finally:
        outage.close()
        worker.kill()  # the test is over: no need for a graceful shutdown, which takes seconds
    assert (done.status, done.verdict, done.attempts) == ("done", "passed", 1)
    assert _graded_lines(log, submission.pk) == 1


def test_a_burst_of_1000_submits_from_50_learners_each_graded_once_while_pages_answer(
    private_queue, tmp_path, library, django_user_model
):
    from challenges.models import Challenge

    queue, queue_dir = private_queue
    wlog, weblog = tmp_path / "worker.log", tmp_path / "web.log"
    worker = WorkerProcess(queue, queue_dir, wlog, concurrency=2)
    web = WebProcess(queue, queue_dir, weblog, GRADER_RATE_LIMIT="1000", LOG_LEVEL="WARNING")
    solutions = {c.slug: c.current_version.solution for c in Challenge.objects.select_related("current_version")}
    wrong = {"softmax": "def softmax(Z):\n    return Z\n"}
    # the cheap seed solutions, and every tenth Submit a wrong softmax
    cheap = ["softmax", "cross-entropy", "cosine-similarity", "batch-norm"]
    plans = [
        [
            ("softmax", wrong["softmax"], "failed") if (i + j) % 10 == 0 else (cheap[j % 4], solutions[cheap[j % 4]], "passed")
            for j in range(20)
        ]
        for i in range(50)
    ]  # fmt: skip
    users = [django_user_model.objects.create_user(f"learner{i}") for i in range(50)]
    sessions = [session_key_for(u) for u in users]
    try:
        worker.wait_ready()
        web.wait_ready()
        # learners poll every half second (a browser: 150 ms), to leave the CPU to the stack under test;
        # meanwhile a reader loads the challenge list every 100 ms
        run = drive(web.address, sessions, plans, seconds=300, poll=0.5, page="/challenges/", page_pause=0.1)
    finally:
        web.stop()
        worker.kill()  # the test is over: no need for a graceful shutdown, which takes seconds
    assert run.errors == []
    assert len(run.graded) == 1000
    assert [g.verdict for g in run.graded] == [g.expected for g in run.graded]  # what the learner saw

    stored = {pk: rest for pk, *rest in Submission.objects.values_list("pk", "status", "verdict", "challenge__slug")}
    assert stored == {g.pk: ["done", g.expected, g.slug] for g in run.graded}  # each one done, none stuck
    # none graded twice: one stored result each, and a second attempt only where the sweeper re-queued
    log = wlog.read_text()
    stored_lines = re.findall(r"graded submission=(\d+) ", log)
    assert sorted(map(int, stored_lines)) == sorted(stored)
    requeued = sum(int(n) for n in re.findall(r"re-enqueued (\d+) stuck running", log))
    assert sum(a - 1 for a in Submission.objects.values_list("attempts", flat=True)) <= requeued

    statuses = [status for status, _ in run.pages]
    assert len(statuses) >= 10 and set(statuses) == {200}, statuses  # the pages kept answering, every time
    drained = max(g.shown for g in run.graded) - min(g.submitted for g in run.graded)
    slowest = max(seconds for _, seconds in run.pages)
    print(f"\ndrained in {drained:.1f} s; /challenges/ answered {len(statuses)} times, slowest {slowest * 1000:.0f} ms")
