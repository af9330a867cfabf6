import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, check_gradient, hidden, sample

# Outputs are O(1). Gradients are compared with an atol scaled to their largest
# entry: an entry may be the difference of terms much larger than itself, and
# a staged (dvar, dmean) backward rounds differently from the compact one.
# Two-pass forms of x_hat (np.var, einsum, multiplying by 1 / std) differ by the rounding of the mean,
# ~u * |mean| / std absolute: ~1e-16 on standard rows, ~1e-11 at the offset below; rtol 1e-6 and atol 1e-9
# leave them orders, while there the one-pass variance E[x^2] - E[x]^2 is off by ~1e-6 relative.
RTOL = 1e-6
GRADS = ("dx", "dgamma", "dbeta")

# mean / std = 1e5: E[x^2] - E[x]^2 subtracts two numbers of 1e6 to get 1e-4, losing 10 of 16 digits.
OFFSET, SPREAD = 1000.0, 0.01
FAR_FROM_ZERO = (
    f"rows offset by {OFFSET:g} and scaled by {SPREAD:g}: a one-pass variance E[x²] − E[x]², exact in arithmetic, "
    "cancels here and loses about 10 of float64's 16 digits; compute the variance from deviations, mean((x − μ)²)"
)


def _problem(rng, n, d, scale=5.0, offset=3.0):
    x = rng.normal(size=(n, d)) * scale + offset
    gamma = rng.normal(size=d)
    beta = rng.normal(size=d)
    dout = rng.normal(size=(n, d))
    return x, gamma, beta, dout


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _forward(learner, x, gamma, beta, **kwargs):
    """The learner's (out, cache); the cache's form is the learner's choice and is never inspected."""
    result = learner.layer_norm_forward(x, gamma, beta, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"layer_norm_forward should return a tuple (out, cache), got {_describe(result)}")
    out, cache = result
    assert_shape(out, x.shape, name="out")
    return out, cache


def _backward(learner, dout, cache, d):
    result = learner.layer_norm_backward(dout, cache)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"layer_norm_backward should return a tuple (dx, dgamma, dbeta), got {_describe(result)}")
    dx, dgamma, dbeta = result
    assert_shape(dx, dout.shape, name="dx")
    assert_shape(dgamma, (d,), name="dgamma")
    assert_shape(dbeta, (d,), name="dbeta")
    return dx, dgamma, dbeta


def _grads(learner, x, gamma, beta, dout, **kwargs):
    """Forward then backward, the learner's cache passed straight back."""
    _, cache = _forward(learner, x, gamma, beta, **kwargs)
    return _backward(learner, dout, cache, x.shape[1])


def _close(actual, expected, name, rtol=RTOL, rel_atol=1e-9, probe=""):
    atol = rel_atol * float(np.abs(expected).max(initial=0.0)) + 1e-12
    assert_allclose(actual, expected, rtol=rtol, atol=atol, name=name, probe=probe)


def _matches_reference(learner, reference, x, gamma, beta, dout, probe="", **kwargs):
    out, cache = _forward(learner, x, gamma, beta, **kwargs)
    out_ref, cache_ref = reference.layer_norm_forward(x, gamma, beta, **kwargs)
    assert_allclose(out, out_ref, rtol=RTOL, atol=1e-9, name="out", probe=probe)
    grads = _backward(learner, dout, cache, x.shape[1])
    for name, g, g_ref in zip(GRADS, grads, reference.layer_norm_backward(dout, cache_ref), strict=True):
        _close(g, g_ref, name, probe=probe)


def _finite_differences(learner, reference, x, gamma, beta, dout, **kwargs):
    dx, dgamma, dbeta = _grads(learner, x, gamma, beta, dout, **kwargs)
    fwd = reference.layer_norm_forward
    check_gradient(dx, lambda v: fwd(v, gamma, beta, **kwargs)[0], x, upstream=dout, name="dx")
    check_gradient(dgamma, lambda g: fwd(x, g, beta, **kwargs)[0], gamma, upstream=dout, name="dgamma")
    check_gradient(dbeta, lambda b: fwd(x, gamma, b, **kwargs)[0], beta, upstream=dout, name="dbeta")


@sample
def test_forward_standardises_each_row(learner, rng):
    x = rng.normal(size=(32, 64)) * 5 + 3
    out, _ = _forward(learner, x, np.ones(64), np.zeros(64))
    assert_allclose(out.mean(axis=1), np.zeros(32), atol=1e-6, name="out.mean(axis=1)")
    assert_allclose(out.var(axis=1), np.ones(32), atol=1e-3, name="out.var(axis=1)")


@sample
def test_backward_shapes_and_each_row_of_dx_sums_to_zero(learner, rng):
    # Adding a constant to a whole row leaves out unchanged, so each row of dx sums to 0.
    x, gamma, beta, dout = _problem(rng, 6, 10)
    dx, _, _ = _grads(learner, x, gamma, beta, dout)
    assert_allclose(dx.sum(axis=1), np.zeros(6), atol=1e-8, name="dx.sum(axis=1)")


@sample
def test_gradients_match_finite_differences_on_a_tiny_batch(learner, reference, rng):
    _finite_differences(learner, reference, *_problem(rng, 3, 4, scale=2.0, offset=1.0))


