"""make bench, part two: Submits through HTTP, as a browser sends them.

For each broker (the embedded filesystem:// and Redis), start a web server and
a Celery worker on a scratch SQLite database, log in, then Submit the softmax
seed solution N times, one after another, as htmx does: POST, then poll the
result fragment. Reported: from the POST to the verdict stored by the worker,
and from the POST to the first fragment that shows it.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench.common import LIBRARY, ROOT, median_p95, wait_until_answers
from tests.support.ports import free_port

POLL_DELAY = 0.15  # the fragment's hx-trigger delay


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str, **headers) -> str:
        request = urllib.request.Request(self.base + path, headers=headers)
        with self.opener.open(request, timeout=30) as r:
            return r.read().decode()

    def post(self, path: str, data: dict, **headers) -> str:
        body = urllib.parse.urlencode(data).encode()
        headers = {"X-CSRFToken": self.csrf(), "Referer": self.base + path, **headers}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        with self.opener.open(request, timeout=30) as r:
            return r.read().decode()


def measure(broker: str, n: int) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{db}",
            "CELERY_BROKER_URL": broker,
            "CELERY_FILESYSTEM_DIR": str(Path(tmp) / "queue"),
            "CELERY_QUEUE": f"bench-{os.getpid()}",
            "GRADER_RATE_LIMIT": str(10 * n),
            "LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, "manage.py"]
        run = {"cwd": ROOT, "env": env, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([*manage, "migrate", "--noinput"], **run)
        subprocess.run([*manage, "import_challenges"], **run)
        subprocess.run(
            [*manage, "shell", "-c", "from django.contrib.auth.models import User; User.objects.create_user('bench', password='bench-password-1')"],
            **run,
        )  # fmt: skip
        port = free_port()
        procs = [
            subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
            subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1", "-Q", env["CELERY_QUEUE"],
                              "--loglevel", "WARNING"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_answers(("127.0.0.1", port), procs[0], seconds=30)
            browser = Browser(base)
            browser.get("/accounts/login/")
            browser.post("/accounts/login/", {"username": "bench", "password": "bench-password-1"})
            code = (LIBRARY / "softmax" / "solution.py").read_text()
            stored, shown = [], []
            conn = sqlite3.connect(db)
            for i in range(n + 2):  # the first two warm up the worker's sandbox
                t0 = time.time()
                fragment = browser.post("/challenges/softmax/submit/", {"code": code}, **{"HX-Request": "true"})
                pk = int(re.search(r'data-submission="(\d+)"', fragment).group(1))
                while 'data-status="done"' not in fragment:
                    time.sleep(POLL_DELAY)
                    fragment = browser.get(f"/submissions/{pk}/result/", **{"HX-Request": "true"})
                t_shown = time.time()
                (finished,) = conn.execute("select finished from grader_submission where id = ?", (pk,)).fetchone()
                if 'data-verdict="passed"' not in fragment:
                    raise RuntimeError(f"submission {pk} did not pass")
                if i >= 2:
                    finished_at = datetime.fromisoformat(finished).replace(tzinfo=UTC)  # stored as UTC
                    stored.append((finished_at.timestamp() - t0) * 1000)
                    shown.append((t_shown - t0) * 1000)
            return stored, shown
        finally:
            for p in procs:
                p.terminate()
                p.wait(timeout=30)


def _fmt(samples: list[float]) -> str:
    median, p95 = median_p95(samples)
    return f"median {median:7.1f} ms   p95 {p95:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    print(f"\n{args.n} Submits of the softmax seed solution through HTTP, one at a time")
    for name, broker, target in (("filesystem://", "filesystem://", 400), ("redis", args.redis, 150)):
        try:
            stored, shown = measure(broker, args.n)
        except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"{name:14} not measured: {exc}")
            continue
        print(f"{name:14} POST -> verdict stored:   {_fmt(stored)}   (target: median <= {target} ms)")
        print(f"{'':14} POST -> fragment shows it: {_fmt(shown)}")


if __name__ == "__main__":
    main()
