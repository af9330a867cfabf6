import numpy as np

from grader.engine.testing import assert_allclose, assert_finite, assert_shape, assert_speed, hidden, sample

# A dozen operations per element: correct float64 forms agree to ~1e-15
# relative. rtol 1e-8 is tight enough to see where eps goes (moving it changes
# the step by ~1e-8 to 3e-7 relative); atol covers values that land near zero.
RTOL, ATOL = 1e-8, 1e-12


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _step(learner, w, dw, m, v, t, **kwargs):
    """The learner's (w_new, m_new, v_new), checked for kind and shape."""
    result = learner.adam(w, dw, m, v, t, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"adam should return a tuple (w_new, m_new, v_new), got {_describe(result)}")
    w_new, m_new, v_new = result
    assert_shape(w_new, w.shape, name="w_new")
    assert_shape(m_new, m.shape, name="m_new")
    assert_shape(v_new, v.shape, name="v_new")
    return w_new, m_new, v_new


def _check(got, expected, rtol=RTOL, atol=ATOL, scale=1.0, when=""):
    """w to atol; m and v (of the gradient's scale and its square) relative to that scale."""
    (w, m, v), (w_ref, m_ref, v_ref) = got, expected
    assert_allclose(w, w_ref, rtol=rtol, atol=atol, name=f"w_new{when}")
    assert_allclose(m, m_ref, rtol=rtol, atol=1e-14 * scale, name=f"m_new{when}")
    assert_allclose(v, v_ref, rtol=rtol, atol=0.0, name=f"v_new{when}")


def _matches_reference(learner, reference, w, dw, m, v, t, **kwargs):
    _check(_step(learner, w, dw, m, v, t, **kwargs), reference.adam(w, dw, m, v, t, **kwargs))


def _problem(rng, shape, scale=1.0):
    """Weights, a gradient, and a state of the gradient's own scale."""
    dw = rng.normal(size=shape) * scale
    m = rng.normal(size=shape) * 0.5 * scale
    v = rng.uniform(0.2, 2.0, size=shape) * scale**2
    return rng.normal(size=shape), dw, m, v


def _run(learner, reference, w, grad, steps, scale=1.0, **kwargs):
    """Both sides from a zero state along steps t = 1..steps, each feeding its own state back."""
    mine = ref = (w, np.zeros_like(w), np.zeros_like(w))
    for t in range(1, steps + 1):
        mine = _step(learner, mine[0], grad(mine[0], t), mine[1], mine[2], t, **kwargs)
        ref = reference.adam(ref[0], grad(ref[0], t), ref[1], ref[2], t, **kwargs)
        _check(mine, ref, rtol=1e-7, atol=1e-10, scale=scale, when=f" after step t={t}")


@sample
def test_first_step_moves_each_weight_by_about_lr(learner, rng):
    # t = 1 from m = v = 0: m_hat = dw and v_hat = dw**2, so the step is lr * dw / (|dw| + eps).
    w, dw = rng.normal(size=5), rng.normal(size=5)
    zeros = np.zeros(5)
    w_new, m_new, v_new = _step(learner, w, dw, zeros, zeros, 1, lr=0.1)
    assert_allclose(m_new, 0.1 * dw, rtol=1e-9, name="m_new (from 0: (1 - beta1) * dw)")
    assert_allclose(v_new, 0.001 * dw**2, rtol=1e-9, name="v_new (from 0: (1 - beta2) * dw**2)")
    assert_allclose(w_new, w - 0.1 * dw / (np.abs(dw) + 1e-8), rtol=1e-9, atol=1e-12,
                    name="w_new (t = 1: w - lr * dw / (|dw| + eps))")  # fmt: skip


@sample
def test_zero_gradient_from_rest_changes_nothing(learner):
    w, zeros = np.array([1.0, -2.0, 3.0]), np.zeros(3)
    w_new, m_new, v_new = _step(learner, w, zeros, zeros, zeros, 1)
    assert_finite(w_new, name="w_new (dw = m = v = 0: eps keeps 0 / eps finite)")
    assert_allclose(w_new, w, atol=0, name="w_new (dw = m = v = 0)")
    assert_allclose(m_new, zeros, atol=0, name="m_new (dw = m = v = 0)")
    assert_allclose(v_new, zeros, atol=0, name="v_new (dw = m = v = 0)")


@hidden(weight=2)
def test_matches_reference_on_random_states(learner, reference, rng):
    for shape, t in [((1,), 1), ((7,), 2), ((4, 3), 5), ((2, 3, 5), 10), ((100, 10), 100), ((6,), 10000)]:
        _matches_reference(learner, reference, *_problem(rng, shape), t)


@hidden(weight=2)
def test_hyperparameters_are_used(learner, reference, rng):
    for lr, beta1, beta2, eps in [(0.1, 0.8, 0.99, 1e-8), (1e-2, 0.5, 0.9, 1e-6), (3e-4, 0.95, 0.9999, 1e-3)]:
        for t in (1, 3):
            _matches_reference(learner, reference, *_problem(rng, (6, 4)), t, lr=lr, beta1=beta1, beta2=beta2, eps=eps)


@hidden(weight=2)
def test_twenty_steps_on_a_quadratic(learner, reference, rng):
    # f(w) = 0.5 * sum(a * w**2), curvatures 100x apart; t runs 1..20.
    a = np.geomspace(0.1, 10.0, 8)
    _run(learner, reference, rng.normal(size=8) * 3, lambda w, t: a * w, 20, lr=0.1)


@hidden
def test_random_gradient_sequence_with_default_hyperparameters(learner, reference, rng):
    grads = rng.normal(size=(11, 5, 4))
    _run(learner, reference, rng.normal(size=(5, 4)), lambda w, t: grads[t], 10)


@hidden(weight=2)
def test_small_gradients(learner, reference, rng):
    # Gradients of 1e-7: sqrt(v_hat) ~ 1e-7 is comparable to eps = 1e-8, so
    # eps must be added exactly where stated, to sqrt(v_hat).
    grads = rng.normal(size=(6, 10)) * 1e-7
    _run(learner, reference, rng.normal(size=10), lambda w, t: grads[t], 5, scale=1e-7)
    w, dw, m, v = _problem(rng, (3, 4), scale=1e-6)
    _check(_step(learner, w, dw, m, v, 7), reference.adam(w, dw, m, v, 7), scale=1e-6)


@hidden
def test_zero_gradient_with_a_state(learner, reference, rng):
    w, _, m, v = _problem(rng, (4, 4))
    _matches_reference(learner, reference, w, np.zeros((4, 4)), m, v, 4)


@hidden
def test_float32_input(learner, reference, rng):
    args32 = [a.astype(np.float32) for a in _problem(rng, (64, 16))]
    got = _step(learner, *args32, 3, lr=0.01)
    expected = reference.adam(*[a.astype(np.float64) for a in args32], 3, lr=0.01)
    _check(got, expected, rtol=1e-4, atol=1e-6, scale=1e8)


@hidden(timeout=5.0)  # room for a slow loop to be timed and told so, not cut off
def test_speed_on_large_parameters(learner, reference, rng):
    w, dw, m, v = _problem(rng, (8000, 20))
    # Two untimed calls first: the sandbox's first calls on arrays this large
    # pay for growing its heap, which is not the update's cost.
    for _ in range(2):
        _step(learner, w, dw, m, v, 10)
    assert_speed(learner.adam, reference.adam, w, dw, m, v, 10, max_ratio=10)
