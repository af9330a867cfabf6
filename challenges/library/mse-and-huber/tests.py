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

# Losses and gradients are O(1) or O(1/n); float64 implementations agree to ~1e-15,
# atol covers gradient entries that are exactly or nearly zero.
RTOL, ATOL = 1e-7, 1e-12


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _call(learner, fn, pred, target, **kwargs):
    """The learner's (loss, dpred), checked for kind and shape."""
    result = getattr(learner, fn)(pred, target, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"{fn} should return a tuple (loss, dpred), got {_describe(result)}")
    loss, dpred = result
    loss = assert_scalar(loss, name=f"{fn} loss")
    assert_shape(dpred, np.shape(pred), name=f"{fn} dpred")
    return loss, dpred


def _matches_reference(learner, reference, fn, pred, target, rtol=RTOL, atol=ATOL, **kwargs):
    loss, dpred = _call(learner, fn, pred, target, **kwargs)
    loss_ref, dpred_ref = getattr(reference, fn)(pred, target, **kwargs)
    assert_allclose(loss, loss_ref, rtol=rtol, atol=atol, name=f"{fn} loss")
    assert_allclose(dpred, dpred_ref, rtol=rtol, atol=atol, name=f"{fn} dpred")


def _away_from_kinks(rng, shape, delta):
    """pred, target whose residuals are at least 1e-3 away from +-delta (Huber's kinks)."""
    target = rng.normal(size=shape)
    r = rng.normal(size=shape) * 2 * delta
    near = np.abs(np.abs(r) - delta) < 1e-3
    r[near] += np.sign(r[near]) * 0.01  # sign(0) cannot occur: |r| is near delta > 0
    return target + r, target


@sample
def test_mse_of_a_small_example(learner):
    pred, target = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 4.0])
    loss, dpred = _call(learner, "mse_loss", pred, target)
    # residuals 0, 2, -1: loss (0 + 4 + 1) / 3, gradient 2 r / 3
    assert_allclose(loss, 5 / 3, rtol=1e-12, name="mse_loss loss")
    assert_allclose(dpred, np.array([0.0, 4 / 3, -2 / 3]), rtol=1e-12, atol=1e-15, name="mse_loss dpred")


@sample
def test_huber_is_quadratic_inside_delta_and_linear_outside(learner):
    pred, target = np.array([0.5, -3.0, 0.0, 10.0]), np.zeros(4)
    loss, dpred = _call(learner, "huber_loss", pred, target, delta=1.0)
    # 0.5 * 0.5^2 = 0.125; 1 * (3 - 0.5) = 2.5; 0; 1 * (10 - 0.5) = 9.5
    assert_allclose(loss, (0.125 + 2.5 + 0.0 + 9.5) / 4, rtol=1e-12, name="huber_loss loss")
    # the gradient is the residual inside, clipped to +-delta outside, divided by n = 4
    assert_allclose(dpred, np.array([0.5, -1.0, 0.0, 1.0]) / 4, rtol=1e-12, atol=1e-15, name="huber_loss dpred")


@sample
def test_mean_is_over_all_elements_of_a_2d_input(learner):
    pred, target = np.ones((2, 3)), np.zeros((2, 3))
    loss, dpred = _call(learner, "mse_loss", pred, target)
    assert_allclose(loss, 1.0, rtol=1e-12, name="mse_loss loss")
    assert_allclose(dpred, np.full((2, 3), 2 / 6), rtol=1e-12, name="mse_loss dpred (n = 6 elements)")


@hidden(weight=2)
def test_mse_matches_reference(learner, reference, rng):
    for shape, scale in [((1,), 1.0), ((10,), 1.0), ((64, 3), 5.0), ((7, 2, 5), 0.01), ((500,), 100.0)]:
        pred = rng.normal(size=shape) * scale
        target = rng.normal(size=shape) * scale
        _matches_reference(learner, reference, "mse_loss", pred, target)


@hidden(weight=2)
def test_huber_matches_reference(learner, reference, rng):
    for shape, scale, delta in [((1,), 1.0, 1.0), ((10,), 2.0, 1.0), ((64, 3), 5.0, 0.5), ((7, 2, 5), 1.0, 3.0),
                                ((500,), 100.0, 1.0), ((200,), 0.1, 0.05)]:  # fmt: skip
        pred = rng.normal(size=shape) * scale
        target = rng.normal(size=shape) * scale
        _matches_reference(learner, reference, "huber_loss", pred, target, delta=delta)


