import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, check_gradient, hidden, sample

# States are O(1), each gate sums D + H <= 22 O(1) products and gradients add up to N = 16 samples: loops or
# stacked matmuls move them by ~1e-13 relative, 1e-7 leaves six orders; atol covers saturated derivatives
# (~e^-300, formula-dependent), while a wrong gate order or derivative is O(0.1) off.
RTOL, ATOL = 1e-7, 1e-9
INPUTS = ("x", "prev_h", "prev_c", "Wx", "Wh", "b")
GRADS = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")


def _problem(rng, N, D, H, scale=1.0):
    x = rng.normal(size=(N, D)) * scale
    prev_h = rng.normal(size=(N, H)) * 0.5
    prev_c = rng.normal(size=(N, H))
    Wx = rng.normal(size=(D, 4 * H)) / np.sqrt(D)
    Wh = rng.normal(size=(H, 4 * H)) / np.sqrt(H)
    b = rng.normal(size=4 * H) * 0.5
    return x, prev_h, prev_c, Wx, Wh, b


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _check_forward(result, N, H):
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(
            f"lstm_step_forward should return a tuple (next_h, next_c, cache), got {_describe(result)}"
        )
    assert_shape(result[0], (N, H), name="next_h")
    assert_shape(result[1], (N, H), name="next_c")
    return result


def _forward(learner, *args):
    return _check_forward(learner.lstm_step_forward(*args), args[1].shape[0], args[1].shape[1])


def _check_backward(result, args):
    if not isinstance(result, (tuple, list)) or len(result) != 6:
        raise AssertionError(
            f"lstm_step_backward should return a tuple (dx, dprev_h, dprev_c, dWx, dWh, db), got {_describe(result)}"
        )
    for name, grad, like in zip(GRADS, result, args, strict=True):
        assert_shape(grad, like.shape, name=name)
    return result


def _gradients(learner, args, dnext_h, dnext_c):
    """The learner's six gradients: its own forward's cache, passed straight back."""
    _, _, cache = _forward(learner, *args)
    return _check_backward(learner.lstm_step_backward(dnext_h, dnext_c, cache), args)


def _upstream(rng, args):
    shape = args[1].shape
    return rng.normal(size=shape), rng.normal(size=shape)


def _forward_matches_reference(learner, reference, args, rtol=RTOL, atol=ATOL, probe=""):
    h, c, _ = _forward(learner, *args)
    h_ref, c_ref, _ = reference.lstm_step_forward(*[a.astype(np.float64) for a in args])
    assert_allclose(h, h_ref, rtol=rtol, atol=atol, name="next_h", probe=probe)
    assert_allclose(c, c_ref, rtol=rtol, atol=atol, name="next_c", probe=probe)


def _backward_matches_reference(learner, reference, args, dnext_h, dnext_c, rtol=RTOL, atol=ATOL, probe=""):
    grads = _gradients(learner, args, dnext_h, dnext_c)
    _, _, ref_cache = reference.lstm_step_forward(*[a.astype(np.float64) for a in args])
    expected = reference.lstm_step_backward(dnext_h.astype(np.float64), dnext_c.astype(np.float64), ref_cache)
    for name, g, e in zip(GRADS, grads, expected, strict=True):
        assert_allclose(g, e, rtol=rtol, atol=atol, name=name, probe=probe)


def _check_against_finite_differences(learner, reference, args, dnext_h, dnext_c, names):
    """L = sum(next_h * dnext_h) + sum(next_c * dnext_c), differentiated by the reference's forward."""
    grads = dict(zip(GRADS, _gradients(learner, args, dnext_h, dnext_c), strict=True))
    upstream = np.concatenate([dnext_h, dnext_c], axis=1)
    for name in names:
        k = GRADS.index(name)

        def forward(v, k=k):
            a = list(args)
            a[k] = v
            next_h, next_c, _ = reference.lstm_step_forward(*a)
            return np.concatenate([next_h, next_c], axis=1)

        check_gradient(grads[name], forward, args[k], upstream=upstream, name=name)


@sample
def test_gate_blocks_are_in_the_order_i_f_o_g(learner, rng):
    # No weights, only biases: i = sigmoid(30) ~ 1, f = sigmoid(-30) ~ 0, o = sigmoid(30) ~ 1, g = tanh(v).
    N, D, H = 2, 3, 4
    v = rng.uniform(-1, 1, size=H)
    b = np.concatenate([np.full(H, 30.0), np.full(H, -30.0), np.full(H, 30.0), v])
    args = (rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H)),
            np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), b)  # fmt: skip
    h, c, _ = _forward(learner, *args)
    expected_c = np.tile(np.tanh(v), (N, 1))  # next_c = f * prev_c + i * g = g
    # sigmoid(30) = 1 - 1e-13 and sigmoid(-30) = 1e-13, so next_c = g only to ~1e-13; 1e-9 allows that,
    # while another gate order puts a sigmoid or prev_c there, O(0.1) off.
    assert_allclose(c, expected_c, rtol=1e-9, atol=1e-9, name="next_c (should be g = tanh(b[3H:]))")
    # next_h = o * tanh(next_c) with o = 1 - 1e-13: the same ~1e-13 error, the same O(0.1) for a wrong order.
    assert_allclose(h, np.tanh(expected_c), rtol=1e-9, atol=1e-9, name="next_h (should be tanh(next_c))")


