import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, check_gradient, hidden, sample

# States lie in (-1, 1), each step sums D + H <= 13 O(1) products over T <= 20 steps, gradients add N * T
# terms: loops over samples or einsum move them by ~1e-13 relative, 1e-7 leaves six orders; atol covers
# saturated steps (1 - h^2 ~ 0), while a missing path through time or a wrong derivative is O(0.1) off.
RTOL, ATOL = 1e-7, 1e-9
GRADS = ("dx", "dh0", "dWx", "dWh", "db")


def _problem(rng, N, T, D, H, x_scale=1.0):
    x = rng.normal(size=(N, T, D)) * x_scale
    h0 = rng.normal(size=(N, H)) * 0.5
    Wx = rng.normal(size=(D, H)) / np.sqrt(D)
    Wh = rng.normal(size=(H, H)) * 0.8 / np.sqrt(H)
    b = rng.normal(size=H) * 0.1
    return x, h0, Wx, Wh, b


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _check_forward(result, N, T, H):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"rnn_forward should return a tuple (h, cache), got {_describe(result)}")
    assert_shape(result[0], (N, T, H), name="h")
    return result


def _forward(learner, x, h0, Wx, Wh, b):
    return _check_forward(learner.rnn_forward(x, h0, Wx, Wh, b), x.shape[0], x.shape[1], h0.shape[1])


def _check_backward(result, x, h0, Wx, Wh, b):
    if not isinstance(result, (tuple, list)) or len(result) != 5:
        raise AssertionError(f"rnn_backward should return a tuple (dx, dh0, dWx, dWh, db), got {_describe(result)}")
    for name, grad, like in zip(GRADS, result, (x, h0, Wx, Wh, b), strict=True):
        assert_shape(grad, like.shape, name=name)
    return result


def _gradients(learner, args, dh):
    """The learner's five gradients: its own forward's cache, passed straight back."""
    _, cache = _forward(learner, *args)
    return _check_backward(learner.rnn_backward(dh, cache), *args)


def _upstream(rng, args):
    x, h0 = args[0], args[1]
    return rng.normal(size=(x.shape[0], x.shape[1], h0.shape[1]))


def _closures(reference, args):
    """For each input, the reference's h as a function of that input alone."""
    x, h0, Wx, Wh, b = args

    def f(i):
        def forward(v):
            a = list(args)
            a[i] = v
            return reference.rnn_forward(*a)[0]

        return forward

    return {name: (f(i), arg) for i, (name, arg) in enumerate(zip(GRADS, (x, h0, Wx, Wh, b), strict=True))}


def _check_against_finite_differences(learner, reference, args, dh, names):
    grads = dict(zip(GRADS, _gradients(learner, args, dh), strict=True))
    closures = _closures(reference, args)
    for name in names:
        forward, value = closures[name]
        check_gradient(grads[name], forward, value, upstream=dh, name=name)


def _backward_matches_reference(learner, reference, args, dh, rtol=RTOL, atol=ATOL):
    grads = _gradients(learner, args, dh)
    f64 = [a.astype(np.float64) for a in args]
    _, ref_cache = reference.rnn_forward(*f64)
    expected = reference.rnn_backward(dh.astype(np.float64), ref_cache)
    for name, g, e in zip(GRADS, grads, expected, strict=True):
        assert_allclose(g, e, rtol=rtol, atol=atol, name=name)


@sample
def test_forward_follows_the_recurrence(learner, rng):
    x, h0, Wx, Wh, b = _problem(rng, 3, 4, 2, 5)
    h, _ = _forward(learner, x, h0, Wx, Wh, b)
    h1 = np.tanh(x[:, 0] @ Wx + h0 @ Wh + b)
    assert_allclose(h[:, 0], h1, rtol=RTOL, atol=ATOL, name="h[:, 0] (should be tanh(x_0 Wx + h0 Wh + b))")
    h2 = np.tanh(x[:, 1] @ Wx + h1 @ Wh + b)
    assert_allclose(h[:, 1], h2, rtol=RTOL, atol=ATOL, name="h[:, 1] (should be tanh(x_1 Wx + h_0 Wh + b))")


@sample
def test_backward_shapes_and_dx_against_finite_differences(learner, reference, rng):
    args = _problem(rng, 2, 3, 3, 4)
    _check_against_finite_differences(learner, reference, args, _upstream(rng, args), ["dx"])


