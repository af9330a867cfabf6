import numpy as np

from grader.engine.testing import (
    assert_allclose,
    assert_scalar,
    assert_shape,
    assert_speed,
    check_gradient,
    hidden,
    sample,
)

# Exact float64 implementations agree to ~1e-13. Gradients get an atol scaled to
# their largest entry: an entry may be a sum of terms much larger than itself.
RTOL = 1e-6
KEYS = ("W1", "b1", "W2", "b2")


def _problem(rng, n, d, h, c, w_scale=1.0, b_scale=0.1, label_dtype=np.int64):
    X = rng.normal(size=(n, d))
    y = rng.integers(0, c, size=n).astype(label_dtype)
    params = {
        "W1": rng.normal(size=(d, h)) * w_scale / np.sqrt(d),
        "b1": rng.normal(size=h) * b_scale,
        "W2": rng.normal(size=(h, c)) * w_scale / np.sqrt(h),
        "b2": rng.normal(size=c) * b_scale,
    }
    return X, y, params


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _check_result(result, params):
    """The learner's (loss, grads), checked for kind, keys and shapes."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"two_layer_mlp should return a tuple (loss, grads), got {_describe(result)}")
    loss, grads = result
    loss = assert_scalar(loss, name="loss")
    if not isinstance(grads, dict):
        raise AssertionError(f"grads should be a dict with keys {', '.join(KEYS)}, got {_describe(grads)}")
    missing = [k for k in KEYS if k not in grads]
    if missing:
        raise AssertionError(f"grads is missing the key(s) {', '.join(missing)}; it has {sorted(map(str, grads))}")
    for k in KEYS:
        assert_shape(grads[k], params[k].shape, name=f"grads['{k}']")
    return loss, grads


def _run(learner, X, y, params, **kwargs):
    return _check_result(learner.two_layer_mlp(X, y, params, **kwargs), params)


def _close(actual, expected, name, rtol=RTOL, rel_atol=1e-9, probe=""):
    atol = rel_atol * float(np.abs(expected).max(initial=0.0)) + 1e-12
    assert_allclose(actual, expected, rtol=rtol, atol=atol, name=name, probe=probe)


def _same(result, expected, params, rtol=RTOL, rel_atol=1e-9, probe=""):
    loss, grads = _check_result(result, params)
    loss_ref, grads_ref = expected
    assert_allclose(loss, loss_ref, rtol=rtol, atol=1e-12, name="loss", probe=probe)
    for k in KEYS:
        _close(grads[k], grads_ref[k], f"grads['{k}']", rtol=rtol, rel_atol=rel_atol, probe=probe)


def _matches_reference(learner, reference, X, y, params, probe="", **kwargs):
    _same(learner.two_layer_mlp(X, y, params, **kwargs), reference.two_layer_mlp(X, y, params, **kwargs), params,
          probe=probe)  # fmt: skip


def _finite_differences(learner, reference, X, y, params, **kwargs):
    _, grads = _run(learner, X, y, params, **kwargs)
    for k in KEYS:

        def loss_of(value, k=k):
            return reference.two_layer_mlp(X, y, {**params, k: value}, **kwargs)[0]

        check_gradient(grads[k], loss_of, params[k], name=f"grads['{k}']")


@sample
def test_returns_a_scalar_loss_and_a_gradient_per_parameter(learner, rng):
    X, y, params = _problem(rng, 8, 5, 7, 3)
    _run(learner, X, y, params, reg=0.1)


@sample
def test_a_zero_output_layer_gives_a_loss_of_log_c(learner, rng):
    X, y, params = _problem(rng, 16, 4, 6, 10)
    params["W2"], params["b2"] = np.zeros((6, 10)), np.zeros(10)
    loss, _ = _run(learner, X, y, params, reg=0.0)
    assert abs(loss - np.log(10)) < 1e-9, (
        f"with W2 = 0 and b2 = 0 the loss should be log(10) = {np.log(10):.6f}, got {loss:.6g}"
    )


@sample
def test_gradients_match_finite_differences_on_a_tiny_net(learner, reference, rng):
    _finite_differences(learner, reference, *_problem(rng, 4, 3, 5, 3), reg=0.1)


@hidden(weight=2)
def test_matches_reference(learner, reference, rng):
    for n, d, h, c, reg in [(1, 1, 1, 2, 0.0), (5, 3, 4, 4, 0.5), (64, 20, 30, 10, 1e-3), (200, 5, 8, 3, 0.0)]:
        _matches_reference(learner, reference, *_problem(rng, n, d, h, c, b_scale=1.0), reg=reg)


@hidden(weight=2)
def test_gradients_match_finite_differences(learner, reference, rng):
    for n, d, h, c, reg in [(6, 4, 5, 3, 0.0), (3, 2, 8, 4, 1.0), (10, 5, 3, 2, 0.05)]:
        _finite_differences(learner, reference, *_problem(rng, n, d, h, c, w_scale=2.0, b_scale=0.5), reg=reg)


@hidden
def test_the_penalty_is_half_reg_times_the_squared_weights(learner, rng):
    # Same data, reg and no reg: the losses differ by exactly 0.5 * reg * (|W1|^2 + |W2|^2).
    X, y, params = _problem(rng, 20, 6, 9, 4, b_scale=3.0)
    reg = 0.7
    loss0, grads0 = _run(learner, X, y, params, reg=0.0)
    loss1, grads1 = _run(learner, X, y, params, reg=reg)
    penalty = 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    assert_allclose(loss1 - loss0, penalty, rtol=1e-9, name="loss(reg) - loss(0)")
    for k in ("W1", "W2"):
        _close(grads1[k] - grads0[k], reg * params[k], f"grads['{k}'](reg) - grads['{k}'](0)")
    for k in ("b1", "b2"):
        _close(grads1[k], grads0[k], f"grads['{k}'] with reg vs without (biases are not regularised)")


@hidden
def test_default_reg_is_zero(learner, reference, rng):
    X, y, params = _problem(rng, 12, 4, 6, 3)
    _same(learner.two_layer_mlp(X, y, params), reference.two_layer_mlp(X, y, params, reg=0.0), params)


@hidden(weight=2)
def test_large_scores_give_the_exact_loss(learner, reference, rng):
    # Scores in the hundreds to thousands: exp overflows unless each row's max is subtracted.
    X, y, params = _problem(rng, 32, 8, 16, 5, w_scale=40.0, b_scale=100.0)
    probe = "scores in the hundreds to thousands: exp overflows past 709 unless each row's max is subtracted first"
    _matches_reference(learner, reference, X, y, params, reg=1e-4, probe=probe)


@hidden
def test_dead_units_get_no_gradient(learner, reference, rng):
    # Hidden units whose bias keeps them below zero for every sample pass no gradient back.
    X, y, params = _problem(rng, 30, 5, 10, 4)
    params["b1"][[1, 4, 7]] = -100.0
    loss, grads = _run(learner, X, y, params, reg=0.0)
    assert_allclose(grads["W1"][:, [1, 4, 7]], np.zeros((5, 3)), atol=1e-15, name="grads['W1'] of dead units")
    assert_allclose(grads["b1"][[1, 4, 7]], np.zeros(3), atol=1e-15, name="grads['b1'] of dead units")
    _matches_reference(learner, reference, X, y, params, reg=0.2)


@hidden
def test_relu_gradient_at_exactly_zero_is_zero(learner, reference, rng):
    # Pre-activations that are exactly 0 (zero inputs, zero biases): the stated convention ReLU'(0) = 0.
    X, y, params = _problem(rng, 10, 4, 6, 3)
    X[:4] = 0.0
    params["b1"][:] = 0.0
    _matches_reference(learner, reference, X, y, params, reg=0.1)


@hidden
def test_int32_labels_and_float32_inputs(learner, reference, rng):
    X, y, params = _problem(rng, 40, 6, 12, 5, label_dtype=np.int32)
    _matches_reference(learner, reference, X, y, params, reg=0.01)
    X32 = X.astype(np.float32)
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    expected = reference.two_layer_mlp(X32.astype(np.float64), y, {k: v.astype(np.float64) for k, v in p32.items()},
                                       reg=0.01)  # fmt: skip
    _same(learner.two_layer_mlp(X32, y, p32, reg=0.01), expected, params, rtol=1e-4, rel_atol=1e-4)


# Many samples through a small net: the reference takes a few ms, a loop over samples 50x more.
SPEED_PROBLEM = (8000, 6, 10, 4)


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    X, y, params = _problem(rng, *SPEED_PROBLEM)

    def check(result, expected):
        _same(result, expected, params)

    assert_speed(learner.two_layer_mlp, reference.two_layer_mlp, X, y, params, reg=0.01, max_ratio=10, check=check)
