import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, check_gradient, hidden, sample

# out is a copy of one input per window (exact for any correct method); dx adds at most pool_h * pool_w
# upstream values per element, ~1e-16 relative in any order: 1e-9 leaves seven orders, atol covers sums
# near 0, while a gradient sent to the wrong element or a window at the wrong stride is O(1) off.
RTOL, ATOL = 1e-9, 1e-12

EXAMPLE = np.array([[[[1.0, 3.0, 2.0, 0.0], [4.0, 2.0, 5.0, 5.0], [0.0, 1.0, 7.0, 2.0], [6.0, 6.0, 1.0, 3.0]]]])


def _out_shape(x_shape, pool_h, pool_w, stride):
    n, c, h, w = x_shape
    return (n, c, (h - pool_h) // stride + 1, (w - pool_w) // stride + 1)


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _forward(learner, x, pool_h, pool_w, stride):
    """The learner's (out, cache), checked for kind and out's shape."""
    result = learner.max_pool_forward(x, pool_h, pool_w, stride)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"max_pool_forward should return a tuple (out, cache), got {_describe(result)}")
    out, cache = result
    assert_shape(out, _out_shape(x.shape, pool_h, pool_w, stride), name="out")
    return out, cache


def _forward_backward(learner, x, pool_h, pool_w, stride, dout):
    out, cache = _forward(learner, x, pool_h, pool_w, stride)
    dx = assert_shape(learner.max_pool_backward(dout, cache), x.shape, name="dx")
    return out, dx


def _matches_reference(learner, reference, x, pool_h, pool_w, stride, rng):
    dout = rng.normal(size=_out_shape(x.shape, pool_h, pool_w, stride))
    out, dx = _forward_backward(learner, x, pool_h, pool_w, stride, dout)
    out_ref, cache = reference.max_pool_forward(x, pool_h, pool_w, stride)
    where = f" (pool {pool_h}x{pool_w}, stride {stride})"
    assert_allclose(out, out_ref, rtol=RTOL, atol=ATOL, name="out" + where)
    assert_allclose(dx, reference.max_pool_backward(dout, cache), rtol=RTOL, atol=ATOL, name="dx" + where)


def _distinct(rng, shape):
    """Values at least 0.01 apart: no ties, and a 1e-6 probe cannot change a window's max."""
    return (rng.permutation(int(np.prod(shape))).reshape(shape) - 0.5 * np.prod(shape)) * 0.01


@sample
def test_the_example_forward(learner):
    out, _ = _forward(learner, EXAMPLE, 2, 2, 2)
    # Each max is a copy of an input: exact, no tolerance.
    assert_allclose(out, np.array([[[[4.0, 5.0], [6.0, 7.0]]]]), rtol=0, name="out")
    out, _ = _forward(learner, EXAMPLE, 3, 3, 1)
    # Copies of the 7: exact, no tolerance.
    assert_allclose(out, np.full((1, 1, 2, 2), 7.0), rtol=0, name="out (pool 3x3, stride 1)")


@sample
def test_ties_send_the_gradient_to_the_first_max(learner):
    # The windows holding 5, 5 and 6, 6: the gradient goes to the first in row-major order.
    _, dx = _forward_backward(learner, EXAMPLE, 2, 2, 2, np.array([[[[10.0, 20.0], [30.0, 40.0]]]]))
    expected = np.zeros((1, 1, 4, 4))
    expected[0, 0, 1, 0], expected[0, 0, 1, 2], expected[0, 0, 3, 0], expected[0, 0, 2, 2] = 10, 20, 30, 40
    if dx[0, 0, 1, 3] != 0 or dx[0, 0, 3, 1] != 0:
        raise AssertionError("a tied window sent gradient to a max other than the first one in row-major order "
                             f"(dx[0, 0, 1, 3] = {dx[0, 0, 1, 3]:g}, dx[0, 0, 3, 1] = {dx[0, 0, 3, 1]:g}; "
                             "both should be 0)")  # fmt: skip
    # dx holds copies of 10, 20, 30, 40 and zeros: exact, no tolerance.
    assert_allclose(dx, expected, rtol=0, name="dx")


