import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, check_gradient, hidden, sample

# Sums of up to a few thousand O(1) products: any summation order agrees to
# ~1e-13 relative; atol covers gradients that cancel to nearly zero.
RTOL, ATOL = 1e-7, 1e-9


def _out_size(n, k, stride, pad):
    return (n + 2 * pad - k) // stride + 1


def _problem(rng, n, c, h, wd, f, hh, ww, stride, pad, dtype=np.float64):
    x = rng.normal(size=(n, c, h, wd)).astype(dtype)
    w = rng.normal(size=(f, c, hh, ww)).astype(dtype)
    b = rng.normal(size=f).astype(dtype)
    dout = rng.normal(size=(n, f, _out_size(h, hh, stride, pad), _out_size(wd, ww, stride, pad))).astype(dtype)
    return x, w, b, dout


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _forward(learner, x, w, b, stride, pad):
    result = learner.conv2d_forward(x, w, b, stride=stride, pad=pad)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"conv2d_forward should return a tuple (out, cache), got {_describe(result)}")
    out, cache = result
    n, _, h, wd = x.shape
    f, _, hh, ww = w.shape
    assert_shape(out, (n, f, _out_size(h, hh, stride, pad), _out_size(wd, ww, stride, pad)), name="out")
    return out, cache


def _check_grads(result, x, w, b):
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"conv2d_backward should return a tuple (dx, dw, db), got {_describe(result)}")
    dx, dw, db = result
    assert_shape(dx, x.shape, name="dx")
    assert_shape(dw, w.shape, name="dw")
    assert_shape(db, b.shape, name="db")
    return dx, dw, db


def _run(learner, x, w, b, dout, stride, pad):
    """The learner's out and (dx, dw, db), its forward's cache passed straight to its backward."""
    out, cache = _forward(learner, x, w, b, stride, pad)
    return out, _check_grads(learner.conv2d_backward(dout, cache), x, w, b)


def _against_finite_differences(learner, reference, x, w, b, dout, stride, pad):
    _, (dx, dw, db) = _run(learner, x, w, b, dout, stride, pad)
    where = f" (stride={stride}, pad={pad})"

    def fwd(xv, wv, bv):
        return reference.conv2d_forward(xv, wv, bv, stride=stride, pad=pad)[0]

    check_gradient(dx, lambda v: fwd(v, w, b), x, upstream=dout, name="dx" + where)
    check_gradient(dw, lambda v: fwd(x, v, b), w, upstream=dout, name="dw" + where)
    check_gradient(db, lambda v: fwd(x, w, v), b, upstream=dout, name="db" + where)


def _matches_reference(learner, reference, x, w, b, dout, stride, pad, rtol=RTOL, atol=ATOL):
    out, (dx, dw, db) = _run(learner, x, w, b, dout, stride, pad)
    f64 = [a.astype(np.float64) for a in (x, w, b, dout)]
    out_ref, cache = reference.conv2d_forward(*f64[:3], stride=stride, pad=pad)
    dx_ref, dw_ref, db_ref = reference.conv2d_backward(f64[3], cache)
    where = f" (stride={stride}, pad={pad})"
    assert_allclose(out, out_ref, rtol=rtol, atol=atol, name="out" + where)
    assert_allclose(dx, dx_ref, rtol=rtol, atol=atol, name="dx" + where)
    assert_allclose(dw, dw_ref, rtol=rtol, atol=atol, name="dw" + where)
    assert_allclose(db, db_ref, rtol=rtol, atol=atol, name="db" + where)


@sample
def test_the_example(learner):
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    b = np.array([1.0])
    out, (dx, dw, db) = _run(learner, x, w, b, np.ones((1, 1, 2, 2)), 1, 0)
    assert_allclose(out, np.array([[[[28.0, 38.0], [58.0, 68.0]]]]), rtol=1e-12, name="out")
    assert_allclose(dx, np.array([[[[1.0, 3.0, 2.0], [4.0, 10.0, 6.0], [3.0, 7.0, 4.0]]]]), rtol=1e-12, name="dx")
    assert_allclose(dw, np.array([[[[8.0, 12.0], [20.0, 24.0]]]]), rtol=1e-12, name="dw")
    assert_allclose(db, np.array([4.0]), rtol=1e-12, name="db")
    _, (dx, _, _) = _run(learner, x, w, b, np.ones((1, 1, 2, 2)), 2, 1)
    expected = np.array([[[[4.0, 3.0, 4.0], [2.0, 1.0, 2.0], [4.0, 3.0, 4.0]]]])
    assert_allclose(dx, expected, rtol=1e-12, name="dx (stride=2, pad=1)")


