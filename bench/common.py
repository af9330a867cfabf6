"""What the benches share: where things are, the seed challenges, timing and
the figures drawn from it, reading CPU time from /proc, waiting for a server.

A free port is tests/support/ports.py's ``free_port``, and starting and
waiting for servers is tests/support/stack.py's: the tests need them too,
and tests never import bench modules.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.support.stack import answers, wait_until_answers  # noqa: F401  (the benches' own names)

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


# --- CPU time, from /proc ---


@dataclass(frozen=True)
class ProcStat:
    """The parts of /proc/PID/stat the benches read."""

    pid: int
    ppid: int
    comm: str
    cpu: float  # utime + stime, seconds
    reaped: float  # cutime + cstime: the children it has waited for, seconds


def proc_stat(pid: int) -> ProcStat:
    """*pid*'s line of /proc; OSError if it has ended."""
    with open(f"/proc/{pid}/stat") as f:
        head, rest = f.read().rsplit(")", 1)  # comm may hold spaces and parentheses: it ends at the last ")"
    fields = rest.split()
    tick = os.sysconf("SC_CLK_TCK")
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return ProcStat(pid, int(fields[1]), head.split("(", 1)[1], (utime + stime) / tick, (cutime + cstime) / tick)


def all_proc_stats() -> dict[int, ProcStat]:
    """Every process on the machine, but those that end while it is read."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                out[int(entry)] = proc_stat(int(entry))
            except OSError:
                continue
    return out
