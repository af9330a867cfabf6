"""The soak: mixed traffic through the production shape for a while, with a
worker restarted every few minutes and Redis restarted once, then an account
of every grading asked for and of the processes' memory and descriptors.

``make soak`` (``python -m tests.support.soak``) runs it for 30 minutes;
tests/test_soak.py runs two. The stack is tests/support/stack.py on
PostgreSQL (a database of its own) and a Redis server of its own (so that
restarting it disturbs nothing else on the machine), with two workers of one
grading process each: ``steady`` runs throughout (its processes are the ones
measured for leaks), ``restarted`` is stopped and started again every
*restart_every* seconds, in turn gracefully (SIGTERM: it finishes its
grading) and outright (SIGKILL to its whole process group, as when its
machine dies: the sweeper must find what it held).

Learners Run and Submit the library's references and mutants, one grading
in flight each as the server enforces; readers fetch the challenge list,
challenge pages, their submissions and the gradebook meanwhile. A reference
must pass; a mutant's Submit must not; no grading may end in an internal
error. Every grading the server accepted must be stored exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from tests.support.driver import Learner, Refused, _poll_delay
from tests.support.ports import free_port
from tests.support.procs import children
from tests.support.stack import ROOT, Stack

LIBRARY = ROOT / "challenges" / "library"

# Resident memory and open descriptors (each the floor of a window of readings,
# taken each half second) from the start (after every reference and mutant has
# been graded once) to the end may grow by this much and no more, per role.
RSS_GROWTH = 0.15  # of the first sample ...
RSS_SLACK_MB = 16.0  # ... plus this: allocator arenas settle, a pool grows once
FD_SLACK = 4

# The sweeper's bounds, shortened so a killed worker's grading is found in seconds, not minutes.
SWEEP_ENV = {
    "GRADER_STUCK_QUEUED_SECONDS": "15",
    "GRADER_STUCK_RUNNING_SECONDS": "45",
    "GRADER_HOUSEKEEPING_SECONDS": "3",
    "CELERY_TASK_SOFT_TIME_LIMIT": "30",
    "CELERY_TASK_TIME_LIMIT": "35",
}


@dataclass
class Asked:
    """A grading the server accepted."""

    pk: int
    slug: str
    variant: str  # "reference" or a mutant's name
    kind: str  # "submit" or "run"


@dataclass
class Sample:
    at: float  # seconds into the soak
    rss_mb: dict[str, float]
    fds: dict[str, int]


@dataclass
class Report:
    seconds: float
    asked: list[Asked] = field(default_factory=list)
    refused: Counter = field(default_factory=Counter)  # HTTP status of Submits/Runs not accepted
    page_errors: Counter = field(default_factory=Counter)  # HTTP status (0: no answer) of failed page reads
    pages: int = 0
    events: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    stored: int = 0
    lost: list[int] = field(default_factory=list)
    stuck: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.asked) and not (self.lost or self.stuck or self.duplicates or self.wrong or self.leaks)

    def lines(self) -> list[str]:
        kinds = Counter(a.kind for a in self.asked)
        out = [
            f"soaked {self.seconds:.0f} s: {len(self.asked)} gradings asked for ({kinds['submit']} Submits, "
            f"{kinds['run']} Runs), {self.stored} verdicts stored; {self.pages} pages read",
            f"lost {len(self.lost)}, stuck {len(self.stuck)}, duplicates {len(self.duplicates)}, "
            f"wrong verdicts {len(self.wrong)}",
            f"refused (HTTP status: count) {dict(self.refused) or 'none'}; "
            f"page errors {dict(self.page_errors) or 'none'}",
            *(f"  {e}" for e in self.events),
            f"{'role':8} " + "  ".join(f"{f'{s.at:.0f} s':>17}" for s in self.samples),
        ]
        for role in ROLES:
            out.append(f"{role:8} " + "  ".join(f"{s.rss_mb[role]:7.1f} MB {s.fds[role]:3d} fd" for s in self.samples))
        out.append(f"bound: each role's memory within +{RSS_GROWTH:.0%} + {RSS_SLACK_MB:g} MB of the first sample, "
                   f"descriptors within +{FD_SLACK}")  # fmt: skip
        out += [f"LOST {pk}" for pk in self.lost[:10]] + [f"STUCK {pk}" for pk in self.stuck[:10]]
        out += [f"DUPLICATE {pk}" for pk in self.duplicates[:10]] + [f"WRONG {w}" for w in self.wrong[:10]]
        out += [f"LEAK {leak}" for leak in self.leaks]
        return out


# --- what the learners send ---


def packs(slugs: list[str] | None = None) -> dict[str, dict[str, str]]:
    """slug -> variant -> code: each pack's reference and its mutants."""
    out = {}
    for folder in sorted(LIBRARY.iterdir()):
        if (folder / "challenge.toml").is_file() and (not slugs or folder.name in slugs):
            variants = {"reference": (folder / "solution.py").read_text()}
            variants.update({m.stem: m.read_text() for m in sorted((folder / "mutants").glob("*.py"))})
            out[folder.name] = variants
    return out