@sample
def test_returns_gradients_with_the_shapes_of_the_inputs(learner, rng):
    for args in [(2, 3, 6, 6, 4, 3, 3, 1, 1), (1, 2, 7, 5, 3, 2, 3, 2, 1)]:
        x, w, b, dout = _problem(rng, *args)
        _run(learner, x, w, b, dout, args[-2], args[-1])


@sample
def test_gradients_match_finite_differences_on_a_small_input(learner, reference, rng):
    _against_finite_differences(learner, reference, *_problem(rng, 2, 2, 4, 4, 3, 3, 3, 1, 0), 1, 0)


@hidden(weight=3)
def test_gradients_match_finite_differences_with_stride_and_padding(learner, reference, rng):
    for args in [
        (2, 2, 5, 5, 3, 3, 3, 2, 1),  # stride 2, pad 1: windows overlap by one column and row
        (2, 3, 4, 6, 2, 2, 3, 2, 1),  # non-square kernel
        (1, 2, 6, 7, 2, 3, 3, 2, 0),  # the last row and column are in no window
        (2, 2, 5, 5, 2, 3, 3, 1, 2),  # stride 1, pad 2: heavy overlap, border windows mostly zeros
    ]:
        x, w, b, dout = _problem(rng, *args)
        _against_finite_differences(learner, reference, x, w, b, dout, args[-2], args[-1])


@hidden(weight=2)
def test_matches_reference_on_random_inputs(learner, reference, rng):
    for args in [
        (4, 3, 10, 10, 5, 3, 3, 1, 1),
        (3, 4, 9, 11, 6, 3, 2, 2, 1),
        (2, 2, 12, 12, 4, 4, 4, 4, 0),
        (2, 3, 11, 8, 3, 5, 3, 3, 2),
        (5, 1, 8, 8, 2, 1, 1, 1, 0),
    ]:
        _matches_reference(learner, reference, *_problem(rng, *args), args[-2], args[-1])


@hidden
def test_a_batch_of_one(learner, reference, rng):
    args = (1, 1, 6, 5, 1, 3, 2, 1, 1)
    _matches_reference(learner, reference, *_problem(rng, *args), args[-2], args[-1])


@hidden
def test_a_kernel_as_large_as_the_padded_image(learner, reference, rng):
    for args in [(3, 2, 5, 4, 4, 5, 4, 1, 0), (2, 3, 3, 3, 2, 5, 5, 2, 1)]:
        _matches_reference(learner, reference, *_problem(rng, *args), args[-2], args[-1])


@hidden
def test_float32_input(learner, reference, rng):
    args = (4, 3, 10, 10, 5, 3, 3, 2, 1)
    _matches_reference(learner, reference, *_problem(rng, *args, dtype=np.float32), 2, 1, rtol=1e-4, atol=1e-3)


def _same_out(result, expected):
    """The speed test's forward value, checked as the other tests check: the cache's form is free."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"conv2d_forward should return a tuple (out, cache), got {_describe(result)}")
    assert_allclose(result[0], expected[0], rtol=RTOL, atol=ATOL, name="out")


def _same_grads(result, expected):
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"conv2d_backward should return a tuple (dx, dw, db), got {_describe(result)}")
    for name, got, want in zip(("dx", "dw", "db"), result, expected, strict=True):
        assert_allclose(got, want, rtol=RTOL, atol=1e-8, name=name)


# Few channels and filters on large images: plain np.einsum passes easily; loops over
# samples, filters or output positions do not.
SPEED = (2, 3, 64, 64, 4, 3, 3, 1, 1)


@hidden
def test_speed_of_the_forward_pass(learner, reference, rng):
    x, w, b, _ = _problem(rng, *SPEED)
    assert_speed(learner.conv2d_forward, reference.conv2d_forward, x, w, b, stride=1, pad=1, max_ratio=10,
                 check=_same_out)  # fmt: skip


@hidden
def test_speed_of_the_backward_pass(learner, reference, rng):
    x, w, b, dout = _problem(rng, *SPEED)
    _, cache = _forward(learner, x, w, b, 1, 1)
    _, ref_cache = reference.conv2d_forward(x, w, b, stride=1, pad=1)
    # Each side's backward gets its own forward's cache; only the backward is timed.
    assert_speed(learner.conv2d_backward, lambda d, _cache: reference.conv2d_backward(d, ref_cache),
                 dout, cache, max_ratio=10, check=_same_grads)  # fmt: skip
