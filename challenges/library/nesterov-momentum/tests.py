import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, hidden, sample

# Two multiply-adds per element: any correct float64 form agrees to ~1e-15
# relative; atol covers weights and velocities that land near zero.
RTOL, ATOL = 1e-8, 1e-12


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _step(learner, w, dw, v, **kwargs):
    """The learner's (w_new, v_new), checked for kind and shape."""
    result = learner.nesterov_momentum(w, dw, v, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"nesterov_momentum should return a tuple (w_new, v_new), got {_describe(result)}")
    w_new, v_new = result
    assert_shape(w_new, w.shape, name="w_new")
    assert_shape(v_new, v.shape, name="v_new")
    return w_new, v_new


def _matches_reference(learner, reference, w, dw, v, rtol=RTOL, atol=ATOL, **kwargs):
    w_new, v_new = _step(learner, w, dw, v, **kwargs)
    w_ref, v_ref = reference.nesterov_momentum(w, dw, v, **kwargs)
    assert_allclose(w_new, w_ref, rtol=rtol, atol=atol, name="w_new")
    assert_allclose(v_new, v_ref, rtol=rtol, atol=atol, name="v_new")


def _problem(rng, shape, v_scale=0.1):
    return rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape) * v_scale


@sample
def test_first_step_from_rest(learner, rng):
    # v = 0: v_new = -lr * dw, and w moves by (1 + mu) * v_new.
    w, dw = rng.normal(size=5), rng.normal(size=5)
    w_new, v_new = _step(learner, w, dw, np.zeros(5), lr=0.1, momentum=0.9)
    assert_allclose(v_new, -0.1 * dw, rtol=1e-9, atol=1e-12, name="v_new (from v = 0: -lr * dw)")
    assert_allclose(w_new, w - 1.9 * 0.1 * dw, rtol=1e-9, atol=1e-12,
                    name="w_new (from v = 0: w - (1 + momentum) * lr * dw)")  # fmt: skip


@sample
def test_with_zero_gradient(learner, rng):
    # dw = 0: v_new = mu * v and w_new = w - mu * v + (1 + mu) * mu * v = w + mu**2 * v.
    w, v = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    w_new, v_new = _step(learner, w, np.zeros((2, 3)), v, lr=0.1, momentum=0.9)
    assert_allclose(v_new, 0.9 * v, rtol=1e-9, atol=1e-12, name="v_new (dw = 0: momentum * v)")
    assert_allclose(w_new, w + 0.81 * v, rtol=1e-9, atol=1e-12, name="w_new (dw = 0: w + momentum**2 * v)")


@hidden(weight=2)
def test_matches_reference_on_random_inputs(learner, reference, rng):
    for shape in [(1,), (7,), (4, 3), (2, 3, 5), (100, 10)]:
        _matches_reference(learner, reference, *_problem(rng, shape))


@hidden(weight=2)
def test_hyperparameters_are_used(learner, reference, rng):
    for lr, momentum in [(0.1, 0.5), (1e-3, 0.99), (0.3, 0.0)]:
        _matches_reference(learner, reference, *_problem(rng, (6, 4)), lr=lr, momentum=momentum)


@hidden(weight=2)
def test_twenty_steps_on_a_quadratic(learner, reference, rng):
    # f(w) = 0.5 * sum(a * w**2), so dw = a * w; each side feeds its own state back.
    a = rng.uniform(0.5, 5.0, size=8)
    w = w_ref = rng.normal(size=8) * 3
    v = v_ref = np.zeros(8)
    for step in range(1, 21):
        w, v = _step(learner, w, a * w, v, lr=0.05, momentum=0.8)
        w_ref, v_ref = reference.nesterov_momentum(w_ref, a * w_ref, v_ref, lr=0.05, momentum=0.8)
        assert_allclose(w, w_ref, rtol=1e-7, atol=1e-10, name=f"w after step {step}")
        assert_allclose(v, v_ref, rtol=1e-7, atol=1e-10, name=f"v after step {step}")


@hidden(weight=2)
def test_matches_the_look_ahead_formulation(learner, rng):
    # Nesterov as first written: the gradient is taken at theta + mu * v.
    #   v <- mu * v - lr * grad(theta + mu * v);  theta <- theta + v
    # The stored w is the look-ahead point, so w - mu * v must retrace theta.
    a = rng.uniform(0.5, 5.0, size=6)
    lr, mu = 0.05, 0.9
    theta, v_true = rng.normal(size=6) * 3, np.zeros(6)
    w, v = theta.copy(), np.zeros(6)  # with v = 0 the look-ahead point is theta itself
    for step in range(1, 16):
        v_true = mu * v_true - lr * a * (theta + mu * v_true)
        theta = theta + v_true
        w, v = _step(learner, w, a * w, v, lr=lr, momentum=mu)
        assert_allclose(v, v_true, rtol=1e-7, atol=1e-10, name=f"v after step {step}")
        assert_allclose(w - mu * v, theta, rtol=1e-7, atol=1e-10, name=f"w - momentum * v after step {step}")


@hidden
def test_random_gradient_sequence_with_default_hyperparameters(learner, reference, rng):
    w = w_ref = rng.normal(size=(5, 4))
    v = v_ref = np.zeros((5, 4))
    for step in range(1, 11):
        dw = rng.normal(size=(5, 4))
        w, v = _step(learner, w, dw, v)
        w_ref, v_ref = reference.nesterov_momentum(w_ref, dw, v_ref)
        assert_allclose(w, w_ref, rtol=1e-7, atol=1e-10, name=f"w after step {step}")
        assert_allclose(v, v_ref, rtol=1e-7, atol=1e-10, name=f"v after step {step}")


@hidden
def test_zero_gradient_from_rest_changes_nothing(learner, rng):
    w = rng.normal(size=(3, 3))
    w_new, v_new = _step(learner, w, np.zeros((3, 3)), np.zeros((3, 3)), lr=0.1, momentum=0.9)
    assert_allclose(w_new, w, rtol=0, atol=0, name="w_new (dw = 0, v = 0)")
    assert_allclose(v_new, np.zeros((3, 3)), rtol=0, atol=0, name="v_new (dw = 0, v = 0)")


@hidden
def test_float32_input(learner, reference, rng):
    args32 = [a.astype(np.float32) for a in _problem(rng, (64, 16))]
    w_new, v_new = _step(learner, *args32, lr=0.05, momentum=0.9)
    w_ref, v_ref = reference.nesterov_momentum(*[a.astype(np.float64) for a in args32], lr=0.05, momentum=0.9)
    assert_allclose(w_new, w_ref, rtol=1e-4, atol=1e-6, name="w_new")
    assert_allclose(v_new, v_ref, rtol=1e-4, atol=1e-6, name="v_new")


@hidden
def test_speed_on_large_parameters(learner, reference, rng):
    w, dw, v = _problem(rng, (20000, 20))
    # Two untimed calls first: the sandbox's first calls on arrays this large
    # pay for growing its heap, which is not the update's cost.
    for _ in range(2):
        _step(learner, w, dw, v, lr=0.01, momentum=0.9)
    assert_speed(learner.nesterov_momentum, reference.nesterov_momentum, w, dw, v, lr=0.01, momentum=0.9, max_ratio=10)