def wrong_verdict(asked: Asked, verdict: str) -> str | None:
    """Why *verdict* is wrong for *asked*, if it is."""
    if verdict == "internal error":
        return "an internal error"
    if asked.variant == "reference" and verdict != "passed":
        return f"the reference got {verdict}"
    if asked.variant != "reference" and asked.kind == "submit" and verdict == "passed":
        return "a mutant's Submit passed"
    return None


# --- processes: who is who, and what they hold ---

ROLES = ("web", "worker", "judge", "zygote")


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def sample(at: float, web: int, worker: int) -> Sample:
    """The web server (gunicorn and its workers), the steady worker's main
    process, its grading processes (each holds a judge) and their zygotes.
    Learner processes come and go with each test and are not counted."""
    below = children()
    judges = below.get(worker, [])
    pids = {
        "web": [web, *below.get(web, [])],
        "worker": [worker],
        "judge": judges,
        "zygote": [z for j in judges for z in below.get(j, [])],
    }
    rss, fds = {}, {}
    for role, members in pids.items():
        rss[role], fds[role] = 0.0, 0
        for pid in members:
            try:
                rss[role] += _rss_mb(pid)
                fds[role] += len(os.listdir(f"/proc/{pid}/fd"))
            except OSError:
                continue  # ended meanwhile
    return Sample(at, rss, fds)


def floors(readings: list[Sample], seconds: float) -> list[Sample]:
    """The start, middle and end of the soak, each the least of the readings
    in a window there: a reading may catch a grading holding its arrays,
    and what a leak raises is the floor between gradings."""
    width = min(60.0, seconds / 8)
    out = []
    for centre in (width / 2, seconds / 2, seconds - width / 2):
        window = [r for r in readings if abs(r.at - centre) <= width / 2] or readings
        out.append(Sample(centre, {role: min(r.rss_mb[role] for r in window) for role in ROLES},
                          {role: min(r.fds[role] for r in window) for role in ROLES}))  # fmt: skip
    return out


def leaks(samples: list[Sample]) -> list[str]:
    first, last = samples[0], samples[-1]
    out = []
    for role in ROLES:
        bound = first.rss_mb[role] * (1 + RSS_GROWTH) + RSS_SLACK_MB
        if last.rss_mb[role] > bound:
            out.append(f"{role}: {first.rss_mb[role]:.1f} MB -> {last.rss_mb[role]:.1f} MB (bound {bound:.1f})")
        if last.fds[role] > first.fds[role] + FD_SLACK:
            out.append(f"{role}: {first.fds[role]} -> {last.fds[role]} open descriptors")
    return out


# --- Redis of its own ---