@sample
def test_backward_shapes_and_dx_against_finite_differences(learner, reference, rng):
    args = _problem(rng, 2, 3, 2)
    _check_against_finite_differences(learner, reference, args, *_upstream(rng, args), ["dx"])


@hidden(weight=2)
def test_forward_matches_reference(learner, reference, rng):
    for N, D, H in [(1, 1, 1), (4, 3, 5), (16, 10, 8), (3, 2, 20), (50, 6, 3)]:
        _forward_matches_reference(learner, reference, _problem(rng, N, D, H))


@hidden(weight=2)
def test_backward_matches_reference(learner, reference, rng):
    for N, D, H in [(1, 1, 1), (4, 3, 5), (16, 10, 8), (3, 2, 20)]:
        args = _problem(rng, N, D, H)
        _backward_matches_reference(learner, reference, args, *_upstream(rng, args))


@hidden(weight=2)
def test_input_gradients_match_finite_differences(learner, reference, rng):
    args = _problem(rng, 3, 4, 3)
    _check_against_finite_differences(learner, reference, args, *_upstream(rng, args), ["dx", "dprev_h", "dprev_c"])


@hidden(weight=2)
def test_parameter_gradients_match_finite_differences(learner, reference, rng):
    args = _problem(rng, 3, 3, 3)
    _check_against_finite_differences(learner, reference, args, *_upstream(rng, args), ["dWx", "dWh", "db"])


@hidden(weight=2)
def test_each_upstream_path_alone(learner, reference, rng):
    # Only next_h feeds the loss, then only next_c: each path must be right on its own.
    args = _problem(rng, 3, 3, 2)
    dnext_h, dnext_c = _upstream(rng, args)
    _check_against_finite_differences(learner, reference, args, dnext_h, np.zeros_like(dnext_c), GRADS)
    _check_against_finite_differences(learner, reference, args, np.zeros_like(dnext_h), dnext_c, GRADS)


@hidden(weight=2)
def test_large_pre_activations(learner, reference, rng):
    # Pre-activations in the thousands (std ~3000): some gate's pre-activation exceeds 709 on any seed (at
    # std ~300 one seed in 40 had none), and a naive sigmoid computes exp(800) = inf, then inf / inf.
    probe = ("pre-activations in the thousands: exp(a) overflows past 709, so exp(a) / (1 + exp(a)) is inf / inf = "
             "NaN; use 1 / (1 + exp(−a)) for a ≥ 0 and exp(a) / (1 + exp(a)) for a < 0")  # fmt: skip
    args = _problem(rng, 8, 4, 5, scale=3000.0)
    _forward_matches_reference(learner, reference, args, probe=probe)
    _backward_matches_reference(learner, reference, args, *_upstream(rng, args), probe=probe)
    args = _problem(rng, 8, 4, 5, scale=-3000.0)
    _forward_matches_reference(learner, reference, args, probe=probe)


@hidden
def test_float32_inputs(learner, reference, rng):
    args = [a.astype(np.float32) for a in _problem(rng, 6, 5, 4)]
    dnext_h, dnext_c = (u.astype(np.float32) for u in _upstream(rng, args))
    # float32 keeps ~7 digits and each gate sums 9 products: states come out ~1e-6 off; rtol 1e-4
    # (atol 1e-5 near 0) leaves ~100x, while a wrong gate order is O(0.1) off.
    _forward_matches_reference(learner, reference, args, rtol=1e-4, atol=1e-5)
    # Gradients also sum over N = 6 samples and can sit near 0: atol 1e-4 still leaves ~100x over their error.
    _backward_matches_reference(learner, reference, args, dnext_h, dnext_c, rtol=1e-4, atol=1e-4)


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    args = _problem(rng, 20000, 3, 2)
    assert_speed(learner.lstm_step_forward, reference.lstm_step_forward, *args, max_ratio=10, check=_same_states)
    _, _, cache = _forward(learner, *args)
    _, _, ref_cache = reference.lstm_step_forward(*args)
    dnext_h, dnext_c = _upstream(rng, args)
    # The learner's backward gets its own cache; the reference's, its own (the cache's form is free).
    assert_speed(learner.lstm_step_backward, lambda dh, dc, _cache: reference.lstm_step_backward(dh, dc, ref_cache),
                 dnext_h, dnext_c, cache, max_ratio=10, check=_same_gradients)  # fmt: skip


def _same_states(result, expected):
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"lstm_step_forward should return a tuple of 3, got {_describe(result)}")
    assert_allclose(result[0], expected[0], rtol=RTOL, atol=ATOL, name="next_h")
    assert_allclose(result[1], expected[1], rtol=RTOL, atol=ATOL, name="next_c")


def _same_gradients(result, expected):
    if not isinstance(result, (tuple, list)) or len(result) != 6:
        raise AssertionError(f"lstm_step_backward should return a tuple of 6, got {_describe(result)}")
    for name, g, e in zip(GRADS, result, expected, strict=True):
        # The speed test's dWx, dWh, db sum N = 20000 samples (entries up to ~100): blocked or threaded sums lose up
        # to ~1e-12 relative; 1e-6 (atol 1e-8) leaves that room, while a wrong derivative is O(0.1) off.
        assert_allclose(g, e, rtol=1e-6, atol=1e-8, name=name)
