"""Limits in the learner's own CPU seconds, and seconds it spends neither
running nor waiting for a CPU: a busy machine does not turn correct code
into a timeout, and sleeping or spinning code is stopped with the figure."""

import dataclasses
import os
import re
import subprocess
import sys

import pytest

from grader.engine.results import Verdict
from grader.engine.sandbox.client import WAIT_FACTOR

# CPU per call in proportion to ROUNDS; np.tanh's speed differs tenfold between CPUs (with or
# without AVX-512), so the rounds are fitted to this machine (works_hard) for ~0.3 s a call,
# about a third of the pack's 1 s per test.
WORKS_HARD = """
import numpy as np

def double(x):
    y = np.linspace(0.0, 1.0, 200_000)
    for _ in range(ROUNDS):
        y = np.tanh(y)
    return 2 * x + 0 * y.sum()
"""


def cpu_seconds_per_call(code: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport time\nt = time.process_time()\ndouble(np.zeros(3))\n"
         "print(time.process_time() - t)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(out.stdout)


@pytest.fixture(scope="module")
def works_hard() -> str:
    """WORKS_HARD with its rounds fitted on the quiet machine (module scope: before any hog runs)."""
    per_round = cpu_seconds_per_call(WORKS_HARD.replace("ROUNDS", "50")) / 50
    return WORKS_HARD.replace("ROUNDS", str(max(1, round(0.3 / per_round))))


@pytest.fixture
def saturated():
    """Four busy processes per CPU, at this process's priority: the learner
    process gets about a fifth of its CPU, so its tests take five times as
    long on the wall clock as on a quiet machine."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(4 * os.cpu_count())]
    yield
    for hog in hogs:
        hog.kill()
        hog.wait()


def test_a_correct_solution_passes_on_a_saturated_machine(judge, pack, works_hard, saturated):
    # CPU seconds do not grow with the load: still well inside the limit, and long enough to be starved
    assert 0.1 < cpu_seconds_per_call(works_hard) < 0.6
    result = judge.grade(pack, works_hard)
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]


def test_sleeping_is_stopped_by_the_idle_limit_with_its_figure(judge, pack):
    result = judge.grade(pack, "import time\ndef double(x):\n    time.sleep(60)\n", run_only=True)
    assert result.verdict == Verdict.TIMEOUT
    message = result.tests[0].message
    m = re.fullmatch(
        r"your function never returned: it waited ([\d.]+) s without using the CPU \(sleeping or blocked\); the limit is ([\d.]+) s",
        message,
    )
    assert m, message
    assert float(m.group(2)) == pytest.approx(WAIT_FACTOR * pack.limits.time_per_test)
    assert float(m.group(1)) >= float(m.group(2))


def test_spinning_is_stopped_by_the_cpu_limit(judge, pack):
    result = judge.grade(pack, "def double(x):\n    while True:\n        pass\n", run_only=True)
    assert result.verdict == Verdict.TIMEOUT
    assert re.fullmatch(
        r"your function never returned: it used 1(\.0\d)? s of CPU; the limit is 1 s", result.tests[0].message
    )


def test_a_test_that_calls_too_often_times_out_alone(judge, pack, works_hard):
    # Six calls of ~0.3 s pass the test's 1 s, none of them stuck: the next test still runs.
    tests = (
        "import numpy as np\nfrom grader.engine.testing import sample\n\n\n"
        "@sample\ndef test_many_calls(learner):\n    for _ in range(6):\n        learner.double(np.ones(3))\n\n\n"
        "@sample\ndef test_one_call(learner):\n    assert (learner.double(np.ones(3)) == 2).all()\n"
    )
    result = judge.grade(dataclasses.replace(pack, tests=tests), works_hard)
    assert [(t.status, t.message[:4]) for t in result.tests] == [("timeout", "used"), ("passed", "")], result.tests


def test_the_gradings_cpu_is_shared_by_its_tests(judge, pack):
    # each test takes 0.6 s of its 1 s, but the grading has 1.5 s: the third test is not run
    code = "import time\ndef double(x):\n    t = time.process_time()\n    while time.process_time() - t < 0.6:\n" \
           "        pass\n    return 2 * x\n"  # fmt: skip
    result = judge.grade(dataclasses.replace(pack, limits=dataclasses.replace(pack.limits, time_total=1.5)), code)
    assert [t.status for t in result.tests] == ["passed", "passed", "timeout"]
    assert result.tests[2].message in (
        "not run: the grading's 1.5 s of CPU were used up",
        "used 0.3 s of CPU; the limit is 0.3 s",  # what was left of the grading, used up by the third test
    ) or result.tests[2].message.startswith("used 0.")


JUDGE_SIDE_WORK = """
import time

import numpy as np

from grader.engine.testing import sample


@sample
def test_work_between_calls(learner):
    assert np.allclose(learner.double(np.ones(3)), 2.0)
    end = time.thread_time() + BUSY  # the judge's own CPU (finite differences, the reference timed)
    while time.thread_time() < end:
        pass
    time.sleep(BUSY)  # and its own waiting
    assert np.allclose(learner.double(np.ones(3)), 2.0)
"""


def test_the_judges_work_between_calls_is_not_the_learners_idle_time(judge, pack):
    limits = dataclasses.replace(pack.limits, time_per_test=0.25)
    busy = 2 * WAIT_FACTOR * limits.time_per_test  # each of the two, twice the idle limit
    tests = JUDGE_SIDE_WORK.replace("BUSY", repr(busy))
    result = judge.grade(dataclasses.replace(pack, tests=tests, limits=limits), pack.solution)
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]
    assert result.tests[0].duration_ms > 2 * busy * 1000  # the judge did spend it, inside the test
