"""make bench, part three: grading throughput through the whole stack.

PostgreSQL (a database of its own, created and dropped), Redis (a database
number and a queue of its own), gunicorn serving the app as in production, and
one Celery worker with two grading processes (``--concurrency 2``) on this
2-core machine. 50 learners act as browsers do: Submit, then poll the result
fragment after the delay each answer asks for (htmx's hx-trigger: 150 ms, more
far back in the queue); one grading in flight per learner, as the server
enforces. They submit the five seed solutions in turn.

Reported, all in the same run:
- sustained gradings per second, and the time to drain a burst of 1,000;
- the same with a BASELINE worker that starts a fresh ``python`` per grading,
  which imports numpy and grades in-process (bench/coldstart.py, as
  bench.engine's cold start), and the ratio, from phases taken in turn so
  that the machine's drift in speed does not decide it (``_phases``);
- the CEILING of that ratio: a worker grading in its own process with no
  isolation at all, against the baseline beside it. The web requests, the
  queue and the database cost the same per grading whatever grades, so this
  is what a sandbox costing nothing would reach;
- GET /challenges/softmax/ in requests per second while grading runs;
- where the time goes: queue wait, grading, storing, HTTP.

The learners are tests/support/driver.py, which the fault tests drive their burst with too.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import LIBRARY, ROOT, SEEDS, all_proc_stats, p95
from tests.support.driver import drive
from tests.support.stack import Stack

TARGETS = {"gradings": 30.0, "ratio": 5.0, "page": 200.0}


# --- the baseline: a fresh python per grading ---


def _result(pack, counts: dict, seed: int, t0: float, error: str = ""):
    from grader.engine.results import GradingResult, Verdict

    return GradingResult(
        challenge=pack.slug,
        verdict=Verdict.PASSED if counts["passed"] == counts["total"] else Verdict.FAILED,
        score=counts["passed"] / counts["total"],
        tests=[],
        error=error or "\n".join(counts["failed"]),
        duration_ms=(time.perf_counter() - t0) * 1000,
        seed=seed,
    )


class ColdStartJudge:
    """Grades as a grader without a zygote would: a fresh ``python`` per
    grading imports numpy and runs the tests with the learner's module in
    that process (bench/coldstart.py, bench.engine's cold start too). No
    sandbox: a baseline only."""

    def grade(self, pack, code: str, run_only: bool = False, seed: int = 0):
        from grader.engine.pack import write_pack

        # the pack as a folder for the child, written once per process and version
        folder = Path(os.environ.get("BENCH_TMP", tempfile.gettempdir())) / f"cold-{os.getpid()}" / pack.content_hash()
        if not folder.exists():
            write_pack(pack, folder)
        t0 = time.perf_counter()
        with tempfile.NamedTemporaryFile("w", suffix=".py") as file:
            file.write(code)
            file.flush()
            child = subprocess.run(
                [sys.executable, "-m", "bench.coldstart", str(folder), file.name, str(seed)],
                cwd=ROOT, capture_output=True, text=True, timeout=60,
            )  # fmt: skip
        if child.returncode:
            return _result(pack, {"passed": 0, "total": 1}, seed, t0, error=child.stderr[-2000:])
        return _result(pack, json.loads(child.stdout), seed, t0)

    def close(self) -> None:
        pass


class UnsandboxedJudge:
    """Grades in the worker's own process, with no isolation at all: what the
    stack would reach if the sandbox cost nothing, the ceiling of the ratio.
    Never a way to grade: a measurement only."""

    def grade(self, pack, code: str, run_only: bool = False, seed: int = 0):
        from bench.coldstart import grade_counts

        t0 = time.perf_counter()
        return _result(pack, grade_counts(pack, code, seed), seed, t0)

    def close(self) -> None:
        pass


JUDGES = {"baseline": ColdStartJudge, "unsandboxed": UnsandboxedJudge}


def _bench_worker(kind: str, celery_args: list[str]) -> None:
    """``celery worker`` whose processes grade with ``JUDGES[kind]``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from grader.engine import judge

    judge.use_judges(lambda slot: JUDGES[kind]())  # the pool's processes are forked from here
    from config.celery import app

    app.worker_main(["worker", *celery_args])


# --- the stack: tests/support/stack.py, with the bench's own workers ---


def _stack(args, tmp: Path) -> Stack:
    env = {"BENCH_TMP": str(tmp)}
    if args.conn_max_age is not None:
        env["DB_CONN_MAX_AGE"] = str(args.conn_max_age)
    return Stack(tmp, database_url=args.database_url, broker_url=args.redis_url, cache_url=args.cache_url, env=env)


def _worker(stack: Stack, kind: str, concurrency: int) -> subprocess.Popen:
    """The sandboxed worker, or one whose processes grade with ``JUDGES[kind]``."""
    argv = [sys.executable, "-m", "bench.throughput", "--bench-worker", kind] if kind in JUDGES else None
    return stack.worker(kind, concurrency, argv)


# --- measuring ---


def _cpu_seconds(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each process tree in *roots* (name -> pid),
    by PostgreSQL and Redis, and by this process (the learners): utime and
    stime, with those of children already waited for (sandboxes, cold starts)."""
    procs = all_proc_stats()
    out = dict.fromkeys([*roots, "postgres", "redis", "learners (this process)"], 0.0)
    for pid, stat in procs.items():
        owner, node = None, pid
        while node in procs and owner is None:
            owner = next((label for label, root in roots.items() if root == node), None)
            node = procs[node].ppid
        if owner is None and stat.comm.startswith("postgres"):
            owner = "postgres"
        elif owner is None and stat.comm.startswith("redis-server"):
            owner = "redis"
        elif pid == os.getpid():
            owner = "learners (this process)"
        if owner is not None:
            out[owner] += stat.cpu + stat.reaped
    return out


def _plans(n_learners: int, total: int) -> list[list[tuple[str, str, str]]]:
    solutions = {slug: (LIBRARY / slug / "solution.py").read_text() for slug in SEEDS}
    per = total // n_learners
    return [
        [(SEEDS[(i + j) % 5], solutions[SEEDS[(i + j) % 5]], "passed") for j in range(per)] for i in range(n_learners)
    ]


@dataclass
class Burst:
    drain: float  # seconds from the first Submit to the last verdict shown
    sustained: float  # gradings per second between the 10th and 90th percentile of finishing
    profile: dict[str, float]
    cpu: dict[str, float]  # CPU milliseconds per grading, by part of the stack
    polls: float  # result fragments fetched per grading, on average
    errors: list[str]
    wrong: dict[str, int]  # challenge -> Submits without the expected verdict
    failure: str  # the error stored with the first of those


def _burst(stack: Stack, sessions: list[str], total: int, worker: subprocess.Popen) -> Burst:
    from grader.models import Submission

    before = Submission.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    roots = {"web (gunicorn)": stack.procs[0].pid, "worker (celery + sandboxes)": worker.pid}
    cpu_before = _cpu_seconds(roots)
    run = drive(stack.address, sessions, _plans(len(sessions), total), seconds=900)
    cpu = {k: (v - cpu_before[k]) * 1000 / max(1, len(run.graded)) for k, v in _cpu_seconds(roots).items()}
    rows = list(Submission.objects.filter(pk__gt=before).values_list("created", "started", "finished", "duration_ms"))
    failure = Submission.objects.filter(pk__gt=before).exclude(verdict="passed").values_list("error", flat=True)
    finished = sorted(r[2].timestamp() for r in rows if r[2])
    lo, hi = finished[len(finished) // 10], finished[(9 * len(finished)) // 10]
    sustained = (len(finished) * 0.8) / (hi - lo) if hi > lo else 0.0
    med = lambda xs: statistics.median(xs) if xs else float("nan")  # noqa: E731
    done = [r for r in rows if r[2]]
    profile = {
        "queue wait (created -> claimed)": med([(s - c).total_seconds() * 1000 for c, s, f, d in done]),
        "grading (engine)": med([d for c, s, f, d in done]),
        "claim to stored, less grading": med([(f - s).total_seconds() * 1000 - d for c, s, f, d in done]),
        "Submit to verdict shown (browser)": med([(g.shown - g.submitted) * 1000 for g in run.graded]),
    }
    drain = max(g.shown for g in run.graded) - min(g.submitted for g in run.graded) if run.graded else float("nan")
    wrong: dict[str, int] = {}
    for g in run.graded:
        if g.verdict != g.expected:
            wrong[g.slug] = wrong.get(g.slug, 0) + 1
    if len(run.graded) < total:
        wrong["(no verdict)"] = total - len(run.graded)
    polls = statistics.mean(g.polls for g in run.graded) if run.graded else float("nan")
    return Burst(drain, sustained, profile, cpu, polls, run.errors, wrong, failure.first() or "")


@dataclass
class PageRate:
    rps: float  # pages answered 200 per second
    gradings: float  # gradings per second meanwhile
    p95: float  # milliseconds
    failed: int
    cpu: dict[str, float]  # share of the machine's CPU, by part of the stack


def _page_rate(stack: Stack, sessions: list[str], seconds: float, clients: int, worker) -> PageRate:
    """GET /challenges/softmax/ back to back from *clients* readers while the learners keep grading."""
    from grader.models import Submission

    before = Submission.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    roots = {"web": stack.procs[0].pid, "worker": worker.pid}
    cpu_before = _cpu_seconds(roots)
    run = drive(stack.address, sessions, _plans(len(sessions), 100 * len(sessions)), seconds=seconds + 120,
                stop_after=seconds, page="/challenges/softmax/", page_clients=clients)  # fmt: skip
    machine = run.seconds * (os.cpu_count() or 1)
    cpu = {k: (v - cpu_before[k]) / machine for k, v in _cpu_seconds(roots).items()}
    ok = [t for status, t in run.pages if status == 200]
    gradings = Submission.objects.filter(pk__gt=before, status="done").count()
    return PageRate(len(ok) / run.seconds, gradings / run.seconds, p95(ok) * 1000, len(run.pages) - len(ok), cpu)


def _mark(value: float, target: float) -> str:
    return f"target >= {target:g}: {'met' if value >= target else 'NOT met'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--burst", type=int, default=1000, help="Submits in a burst")
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--page-seconds", type=float, default=10, help="how long the page is read during grading")
    parser.add_argument("--page-clients", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=2, help="grading processes in the worker")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=1)
    parser.add_argument("--conn-max-age", type=int, default=None, help="DB_CONN_MAX_AGE for web and worker")
    parser.add_argument("--baseline-burst", type=int, default=100, help="Submits in each baseline burst; 0: none")
    parser.add_argument("--round-burst", type=int, default=300, help="Submits in the second sandboxed burst")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grader_bench"),
        help="a database to create, use and drop",
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"))
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--ceiling-burst", type=int, default=300, help="Submits graded unsandboxed; 0: none")
    parser.add_argument("--bench-worker", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bench_worker is not None:
        _bench_worker(args.bench_worker[0], args.bench_worker[1:])
        return

    print(
        f"\nThroughput: {args.burst} Submits of the five seed solutions from {args.learners} learners through "
        f"gunicorn ({args.web_workers} workers x {args.web_threads} threads), PostgreSQL, Redis, "
        f"a worker with {args.concurrency} grading processes"
    )
    with tempfile.TemporaryDirectory() as tmp:
        stack = _stack(args, Path(tmp))
        try:
            stack.create()
        except Exception as exc:  # noqa: BLE001  (no PostgreSQL or Redis here: say so, measure nothing)
            print(f"not measured: {type(exc).__name__}: {exc} (PostgreSQL {args.database_url}, Redis {args.redis_url})")
            return
        try:
            _measure(stack, args)
        finally:
            stack.close()


def _phases(args) -> list[tuple[str, int]]:
    """The workers in turn, and each one's burst. The machine's speed drifts
    (on a shared VM by a quarter within minutes), so the ratio is not taken
    between two phases minutes apart but between each pair of neighbours in
    sandboxed, baseline, sandboxed, baseline: the median of three ratios. The
    unsandboxed ceiling comes last, beside the baseline it is compared with."""
    if not args.baseline_burst:
        return [("sandboxed", args.burst)]
    phases = [("sandboxed", args.burst), ("baseline", args.baseline_burst),
              ("sandboxed", args.round_burst), ("baseline", args.baseline_burst)]  # fmt: skip
    if args.ceiling_burst:
        phases.append(("unsandboxed", args.ceiling_burst))
    return phases


MODES = {
    "sandboxed": "",
    "baseline": " (a fresh python per grading)",
    "unsandboxed": " (grading in the worker's process, no isolation: a sandbox that cost nothing)",
}


def _measure(stack: Stack, args) -> None:
    sessions = stack.users(args.learners)
    stack.web(args.web_workers, args.web_threads)
    idle = drive(stack.address, sessions[:1], [[]], seconds=60, page="/challenges/softmax/",
                 page_clients=args.page_clients, page_for=args.page_seconds / 2)  # fmt: skip
    idle_rps = sum(status == 200 for status, _ in idle.pages) / idle.seconds
    phases: list[tuple[str, Burst]] = []
    for mode, size in _phases(args):
        worker = _worker(stack, mode, args.concurrency)
        drive(stack.address, sessions, _plans(len(sessions), len(sessions)), seconds=300)  # warm up: one each
        burst = _burst(stack, sessions, size, worker)
        if not phases:
            page = _page_rate(stack, sessions, args.page_seconds, args.page_clients, worker)
        phases.append((mode, burst))
        stack.stop(worker)
        print(f"\n{mode} worker{MODES[mode]}:")
        print(f"  burst of {size}: drained in {burst.drain:6.1f} s; sustained {burst.sustained:6.1f} gradings/s")
        for label, ms in burst.profile.items():
            print(f"    median {label:36} {ms:8.1f} ms")
        print(f"    result fragments polled per grading   {burst.polls:8.1f}")
        print(f"    CPU per grading: {sum(burst.cpu.values()):.1f} ms on {os.cpu_count()} cores, of which "
              + ", ".join(f"{k} {v:.1f}" for k, v in burst.cpu.items()))  # fmt: skip
        if burst.errors or burst.wrong:
            print(f"  PROBLEMS: Submits without the expected verdict {burst.wrong}; errors {burst.errors[:3]}")
            print(f"    the first: {burst.failure[:300]}")

    real = phases[0][1]
    print("\nsummary")
    print(
        f"  sustained gradings/s, sandboxed        {real.sustained:8.1f}   {_mark(real.sustained, TARGETS['gradings'])}"
    )
    print(f"  drain of a burst of {args.burst:<5}             {real.drain:8.1f} s")
    baselines = [b for mode, b in phases if mode == "baseline"]
    if baselines:
        ratios = _ratios(phases, "sandboxed")
        ratio = statistics.median(ratios)
        base = statistics.mean(b.sustained for b in baselines)
        base_drain = statistics.mean(b.drain for b in baselines) * args.burst / args.baseline_burst
        print(f"  sustained gradings/s, baseline         {base:8.1f}   (mean of {len(baselines)} bursts)")
        print(f"  ratio sandboxed / baseline             {ratio:8.2f}x {_mark(ratio, TARGETS['ratio'])}"
              f"  (median of neighbours in time: {', '.join(f'{r:.2f}' for r in ratios)})")  # fmt: skip
        print(f"  drain of {args.burst}, baseline (projected from {args.baseline_burst}): {base_drain:.1f} s "
              f"({base_drain / real.drain:.1f}x)")  # fmt: skip
        if ceiling := _ratios(phases, "unsandboxed"):
            print(f"  ceiling: unsandboxed / baseline        {statistics.median(ceiling):8.2f}x "
                  "(the ratio if the sandbox cost nothing; web, database and queue unchanged)")  # fmt: skip
        # Gradings per second are capped by the learners' polling too once the
        # CPUs are not all busy (the unsandboxed worker's case): CPU per grading is not.
        modes = dict.fromkeys(mode for mode, _ in phases)  # each once, in the order they ran
        cpu = {mode: statistics.mean(sum(b.cpu.values()) for m, b in phases if m == mode) for mode in modes}
        print("  CPU per grading, whole stack: " + ", ".join(f"{m} {v:.1f} ms" for m, v in cpu.items()))
        print("  ratio by CPU per grading: " + ", ".join(
            f"{m} / baseline {cpu['baseline'] / cpu[m]:.2f}x" for m in cpu if m != "baseline"))  # fmt: skip
    print(f"  GET /challenges/softmax/ during grading {page.rps:7.1f} req/s  {_mark(page.rps, TARGETS['page'])}"
          f"  (p95 {page.p95:.0f} ms, {page.failed} failed; {page.gradings:.1f} gradings/s meanwhile)")  # fmt: skip
    print("    the machine's CPU meanwhile: " + ", ".join(f"{k} {v:.0%}" for k, v in page.cpu.items()))
    print(f"  GET /challenges/softmax/, nothing else  {idle_rps:7.1f} req/s  (for reference)")


def _ratios(phases: list[tuple[str, Burst]], mode: str) -> list[float]:
    """*mode*'s gradings per second over the baseline's, for each pair of
    neighbouring phases of the two."""
    ratios = []
    for a, b in itertools.pairwise(phases):  # neighbours in time
        sides = {a[0]: a[1], b[0]: b[1]}
        if set(sides) == {mode, "baseline"}:
            base = sides["baseline"].sustained
            ratios.append(sides[mode].sustained / base if base else float("inf"))
    return ratios


if __name__ == "__main__":
    main()
