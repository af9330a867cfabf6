"""The production shape on this machine, for the throughput bench and the soak:
PostgreSQL (a database of its own, created and dropped), Redis, gunicorn
serving the app, and Celery workers, each a process of its own with its log
in a temporary folder.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from tests.support.driver import session_key_for
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def answers(address: tuple[str, int], path: str = "/accounts/login/") -> bool:
    """Whether the web server at *address* serves *path* (200)."""
    conn = http.client.HTTPConnection(*address, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def wait_until_answers(address: tuple[str, int], proc: subprocess.Popen, log: Path | None = None,
                       seconds: float = 60) -> None:  # fmt: skip
    """Until the web server *proc* at *address* answers, or RuntimeError with its log's end."""
    deadline = time.monotonic() + seconds
    while not answers(address):
        if time.monotonic() > deadline or proc.poll() is not None:
            tail = log.read_text()[-2000:] if log is not None else ""
            raise RuntimeError(f"the web server at {address[0]}:{address[1]} did not answer\n{tail}")
        time.sleep(0.1)  # polling with a deadline


class Stack:
    """The app's processes on *database_url* (created here, dropped by close),
    *broker_url* and *cache_url*, sharing one environment: *env* adds to it."""

    def __init__(self, tmp: Path, *, database_url: str, broker_url: str, cache_url: str, env: dict | None = None):
        self.tmp, self.database_url, self.broker_url = tmp, database_url, broker_url
        self.procs: list[subprocess.Popen] = []
        self.queue = f"stack-{os.getpid()}"
        self.address = ("127.0.0.1", free_port())
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "CACHE_URL": cache_url,  # as in production (docker-compose.yml): Redis, shared by the web processes
            "CELERY_QUEUE": self.queue,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_STATIC_ROOT": str(tmp / "static"),
            "GRADER_RATE_LIMIT": "1000000",
            "LOG_LEVEL": "WARNING",
            "OPENBLAS_NUM_THREADS": "1",
            **(env or {}),
        }

    def create(self) -> None:
        """The database, migrated, with the shipped library imported; this
        process set up as a Django client of it."""
        import psycopg
        import redis

        redis.Redis.from_url(self.broker_url, socket_connect_timeout=2).ping()
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database_name}"')
        os.environ.update(self.env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        subprocess.run([sys.executable, "manage.py", "import_challenges"], cwd=ROOT, env=self.env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        call_command("collectstatic", verbosity=0, interactive=False)

    @property
    def database_name(self) -> str:
        return urllib.parse.urlparse(self.database_url).path.lstrip("/")

    @property
    def admin_url(self) -> str:
        return urllib.parse.urlparse(self.database_url)._replace(path="/postgres").geturl()

    def users(self, n: int, prefix: str = "learner") -> list[str]:
        """*n* new users named *prefix*000..., logged in: their session keys."""
        from django.contrib.auth import get_user_model

        User = get_user_model()
        users = [User(username=f"{prefix}{i:03d}") for i in range(n)]
        for user in users:
            user.set_unusable_password()  # sessions are made directly: no password hashing to pay for
        User.objects.bulk_create(users)
        return [session_key_for(u) for u in User.objects.filter(username__startswith=prefix).order_by("username")]

    def start(self, argv: list[str], log: str) -> subprocess.Popen:
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=open(self.tmp / log, "a"),  # noqa: SIM115
                                stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self.procs.append(proc)
        return proc

    def web(self, workers: int = 2, threads: int = 1) -> subprocess.Popen:
        proc = self.start([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"{self.address[0]}:{self.address[1]}",
                           "--workers", str(workers), "--threads", str(threads), "--keep-alive", "60",
                           "--no-control-socket", "--log-level", "warning"], "web.log")  # fmt: skip
        wait_until_answers(self.address, proc, self.tmp / "web.log")
        return proc

    def worker(self, name: str, concurrency: int = 2, argv: list[str] | None = None) -> subprocess.Popen:
        """A Celery worker on the stack's queue, once it beats (it consumes
        then); *argv* to start something other than ``celery worker`` with
        these arguments after it."""
        from grader.models import WorkerHeartbeat

        node = f"{name}-{os.getpid()}@localhost"
        celery = ["-Q", self.queue, "-c", str(concurrency), "-n", node, "--loglevel", "WARNING"]
        proc = self.start(
            [*(argv or [sys.executable, "-m", "celery", "-A", "config", "worker"]), *celery], f"{name}.log"
        )
        deadline = time.monotonic() + 60
        while not WorkerHeartbeat.objects.filter(name=node).exists():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"the worker {name} did not start\n{(self.tmp / f'{name}.log').read_text()[-2000:]}")
            time.sleep(0.1)  # polling with a deadline
        return proc

    def stop(self, proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
        """Stop *proc* with *sig* (SIGTERM: a worker finishes its gradings first), its whole group if it lingers."""
        proc.send_signal(sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if sig == signal.SIGKILL:  # its pool and sandboxes too, as when a machine or container dies
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                self.stop(proc)
        from django.db import connections

        connections.close_all()
        import psycopg
        import redis

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
        r = redis.Redis.from_url(self.broker_url)
        keys = [k for k in r.scan_iter(f"*{self.queue}*")]
        if keys:
            r.delete(*keys)
        from django.core.cache import cache

        cache.clear()  # the stack's own cache database: its sessions and throttling counts