@sample
def test_overlapping_windows_add_their_gradients(learner):
    # Four 3x3 windows at stride 1 all pick the 7 at (2, 2): it receives 1 + 2 + 3 + 4.
    _, dx = _forward_backward(learner, EXAMPLE, 3, 3, 1, np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
    expected = np.zeros((1, 1, 4, 4))
    expected[0, 0, 2, 2] = 10.0
    # 1 + 2 + 3 + 4 is exact in any order: no tolerance; keeping one window's gradient gives at most 4.
    assert_allclose(dx, expected, rtol=0, name="dx")


@hidden(weight=2)
def test_matches_reference_on_random_inputs(learner, reference, rng):
    for shape, pool_h, pool_w, stride in [
        ((2, 3, 8, 8), 2, 2, 2),
        ((3, 2, 9, 7), 3, 3, 2),
        ((2, 4, 6, 10), 2, 3, 1),
        ((1, 3, 12, 9), 3, 2, 3),
        ((4, 2, 11, 11), 2, 2, 4),
    ]:
        _matches_reference(learner, reference, rng.normal(size=shape), pool_h, pool_w, stride, rng)


@hidden(weight=2)
def test_gradient_matches_finite_differences(learner, reference, rng):
    for shape, pool_h, pool_w, stride in [((2, 2, 4, 4), 2, 2, 2), ((1, 2, 5, 6), 3, 2, 1), ((2, 1, 7, 5), 2, 3, 3)]:
        x = _distinct(rng, shape)
        dout = rng.normal(size=_out_shape(shape, pool_h, pool_w, stride))
        _, dx = _forward_backward(learner, x, pool_h, pool_w, stride, dout)
        check_gradient(dx, lambda v, ph=pool_h, pw=pool_w, s=stride: reference.max_pool_forward(v, ph, pw, s)[0],
                       x, upstream=dout, name=f"dx (pool {pool_h}x{pool_w}, stride {stride})")  # fmt: skip


@hidden(weight=2)
def test_many_ties(learner, reference, rng):
    # Small integers: most windows hold their max several times, some windows are constant.
    for shape, pool_h, pool_w, stride in [((2, 3, 8, 8), 2, 2, 2), ((2, 2, 7, 9), 3, 2, 1), ((1, 2, 6, 6), 2, 3, 2)]:
        x = rng.integers(0, 3, size=shape).astype(np.float64)
        _matches_reference(learner, reference, x, pool_h, pool_w, stride, rng)
    _matches_reference(learner, reference, np.zeros((2, 2, 4, 4)), 2, 2, 2, rng)


@hidden
def test_all_negative_inputs(learner, reference, rng):
    x = -np.abs(rng.normal(size=(2, 3, 6, 6))) - 1.0
    _matches_reference(learner, reference, x, 2, 2, 2, rng)
    _matches_reference(learner, reference, x * 1e6, 3, 3, 1, rng)


@hidden
def test_a_window_as_large_as_the_image(learner, reference, rng):
    _matches_reference(learner, reference, rng.normal(size=(3, 4, 5, 6)), 5, 6, 1, rng)
    _matches_reference(learner, reference, rng.normal(size=(2, 2, 4, 4)), 4, 4, 3, rng)


@hidden
def test_a_batch_of_one(learner, reference, rng):
    _matches_reference(learner, reference, rng.normal(size=(1, 1, 6, 5)), 2, 2, 1, rng)
    _matches_reference(learner, reference, rng.normal(size=(1, 1, 1, 1)), 1, 1, 1, rng)


@hidden
def test_float32_input(learner, reference, rng):
    x = rng.normal(size=(4, 3, 10, 10)).astype(np.float32)
    dout = rng.normal(size=(4, 3, 5, 5)).astype(np.float32)
    out, dx = _forward_backward(learner, x, 2, 2, 2, dout)
    out_ref, cache = reference.max_pool_forward(x.astype(np.float64), 2, 2, 2)
    # float32 maxima are copies of float32 inputs, exact once widened; 1e-6 is headroom only,
    # while picking another element of the window is O(0.1) off.
    assert_allclose(out, out_ref, rtol=1e-6, atol=1e-7, name="out")
    # 2x2 windows at stride 2 do not overlap: each element of dx is one float32 dout value or 0, exact;
    # 1e-5 is headroom only, while a gradient sent to the wrong element is O(1) off.
    assert_allclose(dx, reference.max_pool_backward(dout.astype(np.float64), cache), rtol=1e-5, atol=1e-6, name="dx")


def _same_out(result, expected):
    """The speed test's forward value, checked as the other tests check: the cache's form is free."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"max_pool_forward should return a tuple (out, cache), got {_describe(result)}")
    assert_allclose(result[0], expected[0], rtol=RTOL, atol=ATOL, name="out")


def _dx_matches(result, expected):
    assert_allclose(result, expected, rtol=RTOL, atol=ATOL, name="dx")


@hidden
def test_speed_of_the_forward_pass(learner, reference, rng):
    x = rng.normal(size=(12, 32, 32, 32))
    assert_speed(learner.max_pool_forward, reference.max_pool_forward, x, 2, 2, 2, max_ratio=10, check=_same_out)


@hidden
def test_speed_of_the_backward_pass(learner, reference, rng):
    x = rng.normal(size=(12, 32, 32, 32))
    dout = rng.normal(size=(12, 32, 16, 16))
    _, cache = _forward(learner, x, 2, 2, 2)
    _, ref_cache = reference.max_pool_forward(x, 2, 2, 2)
    # Each side's backward gets its own forward's cache; only the backward is timed.
    assert_speed(learner.max_pool_backward, lambda d, _cache: reference.max_pool_backward(d, ref_cache),
                 dout, cache, max_ratio=10, check=_dx_matches)  # fmt: skip
