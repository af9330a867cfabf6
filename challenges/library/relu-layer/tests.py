import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, check_gradient, hidden, sample

# ReLU copies or zeroes values: a correct float64 answer (np.maximum, np.where, x * (x > 0)) is exact.
# atol 0 makes every expected 0 exact, so a gradient of 1 at x == 0 or a leak through a closed gate fails,
# even for values like 1e-300.
RTOL, ATOL = 1e-12, 0.0


def _away_from_zero(rng, shape, scale=1.0, gap=0.1):
    """Random values with |x| >= gap * scale: finite differences never straddle the kink."""
    x = rng.normal(size=shape) * scale
    return np.where(np.abs(x) < gap * scale, np.sign(x + 1e-300) * gap * scale * 2, x)


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _forward(learner, x):
    """The learner's (out, cache), out checked for kind and shape; the cache's form is free."""
    result = learner.relu_forward(x)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"relu_forward should return a tuple (out, cache), got {_describe(result)}")
    out, cache = result
    assert_shape(out, x.shape, name="out")
    return out, cache


def _backward(learner, x, dout):
    """The learner's dx from its own forward's cache, checked for shape."""
    _, cache = _forward(learner, x)
    return assert_shape(learner.relu_backward(dout, cache), x.shape, name="dx")


def _matches_reference(learner, reference, x, dout, rtol=RTOL, atol=ATOL):
    out_ref, cache_ref = reference.relu_forward(x)
    out, _ = _forward(learner, x)
    assert_allclose(out, out_ref, rtol=rtol, atol=atol, name="out")
    assert_allclose(_backward(learner, x, dout), reference.relu_backward(dout, cache_ref), rtol=rtol, atol=atol,
                    name="dx")  # fmt: skip


@sample
def test_forward_zeroes_the_negative_values(learner):
    x = np.array([[-2.0, -0.5, 0.0], [0.5, 3.0, -1e-9]])
    out, _ = _forward(learner, x)
    # Copies and zeros: exact, no tolerance.
    assert_allclose(out, np.array([[0.0, 0.0, 0.0], [0.5, 3.0, 0.0]]), rtol=0, name="out")


@sample
def test_backward_passes_dout_only_where_x_was_positive(learner):
    x = np.array([[-2.0, -0.5, 0.0], [0.5, 3.0, -1e-9]])
    dout = np.array([[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]])
    # At x == 0 the gradient is 0, by this challenge's convention.
    # Copies of dout and zeros: exact, no tolerance; a gradient of 1 at x == 0 puts 30 in a zero.
    assert_allclose(_backward(learner, x, dout), np.array([[0.0, 0.0, 0.0], [40.0, 50.0, 0.0]]), rtol=0, name="dx")


@sample
def test_any_shape_is_kept(learner, rng):
    x = rng.normal(size=(2, 3, 4, 5))
    _backward(learner, x, rng.normal(size=x.shape))


@hidden(weight=2)
def test_forward_and_backward_match_reference(learner, reference, rng):
    for shape in [(1,), (7,), (1, 1), (10, 5), (3, 1, 4), (2, 3, 4, 5), (64, 32)]:
        _matches_reference(learner, reference, rng.normal(size=shape), rng.normal(size=shape))


@hidden(weight=2)
def test_gradient_matches_finite_differences(learner, reference, rng):
    x = _away_from_zero(rng, (4, 6))
    dout = rng.normal(size=x.shape)
    check_gradient(_backward(learner, x, dout), lambda x_: reference.relu_forward(x_)[0], x, upstream=dout,
                   name="dx")  # fmt: skip


@hidden
def test_zeros_get_no_gradient(learner, reference, rng):
    x = rng.normal(size=(6, 5))
    x[::2, 1::2] = 0.0
    x[1] = 0.0
    _matches_reference(learner, reference, x, rng.normal(size=x.shape))
    x = np.zeros((3, 4))
    _matches_reference(learner, reference, x, np.ones_like(x))


@hidden
def test_all_negative_and_all_positive(learner, reference, rng):
    x = np.abs(rng.normal(size=(5, 8))) + 0.1
    _matches_reference(learner, reference, -x, rng.normal(size=x.shape))
    _matches_reference(learner, reference, x, rng.normal(size=x.shape))


@hidden
def test_tiny_and_huge_values(learner, reference, rng):
    x = rng.normal(size=(8, 8)) * np.array([1e-300, 1e-5, 1.0, 1e5, 1e300, -1e-300, 1e200, 5e-324])
    _matches_reference(learner, reference, x, rng.normal(size=x.shape) * 1e100)


@hidden
def test_float32_input(learner, reference, rng):
    x = rng.normal(size=(16, 10)).astype(np.float32)
    dout = rng.normal(size=x.shape).astype(np.float32)
    # The reference gets the same float32 arrays: still copies and zeros, exact; rtol 1e-6 is headroom only,
    # and atol 0 still makes every zero exact.
    _matches_reference(learner, reference, x, dout, rtol=1e-6, atol=0.0)


def _same_out(result, expected):
    """What the speed test timed, checked as the other tests check: the cache's form is free."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"relu_forward should return a tuple (out, cache), got {_describe(result)}")
    assert_allclose(result[0], expected[0], rtol=RTOL, atol=ATOL, name="out")


@hidden
def test_speed_of_the_forward_pass(learner, reference, rng):
    x = rng.normal(size=(1000, 1000))
    # Two untimed calls first: x is then kept by the learner process, so the
    # timed calls measure the function, not copying 8 MB into cold memory.
    _forward(learner, x)
    _forward(learner, x)
    assert_speed(learner.relu_forward, reference.relu_forward, x, max_ratio=10, check=_same_out)


@hidden
def test_speed_of_the_backward_pass(learner, reference, rng):
    x = rng.normal(size=(500, 1000))
    dout = rng.normal(size=x.shape)
    _, cache = _forward(learner, x)
    _, cache_ref = reference.relu_forward(x)
    learner.relu_backward(dout, cache)
    learner.relu_backward(dout, cache)
    # The reference's backward gets the reference's cache; the learner's, its own.
    assert_speed(learner.relu_backward, lambda d, _c: reference.relu_backward(d, cache_ref), dout, cache,
                 max_ratio=10)  # fmt: skip
