"""A large argument passed again is not sent again: the learner process keeps
it the second time (protocol.SentArrays), and each call still gets exactly what
the test passed, in a copy of its own."""

import dataclasses

import pytest

from grader.engine.results import Verdict
from grader.engine.sandbox import protocol

TESTS = """
import numpy as np

from grader.engine.testing import sample

X = np.random.default_rng(0).normal(size=(250, 400))  # 800 KB, the same object in every test


def check(actual, expected):
    assert isinstance(actual, np.ndarray) and actual.shape == expected.shape, "result of the wrong kind or shape"
    assert actual.tobytes() == expected.tobytes(), "result does not match the expected values"


@sample
def test_repeated(learner):
    for _ in range(5):
        check(learner.double(X), 2 * X)


@sample
def test_again_after_a_fresh_execution(learner):
    check(learner.double(X), 2 * X)
"""

CHANGED_IN_PLACE = """

@sample
def test_changed_in_place(learner):
    Y = X.copy()
    check(learner.double(Y), 2 * Y)
    Y[0, 0] = 1e9
    check(learner.double(Y), 2 * Y)
    Y[...] = 0.0
    check(learner.double(Y), 2 * Y)
    Y[...] = -0.0  # equal to 0.0, but not the same bytes
    assert np.signbit(learner.double(Y)).all(), "the learner was not given -0.0"
    Y.shape = (400, 250)
    check(learner.double(Y), 2 * Y)
    check(learner.double(Y), 2 * Y)
"""

ENDED_BETWEEN = """

@sample
def test_ends_its_process(learner):
    for _ in range(20):  # the learner's code ends its process on this input, or is slow on it
        learner.double(np.zeros(1))


@sample
def test_after(learner):
    check(learner.double(X), 2 * X)
    check(learner.double(X), 2 * X)
"""

X_BYTES = 250 * 400 * 8


@pytest.fixture
def frames(monkeypatch):
    """The size of every request frame sent to a learner process, with the
    judge's record for that process."""
    seen, encode_parts = [], protocol.encode_parts

    def spy(value, max_header=protocol.MAX_HEADER, sent=None):
        parts = encode_parts(value, max_header, sent)
        seen.append((sum(map(len, parts)), sent))
        return parts

    monkeypatch.setattr(protocol, "encode_parts", spy)
    return seen


def large(frames) -> int:
    return sum(1 for size, _ in frames if size > X_BYTES)


def statuses(result) -> dict[str, str]:
    return {t.name: t.status for t in result.tests}


def test_a_repeated_large_argument_is_sent_twice_then_by_reference(judge, pack, frames):
    result = judge.grade(dataclasses.replace(pack, tests=TESTS), pack.solution)
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]
    assert len(frames) == 1 + 6  # the load, then six calls
    assert large(frames) == 2, "X crossed twice, for all calls and tests"
    assert max(size for size, _ in frames[3:]) < 1000


def test_a_function_changing_its_argument_in_place_gets_the_original_each_call(judge, pack, frames):
    result = judge.grade(dataclasses.replace(pack, tests=TESTS), "def double(x):\n    x *= 2\n    return x\n")
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]
    assert large(frames) == 2


def test_an_argument_the_test_changes_in_place_is_sent_again(judge, pack, frames):
    result = judge.grade(dataclasses.replace(pack, tests=TESTS + CHANGED_IN_PLACE), pack.solution)
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]
    assert large(frames) == 2 + 5  # X; then Y: new, changed three times, reshaped


@pytest.mark.parametrize(
    "ending, status, processes",
    [
        ("import os\n        os._exit(3)", "error", 2),
        # slow enough that the calls use up the test's CPU (one call never returning would end the grading)
        ("t = time.process_time()\n        while time.process_time() - t < 0.2:\n            pass", "timeout", 2),
        ("raise ValueError('no')", "error", 1),  # the process lives on, and what it keeps
    ],
    ids=["exit", "timeout", "raise"],
)
def test_a_new_learner_process_starts_with_nothing_kept(judge, pack, frames, ending, status, processes):
    code = f"import time\ndef double(x):\n    if x.size == 1:\n        {ending}\n    return 2.0 * x\n"
    result = judge.grade(dataclasses.replace(pack, tests=TESTS + ENDED_BETWEEN), code)
    assert statuses(result) == {
        "test_repeated": "passed",
        "test_again_after_a_fresh_execution": "passed",
        "test_ends_its_process": status,
        "test_after": "passed",
    }, [t.message for t in result.tests]
    records = {id(sent) for _, sent in frames}
    assert len(records) == processes, "one record of kept arrays per learner process"
    assert large(frames) == 2 * processes, "X crossed again to the new process"


MANY = """

@sample
def test_more_than_is_kept(learner):
    arrays = [np.full(2**17, float(i)) for i in range(40)]  # 1 MiB each
    most = 0
    for _ in range(2):
        for i, a in enumerate(arrays):
            total, kept = learner.kept_bytes(a)
            assert total == i * 2**17, "the learner was not given the array passed"
            assert kept <= 32 * 2**20, f"the learner process keeps {kept} bytes"
            most = max(most, kept)
    assert most == 32 * 2**20, f"the learner process kept {most} bytes at most"
"""

KEPT_BYTES = """
import gc

def double(x):
    return 2.0 * x

def kept_bytes(x):
    kept = next(o.kept for o in gc.get_objects() if type(o).__name__ == "Receiver" and o.kept is not None)
    return float(x.sum()), sum(a.nbytes for a in kept.values())
"""


def test_what_a_learner_process_keeps_stays_within_the_bound(judge, pack):
    result = judge.grade(dataclasses.replace(pack, tests=TESTS + MANY), KEPT_BYTES)
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]


def test_a_learner_process_keeps_at_most_an_eighth_of_its_memory_limit(judge):
    for memory_mb, kept in [(16, 2 * 2**20), (256, 32 * 2**20), (1024, 32 * 2**20)]:
        proc = judge.sandbox.spawn(memory_mb=memory_mb, cpu_seconds=1)
        proc.end(wait=False)
        assert proc.sent.max_bytes == kept
