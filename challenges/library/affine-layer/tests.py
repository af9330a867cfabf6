import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, check_gradient, hidden, sample

# Each element of out, dx, dw is a sum of at most 48 O(1) products, db a sum over N <= 16: another order
# (loops, einsum, BLAS blocking) moves it by ~1e-13 relative; 1e-7 leaves six orders, atol covers sums near 0,
# while a missing transpose, a mean instead of a sum or a mixed-up reshape is O(1) off.
RTOL, ATOL = 1e-7, 1e-10


def _problem(rng, x_shape, m, scale=1.0):
    x = rng.normal(size=x_shape) * scale
    d = int(np.prod(x_shape[1:]))
    w = rng.normal(size=(d, m)) / np.sqrt(d)
    b = rng.normal(size=m)
    dout = rng.normal(size=(x_shape[0], m))
    return x, w, b, dout


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _forward(learner, x, w, b):
    """The learner's (out, cache), out checked for kind and shape; the cache's form is free."""
    result = learner.affine_forward(x, w, b)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"affine_forward should return a tuple (out, cache), got {_describe(result)}")
    out, cache = result
    assert_shape(out, (x.shape[0], w.shape[1]), name="out")
    return out, cache


def _backward(learner, x, w, b, dout):
    """The learner's (dx, dw, db) from its own forward's cache, checked for kind and shape."""
    _, cache = _forward(learner, x, w, b)
    result = learner.affine_backward(dout, cache)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"affine_backward should return a tuple (dx, dw, db), got {_describe(result)}")
    dx, dw, db = result
    assert_shape(dx, x.shape, name="dx")
    assert_shape(dw, w.shape, name="dw")
    assert_shape(db, b.shape, name="db")
    return dx, dw, db


def _matches_reference(learner, reference, x, w, b, dout, rtol=RTOL, atol=ATOL):
    out, _ = _forward(learner, x, w, b)
    out_ref, cache_ref = reference.affine_forward(x, w, b)
    assert_allclose(out, out_ref, rtol=rtol, atol=atol, name="out")
    for name, got, expected in zip(("dx", "dw", "db"), _backward(learner, x, w, b, dout),
                                   reference.affine_backward(dout, cache_ref), strict=True):  # fmt: skip
        assert_allclose(got, expected, rtol=rtol, atol=atol, name=name)


@sample
def test_forward_on_a_small_example(learner):
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]])
    b = np.array([0.0, 1.0, 10.0])
    out, _ = _forward(learner, x, w, b)
    # Small integers and halves: every product and sum here is exact in float64, so any correct method gives
    # these values to the bit; a wrong formula or reshape is off by whole units.
    assert_allclose(out, np.array([[2.0, 5.0, 9.0], [5.0, 9.0, 7.0]]), rtol=1e-12, name="out")


@sample
def test_images_are_flattened_and_dx_keeps_their_shape(learner, rng):
    # 4 "images" of 2 x 3 x 2 values: D = 12.
    x, w, b, dout = _problem(rng, (4, 2, 3, 2), 5)
    out, _ = _forward(learner, x, w, b)
    # Sums of D = 12 O(1) products: a loop or einsum differs from this @ by a few ulps (~1e-15); 1e-9 leaves
    # six orders (atol for sums near 0), while flattening the pixels in another order is O(1) off.
    assert_allclose(out, x.reshape(4, 12) @ w + b, rtol=1e-9, atol=1e-12, name="out")
    _backward(learner, x, w, b, dout)


@sample
def test_db_sums_the_upstream_gradient_over_the_batch(learner, rng):
    x, w, b, dout = _problem(rng, (6, 3), 4)
    _, _, db = _backward(learner, x, w, b, dout)
    # db sums N = 6 O(1) values: any order agrees to ~1e-15 (atol for sums near 0); a mean is 6x too small.
    assert_allclose(db, dout.sum(axis=0), rtol=1e-9, atol=1e-12, name="db")


@hidden(weight=2)
def test_forward_and_backward_match_reference(learner, reference, rng):
    for x_shape, m in [((1, 1), 1), ((10, 5), 3), ((7, 4), 4), ((3, 2, 5), 6), ((16, 3, 4, 4), 10), ((2, 1, 1, 1), 1)]:
        _matches_reference(learner, reference, *_problem(rng, x_shape, m))


@hidden(weight=2)
def test_gradients_match_finite_differences(learner, reference, rng):
    x, w, b, dout = _problem(rng, (3, 2, 3), 4)
    dx, dw, db = _backward(learner, x, w, b, dout)
    check_gradient(dx, lambda x_: reference.affine_forward(x_, w, b)[0], x, upstream=dout, name="dx")
    check_gradient(dw, lambda w_: reference.affine_forward(x, w_, b)[0], w, upstream=dout, name="dw")
    check_gradient(db, lambda b_: reference.affine_forward(x, w, b_)[0], b, upstream=dout, name="db")


@hidden
def test_square_weights(learner, reference, rng):
    # D == M: a missing transpose no longer fails on shapes, only on values.
    _matches_reference(learner, reference, *_problem(rng, (8, 6), 6))


@hidden
def test_a_batch_of_one(learner, reference, rng):
    _matches_reference(learner, reference, *_problem(rng, (1, 3, 4), 5))


@hidden
def test_float32_input(learner, reference, rng):
    x, w, b, dout = (a.astype(np.float32) for a in _problem(rng, (32, 4, 4), 10))
    out, _ = _forward(learner, x, w, b)
    out_ref, cache_ref = reference.affine_forward(*(a.astype(np.float64) for a in (x, w, b)))
    # float32 keeps ~7 digits and a sum of D = 16 products loses about one: ~1e-6 relative error;
    # rtol 1e-4 (atol 1e-5 for outputs near 0) leaves ~60x, while a wrong formula is O(1) off.
    assert_allclose(out, out_ref, rtol=1e-4, atol=1e-5, name="out")
    expected = reference.affine_backward(dout.astype(np.float64), cache_ref)
    for name, got, exp in zip(("dx", "dw", "db"), _backward(learner, x, w, b, dout), expected, strict=True):
        # The same float32 error, for dw and db summed over N = 32 samples (entries ~6 in size, some near 0):
        # atol 1e-4 still leaves ~100x, while dw / N or a mean for db is off by a factor 32.
        assert_allclose(got, exp, rtol=1e-4, atol=1e-4, name=name)


def _same_out(result, expected):
    """What the speed test timed, checked as the other tests check: the cache's form is free."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"affine_forward should return a tuple (out, cache), got {_describe(result)}")
    assert_allclose(result[0], expected[0], rtol=RTOL, atol=ATOL, name="out")


@hidden
def test_speed_of_the_forward_pass(learner, reference, rng):
    x, w, b, _ = _problem(rng, (60_000, 2, 4), 8)
    # Two untimed calls first: x is then kept by the learner process, so the
    # timed calls measure the matrix product, not copying 4 MB into cold memory.
    _forward(learner, x, w, b)
    _forward(learner, x, w, b)
    assert_speed(learner.affine_forward, reference.affine_forward, x, w, b, max_ratio=10, check=_same_out)


@hidden
def test_speed_of_the_backward_pass(learner, reference, rng):
    x, w, b, dout = _problem(rng, (50_000, 2, 4), 8)
    _, cache = _forward(learner, x, w, b)
    # The reference's backward gets the reference's cache; the learner's, its own.
    _, cache_ref = reference.affine_forward(x, w, b)
    assert_speed(learner.affine_backward, lambda d, _c: reference.affine_backward(d, cache_ref), dout, cache,
                 max_ratio=10)  # fmt: skip
