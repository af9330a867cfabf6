"""What a challenge's tests.py imports: markers and array-aware checks.

A test is a plain function named ``test_*`` whose parameters name fixtures:

- ``learner``: a proxy; ``learner.softmax(Z)`` runs the learner's function in
  the sandbox and returns its result as data. ``learner.softmax.timed(Z)``
  returns ``(result, seconds)``: the learner process's CPU seconds for the
  call, read by the judge from outside the sandbox; with ``cpu_cap=s`` the
  call is stopped past ``s`` of them (``checks.Stopped``, a failed assertion).
- ``reference``: the challenge's solution module (trusted side).
- ``rng``: a ``numpy.random.Generator`` seeded per test from the grading's seed
  (the site passes one per challenge version: the same inputs for everyone).

``@sample`` tests are shown to learners and run by Run; ``@hidden`` tests (and
unmarked ones) run only on Submit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grader.engine.checks import (  # noqa: F401  (re-exported for authors)
    assert_allclose,
    assert_finite,
    assert_scalar,
    assert_shape,
    assert_speed,
    check_gradient,
    numerical_gradient,
    probe_line,
    same_result,
)

FIXTURES = frozenset({"learner", "reference", "rng"})


@dataclass(frozen=True)
class TestSpec:
    sample: bool = False
    weight: float = 1.0
    timeout: float | None = None  # seconds; None means the challenge's time_per_test


def _marker(sample: bool) -> Callable[..., Any]:
    def mark(fn: Callable | None = None, *, weight: float = 1.0, timeout: float | None = None):
        if weight <= 0:
            raise ValueError("a test's weight must be positive")

        def apply(f: Callable) -> Callable:
            f.__grader_test__ = TestSpec(sample=sample, weight=float(weight), timeout=timeout)
            return f

        return apply(fn) if fn is not None else apply

    return mark


sample = _marker(sample=True)
sample.__doc__ = "Mark a test as a sample: shown to learners and run by Run."
hidden = _marker(sample=False)
hidden.__doc__ = "Mark a test as hidden: run only on Submit; its inputs never shown."


def spec_of(fn: Callable) -> TestSpec:
    return getattr(fn, "__grader_test__", TestSpec())
