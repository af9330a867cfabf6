import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, check_gradient, hidden, sample

# Outputs are O(1). Gradients are compared with an atol scaled to their largest
# entry: an entry may be the difference of terms much larger than itself, and
# the staged (dvar, dmean) form rounds differently from the compact one.
# Two-pass forms of X_hat (np.var, einsum, Welford) differ by the rounding of the mean, ~u * |mean| / std
# * sqrt(N) absolute: ~1e-16 on standard data, up to ~2e-10 at the offset below; rtol 1e-6 and atol 1e-9
# leave them 5x or more, while there the one-pass variance E[x^2] - E[x]^2 is off by ~1e-6 relative.
RTOL = 1e-6

# mean / std = 1e5: E[x^2] - E[x]^2 subtracts two numbers of 1e6 to get 1e-4, losing 10 of 16 digits.
OFFSET, SPREAD = 1000.0, 0.01
FAR_FROM_ZERO = (
    f"data offset by {OFFSET:g} and scaled by {SPREAD:g}: a one-pass variance E[x²] − E[x]², exact in arithmetic, "
    "cancels here and loses about 10 of float64's 16 digits; compute the variance from deviations, mean((X − μ)²)"
)


def _problem(rng, n, d, scale=5.0, offset=3.0):
    X = rng.normal(size=(n, d)) * scale + offset
    gamma = rng.normal(size=d)
    beta = rng.normal(size=d)
    dout = rng.normal(size=(n, d))
    return X, gamma, beta, dout


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _forward(learner, X, gamma, beta, **kwargs):
    """The learner's (out, cache); the cache's form is the learner's choice and is never inspected."""
    result = learner.batch_norm_forward(X, gamma, beta, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"batch_norm_forward should return a tuple (out, cache), got {_describe(result)}")
    out, cache = result
    assert_shape(out, X.shape, name="out")
    return out, cache


def _backward(learner, dout, cache, d):
    result = learner.batch_norm_backward(dout, cache)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"batch_norm_backward should return a tuple (dX, dgamma, dbeta), got {_describe(result)}")
    dX, dgamma, dbeta = result
    assert_shape(dX, dout.shape, name="dX")
    assert_shape(dgamma, (d,), name="dgamma")
    assert_shape(dbeta, (d,), name="dbeta")
    return dX, dgamma, dbeta


def _grads(learner, X, gamma, beta, dout, **kwargs):
    """Forward then backward, the learner's cache passed straight back."""
    _, cache = _forward(learner, X, gamma, beta, **kwargs)
    return _backward(learner, dout, cache, X.shape[1])


def _close(actual, expected, name, rtol=RTOL, rel_atol=1e-9, probe=""):
    atol = rel_atol * float(np.abs(expected).max(initial=0.0)) + 1e-12
    assert_allclose(actual, expected, rtol=rtol, atol=atol, name=name, probe=probe)


def _matches_reference(learner, reference, X, gamma, beta, dout, probe="", **kwargs):
    out, cache = _forward(learner, X, gamma, beta, **kwargs)
    out_ref, cache_ref = reference.batch_norm_forward(X, gamma, beta, **kwargs)
    assert_allclose(out, out_ref, rtol=RTOL, atol=1e-9, name="out", probe=probe)
    grads = _backward(learner, dout, cache, X.shape[1])
    for name, g, g_ref in zip(("dX", "dgamma", "dbeta"), grads, reference.batch_norm_backward(dout, cache_ref),
                              strict=True):  # fmt: skip
        _close(g, g_ref, name, probe=probe)


def _finite_differences(learner, reference, X, gamma, beta, dout, **kwargs):
    dX, dgamma, dbeta = _grads(learner, X, gamma, beta, dout, **kwargs)
    fwd = reference.batch_norm_forward
    check_gradient(dX, lambda x: fwd(x, gamma, beta, **kwargs)[0], X, upstream=dout, name="dX")
    check_gradient(dgamma, lambda g: fwd(X, g, beta, **kwargs)[0], gamma, upstream=dout, name="dgamma")
    check_gradient(dbeta, lambda b: fwd(X, gamma, b, **kwargs)[0], beta, upstream=dout, name="dbeta")


@sample
def test_forward_standardises_each_feature(learner, rng):
    X = rng.normal(size=(64, 32)) * 5 + 3
    out, _ = _forward(learner, X, np.ones(32), np.zeros(32))
    assert_allclose(out.mean(axis=0), np.zeros(32), atol=1e-6, name="out.mean(axis=0)")
    assert_allclose(out.var(axis=0), np.ones(32), atol=1e-3, name="out.var(axis=0)")


@sample
def test_backward_shapes_and_dx_sums_to_zero_over_the_batch(learner, rng):
    # Shifting a whole feature column leaves out unchanged, so each column of dX sums to 0.
    X, gamma, beta, dout = _problem(rng, 16, 4)
    dX, _, _ = _grads(learner, X, gamma, beta, dout)
    assert_allclose(dX.sum(axis=0), np.zeros(4), atol=1e-8, name="dX.sum(axis=0)")