@hidden
def test_huber_uses_delta(learner, reference, rng):
    # Residuals between 0.5 and 2: which side of delta they fall on depends on delta.
    target = rng.normal(size=40)
    pred = target + rng.uniform(0.5, 2.0, size=40) * rng.choice([-1.0, 1.0], size=40)
    for delta in (0.25, 1.0, 1.5, 4.0):
        _matches_reference(learner, reference, "huber_loss", pred, target, delta=delta)


@hidden
def test_huber_at_exactly_delta(learner, reference):
    # At |r| = delta both pieces give delta^2 / 2 and the gradient +-delta.
    pred, target = np.array([2.0, -2.0, 0.0]), np.zeros(3)
    _matches_reference(learner, reference, "huber_loss", pred, target, delta=2.0)


@hidden
def test_mse_gradient_matches_finite_differences(learner, reference, rng):
    for shape in [(6,), (3, 4)]:
        pred, target = rng.normal(size=shape), rng.normal(size=shape)
        _, dpred = _call(learner, "mse_loss", pred, target)
        check_gradient(dpred, lambda p, t=target: reference.mse_loss(p, t)[0], pred, name="mse_loss dpred")


@hidden
def test_huber_gradient_matches_finite_differences(learner, reference, rng):
    for shape, delta in [((8,), 1.0), ((3, 5), 0.3), ((12,), 2.5)]:
        pred, target = _away_from_kinks(rng, shape, delta)
        _, dpred = _call(learner, "huber_loss", pred, target, delta=delta)
        check_gradient(dpred, lambda p, t=target, d=delta: reference.huber_loss(p, t, delta=d)[0], pred,
                       name="huber_loss dpred")  # fmt: skip


@hidden
def test_zero_residual_gives_zero_loss_and_gradient(learner, rng):
    x = rng.normal(size=(5, 4))
    for fn in ("mse_loss", "huber_loss"):
        loss, dpred = _call(learner, fn, x, x.copy())
        assert_allclose(loss, 0.0, atol=1e-15, name=f"{fn} loss")
        assert_allclose(dpred, np.zeros_like(x), atol=1e-15, name=f"{fn} dpred")


@hidden
def test_huber_outliers_give_a_bounded_gradient(learner, reference, rng):
    # Residuals of 1e6: the Huber gradient stays at +-delta / n, the loss grows linearly.
    target = rng.normal(size=50)
    pred = target + rng.choice([-1e6, 1e6], size=50) * rng.uniform(1, 2, size=50)
    _matches_reference(learner, reference, "huber_loss", pred, target, delta=1.0)


@hidden
def test_float32_input(learner, reference, rng):
    pred = rng.normal(size=(64, 4)).astype(np.float32) * 3
    target = rng.normal(size=(64, 4)).astype(np.float32) * 3
    p64, t64 = pred.astype(np.float64), target.astype(np.float64)
    for fn, kwargs in (("mse_loss", {}), ("huber_loss", {"delta": 1.0})):
        loss, dpred = _call(learner, fn, pred, target, **kwargs)
        loss_ref, dpred_ref = getattr(reference, fn)(p64, t64, **kwargs)
        assert_allclose(loss, loss_ref, rtol=1e-4, atol=1e-7, name=f"{fn} loss")
        assert_allclose(dpred, dpred_ref, rtol=1e-4, atol=1e-7, name=f"{fn} dpred")


@hidden
def test_speed_on_a_large_input(learner, reference, rng):
    # Two untimed calls of each on other draws of the same size first: a fresh learner
    # process pays for growing its heap on its first large calls, which would be timed as
    # the function's own work. Other draws, so that no cached result can serve the timed calls.
    for _ in range(2):
        warm = rng.normal(size=200_000), rng.normal(size=200_000)
        learner.huber_loss(*warm)
        learner.mse_loss(*warm)
    pred, target = rng.normal(size=200_000) * 2, rng.normal(size=200_000) * 2
    assert_speed(learner.huber_loss, reference.huber_loss, pred, target, max_ratio=10)
    assert_speed(learner.mse_loss, reference.mse_loss, pred, target, max_ratio=10)
