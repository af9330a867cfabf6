"""What the benches share: where things are, the seed challenges, timing and
the figures drawn from it, reading CPU time from /proc, waiting for a server.

A free port is tests/support/ports.py's ``free_port``, and starting and
waiting for servers is tests/support/stack.py's: the tests need them too,
and tests never import bench modules.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.procs import all_proc_stats, proc_stat  # noqa: F401  (the benches' own names)
from tests.support.stack import answers, wait_until_answers  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "challenges" / "library"
SEEDS = ("softmax", "cross-entropy", "softmax-gradient-step", "batch-norm", "cosine-similarity")


# --- timing ---


def timed(fn: Callable[[], object], n: int, pause: float = 0.0) -> list[float]:
    """Milliseconds each of *n* calls of *fn* took; *pause* seconds before
    each, not timed (the gap a worker leaves between two gradings)."""
    out = []
    for _ in range(n):
        if pause:
            time.sleep(pause)
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(samples: list[float]) -> float:
    """The 95th percentile, nearest rank below: never past the slowest sample."""
    ordered = sorted(samples)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")


def median_p95(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), p95(samples)


# --- CPU time, from /proc: tests/support/procs.py ---
