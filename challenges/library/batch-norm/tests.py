import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, hidden, sample

# Outputs are O(1). Two-pass forms of x_hat = (X - mean) / std (np.var, einsum, multiplying by 1 / std,
# Welford's update) differ only by the rounding of the mean, ~u * |mean| / std * sqrt(N) absolute in x_hat:
# ~1e-16 on standard data, up to ~2e-10 at the offset below. rtol 1e-6 and atol 1e-9 leave them 5 orders
# on O(1) data and 5x-10x at the offset, while there the one-pass variance is off by 1e-5 relative.
RTOL, ATOL = 1e-6, 1e-9

# mean / std = 1e5: E[x^2] - E[x]^2 subtracts two numbers of 1e6 to get 1e-4, losing 10 of float64's 16
# digits (its relative error is ~u * (mean / std)^2 = 1e-6 in the variance, several times over rtol in out).
OFFSET, SPREAD = 1000.0, 0.01
FAR_FROM_ZERO = (
    f"data offset by {OFFSET:g} and scaled by {SPREAD:g}: a one-pass variance E[x²] − E[x]², exact in arithmetic, "
    "cancels here and loses about 10 of float64's 16 digits; compute the variance from deviations, mean((X − μ)²)"
)


def _problem(rng, n, d, scale=5.0, offset=3.0):
    X = rng.normal(size=(n, d)) * scale + offset
    gamma = rng.normal(size=d)
    beta = rng.normal(size=d)
    running_mean = rng.normal(size=d)
    running_var = rng.uniform(0.5, 2.0, size=d)
    return X, gamma, beta, running_mean, running_var


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _forward(learner, X, gamma, beta, running_mean, running_var, **kwargs):
    """The learner's (out, running_mean, running_var), checked for kind and shape."""
    result = learner.batch_norm_forward(X, gamma, beta, running_mean, running_var, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 4:
        raise AssertionError(
            f"batch_norm_forward should return a tuple (out, cache, running_mean, running_var), got {_describe(result)}"
        )
    out, _cache, rm, rv = result
    assert_shape(out, X.shape, name="out")
    assert_shape(rm, running_mean.shape, name="running_mean")
    assert_shape(rv, running_var.shape, name="running_var")
    return out, rm, rv


def _matches_reference(learner, reference, *args, probe="", **kwargs):
    out, rm, rv = _forward(learner, *args, **kwargs)
    out_ref, _, rm_ref, rv_ref = reference.batch_norm_forward(*args, **kwargs)
    assert_allclose(out, out_ref, rtol=RTOL, atol=ATOL, name="out", probe=probe)
    assert_allclose(rm, rm_ref, rtol=RTOL, atol=ATOL, name="running_mean", probe=probe)
    # running_var's scale is ~1 against a batch variance of 1e-4: 0.1 * an error of 1e-6 in that is within rtol
    assert_allclose(rv, rv_ref, rtol=RTOL, atol=ATOL, name="running_var", probe=probe)


@sample
def test_training_output_has_zero_mean_and_unit_variance(learner, rng):
    X = rng.normal(size=(64, 128)) * 5 + 3
    out, _, _ = _forward(learner, X, np.ones(128), np.zeros(128), np.zeros(128), np.ones(128), training=True)
    assert_allclose(out.mean(axis=0), np.zeros(128), atol=1e-6, name="out.mean(axis=0)")
    assert_allclose(out.var(axis=0), np.ones(128), atol=1e-1, name="out.var(axis=0)")


@sample
def test_inference_keeps_the_shape(learner, rng):
    X = rng.normal(size=(64, 128)) * 5 + 3
    gamma, beta = np.ones(128), np.zeros(128)
    _, rm, rv = _forward(learner, X, gamma, beta, np.zeros(128), np.ones(128), training=True)
    _forward(learner, X, gamma, beta, rm, rv, training=False)


@hidden(weight=2)
def test_training_matches_reference(learner, reference, rng):
    for n, d, scale, offset in [(2, 1, 1.0, 0.0), (64, 128, 5.0, 3.0), (7, 33, 50.0, -20.0)]:
        _matches_reference(learner, reference, *_problem(rng, n, d, scale, offset), training=True)


@hidden
def test_data_far_from_zero_with_a_small_spread(learner, reference, rng):
    _matches_reference(learner, reference, *_problem(rng, 500, 3, SPREAD, OFFSET), training=True, probe=FAR_FROM_ZERO)


@hidden
def test_momentum_and_eps_are_used(learner, reference, rng):
    # A large eps only matters when the variance is small.
    _matches_reference(learner, reference, *_problem(rng, 32, 6, scale=0.1), training=True, momentum=0.3, eps=1e-2)


@hidden(weight=2)
def test_inference_uses_the_running_statistics(learner, reference, rng):
    X, gamma, beta, rm, rv = _problem(rng, 50, 8)
    out, rm_out, rv_out = _forward(learner, X, gamma, beta, rm, rv, training=False)
    out_ref, _, _, _ = reference.batch_norm_forward(X, gamma, beta, rm, rv, training=False)
    assert_allclose(out, out_ref, rtol=RTOL, atol=ATOL, name="out")
    assert np.array_equal(rm_out, rm), "at inference, running_mean should be returned unchanged"
    assert np.array_equal(rv_out, rv), "at inference, running_var should be returned unchanged"


@hidden
def test_inference_on_a_single_sample(learner, reference, rng):
    X, gamma, beta, rm, rv = _problem(rng, 1, 10)
    _matches_reference(learner, reference, X, gamma, beta, rm, rv, training=False)


@hidden
def test_constant_features(learner, reference, rng):
    # Zero variance: eps keeps the division finite and the output is beta.
    X, gamma, beta, rm, rv = _problem(rng, 16, 5)
    X[:, 1] = 7.0
    X[:, 3] = 0.0
    _matches_reference(learner, reference, X, gamma, beta, rm, rv, training=True)


@hidden
def test_a_sequence_of_training_batches(learner, reference, rng):
    # Feeding the running statistics back in, as a training loop does.
    _, gamma, beta, rm, rv = _problem(rng, 1, 4)
    rm_ref, rv_ref = rm, rv
    for _ in range(5):
        X = rng.normal(size=(32, 4)) * 2 + 1
        _, rm, rv = _forward(learner, X, gamma, beta, rm, rv, training=True)
        _, _, rm_ref, rv_ref = reference.batch_norm_forward(X, gamma, beta, rm_ref, rv_ref, training=True)
    assert_allclose(rm, rm_ref, rtol=RTOL, atol=ATOL, name="running_mean")
    assert_allclose(rv, rv_ref, rtol=RTOL, atol=ATOL, name="running_var")


@hidden
def test_float32_input(learner, reference, rng):
    args32 = [a.astype(np.float32) for a in _problem(rng, 64, 16)]
    out, rm, rv = _forward(learner, *args32, training=True)
    out_ref, _, rm_ref, rv_ref = reference.batch_norm_forward(*[a.astype(np.float64) for a in args32], training=True)
    assert_allclose(out, out_ref, rtol=1e-4, atol=1e-5, name="out")
    assert_allclose(rm, rm_ref, rtol=1e-4, atol=1e-6, name="running_mean")
    assert_allclose(rv, rv_ref, rtol=1e-4, atol=1e-6, name="running_var")


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    args = _problem(rng, 4000, 5)
    assert_speed(learner.batch_norm_forward, reference.batch_norm_forward, *args, training=True, max_ratio=10,
                 check=_same_but_the_cache)  # fmt: skip


def _same_but_the_cache(result, expected):
    """What the speed test timed, checked as the other tests check: the cache's form is free."""
    if not isinstance(result, (tuple, list)) or len(result) != 4:
        raise AssertionError(f"batch_norm_forward should return a tuple of 4, got {_describe(result)}")
    for name, i in (("out", 0), ("running_mean", 2), ("running_var", 3)):
        assert_allclose(result[i], expected[i], rtol=RTOL, atol=ATOL, name=name)