@sample
def test_gradients_match_finite_differences_on_a_tiny_batch(learner, reference, rng):
    _finite_differences(learner, reference, *_problem(rng, 4, 3, scale=2.0, offset=1.0))


@hidden(weight=2)
def test_matches_reference(learner, reference, rng):
    for n, d, scale, offset in [(3, 1, 1.0, 0.0), (64, 128, 5.0, 3.0), (7, 33, 50.0, -20.0)]:
        _matches_reference(learner, reference, *_problem(rng, n, d, scale, offset))


@hidden
def test_data_far_from_zero_with_a_small_spread(learner, reference, rng):
    _matches_reference(learner, reference, *_problem(rng, 500, 3, SPREAD, OFFSET), probe=FAR_FROM_ZERO)


@hidden(weight=2)
def test_gradients_match_finite_differences(learner, reference, rng):
    for n, d, scale in [(6, 4, 1.0), (10, 2, 0.3), (3, 5, 10.0)]:
        _finite_differences(learner, reference, *_problem(rng, n, d, scale=scale, offset=-2.0))


@hidden
def test_eps_is_used(learner, reference, rng):
    # A large eps matters when the variance is small: it enters 1/std in both passes.
    args = _problem(rng, 20, 5, scale=0.1)
    _matches_reference(learner, reference, *args, eps=1e-2)
    _finite_differences(learner, reference, *_problem(rng, 5, 3, scale=0.1), eps=1e-2)


@hidden(weight=2)
def test_constant_feature(learner, reference, rng):
    # Zero variance: out is beta there, and dX is finite only if eps stays in 1/std.
    X, gamma, beta, dout = _problem(rng, 16, 5)
    X[:, 1] = 7.0
    X[:, 3] = 0.0
    _matches_reference(learner, reference, X, gamma, beta, dout)
    X, gamma, beta, dout = _problem(rng, 5, 3)
    X[:, 0] = 2.0
    _finite_differences(learner, reference, X, gamma, beta, dout)


@hidden
def test_batch_of_two(learner, reference, rng):
    # With two samples x_hat is almost +-1 whatever X is: dX is tiny and must still match.
    _matches_reference(learner, reference, *_problem(rng, 2, 6))
    # A large eps makes dX sizeable, so finite differences can check it.
    _finite_differences(learner, reference, *_problem(rng, 2, 4, scale=1.0), eps=0.5)


@hidden
def test_float32_input(learner, reference, rng):
    args32 = [a.astype(np.float32) for a in _problem(rng, 64, 16)]
    out, cache = _forward(learner, *args32[:3])
    args64 = [a.astype(np.float64) for a in args32]
    out_ref, cache_ref = reference.batch_norm_forward(*args64[:3])
    assert_allclose(out, out_ref, rtol=1e-4, atol=1e-5, name="out")
    grads = _backward(learner, args32[3], cache, 16)
    for name, g, g_ref in zip(("dX", "dgamma", "dbeta"), grads, reference.batch_norm_backward(args64[3], cache_ref),
                              strict=True):  # fmt: skip
        _close(g, g_ref, name, rtol=1e-4, rel_atol=1e-4)


# Many short rows: the reference takes a few ms, a Python loop over rows 50x more.
SPEED_SHAPE = (30000, 2)


@hidden
def test_forward_speed_on_a_large_batch(learner, reference, rng):
    X, gamma, beta, _ = _problem(rng, *SPEED_SHAPE)
    assert_speed(learner.batch_norm_forward, reference.batch_norm_forward, X, gamma, beta, max_ratio=10,
                 check=_same_out)  # fmt: skip


@hidden
def test_backward_speed_on_a_large_batch(learner, reference, rng):
    X, gamma, beta, dout = _problem(rng, *SPEED_SHAPE)
    _, cache = _forward(learner, X, gamma, beta)
    _, cache_ref = reference.batch_norm_forward(X, gamma, beta)

    def reference_backward(dout, _learner_cache):
        return reference.batch_norm_backward(dout, cache_ref)

    # The learner's backward gets its own cache; the reference's gets the reference's.
    assert_speed(learner.batch_norm_backward, reference_backward, dout, cache, max_ratio=10, check=_same_grads)


def _same_out(result, expected):
    """What the forward's speed test timed, checked as the other tests check: the cache's form is free."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"batch_norm_forward should return a tuple (out, cache), got {_describe(result)}")
    assert_allclose(result[0], expected[0], rtol=RTOL, atol=1e-9, name="out")


def _same_grads(result, expected):
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"batch_norm_backward should return a tuple (dX, dgamma, dbeta), got {_describe(result)}")
    for name, g, g_ref in zip(("dX", "dgamma", "dbeta"), result, expected, strict=True):
        _close(g, g_ref, name)
