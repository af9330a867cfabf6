import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, check_gradient, hidden, sample

# Each output is one value times 1 / (1 - p), or 0: correct float64 answers agree
# to an ulp or two (x / (1 - p) or x * (1 / (1 - p))).
RTOL, ATOL = 1e-12, 0.0


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _forward(learner, x, p, mode, u):
    """The learner's (out, cache), out checked for kind and shape; the cache's form is free."""
    result = learner.dropout_forward(x, p, mode, u)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"dropout_forward should return a tuple (out, cache), got {_describe(result)}")
    out, cache = result
    assert_shape(out, x.shape, name="out")
    return out, cache


def _backward(learner, x, p, mode, u, dout):
    """The learner's dx from its own forward's cache, checked for shape."""
    _, cache = _forward(learner, x, p, mode, u)
    return assert_shape(learner.dropout_backward(dout, cache), x.shape, name="dx")


def _matches_reference(learner, reference, x, p, mode, u, dout, rtol=RTOL, atol=ATOL):
    out_ref, cache_ref = reference.dropout_forward(x, p, mode, u)
    out, _ = _forward(learner, x, p, mode, u)
    assert_allclose(out, out_ref, rtol=rtol, atol=atol, name=f"out (p={p:g}, mode={mode!r})")
    dx = _backward(learner, x, p, mode, u, dout)
    assert_allclose(dx, reference.dropout_backward(dout, cache_ref), rtol=rtol, atol=atol,
                    name=f"dx (p={p:g}, mode={mode!r})")  # fmt: skip


@sample
def test_train_mode_keeps_draws_at_least_p_and_rescales(learner):
    x = np.array([[1.0, 2.0, 3.0, 4.0], [-1.0, -2.0, -3.0, -4.0]])
    u = np.array([[0.9, 0.1, 0.25, 0.5], [0.0, 0.75, 0.3, 0.2]])
    # p = 0.25: keep where u >= 0.25 (0.25 itself is kept), scale by 1 / 0.75.
    out, _ = _forward(learner, x, 0.25, "train", u)
    expected = np.array([[1.0, 0.0, 3.0, 4.0], [0.0, -2.0, -3.0, 0.0]]) / 0.75
    assert_allclose(out, expected, rtol=1e-12, name="out")


@sample
def test_test_mode_is_the_identity(learner, rng):
    x = rng.normal(size=(3, 5))
    u = rng.random(size=x.shape)
    out, _ = _forward(learner, x, 0.5, "test", u)
    assert_allclose(out, x, rtol=0, name="out in test mode")
    dout = rng.normal(size=x.shape)
    assert_allclose(_backward(learner, x, 0.5, "test", u, dout), dout, rtol=0, name="dx in test mode")


@sample
def test_train_mode_preserves_the_mean(learner, rng):
    # E[out] = x: with 100,000 ones and p = 0.3 the mean has a standard deviation
    # of 0.002, so 0.015 is 7 of them; without the 1 / (1 - p) scale it would be 0.7.
    x = np.ones(100_000)
    out, _ = _forward(learner, x, 0.3, "train", rng.random(size=x.shape))
    mean = float(np.mean(out))
    assert abs(mean - 1.0) < 0.015, f"out.mean() should be about 1 (dropout must keep expectations), got {mean:.4f}"


@hidden(weight=2)
def test_train_mode_matches_reference(learner, reference, rng):
    for shape, p in [
        ((1,), 0.5),
        ((10,), 0.2),
        ((8, 16), 0.5),
        ((4, 3, 5), 0.1),
        ((2, 3, 4, 5), 0.75),
        ((50, 20), 0.6),
    ]:
        x = rng.normal(size=shape) * 3
        _matches_reference(learner, reference, x, p, "train", rng.random(size=shape), rng.normal(size=shape))


@hidden(weight=2)
def test_gradient_matches_finite_differences(learner, reference, rng):
    for p in (0.3, 0.6):
        x = rng.normal(size=(4, 5))
        u = rng.random(size=x.shape)
        dout = rng.normal(size=x.shape)
        dx = _backward(learner, x, p, "train", u, dout)
        check_gradient(dx, lambda x_, p=p, u=u: reference.dropout_forward(x_, p, "train", u)[0], x, upstream=dout,
                       name=f"dx (p={p:g})")  # fmt: skip


@hidden
def test_test_mode_matches_reference(learner, reference, rng):
    for shape, p in [((1, 1), 0.5), ((6, 7), 0.2), ((2, 3, 4), 0.9)]:
        x = rng.normal(size=shape)
        _matches_reference(learner, reference, x, p, "test", rng.random(size=shape), rng.normal(size=shape))


