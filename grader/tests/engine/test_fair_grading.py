"""Correct code written differently is not failed by the engine: module-level
work is not timed by a speed check, and a cache of the learner's own shape
(a namedtuple, an object) does not fail a test that does not check it."""

import dataclasses

from grader.engine.results import Verdict

SPEED = """
import numpy as np

from grader.engine.testing import assert_speed, sample


@sample
def test_first(learner):  # so that the speed test's first call executes the module afresh, as in a Submit
    assert np.allclose(learner.double(np.ones(3)), 2.0)


@sample
def test_speed(learner, reference):
    x = np.linspace(0.0, 1.0, 20_000)
    assert_speed(learner.double, reference.double, x, max_ratio=10)
"""

# CPU-bound, milliseconds on 20,000 numbers: not the cost of carrying them
SPEED_SOLUTION = """
import numpy as np

def double(x):
    y = x
    for _ in range(50):
        y = np.tanh(y)
    return 2 * x + 0 * y
"""

# The seed solutions' own habit: a check at the bottom of the module, here ~0.3 s of CPU per execution.
HEAVY_MODULE = (
    SPEED_SOLUTION
    + """
_check = np.random.default_rng(0).normal(size=(400, 400))
for _ in range(30):
    _check = np.tanh(_check @ _check.T / 400)
"""
)


def test_module_level_work_is_not_timed_by_a_speed_check(judge, pack):
    speed_pack = dataclasses.replace(pack, tests=SPEED, solution=SPEED_SOLUTION)
    assert judge.grade(speed_pack, SPEED_SOLUTION, run_only=True).verdict == Verdict.PASSED
    result = judge.grade(speed_pack, HEAVY_MODULE, run_only=True)
    assert result.verdict == Verdict.PASSED, result.tests[1].message
    assert result.tests[1].metrics["speed_ratio"] < 10


CACHE = """
import numpy as np

from grader.engine.testing import assert_allclose, sample


@sample
def test_out_only(learner):
    out, cache = learner.forward(np.arange(3.0))
    assert_allclose(out, 2 * np.arange(3.0), name="out")


@sample
def test_the_cache_back(learner):
    out, cache = learner.forward(np.arange(3.0))
    assert_allclose(learner.backward(np.ones(3), cache), 2 * np.ones(3), name="dx")
"""

REFERENCE = "def forward(x):\n    return 2 * x, (x,)\n\ndef backward(dout, cache):\n    return 2 * dout\n"


def _cache_pack(pack):
    return dataclasses.replace(pack, functions=("forward", "backward"), tests=CACHE, solution=REFERENCE)


def test_a_namedtuple_cache_crosses_as_a_tuple(judge, pack):
    code = (
        "from collections import namedtuple\nCache = namedtuple('Cache', 'x')\n"
        "def forward(x):\n    return 2 * x, Cache(x)\n\n"
        "def backward(dout, cache):\n    assert type(cache) is tuple\n    return 2 * dout\n"
    )
    result = judge.grade(_cache_pack(pack), code)
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]


def test_an_object_cache_passes_where_unchecked_and_is_named_where_it_is_sent_back(judge, pack):
    code = (
        "class Cache:\n    def __init__(self, x):\n        self.x = x\n\n"
        "def forward(x):\n    return 2 * x, Cache(x)\n\n"
        "def backward(dout, cache):\n    return 2 * dout\n"
    )
    result = judge.grade(_cache_pack(pack), code)
    assert [t.status for t in result.tests] == ["passed", "failed"]
    assert result.tests[1].message == (
        "backward() cannot be given what your code returned before: a solution.Cache, which cannot leave the "
        "sandbox (return tuples, lists and dicts of arrays and numbers)"
    )
