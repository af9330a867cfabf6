"""Processes as /proc shows them: CPU time for the benches, parents and
children for the worker fixture and the soak."""

from __future__ import annotations

import os
from dataclasses import dataclass


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


def children() -> dict[int, list[int]]:
    """Each process's children, by parent pid, as the machine is now."""
    out: dict[int, list[int]] = {}
    for pid, stat in all_proc_stats().items():
        out.setdefault(stat.ppid, []).append(pid)
    return out