@hidden
def test_p_zero_keeps_everything(learner, reference, rng):
    x = rng.normal(size=(5, 6))
    u = rng.random(size=x.shape)
    u[0, :3] = 0.0  # u >= 0 always holds: even a draw of exactly 0 is kept
    dout = rng.normal(size=x.shape)
    out, _ = _forward(learner, x, 0.0, "train", u)
    assert_allclose(out, x, rtol=1e-15, name="out (p=0)")
    assert_allclose(_backward(learner, x, 0.0, "train", u, dout), dout, rtol=1e-15, name="dx (p=0)")


@hidden
def test_a_draw_equal_to_p_is_kept(learner, reference, rng):
    p = 0.4
    x = rng.normal(size=(4, 4))
    u = rng.random(size=x.shape)
    u[::2] = p
    _matches_reference(learner, reference, x, p, "train", u, rng.normal(size=x.shape))


@hidden
def test_high_drop_probability(learner, reference, rng):
    for p in (0.9, 0.99):
        x = rng.normal(size=(20, 30))
        _matches_reference(learner, reference, x, p, "train", rng.random(size=x.shape), rng.normal(size=x.shape))


@hidden
def test_expectations_are_preserved(learner, rng):
    # The mean over many draws of u of out (and of dx) is x (and dout): each
    # column below is one input value seen under 20,000 independent masks.
    values = np.array([[-3.0, -0.5, 0.25, 1.0, 8.0]])
    x = np.repeat(values, 20_000, axis=0)
    for p in (0.2, 0.5, 0.8):
        u = rng.random(size=x.shape)
        out, _ = _forward(learner, x, p, "train", u)
        # A column mean's standard deviation is |v| sqrt(p / (1 - p) / 20000): allow 6 of them.
        rtol = 6 * np.sqrt(p / (1 - p) / 20_000)
        assert_allclose(out.mean(axis=0), values[0], rtol=rtol, name=f"out.mean(axis=0) (p={p:g})")
        dx = _backward(learner, x, p, "train", u, x)
        assert_allclose(dx.mean(axis=0), values[0], rtol=rtol, name=f"dx.mean(axis=0) (p={p:g})")


@hidden
def test_float32_input(learner, reference, rng):
    x = rng.normal(size=(16, 10)).astype(np.float32)
    u = rng.random(size=x.shape)
    dout = rng.normal(size=x.shape).astype(np.float32)
    out_ref, cache_ref = reference.dropout_forward(x.astype(np.float64), 0.3, "train", u)
    out, _ = _forward(learner, x, 0.3, "train", u)
    assert_allclose(out, out_ref, rtol=1e-6, atol=0.0, name="out")
    dx_ref = reference.dropout_backward(dout.astype(np.float64), cache_ref)
    assert_allclose(_backward(learner, x, 0.3, "train", u, dout), dx_ref, rtol=1e-6, atol=0.0, name="dx")


def _same_out(result, expected):
    """What the speed test timed, checked as the other tests check: the cache's form is free."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"dropout_forward should return a tuple (out, cache), got {_describe(result)}")
    assert_allclose(result[0], expected[0], rtol=RTOL, atol=ATOL, name="out")


@hidden
def test_speed_of_the_forward_pass(learner, reference, rng):
    x = rng.normal(size=(500, 1000))
    u = rng.random(size=x.shape)
    # Two untimed calls first: x and u are then kept by the learner process, so
    # the timed calls measure the function, not copying 8 MB into cold memory.
    _forward(learner, x, 0.3, "train", u)
    _forward(learner, x, 0.3, "train", u)
    assert_speed(learner.dropout_forward, reference.dropout_forward, x, 0.3, "train", u, max_ratio=10,
                 check=_same_out)  # fmt: skip


@hidden
def test_speed_of_the_backward_pass(learner, reference, rng):
    x = rng.normal(size=(300, 1000))
    u = rng.random(size=x.shape)
    dout = rng.normal(size=x.shape)
    _, cache = _forward(learner, x, 0.3, "train", u)
    _, cache_ref = reference.dropout_forward(x, 0.3, "train", u)
    learner.dropout_backward(dout, cache)
    learner.dropout_backward(dout, cache)
    # The reference's backward gets the reference's cache; the learner's, its own.
    assert_speed(learner.dropout_backward, lambda d, _c: reference.dropout_backward(d, cache_ref), dout, cache,
                 max_ratio=10)  # fmt: skip
