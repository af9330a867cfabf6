import numpy as np

from grader.engine.testing import (
    assert_allclose,
    assert_finite,
    assert_scalar,
    assert_shape,
    assert_speed,
    check_gradient,
    hidden,
    sample,
)

# Stable float64 formulations (logaddexp, log1p(exp(-|z|)), -log_sigmoid)
# agree to ~1e-14 relative; atol covers gradients near zero.
RTOL, ATOL = 1e-7, 1e-10


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _loss_and_grad(learner, w, b, X, y, **kwargs):
    """The learner's (loss, dw, db), checked for kind and shape."""
    result = learner.logistic_loss_and_grad(w, b, X, y, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"logistic_loss_and_grad should return a tuple (loss, dw, db), got {_describe(result)}")
    loss, dw, db = result
    loss = assert_scalar(loss, name="loss")
    assert_shape(dw, w.shape, name="dw")
    return loss, dw, assert_scalar(db, name="db")


def _fit(learner, X, y, lr, steps, **kwargs):
    result = learner.logistic_fit(X, y, lr, steps, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"logistic_fit should return a tuple (w, b), got {_describe(result)}")
    w, b = result
    assert_shape(w, (X.shape[1],), name="w")
    return w, assert_scalar(b, name="b")


def _problem(rng, n, d, w_scale=1.0, label_dtype=np.float64):
    X = rng.normal(size=(n, d))
    w = rng.normal(size=d) * w_scale
    b = float(rng.normal() * w_scale)
    # Labels from a noisy linear rule, so the data are learnable but not separable.
    y = (X @ rng.normal(size=d) + rng.normal(size=n) > 0).astype(label_dtype)
    return w, b, X, y


def _matches_reference(learner, reference, w, b, X, y, rtol=RTOL, atol=ATOL, probe="", **kwargs):
    loss, dw, db = _loss_and_grad(learner, w, b, X, y, **kwargs)
    loss_ref, dw_ref, db_ref = reference.logistic_loss_and_grad(w, b, X, y, **kwargs)
    assert_allclose(loss, loss_ref, rtol=rtol, atol=atol, name="loss", probe=probe)
    assert_allclose(dw, dw_ref, rtol=rtol, atol=atol, name="dw", probe=probe)
    assert_allclose(db, db_ref, rtol=rtol, atol=atol, name="db", probe=probe)


MARGINS = (
    "logits in the hundreds to thousands, right and wrong: sigmoid(z) rounds to exactly 0 or 1, so "
    "log(sigmoid(z)) is −inf, and clipping p to [ε, 1 − ε] caps a mistake's cost near 34.5; write the loss "
    "as log(1 + e^z) − y·z with logaddexp(0, z)"
)


def _fit_matches_reference(learner, reference, X, y, lr, steps, **kwargs):
    w, b = _fit(learner, X, y, lr, steps, **kwargs)
    w_ref, b_ref = reference.logistic_fit(X, y, lr, steps, **kwargs)
    assert_allclose(w, w_ref, rtol=1e-6, atol=1e-9, name="w")
    assert_allclose(b, b_ref, rtol=1e-6, atol=1e-9, name="b")


@sample
def test_zero_weights_give_log_2_and_the_plain_gradient(learner, rng):
    _, _, X, y = _problem(rng, 20, 3)
    loss, dw, db = _loss_and_grad(learner, np.zeros(3), 0.0, X, y)
    # sigmoid(0) = 1/2 for every sample.
    assert_allclose(loss, np.log(2), rtol=1e-9, name="loss at w = 0, b = 0 (should be log 2)")
    assert_allclose(dw, X.T @ (0.5 - y) / 20, rtol=1e-9, atol=1e-12, name="dw at w = 0, b = 0")
    assert_allclose(db, np.mean(0.5 - y), rtol=1e-9, atol=1e-12, name="db at w = 0, b = 0")


@sample
def test_confident_mistakes_give_a_large_finite_loss(learner):
    X = np.array([[1000.0], [-1000.0]])
    y = np.array([0.0, 1.0])  # logits +1000 for a 0 and -1000 for a 1: both badly wrong
    loss, dw, db = _loss_and_grad(learner, np.array([1.0]), 0.0, X, y)
    assert_allclose(loss, 1000.0, rtol=1e-9, name="loss (each sample costs log(1 + e^1000) = 1000)", probe=MARGINS)
    assert_finite(dw, name="dw", probe=MARGINS)
    assert_allclose(dw, np.array([1000.0]), rtol=1e-9, name="dw", probe=MARGINS)


