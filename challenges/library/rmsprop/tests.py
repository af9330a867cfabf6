import numpy as np

from grader.engine.testing import assert_allclose, assert_finite, assert_shape, assert_speed, hidden, sample

# A handful of operations per element: correct float64 forms agree to ~1e-15
# relative. rtol 1e-8 also sees eps = 1e-8 moved inside the square root on
# ordinary gradients; atol covers weights that land near zero.
RTOL, ATOL = 1e-8, 1e-12


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _step(learner, w, dw, cache, **kwargs):
    """The learner's (w_new, cache_new), checked for kind and shape."""
    result = learner.rmsprop(w, dw, cache, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"rmsprop should return a tuple (w_new, cache_new), got {_describe(result)}")
    w_new, cache_new = result
    assert_shape(w_new, w.shape, name="w_new")
    assert_shape(cache_new, cache.shape, name="cache_new")
    return w_new, cache_new


def _check(w_new, cache_new, w_ref, cache_ref, rtol=RTOL, atol=ATOL, when=""):
    assert_allclose(w_new, w_ref, rtol=rtol, atol=atol, name=f"w_new{when}")
    # The cache holds squares of the gradient: compare it relative to its own size.
    assert_allclose(cache_new, cache_ref, rtol=rtol, atol=0.0, name=f"cache_new{when}")


def _matches_reference(learner, reference, w, dw, cache, **kwargs):
    _check(*_step(learner, w, dw, cache, **kwargs), *reference.rmsprop(w, dw, cache, **kwargs))


def _problem(rng, shape, scale=1.0):
    dw = rng.normal(size=shape) * scale
    cache = rng.uniform(0.1, 2.0, size=shape) * scale**2  # a cache of the gradient's own scale
    return rng.normal(size=shape), dw, cache


def _run(learner, reference, w, grad, steps, **kwargs):
    """Both sides along `steps` steps, each feeding its own state back; grad(w, i) gives dw."""
    w_ref, cache, cache_ref = w, np.zeros_like(w), np.zeros_like(w)
    for i in range(1, steps + 1):
        w, cache = _step(learner, w, grad(w, i), cache, **kwargs)
        w_ref, cache_ref = reference.rmsprop(w_ref, grad(w_ref, i), cache_ref, **kwargs)
        _check(w, cache, w_ref, cache_ref, rtol=1e-7, atol=1e-10, when=f" after step {i}")


@sample
def test_first_step_from_an_empty_cache(learner, rng):
    w, dw = rng.normal(size=5), rng.normal(size=5)
    w_new, cache_new = _step(learner, w, dw, np.zeros(5), lr=0.01, decay=0.99, eps=1e-8)
    cache = 0.01 * dw**2
    assert_allclose(cache_new, cache, rtol=1e-9, name="cache_new (from 0: (1 - decay) * dw**2)")
    assert_allclose(w_new, w - 0.01 * dw / (np.sqrt(cache) + 1e-8), rtol=1e-9, atol=1e-12,
                    name="w_new (w - lr * dw / (sqrt(cache_new) + eps))")  # fmt: skip


@sample
def test_zero_gradient_with_an_empty_cache_changes_nothing(learner):
    w = np.array([1.0, -2.0, 3.0])
    w_new, cache_new = _step(learner, w, np.zeros(3), np.zeros(3))
    assert_finite(w_new, name="w_new (dw = 0, cache = 0: eps keeps 0 / eps finite)")
    assert_allclose(w_new, w, atol=0, name="w_new (dw = 0, cache = 0)")
    assert_allclose(cache_new, np.zeros(3), atol=0, name="cache_new (dw = 0, cache = 0)")


@hidden(weight=2)
def test_matches_reference_on_random_inputs(learner, reference, rng):
    for shape in [(1,), (7,), (4, 3), (2, 3, 5), (100, 10)]:
        _matches_reference(learner, reference, *_problem(rng, shape))


@hidden(weight=2)
def test_hyperparameters_are_used(learner, reference, rng):
    for lr, decay, eps in [(0.1, 0.9, 1e-8), (1e-3, 0.999, 1e-6), (0.05, 0.5, 1e-3)]:
        _matches_reference(learner, reference, *_problem(rng, (6, 4)), lr=lr, decay=decay, eps=eps)


@hidden(weight=2)
def test_twenty_steps_on_a_quadratic(learner, reference, rng):
    # f(w) = 0.5 * sum(a * w**2): curvatures 100x apart, which RMSprop evens out.
    a = np.geomspace(0.1, 10.0, 8)
    _run(learner, reference, rng.normal(size=8) * 3, lambda w, i: a * w, 20, lr=0.05, decay=0.9)


@hidden
def test_random_gradient_sequence_with_default_hyperparameters(learner, reference, rng):
    grads = rng.normal(size=(11, 5, 4))
    _run(learner, reference, rng.normal(size=(5, 4)), lambda w, i: grads[i], 10)


@hidden(weight=2)
def test_small_gradients(learner, reference, rng):
    # Gradients of 1e-6: the cache is ~1e-14, so eps = 1e-8 must stay outside
    # the square root, where it is small next to sqrt(cache) ~ 1e-7.
    grads = rng.normal(size=(6, 10)) * 1e-6
    _run(learner, reference, rng.normal(size=10), lambda w, i: grads[i], 5)
    _matches_reference(learner, reference, *_problem(rng, (3, 4), scale=1e-5))


@hidden
def test_zero_gradient_decays_the_cache(learner, reference, rng):
    w, _, cache = _problem(rng, (4, 4))
    _matches_reference(learner, reference, w, np.zeros((4, 4)), cache, decay=0.9)


@hidden
def test_float32_input(learner, reference, rng):
    args32 = [a.astype(np.float32) for a in _problem(rng, (64, 16))]
    w_new, cache_new = _step(learner, *args32, lr=0.01, decay=0.9)
    w_ref, cache_ref = reference.rmsprop(*[a.astype(np.float64) for a in args32], lr=0.01, decay=0.9)
    _check(w_new, cache_new, w_ref, cache_ref, rtol=1e-4, atol=1e-6)


@hidden
def test_speed_on_large_parameters(learner, reference, rng):
    w, dw, cache = _problem(rng, (20000, 20))
    # Two untimed calls first: the sandbox's first calls on arrays this large
    # pay for growing its heap, which is not the update's cost.
    for _ in range(2):
        _step(learner, w, dw, cache)
    assert_speed(learner.rmsprop, reference.rmsprop, w, dw, cache, max_ratio=10)
