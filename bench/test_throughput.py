"""The throughput bench's arithmetic: which workers run in which order, and
which phases each ratio is taken between (the bench itself needs minutes)."""

import argparse

import pytest

from bench.throughput import Burst, _phases, _ratios


def _args(**kw) -> argparse.Namespace:
    return argparse.Namespace(**{"burst": 1000, "baseline_burst": 100, "round_burst": 300, "ceiling_burst": 300, **kw})


def _burst(sustained: float) -> Burst:
    return Burst(drain=1.0, sustained=sustained, profile={}, cpu={}, polls=1.0, errors=[], wrong={}, failure="")


def test_the_workers_take_turns_and_the_ceiling_runs_beside_the_last_baseline():
    assert _phases(_args()) == [("sandboxed", 1000), ("baseline", 100), ("sandboxed", 300), ("baseline", 100),
                                ("unsandboxed", 300)]  # fmt: skip
    assert _phases(_args(ceiling_burst=0))[-1] == ("baseline", 100)
    assert _phases(_args(baseline_burst=0)) == [("sandboxed", 1000)]


def test_each_ratio_is_taken_between_neighbours_only():
    phases = [("sandboxed", _burst(40)), ("baseline", _burst(10)), ("sandboxed", _burst(30)),
              ("baseline", _burst(15)), ("unsandboxed", _burst(60))]  # fmt: skip
    assert _ratios(phases, "sandboxed") == [4.0, 3.0, 2.0]
    assert _ratios(phases, "unsandboxed") == [4.0]  # not against the first baseline, minutes earlier
    assert _ratios([("sandboxed", _burst(40)), ("baseline", _burst(0))], "sandboxed") == [pytest.approx(float("inf"))]