@sample
def test_training_lowers_the_loss(learner, reference, rng):
    _, _, X, y = _problem(rng, 200, 4)
    w, b = _fit(learner, X, y, 0.5, 200)
    loss, _, _ = _loss_and_grad(learner, w, b, X, y)
    # How low 200 steps can go depends on the drawn data: ask for half of what the reference gains from log 2.
    w_ref, b_ref = reference.logistic_fit(X, y, 0.5, 200)
    best, _, _ = reference.logistic_loss_and_grad(w_ref, b_ref, X, y)
    bound = np.log(2) - 0.5 * (np.log(2) - best)
    assert loss < bound, (
        f"after 200 steps the loss should be at most {bound:.4f} (the reference reaches {best:.4f} from "
        f"log 2 = 0.693), got {loss:.4f}"
    )


@hidden(weight=2)
def test_loss_and_grad_match_reference(learner, reference, rng):
    for n, d, w_scale, reg in [(1, 1, 1.0, 0.0), (10, 3, 1.0, 0.1), (200, 20, 0.3, 0.0), (500, 5, 3.0, 2.0)]:
        _matches_reference(learner, reference, *_problem(rng, n, d, w_scale), reg=reg)


@hidden
def test_default_reg_is_zero(learner, reference, rng):
    _matches_reference(learner, reference, *_problem(rng, 30, 4))


@hidden
def test_integer_labels(learner, reference, rng):
    _matches_reference(learner, reference, *_problem(rng, 40, 3, label_dtype=np.int64), reg=0.5)


@hidden(weight=2)
def test_gradient_matches_finite_differences(learner, reference, rng):
    w, b, X, y = _problem(rng, 15, 4)
    for reg in (0.0, 0.7):
        _, dw, db = _loss_and_grad(learner, w, b, X, y, reg=reg)
        check_gradient(dw, lambda w_, reg=reg: reference.logistic_loss_and_grad(w_, b, X, y, reg)[0], w, name="dw")
        check_gradient(
            db, lambda b_, reg=reg: reference.logistic_loss_and_grad(w, float(b_), X, y, reg)[0], b, name="db"
        )


@hidden(weight=2)
def test_extreme_margins(learner, reference, rng):
    # Logits in the thousands, right and wrong: log(sigmoid) must never be taken of 0,
    # and clipping probabilities to [eps, 1 - eps] caps the cost of a mistake.
    for w_scale in (300.0, 1e4):
        _matches_reference(learner, reference, *_problem(rng, 50, 5, w_scale), reg=0.01, probe=MARGINS)


@hidden
def test_float32_input(learner, reference, rng):
    w, b, X, y = _problem(rng, 100, 6)
    w32, X32, y32 = w.astype(np.float32), X.astype(np.float32), y.astype(np.float32)
    loss, dw, db = _loss_and_grad(learner, w32, b, X32, y32, reg=0.1)
    loss_ref, dw_ref, db_ref = reference.logistic_loss_and_grad(w32.astype(np.float64), b, X32.astype(np.float64),
                                                                y32.astype(np.float64), 0.1)  # fmt: skip
    assert_allclose(loss, loss_ref, rtol=1e-4, atol=1e-6, name="loss")
    assert_allclose(dw, dw_ref, rtol=1e-4, atol=1e-5, name="dw")
    assert_allclose(db, db_ref, rtol=1e-4, atol=1e-5, name="db")


@hidden(weight=2)
def test_fit_matches_reference(learner, reference, rng):
    for n, d, lr, steps in [(1, 2, 0.1, 5), (50, 3, 0.5, 100), (300, 10, 1.0, 50)]:
        _, _, X, y = _problem(rng, n, d)
        _fit_matches_reference(learner, reference, X, y, lr, steps)


@hidden
def test_fit_with_regularisation(learner, reference, rng):
    _, _, X, y = _problem(rng, 80, 5)
    _fit_matches_reference(learner, reference, X, y, 0.3, 100, reg=0.5)


@hidden
def test_fit_with_zero_steps(learner, reference, rng):
    _, _, X, y = _problem(rng, 10, 3)
    _fit_matches_reference(learner, reference, X, y, 0.1, 0)


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    w, b, X, y = _problem(rng, 50000, 10)
    assert_speed(learner.logistic_loss_and_grad, reference.logistic_loss_and_grad, w, b, X, y, reg=0.1, max_ratio=10)
