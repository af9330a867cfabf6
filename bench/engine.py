"""make bench: the grading engine's speed, against baselines measured in the same run.

Three ways to grade the softmax seed solution with every test (a Submit):
- sandboxed: the engine (zygote, forked learner process, pipes);
- in-process: the same tests calling the learner's module directly in this
  process, no isolation at all; sandboxed minus this is the sandbox overhead;
- cold start: a fresh ``python`` per grading that imports numpy and grades
  in-process, as a grader without a zygote would.

With ``--saturated ROUNDS``, instead: one grading process per CPU, each
grading the five seed solutions in turn, sandboxed and then in-process: the
CPU each grading costs (judge, zygote and learner processes) with every CPU
busy, as in a worker under a queue, without the web stack around it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bench.coldstart import grade_in_process  # noqa: E402
from bench.common import LIBRARY, ROOT, SEEDS, median_p95, proc_stat, timed  # noqa: E402
from grader.engine.judge import Judge  # noqa: E402
from grader.engine.pack import load_pack  # noqa: E402
from grader.engine.sandbox.client import Sandbox  # noqa: E402


def _grade_seeds(slot: int, rounds: int, sandboxed: bool, out) -> None:
    """One grading process: a round of the seeds to warm up, then *rounds*
    more; puts (gradings, CPU seconds, wall seconds) of those in *out*."""
    packs = [load_pack(LIBRARY / slug) for slug in SEEDS]
    judge = Judge(Sandbox(slot=slot)) if sandboxed else None

    def grade(i: int) -> None:
        pack = packs[(i + slot) % len(packs)]
        if judge is None:
            grade_in_process(pack, pack.solution, seed=i)
            return
        result = judge.grade(pack, pack.solution, seed=i)
        assert result.verdict == "passed", (pack.slug, result.verdict, result.error)

    def cpu() -> float:  # this process, and the zygote with the learner processes it has reaped
        own = proc_stat(os.getpid()).cpu
        if judge is None:
            return own
        zygote = proc_stat(judge.sandbox._proc.pid)
        return own + zygote.cpu + zygote.reaped

    for i in range(len(packs)):
        grade(i)
    n = rounds * len(packs)
    cpu0, wall0 = cpu(), time.perf_counter()
    for i in range(n):
        grade(i)
    wall = time.perf_counter() - wall0
    # The last learner process may not be reaped yet, as at the start: the two cancel out.
    out.put((n, cpu() - cpu0, wall))
    if judge is not None:
        judge.close()


def saturated(rounds: int) -> None:
    ctx = multiprocessing.get_context("fork")
    print(f"The five seed solutions in turn, one grading process per CPU ({os.cpu_count()}), {rounds} rounds each")
    figures = {}
    for label, sandboxed in (("sandboxed", True), ("in-process, no sandbox", False)):
        out = ctx.Queue()
        procs = [
            ctx.Process(target=_grade_seeds, args=(slot, rounds, sandboxed, out)) for slot in range(os.cpu_count())
        ]
        for proc in procs:
            proc.start()
        parts = [out.get() for _ in procs]
        for proc in procs:
            proc.join()
        n, cpu = sum(p[0] for p in parts), sum(p[1] for p in parts)
        rate = sum(p[0] / p[2] for p in parts)
        figures[label] = cpu * 1000 / n
        print(f"  {label:24} {rate:6.1f} gradings/s, {figures[label]:6.1f} ms of CPU per grading")
    print(f"  sandboxed / in-process CPU per grading: {figures['sandboxed'] / figures['in-process, no sandbox']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=60, help="gradings per measurement")
    parser.add_argument("--challenge", default="softmax")
    parser.add_argument("--saturated", type=int, metavar="ROUNDS", help="CPU per grading with every CPU busy")
    args = parser.parse_args()
    if args.saturated:
        saturated(args.saturated)
        return

    pack_dir = LIBRARY / args.challenge
    pack = load_pack(pack_dir)
    code = pack.solution
    judge = Judge()
    first = judge.grade(pack, code, seed=1)
    assert first.verdict == "passed", first
    tests = len(first.tests)

    sandboxed = timed(lambda: judge.grade(pack, code, seed=1), args.n)
    # A worker pauses between gradings (it stores the result, fetches the next
    # message): the spare learner process gets ready in that time.
    spaced = timed(lambda: judge.grade(pack, code, seed=1), args.n, pause=0.05)
    direct = timed(lambda: grade_in_process(pack, code, seed=1), args.n)
    solution_file = pack_dir / "solution.py"
    cold_cmd = [sys.executable, "-m", "bench.coldstart", str(pack_dir), str(solution_file), "1"]
    cold = timed(lambda: subprocess.run(cold_cmd, check=True, cwd=ROOT, capture_output=True), max(20, args.n // 2))
    bare = timed(lambda: subprocess.run([sys.executable, "-c", "import numpy"], check=True), max(20, args.n // 2))
    judge.close()

    rows = [
        (f"sandboxed grading ({tests} tests), back to back", sandboxed),
        ("sandboxed grading, 50 ms apart", spaced),
        ("in-process grading, no sandbox", direct),
        ("cold start: fresh python per grading", cold),
        ("python -c 'import numpy' alone", bare),
    ]
    print(f"Grading the {args.challenge} seed solution, every test; {args.n} runs each, milliseconds")
    print(f"{'':48} {'median':>8} {'p95':>8}")
    for label, samples in rows:
        med, p95 = median_p95(samples)
        print(f"{label:48} {med:8.2f} {p95:8.2f}")
    s_med, p_med, d_med, c_med = (median_p95(x)[0] for x in (sandboxed, spaced, direct, cold))
    print(f"sandbox overhead (sandboxed - in-process), median: back to back {s_med - d_med:.2f} ms, "
          f"50 ms apart {p_med - d_med:.2f} ms (target <= 10)")  # fmt: skip
    print(
        f"cold start / sandboxed, median: back to back {c_med / s_med:.1f}x, 50 ms apart {c_med / p_med:.1f}x (target >= 5)"
    )


if __name__ == "__main__":
    main()
