import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, hidden, sample

# Results range from about 1e-3 to 1e4 in magnitude: rtol is relative, atol only
# matters for results that happen to land near 0.
# The shifted form rounds to ~u * max|x| absolute, 2e-12 at 1e4, which rtol * |result| covers 500x over
# for results of size 1 and more; the naive form is inf or -inf there.
RTOL, ATOL = 1e-9, 1e-12
NEG_INF = -np.inf

OVERFLOW = (
    "values of ±1000 and more: exp overflows to inf past 709 and underflows to 0 below −745; shift each "
    "slice by its own max (a global max leaves slices 1e4 below it at log 0) and add it back"
)
ALL_MINUS_INF = (
    "slices entirely −inf (masked): their max is −inf and x − max is −inf − (−inf) = NaN; shift such "
    "slices by 0 instead, and their log-sum-exp is −inf"
)


def _expected_shape(x, axis, keepdims):
    shape = list(x.shape)
    if keepdims:
        shape[axis] = 1
    else:
        del shape[axis]
    return tuple(shape)


def _lse(learner, x, **kwargs):
    """The learner's result, checked for shape (a reduction to one number may be a plain float)."""
    out = learner.logsumexp(x, **kwargs)
    shape = _expected_shape(x, kwargs.get("axis", -1), kwargs.get("keepdims", False))
    if shape:
        assert_shape(out, shape, name=_name(x, **kwargs))
    return out


def _name(x, **kwargs):
    return f"logsumexp of a {x.shape} array" + "".join(f", {k}={v}" for k, v in kwargs.items())


def _matches_reference(learner, reference, x, rtol=RTOL, atol=ATOL, probe="", **kwargs):
    out = _lse(learner, x, **kwargs)
    expected = reference.logsumexp(x.astype(np.float64), **kwargs)
    assert_allclose(out, expected, rtol=rtol, atol=atol, name=_name(x, **kwargs), probe=probe)


@sample
def test_small_values_match_the_formula(learner):
    x = np.array([1.0, 2.0, 3.0])
    assert_allclose(_lse(learner, x), np.log(np.exp(x).sum()), rtol=1e-12, name="logsumexp([1, 2, 3])")
    X = np.array([[0.0, 0.0], [1.0, 2.0]])
    assert_allclose(_lse(learner, X), np.array([np.log(2), np.log(np.e + np.e**2)]), rtol=1e-12,
                    name="logsumexp([[0, 0], [1, 2]])")  # fmt: skip


@sample
def test_huge_and_very_negative_values_do_not_overflow_or_underflow(learner):
    X = np.array([[1000.0, 1000.0], [-1000.0, -1000.0]])
    assert_allclose(_lse(learner, X), np.array([1000.0, -1000.0]) + np.log(2), rtol=1e-12,
                    name="logsumexp([[1000, 1000], [-1000, -1000]])", probe=OVERFLOW)  # fmt: skip


@sample
def test_minus_infinity_entries_contribute_nothing(learner):
    X = np.array([[0.0, NEG_INF], [NEG_INF, NEG_INF]])
    # e^-inf = 0: the first row is log(1) = 0, the second log(0) = -inf (not NaN).
    assert_allclose(_lse(learner, X), np.array([0.0, NEG_INF]), atol=1e-15, name="logsumexp([[0, -inf], [-inf, -inf]])",
                    probe=ALL_MINUS_INF)  # fmt: skip


@hidden(weight=2)
def test_matches_reference_along_the_last_axis(learner, reference, rng):
    for shape, scale in [((1,), 1.0), ((7,), 3.0), ((1, 1), 1.0), ((32, 10), 1.0), ((5, 1000), 2.0), ((3, 4, 6), 10.0)]:
        _matches_reference(learner, reference, rng.normal(size=shape) * scale)


@hidden(weight=2)
def test_every_axis_with_and_without_keepdims(learner, reference, rng):
    x = rng.normal(size=(3, 4, 5)) * 4
    for axis in (0, 1, 2, -1, -2, -3):
        for keepdims in (False, True):
            _matches_reference(learner, reference, x, axis=axis, keepdims=keepdims)
    y = rng.normal(size=(6, 2)) * 50
    _matches_reference(learner, reference, y, axis=0)
    _matches_reference(learner, reference, rng.normal(size=9), axis=0, keepdims=True)


@hidden(weight=2)
def test_extreme_values(learner, reference, rng):
    cases = [
        (rng.normal(size=(64, 10)) * 1e3, {}),
        (rng.normal(size=(16, 5)) * 1e4, {"axis": 0}),
        (rng.uniform(-1e4, -5e3, size=(20, 6)), {}),  # every exp underflows to 0
        # slices far apart: each needs its own shift, not the global max
        (rng.normal(size=(30, 4)) + rng.uniform(-1e4, 1e4, size=(30, 1)), {}),
        (rng.normal(size=(4, 30)) + rng.uniform(-1e4, 1e4, size=(1, 30)), {"axis": 0}),
    ]
    for x, kwargs in cases:
        _matches_reference(learner, reference, x, probe=OVERFLOW, **kwargs)


@hidden(weight=2)
def test_minus_infinity_entries_and_slices(learner, reference, rng):
    x = rng.normal(size=(20, 6)) * 5
    x[rng.random(size=x.shape) < 0.4] = NEG_INF  # masked entries, as in attention
    x[3] = NEG_INF
    x[11] = NEG_INF
    x[5, 2] = 1e4  # and a huge one next to -infs
    masked = "−inf entries, with a 1e4 among them: exp(1e4) overflows unless shifted; " + ALL_MINUS_INF
    _matches_reference(learner, reference, x, probe=masked)
    _matches_reference(learner, reference, x, keepdims=True, probe=masked)
    y = rng.normal(size=(4, 3, 5))
    y[:, 1, :] = NEG_INF
    _matches_reference(learner, reference, y, axis=0, probe=ALL_MINUS_INF)
    _matches_reference(learner, reference, y, axis=-1, keepdims=True, probe=ALL_MINUS_INF)
    _matches_reference(learner, reference, np.full(4, NEG_INF), probe=ALL_MINUS_INF)


@hidden
def test_a_single_element_along_the_axis_is_returned_as_is(learner, reference, rng):
    x = rng.normal(size=(5, 1)) * 100
    _matches_reference(learner, reference, x)
    _matches_reference(learner, reference, x.T, axis=0, keepdims=True)


@hidden
def test_float32_input(learner, reference, rng):
    x = (rng.normal(size=(50, 20)) * 30).astype(np.float32)
    # float32 rounds each term to 6e-8 relative: about 1e-6 on the sum, and the
    # shift itself is a float32 value up to about 100.
    _matches_reference(learner, reference, x, rtol=1e-5, atol=1e-4)
    _matches_reference(learner, reference, x, rtol=1e-5, atol=1e-4, axis=0)


@hidden
def test_speed_on_many_short_rows(learner, reference, rng):
    # Many pairs of log-probabilities, as in an HMM or a log-space mixture.
    x = rng.normal(size=(40000, 2)) * 5
    assert_speed(learner.logsumexp, reference.logsumexp, x, max_ratio=10)