@hidden(weight=2)
def test_matches_reference(learner, reference, rng):
    for n, d, scale, offset in [(1, 5, 1.0, 0.0), (64, 128, 5.0, 3.0), (33, 7, 50.0, -20.0)]:
        _matches_reference(learner, reference, *_problem(rng, n, d, scale, offset))


@hidden
def test_rows_far_from_zero_with_a_small_spread(learner, reference, rng):
    _matches_reference(learner, reference, *_problem(rng, 3, 500, SPREAD, OFFSET), probe=FAR_FROM_ZERO)


@hidden(weight=2)
def test_gradients_match_finite_differences(learner, reference, rng):
    for n, d, scale in [(4, 6, 1.0), (2, 10, 0.3), (5, 3, 10.0)]:
        _finite_differences(learner, reference, *_problem(rng, n, d, scale=scale, offset=-2.0))


@hidden(weight=2)
def test_each_row_is_normalised_on_its_own(learner, reference, rng):
    # No batch statistics: a row's output and gradient do not depend on the other rows,
    # so one sample alone (inference) gives the same as inside a batch (training).
    x, gamma, beta, dout = _problem(rng, 20, 8)
    out, cache = _forward(learner, x, gamma, beta)
    dx, _, _ = _backward(learner, dout, cache, 8)
    for i in (0, 13):
        out_i, cache_i = _forward(learner, x[i : i + 1], gamma, beta)
        assert_allclose(out_i[0], out[i], rtol=1e-9, atol=1e-12, name=f"out of row {i} alone vs in the batch")
        dx_i, _, _ = _backward(learner, dout[i : i + 1], cache_i, 8)
        _close(dx_i[0], dx[i], name=f"dx of row {i} alone vs in the batch", rtol=1e-9)
    _matches_reference(learner, reference, x[:1], gamma, beta, dout[:1])


@hidden
def test_eps_is_used(learner, reference, rng):
    # A large eps matters when a row's variance is small: it enters 1/std in both passes.
    _matches_reference(learner, reference, *_problem(rng, 5, 20, scale=0.1), eps=1e-2)
    _finite_differences(learner, reference, *_problem(rng, 3, 5, scale=0.1), eps=1e-2)


@hidden(weight=2)
def test_constant_row(learner, reference, rng):
    # Zero variance: out is beta there, and dx is finite only if eps stays in 1/std.
    x, gamma, beta, dout = _problem(rng, 5, 16)
    x[1] = 7.0
    x[3] = 0.0
    _matches_reference(learner, reference, x, gamma, beta, dout)
    x, gamma, beta, dout = _problem(rng, 3, 5)
    x[0] = 2.0
    _finite_differences(learner, reference, x, gamma, beta, dout)


@hidden
def test_a_single_feature(learner, reference, rng):
    # D = 1: every x_hat is 0, so out = beta, dx = 0 and dgamma = 0.
    _matches_reference(learner, reference, *_problem(rng, 6, 1))


@hidden
def test_float32_input(learner, reference, rng):
    args32 = [a.astype(np.float32) for a in _problem(rng, 16, 64)]
    out, cache = _forward(learner, *args32[:3])
    args64 = [a.astype(np.float64) for a in args32]
    out_ref, cache_ref = reference.layer_norm_forward(*args64[:3])
    assert_allclose(out, out_ref, rtol=1e-4, atol=1e-5, name="out")
    grads = _backward(learner, args32[3], cache, 64)
    for name, g, g_ref in zip(GRADS, grads, reference.layer_norm_backward(args64[3], cache_ref), strict=True):
        _close(g, g_ref, name, rtol=1e-4, rel_atol=1e-4)


# Many short rows: the reference takes a few ms, a Python loop over rows 50x more.
SPEED_SHAPE = (20000, 8)


@hidden
def test_forward_speed_on_a_large_batch(learner, reference, rng):
    x, gamma, beta, _ = _problem(rng, *SPEED_SHAPE)
    assert_speed(learner.layer_norm_forward, reference.layer_norm_forward, x, gamma, beta, max_ratio=10,
                 check=_same_out)  # fmt: skip


@hidden
def test_backward_speed_on_a_large_batch(learner, reference, rng):
    x, gamma, beta, dout = _problem(rng, *SPEED_SHAPE)
    _, cache = _forward(learner, x, gamma, beta)
    _, cache_ref = reference.layer_norm_forward(x, gamma, beta)

    def reference_backward(dout, _learner_cache):
        return reference.layer_norm_backward(dout, cache_ref)

    # The learner's backward gets its own cache; the reference's gets the reference's.
    assert_speed(learner.layer_norm_backward, reference_backward, dout, cache, max_ratio=10, check=_same_grads)


def _same_out(result, expected):
    """What the forward's speed test timed, checked as the other tests check: the cache's form is free."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"layer_norm_forward should return a tuple (out, cache), got {_describe(result)}")
    assert_allclose(result[0], expected[0], rtol=RTOL, atol=1e-9, name="out")


def _same_grads(result, expected):
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"layer_norm_backward should return a tuple (dx, dgamma, dbeta), got {_describe(result)}")
    for name, g, g_ref in zip(GRADS, result, expected, strict=True):
        _close(g, g_ref, name)
