import numpy as np

from grader.engine.testing import assert_allclose, assert_finite, assert_shape, check_gradient, hidden, sample

# Equivalent GELU formulas (x + k x^3 or x (1 + k x^2), tanh or a sigmoid) agree
# to about 1e-15 absolute; atol covers the cancellation in 1 + tanh for x < -5.
RTOL, ATOL = 1e-7, 1e-12
FORWARDS = {"relu_grad": "relu", "leaky_relu_grad": "leaky_relu", "gelu_grad": "gelu"}


def _call(learner, fname, x, *args, **kwargs):
    shown = ", ".join(["x", *map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
    name = f"{fname}({shown})"
    return assert_shape(getattr(learner, fname)(x, *args, **kwargs), x.shape, name=name), name


def _matches_reference(learner, reference, fname, x, *args, rtol=RTOL, atol=ATOL, **kwargs):
    out, name = _call(learner, fname, x, *args, **kwargs)
    expected = getattr(reference, fname)(x.astype(np.float64), *args, **kwargs)
    assert_allclose(out, expected, rtol=rtol, atol=atol, name=name)


def _away_from_zero(rng, shape, scale=2.0):
    """Random inputs with |x| >= 0.05: finite differences never straddle ReLU's kink."""
    x = rng.normal(size=shape) * scale
    return np.where(np.abs(x) < 0.05, np.copysign(0.05, x) + x, x)


@sample
def test_relu_and_leaky_relu_values_and_slopes(learner):
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    out, name = _call(learner, "relu", x)
    assert_allclose(out, np.array([0.0, 0.0, 0.0, 0.5, 2.0]), rtol=1e-12, name=name)
    out, name = _call(learner, "leaky_relu", x, alpha=0.1)
    assert_allclose(out, np.array([-0.2, -0.05, 0.0, 0.5, 2.0]), rtol=1e-12, name=name)
    out, name = _call(learner, "relu_grad", x)
    assert_allclose(out, np.array([0.0, 0.0, 0.0, 1.0, 1.0]), rtol=1e-12, name=name + " (0 at x = 0)")
    out, name = _call(learner, "leaky_relu_grad", x, alpha=0.1)
    assert_allclose(out, np.array([0.1, 0.1, 0.1, 1.0, 1.0]), rtol=1e-12, name=name + " (alpha at x = 0)")


@sample
def test_gelu_uses_the_tanh_approximation(learner):
    # The exact (erf) GELU gives 0.8413447 at x = 1: the tanh form gives 0.8411920.
    x = np.array([-1.0, 0.0, 1.0, 3.0])
    out, name = _call(learner, "gelu", x)
    expected = np.array([-0.1588080093917233, 0.0, 0.8411919906082768, 2.996362607918227])
    assert_allclose(out, expected, rtol=1e-9, atol=1e-15, name=name)
    out, name = _call(learner, "gelu_grad", x)
    assert_allclose(
        out, np.array([-0.0829640838457826, 0.5, 1.0829640838457826, 1.0115841666309695]), rtol=1e-9, name=name
    )


@sample
def test_derivatives_match_finite_differences(learner, reference, rng):
    x = _away_from_zero(rng, (4, 5))
    for fname, fwd in FORWARDS.items():
        grad, name = _call(learner, fname, x)
        check_gradient(grad, getattr(reference, fwd), x, name=name)


@hidden(weight=2)
def test_forwards_match_reference(learner, reference, rng):
    for shape, scale in [((1,), 1.0), ((40,), 2.0), ((6, 7), 3.0), ((2, 3, 4), 5.0)]:
        x = rng.normal(size=shape) * scale
        for fname in ("relu", "leaky_relu", "gelu"):
            _matches_reference(learner, reference, fname, x)
        _matches_reference(learner, reference, "leaky_relu", x, alpha=0.3)
        _matches_reference(learner, reference, "leaky_relu", x, 0.2)


@hidden(weight=2)
def test_derivatives_match_reference(learner, reference, rng):
    for shape, scale in [((1,), 1.0), ((40,), 2.0), ((6, 7), 3.0), ((2, 3, 4), 5.0)]:
        x = rng.normal(size=shape) * scale
        for fname in FORWARDS:
            _matches_reference(learner, reference, fname, x)
        _matches_reference(learner, reference, "leaky_relu_grad", x, alpha=0.3)
        _matches_reference(learner, reference, "leaky_relu_grad", x, 0.2)


@hidden(weight=2)
def test_derivatives_match_finite_differences_with_other_alphas(learner, reference, rng):
    x = _away_from_zero(rng, (3, 4, 2), scale=3.0)
    for alpha in (0.2, 0.5):
        grad, name = _call(learner, "leaky_relu_grad", x, alpha=alpha)
        check_gradient(grad, lambda z, a=alpha: reference.leaky_relu(z, alpha=a), x, name=name)
    grad, name = _call(learner, "gelu_grad", x)
    check_gradient(grad, reference.gelu, x, name=name)


@hidden
def test_conventions_at_exactly_zero(learner):
    x = np.zeros((2, 3))
    for fname, expected in [("relu", 0.0), ("relu_grad", 0.0), ("leaky_relu", 0.0), ("gelu", 0.0), ("gelu_grad", 0.5)]:
        out, name = _call(learner, fname, x)
        assert_allclose(out, np.full(x.shape, expected), atol=1e-15, name=name)
    out, name = _call(learner, "leaky_relu_grad", x, alpha=0.25)
    assert_allclose(out, np.full(x.shape, 0.25), rtol=1e-12, name=name)


@hidden
def test_large_inputs_stay_finite(learner, reference, rng):
    # x^3 reaches 1e6 and tanh saturates: no overflow, no 0 * inf.
    x = np.concatenate([rng.uniform(-100, 100, size=50), [-100.0, -30.0, 30.0, 100.0]])
    probe = ("inputs up to ±100: the GELU's tanh argument reaches ±4e4, where tanh built from exp(2u) is inf / inf "
             "= NaN; np.tanh saturates to ±1")  # fmt: skip
    for fname in ("gelu", "gelu_grad", "leaky_relu", "leaky_relu_grad"):
        out, name = _call(learner, fname, x)
        assert_finite(out, name=name, probe=probe)
        _matches_reference(learner, reference, fname, x)


@hidden
def test_float32_input(learner, reference, rng):
    x = (rng.normal(size=(50, 4)) * 3).astype(np.float32)
    for fname in ("relu", "leaky_relu", "gelu", *FORWARDS):
        _matches_reference(learner, reference, fname, x, rtol=1e-4, atol=1e-6)
