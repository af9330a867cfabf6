"""A speed check stops a hopelessly slow call at its own CPU cap: the verdict
is a failed speed check, reached in a fraction of the test's CPU limit, never
a timeout that the machine's load could turn into a failure or back."""

import dataclasses
import re

import pytest

from grader.engine.results import Status, Verdict

SPEED = """
import numpy as np

from grader.engine.testing import assert_speed, sample


@sample
def test_speed(learner, reference):
    x = np.linspace(0.0, 1.0, 20_000)
    assert_speed(learner.double, reference.double, x, max_ratio=10)
"""

VECTORISED = """
import numpy as np

def double(x):
    y = x
    for _ in range(20):
        y = np.tanh(y)
    return 2 * x + 0 * y
"""

# The same values, element by element, with work enough for minutes of CPU.
LOOP = """
import math

import numpy as np

def double(x):
    out = np.empty_like(x)
    for i in range(x.size):
        y = x[i]
        for _ in range(20_000):
            y = math.tanh(y)
        out[i] = 2 * x[i] + 0 * y
    return out
"""


@pytest.fixture
def speed_pack(pack):
    limits = dataclasses.replace(pack.limits, time_per_test=3.0, time_total=6.0)
    return dataclasses.replace(pack, tests=SPEED, solution=VECTORISED, limits=limits)


def test_a_vectorised_solution_passes(judge, speed_pack):
    result = judge.grade(speed_pack, VECTORISED)
    assert result.verdict == Verdict.PASSED, result.tests[0].message
    assert result.tests[0].metrics["speed_ratio"] < 3


def test_a_hopeless_loop_is_stopped_at_the_cap_and_fails_without_a_timeout(judge, speed_pack):
    result = judge.grade(speed_pack, LOOP)
    test = result.tests[0]
    assert (result.verdict, test.status) == (Verdict.FAILED, Status.FAILED), test.message
    m = re.match(r"too slow: stopped after ([\d.]+) (m?s) of CPU on a \(20000,\) input, more than 100x the "
                 r"reference's ([\d.]+) (m?s); the limit is 10x\.", test.message)  # fmt: skip
    assert m, test.message
    stopped = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
    reference = float(m.group(3)) / (1000 if m.group(4) == "ms" else 1)
    assert 100 * reference <= stopped < 1.5 * 100 * reference + 0.05  # stopped soon after the cap
    # well inside the test's 3 s: the stopped call and the process that replaced it
    assert result.cpu_ms < 1500
