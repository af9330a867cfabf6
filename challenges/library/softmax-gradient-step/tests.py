import numpy as np

from grader.engine.testing import assert_allclose, assert_scalar, assert_shape, assert_speed, hidden, sample

# Exact float64 implementations agree to ~1e-12; atol covers updated weights
# that land near zero.
RTOL, ATOL = 1e-6, 1e-10


def _problem(rng, n, d, c, w_scale=0.01, b_scale=0.0):
    X = rng.normal(size=(n, d))
    W = rng.normal(size=(d, c)) * w_scale
    b = rng.normal(size=c) * b_scale
    labels = rng.integers(0, c, size=n)
    return X, W, b, labels


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _step(learner, X, W, b, labels, **kwargs):
    """The learner's (W_new, b_new, loss), checked for kind and shape."""
    out = learner.softmax_grad_step(X, W, b, labels, **kwargs)
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise AssertionError(f"softmax_grad_step should return a tuple (W_new, b_new, loss), got {_describe(out)}")
    W_new, b_new, loss = out
    assert_shape(W_new, W.shape, name="W_new")
    assert_shape(b_new, b.shape, name="b_new")
    return W_new, b_new, assert_scalar(loss, name="loss")


def _seed_loss(X, W, b, labels):
    """The seed's loss, -log(p + 1e-12): the exact loss until a probability nears
    1e-12, where it saturates. A learner may give either; both are accepted."""
    logits = X @ W + b
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = exp / exp.sum(axis=1, keepdims=True)
    return -np.log(probs[np.arange(len(labels)), labels] + 1e-12).mean()


def _assert_loss(loss, exact, seed_form, name="loss", probe=""):
    if abs(loss - seed_form) <= RTOL * abs(seed_form):
        return
    assert_allclose(loss, exact, rtol=RTOL, name=name, probe=probe)


def _matches_reference(learner, reference, X, W, b, labels, probe="", **kwargs):
    W_new, b_new, loss = _step(learner, X, W, b, labels, **kwargs)
    W_ref, b_ref, loss_ref = reference.softmax_grad_step(X, W, b, labels, **kwargs)
    _assert_loss(loss, loss_ref, _seed_loss(X, W, b, labels), probe=probe)
    assert_allclose(W_new, W_ref, rtol=RTOL, atol=ATOL, name="W_new", probe=probe)
    assert_allclose(b_new, b_ref, rtol=RTOL, atol=ATOL, name="b_new", probe=probe)


@sample
def test_one_step_returns_new_parameters_and_a_scalar_loss(learner, rng):
    X, W, b, labels = _problem(rng, 8, 5, 3)
    _step(learner, X, W, b, labels, lr=0.1)


@sample
def test_zero_weights_give_a_loss_of_log_c(learner, rng):
    X, _, _, labels = _problem(rng, 16, 4, 10)
    _, _, loss = _step(learner, X, np.zeros((4, 10)), np.zeros(10), labels, lr=0.1)
    assert abs(loss - np.log(10)) < 1e-6, (
        f"with all-zero weights the loss should be log(10) = {np.log(10):.6f}, got {loss:.6g}"
    )


@sample(weight=2)
def test_loss_decreases_over_100_steps(learner, rng):
    X, W, b, labels = _problem(rng, 64, 784, 10)
    losses = []
    for _ in range(100):
        W, b, loss = _step(learner, X, W, b, labels, lr=0.1)
        losses.append(loss)
    assert losses[-1] < losses[0], f"loss should decrease: {losses[0]:.4f} -> {losses[-1]:.4f}"
    assert losses[-1] < 0.5, f"loss should converge to a low value, got {losses[-1]:.4f} after 100 steps"


@hidden(weight=2)
def test_one_step_matches_reference(learner, reference, rng):
    for n, d, c, lr, w_scale in [
        (1, 1, 2, 0.5, 1.0),
        (5, 3, 4, 0.1, 1.0),
        (64, 20, 10, 1.0, 0.1),
        (200, 5, 3, 0.01, 2.0),
    ]:
        X, W, b, labels = _problem(rng, n, d, c, w_scale, b_scale=1.0)
        _matches_reference(learner, reference, X, W, b, labels, lr=lr)


@hidden
def test_default_learning_rate(learner, reference, rng):
    X, W, b, labels = _problem(rng, 30, 6, 4, w_scale=1.0, b_scale=1.0)
    _matches_reference(learner, reference, X, W, b, labels)


@hidden(weight=2)
def test_extreme_logits(learner, reference, rng):
    # Logits in the thousands: the loss must come from log-softmax, not log(probs).
    X, W, b, labels = _problem(rng, 32, 8, 5, w_scale=500.0, b_scale=1e3)
    probe = ("logits in the thousands: exp overflows past 709 unless each row is shifted by its own max, and a "
             "hopeless right class has probability 0, where log(probs) is −inf")  # fmt: skip
    _matches_reference(learner, reference, X, W, b, labels, lr=1e-3, probe=probe)


@hidden(weight=2)
def test_100_steps_follow_the_reference(learner, reference, rng):
    X, W, b, labels = _problem(rng, 50, 30, 4)
    W_ref, b_ref = W, b
    for step in range(100):
        seed_form = _seed_loss(X, W_ref, b_ref, labels)
        W, b, loss = _step(learner, X, W, b, labels, lr=0.5)
        W_ref, b_ref, loss_ref = reference.softmax_grad_step(X, W_ref, b_ref, labels, lr=0.5)
        _assert_loss(loss, loss_ref, seed_form, name=f"loss at step {step + 1}")
    assert_allclose(W, W_ref, rtol=RTOL, atol=ATOL, name="W_new")
    assert_allclose(b, b_ref, rtol=RTOL, atol=ATOL, name="b_new")


@hidden
def test_float32_inputs(learner, reference, rng):
    X, W, b, labels = _problem(rng, 100, 10, 5, w_scale=0.1, b_scale=0.1)
    X32, W32, b32 = X.astype(np.float32), W.astype(np.float32), b.astype(np.float32)
    W_new, b_new, loss = _step(learner, X32, W32, b32, labels, lr=0.1)
    W_ref, b_ref, loss_ref = reference.softmax_grad_step(
        X32.astype(np.float64), W32.astype(np.float64), b32.astype(np.float64), labels, lr=0.1
    )
    assert_allclose(loss, loss_ref, rtol=1e-4, name="loss")
    assert_allclose(W_new, W_ref, rtol=1e-4, atol=1e-6, name="W_new")
    assert_allclose(b_new, b_ref, rtol=1e-4, atol=1e-6, name="b_new")


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    X, W, b, labels = _problem(rng, 4000, 10, 5)
    assert_speed(learner.softmax_grad_step, reference.softmax_grad_step, X, W, b, labels, lr=0.1, max_ratio=10)
