"""Tests of the engine's test pack: one sample test, two hidden ones with
different weights (so a score can tell weights from test counts)."""

import numpy as np

from grader.engine.testing import hidden, sample


def check(actual, expected):
    assert isinstance(actual, np.ndarray), f"result should be a numpy array, got {type(actual).__name__}"
    assert actual.shape == expected.shape, f"result has shape {actual.shape}, expected {expected.shape}"
    assert np.isfinite(actual).all(), f"result contains {int(np.isnan(actual).sum())} NaN and non-finite values"
    assert np.allclose(actual, expected), "result does not match the expected values"


@sample
def test_small(learner):
    check(learner.double(np.array([1.0, -2.0, 0.5])), np.array([2.0, -4.0, 1.0]))


@hidden
def test_matrix(learner):
    x = np.arange(6.0).reshape(2, 3)
    check(learner.double(x), 2 * x)


@hidden(weight=2)
def test_random(learner, reference, rng):
    x = rng.normal(size=(50, 4))
    check(learner.double(x), reference.double(x))