@hidden(weight=2)
def test_forward_matches_reference(learner, reference, rng):
    for N, T, D, H in [(1, 1, 1, 1), (2, 5, 3, 4), (8, 10, 6, 5), (3, 20, 2, 7), (16, 2, 10, 3)]:
        args = _problem(rng, N, T, D, H)
        h, _ = _forward(learner, *args)
        assert_allclose(h, reference.rnn_forward(*args)[0], rtol=RTOL, atol=ATOL, name="h")


@hidden(weight=2)
def test_backward_matches_reference(learner, reference, rng):
    for N, T, D, H in [(1, 1, 1, 1), (2, 5, 3, 4), (8, 10, 6, 5), (3, 20, 2, 7)]:
        args = _problem(rng, N, T, D, H)
        _backward_matches_reference(learner, reference, args, _upstream(rng, args))


@hidden(weight=2)
def test_input_gradients_match_finite_differences(learner, reference, rng):
    args = _problem(rng, 2, 4, 3, 4)
    _check_against_finite_differences(learner, reference, args, _upstream(rng, args), ["dx", "dh0"])


@hidden(weight=2)
def test_parameter_gradients_match_finite_differences(learner, reference, rng):
    args = _problem(rng, 3, 4, 3, 4)
    _check_against_finite_differences(learner, reference, args, _upstream(rng, args), ["dWx", "dWh", "db"])


@hidden(weight=2)
def test_a_loss_on_the_last_step_reaches_every_step(learner, reference, rng):
    # Many-to-one: only h_{T-1} feeds the loss, so every earlier gradient travels back through time.
    args = _problem(rng, 2, 5, 3, 4)
    dh = np.zeros((2, 5, 4))
    dh[:, -1] = rng.normal(size=(2, 4))
    _check_against_finite_differences(learner, reference, args, dh, GRADS)


@hidden
def test_a_single_time_step(learner, reference, rng):
    args = _problem(rng, 4, 1, 3, 2)
    _backward_matches_reference(learner, reference, args, _upstream(rng, args))


@hidden
def test_saturated_states(learner, reference, rng):
    # Large pre-activations: tanh saturates at +-1 and its derivative 1 - h^2 vanishes.
    args = _problem(rng, 4, 6, 3, 5, x_scale=30.0)
    h, _ = _forward(learner, *args)
    assert_allclose(h, reference.rnn_forward(*args)[0], rtol=RTOL, atol=ATOL, name="h")
    _backward_matches_reference(learner, reference, args, _upstream(rng, args))


@hidden
def test_float32_inputs(learner, reference, rng):
    args = [a.astype(np.float32) for a in _problem(rng, 4, 6, 5, 8)]
    dh = _upstream(rng, args).astype(np.float32)
    h, _ = _forward(learner, *args)
    expected = reference.rnn_forward(*[a.astype(np.float64) for a in args])[0]
    # float32 keeps ~7 digits; 6 steps of 13 products and tanh leave states ~1e-6 off: rtol 1e-4
    # (atol 1e-5 near 0) leaves ~100x, while a wrong recurrence is O(0.1) off.
    assert_allclose(h, expected, rtol=1e-4, atol=1e-5, name="h")
    # Gradients sum N * T = 24 such float32 terms and can sit near 0: atol 1e-4 still leaves ~100x.
    _backward_matches_reference(learner, reference, args, dh, rtol=1e-4, atol=1e-4)


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    args = _problem(rng, 20000, 4, 3, 3)
    assert_speed(learner.rnn_forward, reference.rnn_forward, *args, max_ratio=10, check=_same_states)
    _, cache = _forward(learner, *args)
    _, ref_cache = reference.rnn_forward(*args)
    dh = _upstream(rng, args)
    # The learner's backward gets its own cache; the reference's, its own (the cache's form is free).
    assert_speed(learner.rnn_backward, lambda dh, _cache: reference.rnn_backward(dh, ref_cache), dh, cache,
                 max_ratio=10, check=_same_gradients)  # fmt: skip


def _same_states(result, expected):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"rnn_forward should return a tuple (h, cache), got {_describe(result)}")
    assert_allclose(result[0], expected[0], rtol=RTOL, atol=ATOL, name="h")


def _same_gradients(result, expected):
    if not isinstance(result, (tuple, list)) or len(result) != 5:
        raise AssertionError(f"rnn_backward should return a tuple of 5, got {_describe(result)}")
    for name, g, e in zip(GRADS, result, expected, strict=True):
        # The speed test's dWx, dWh, db sum N * T = 80000 terms: blocked or threaded sums lose up to ~1e-12
        # relative, which 1e-6 (atol 1e-8) allows, while a wrong derivative is O(0.1) off.
        assert_allclose(g, e, rtol=1e-6, atol=1e-8, name=name)