class Redis:
    """A redis-server on a free port, persisting to an append-only file as a
    production Redis does, so a restart keeps the queue."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        folder.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.folder / "redis.log", "a")  # noqa: SIM115
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--dir", str(self.folder)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        import redis

        deadline = time.monotonic() + 30
        while True:
            try:
                if redis.Redis(port=self.port, socket_connect_timeout=1).ping():
                    return
            except redis.RedisError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(
                        f"redis-server did not start: {(self.folder / 'redis.log').read_text()[-500:]}"
                    ) from None
                time.sleep(0.05)  # polling with a deadline

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: Redis writes its data and exits
            self.proc.wait(timeout=30)


# --- the run ---


class Soak:
    def __init__(self, tmp: Path, *, database_url: str, seconds: float, restart_every: float, learners: int = 6,
                 readers: int = 2, slugs: list[str] | None = None, seed: int = 1, log=print) -> None:  # fmt: skip
        self.seconds, self.restart_every, self.n_learners, self.n_readers = seconds, restart_every, learners, readers
        self.packs = packs(slugs)
        self.rng = random.Random(seed)
        self.log = log
        self.redis = Redis(tmp / "redis")
        self.stack = Stack(tmp, database_url=database_url, broker_url=f"{self.redis.url}/0",
                           cache_url=f"{self.redis.url}/1", env=SWEEP_ENV)  # fmt: skip
        self.report = Report(seconds)
        self.warm_up: list[int] = []  # the warm-up's gradings, before the soak proper
        self.done = asyncio.Event()

    def run(self) -> Report:
        self.redis.start()
        try:
            self.stack.create()
            self.learners = self.stack.users(self.n_learners)
            admin = self.stack.users(1, prefix="soak-admin")
            from django.contrib.auth import get_user_model

            get_user_model().objects.filter(username__startswith="soak-admin").update(is_superuser=True, is_staff=True)
            self.admin = admin[0]
            self.web = self.stack.web()
            self.steady = self.stack.worker("steady", concurrency=1)
            asyncio.run(self._warm_up())
            self.restarted = self.stack.worker("restarted", concurrency=1)
            asyncio.run(self._traffic())
            self._account()
        finally:
            self.stack.close()
            self.redis.stop()
        return self.report

    async def _traffic(self) -> None:
        self.t0 = time.monotonic()
        tasks = [asyncio.create_task(self._learner(s)) for s in self.learners]
        tasks += [
            asyncio.create_task(self._reader(self.admin if i == 0 else self.learners[i])) for i in range(self.n_readers)
        ]
        await self._operate()
        self.done.set()
        await asyncio.gather(*tasks)

    async def _warm_up(self) -> None:
        """Every reference and mutant Submitted once, all graded by the steady
        worker (the other starts after), before the first sample: what its
        processes load once or keep for reuse (each pack, the allocator's
        high-water mark) is not a leak."""
        pairs = [(slug, variant) for slug, variants in self.packs.items() for variant in variants]
        per = [pairs[i :: self.n_learners] for i in range(self.n_learners)]
        deadline = time.monotonic() + 120 + 10 * len(pairs)

        async def one(session: str, mine: list[tuple[str, str]]) -> None:
            browser = Learner(self.stack.address, session)
            try:
                for slug, variant in mine:
                    pk, first = await browser.submit(slug, self.packs[slug][variant])
                    self.warm_up.append(pk)
                    await browser.verdict(pk, deadline, first)
            finally:
                await browser.close()

        await asyncio.gather(*(one(s, m) for s, m in zip(self.learners, per, strict=True)))

    async def _operate(self) -> None:
        """The clock: samples at the middle, a Redis restart after it, a worker restart every *restart_every*."""
        restarts, gracefully = 0, True
        redis_restarted = False
        readings: list[Sample] = []
        while (now := time.monotonic() - self.t0) < self.seconds:
            readings.append(sample(now, self.web.pid, self.steady.pid))
            if not redis_restarted and now >= self.seconds * 0.6:
                await asyncio.to_thread(self._restart_redis)
                self.report.events.append(f"{now:.0f} s: Redis restarted")
                redis_restarted = True
            if now >= self.restart_every * (restarts + 1):
                await asyncio.to_thread(self._restart_worker, gracefully)
                self.report.events.append(f"{now:.0f} s: worker restarted ({'SIGTERM' if gracefully else 'SIGKILL'})")
                restarts, gracefully = restarts + 1, not gracefully
            await asyncio.sleep(0.5)  # the operator's clock, not a wait for anything
        readings.append(sample(time.monotonic() - self.t0, self.web.pid, self.steady.pid))
        self.report.samples = floors(readings, self.seconds)

    def _restart_worker(self, gracefully: bool) -> None:
        self.stack.stop(self.restarted, signal.SIGTERM if gracefully else signal.SIGKILL)
        self.restarted = self.stack.worker("restarted", concurrency=1)

    def _restart_redis(self) -> None:
        self.redis.stop()
        self.redis.start()

    async def _learner(self, session: str) -> None:
        browser = Learner(self.stack.address, session)
        try:
            while not self.done.is_set():
                slug = self.rng.choice(list(self.packs))
                variant = "reference" if self.rng.random() < 0.5 else self.rng.choice(list(self.packs[slug]))
                kind = "submit" if self.rng.random() < 0.7 else "run"
                try:
                    pk, first = await browser.submit(slug, self.packs[slug][variant], kind)
                except Refused as exc:
                    self.report.refused[exc.status] += 1
                    await asyncio.sleep(1)  # a learner reads the message before trying again
                    continue
                except (TimeoutError, aiohttp.ClientError):
                    self.report.refused[0] += 1  # no answer: the server accepted nothing we know of
                    await asyncio.sleep(1)
                    continue
                self.report.asked.append(Asked(pk, slug, variant, kind))
                await self._follow(browser, pk, first)
        finally:
            await browser.close()

    async def _follow(self, browser: Learner, pk: int, pace: float) -> None:
        """Poll the result fragment as htmx does, until it shows a verdict or the soak ends."""
        while not self.done.is_set():
            await asyncio.sleep(max(pace, 0.15))  # the browser's pace
            try:
                status, text = await browser.get(f"/submissions/{pk}/result/", htmx=True)
            except (TimeoutError, aiohttp.ClientError):
                self.report.page_errors[0] += 1
                continue
            if status != 200:
                self.report.page_errors[status] += 1
                continue
            if 'data-status="done"' in text:
                return
            pace = _poll_delay(text, 0.15)

    async def _reader(self, session: str) -> None:
        browser = Learner(self.stack.address, session)
        paths = ["/challenges/", "/gradebook/", *(f"/challenges/{slug}/" for slug in self.packs)]
        try:
            while not self.done.is_set():
                mine = [a.pk for a in self.report.asked[-20:]]
                path = self.rng.choice(paths + [f"/submissions/{pk}/" for pk in mine[:3]])
                try:
                    status, _ = await browser.get(path)
                except (TimeoutError, aiohttp.ClientError):
                    status = 0
                self.report.pages += 1
                if status not in (200, 403, 404):  # a learner's gradebook 403, another's submission 404
                    self.report.page_errors[status] += 1
                await asyncio.sleep(0.2)  # a reader's pace
        finally:
            await browser.close()

    def _account(self, drain_seconds: float = 120) -> None:
        """Wait for what was asked to be graded, then check each grading."""
        from grader.models import Submission

        asked = {a.pk: a for a in self.report.asked}
        deadline = time.monotonic() + drain_seconds
        while Submission.objects.filter(pk__in=asked).exclude(status="done").exists():
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)  # polling with a deadline
        rows = dict(Submission.objects.filter(user__username__startswith="learner").values_list("pk", "status"))
        verdicts = dict(Submission.objects.filter(pk__in=asked, status="done").values_list("pk", "verdict"))
        self.report.stored = len(verdicts)
        self.report.lost = sorted(set(asked) - set(rows))
        self.report.stuck = sorted(pk for pk in asked if pk in rows and rows[pk] != "done")
        self.report.duplicates = sorted(set(rows) - set(asked) - set(self.warm_up))  # stored, never asked for
        for pk, verdict in verdicts.items():
            if why := wrong_verdict(asked[pk], verdict):
                a = asked[pk]
                self.report.wrong.append(f"{pk} {a.slug} {a.variant} {a.kind}: {why}")
        self.report.leaks = leaks(self.report.samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--restart-every", type=float, default=300, help="seconds between worker restarts")
    parser.add_argument("--learners", type=int, default=6)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--pack", action="append", help="only these packs (default: the whole library)")
    parser.add_argument("--json", type=Path, help="also write the report's figures to this file")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this folder")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grader_soak"),
        help="a PostgreSQL database to create, use and drop",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: still stop the servers and drop the database
    with tempfile.TemporaryDirectory() as tmp:
        soak = Soak(Path(tmp), database_url=args.database_url, seconds=args.minutes * 60,
                    restart_every=args.restart_every, learners=args.learners, readers=args.readers,
                    slugs=args.pack)  # fmt: skip
        report = soak.run()
        if args.logs:
            shutil.copytree(tmp, args.logs, dirs_exist_ok=True, ignore=shutil.ignore_patterns("static", "redis"))
    print("\n".join(report.lines()))
    if args.json:
        figures = {k: v for k, v in vars(report).items() if k != "asked"}
        figures.update(samples=[vars(s) for s in report.samples], asked=len(report.asked), ok=report.ok,
                       submits=sum(a.kind == "submit" for a in report.asked))  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=1))
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
