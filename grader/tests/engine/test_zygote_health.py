"""A zygote or a standby learner process that dies between gradings is replaced before the next
grading, which passes as usual; killed at random points of a burst, no verdict comes out wrong."""

import os
import random
import signal
import threading
import time

import pytest

from grader.engine.judge import Judge
from grader.engine.sandbox.client import Sandbox, _alive

WRONG = "def double(x):\n    return 3 * x\n"


@pytest.fixture
def fresh_judge():
    judge = Judge(Sandbox(slot=5))
    yield judge
    judge.close()


def standby_pid(judge: Judge) -> int:
    """The learner process the zygote readied for the next grading (it reports its pid)."""
    sandbox = judge.sandbox
    if not sandbox._pids:
        sandbox._receive(lambda m: "pid" in m)
    return sandbox._pids[0]


def killed(pid: int) -> None:
    """Kill *pid* and wait until it has ended (SIGKILL takes effect when the process next runs)."""
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(pid):
        assert time.monotonic() < deadline, f"{pid} still runs"
        os.sched_yield()


def test_a_standby_killed_between_gradings_is_replaced(fresh_judge, pack):
    assert fresh_judge.grade(pack, pack.solution).verdict == "passed"
    killed(standby_pid(fresh_judge))
    result = fresh_judge.grade(pack, pack.solution)
    assert result.verdict == "passed", result.error
    assert fresh_judge.grade(pack, WRONG).verdict == "failed"


def test_a_zygote_killed_between_gradings_is_replaced(fresh_judge, pack):
    assert fresh_judge.grade(pack, pack.solution).verdict == "passed"
    zygote = fresh_judge.sandbox._proc
    zygote.kill()
    zygote.wait()
    result = fresh_judge.grade(pack, pack.solution)
    assert result.verdict == "passed", (result.error, [(t.name, t.message) for t in result.tests])
    assert fresh_judge.sandbox._proc.pid != zygote.pid


def test_kills_at_random_points_of_a_burst_leave_every_verdict_right_or_an_internal_error(fresh_judge, pack):
    # A killer thread strikes the zygote or the standby at random moments while gradings run back to
    # back. A grading in flight may then fail as the grader's fault (internal error, which the worker
    # retries), never as the learner's: a correct solution is never failed, a wrong one never passed.
    rng = random.Random(2026)
    stop = threading.Event()
    kills = []

    def killer():
        while not stop.wait(rng.uniform(0.05, 0.4)):
            sandbox = fresh_judge.sandbox
            pids = [sandbox._proc.pid] if sandbox._proc is not None and rng.random() < 0.3 else list(sandbox._pids)
            for pid in pids[:1]:
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills.append(pid)
                except ProcessLookupError:
                    pass

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    verdicts = []
    try:
        deadline = time.monotonic() + 8  # a few hundred gradings
        while time.monotonic() < deadline:
            for code, right in ((pack.solution, "passed"), (WRONG, "failed")):
                verdicts.append((right, fresh_judge.grade(pack, code).verdict))
    finally:
        stop.set()
        thread.join()
    assert kills, "the killer never struck"
    wrong = [(right, got) for right, got in verdicts if got not in (right, "internal_error")]
    assert not wrong, wrong
    # and once the killing stops, gradings are right again at once
    assert fresh_judge.grade(pack, pack.solution).verdict == "passed"
    assert fresh_judge.grade(pack, WRONG).verdict == "failed"
