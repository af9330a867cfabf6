import numpy as np

from grader.engine.testing import assert_allclose, assert_scalar, assert_speed, hidden, probe_line, sample

# The loss is a mean of per-row log-sum-exps, never 0 here (so rtol only): log(softmax), loops or logsumexp
# agree to ~1e-15 relative, 1e-6 leaves nine orders; a sum instead of a mean is N times too big and an eps in
# the log caps each row near 27.6, far from losses in the thousands.
RTOL = 1e-6

EXTREME = (
    "logits in the thousands: exp overflows past 709 unless each row is shifted by its own max, and a "
    "confidently wrong row's probability underflows to 0, so −log(softmax) is inf and −log(p + ε) is capped "
    "near 27.6; work in log space, −z_y + log-sum-exp(z)"
)


def _batch(rng, n, c, scale=1.0, label_dtype=np.int64):
    logits = rng.normal(size=(n, c)) * scale
    labels = rng.integers(0, c, size=n).astype(label_dtype)
    return logits, labels


@sample
def test_random_logits_give_a_positive_scalar(learner, rng):
    logits, labels = _batch(rng, 32, 10)
    loss = assert_scalar(learner.cross_entropy_loss(logits, labels), name="loss")
    assert not np.isnan(loss), "loss should not be NaN"
    assert loss > 0, f"cross-entropy loss should be positive, got {loss:.6g}"


@sample
def test_confident_correct_predictions_give_near_zero_loss(learner, rng):
    labels = rng.integers(0, 10, size=32)
    logits = np.full((32, 10), -10.0)
    logits[np.arange(32), labels] = 10.0
    loss = assert_scalar(learner.cross_entropy_loss(logits, labels), name="loss")
    assert loss < 0.001, f"perfect predictions should have a loss near 0, got {loss:.6g}"


@sample
def test_uniform_logits_give_log_c(learner, rng):
    labels = rng.integers(0, 10, size=32)
    loss = assert_scalar(learner.cross_entropy_loss(np.zeros((32, 10)), labels), name="loss")
    assert abs(loss - np.log(10)) < 0.01, f"uniform logits should give log(C) = {np.log(10):.4f}, got {loss:.6g}"


@sample
def test_extreme_logits_do_not_give_nan(learner, rng):
    logits, labels = _batch(rng, 32, 10, scale=1000.0)
    loss = assert_scalar(learner.cross_entropy_loss(logits, labels), name="loss")
    assert not np.isnan(loss), "loss should not be NaN for logits in the thousands" + probe_line(EXTREME)


@hidden
def test_matches_reference_on_random_batches(learner, reference, rng):
    configs = [
        (1, 2, 1.0, np.int64),
        (32, 10, 1.0, np.int64),
        (500, 3, 0.1, np.int32),
        (8, 1000, 3.0, np.int64),
        (64, 5, 20.0, np.int64),
    ]
    for n, c, scale, label_dtype in configs:
        logits, labels = _batch(rng, n, c, scale, label_dtype)
        expected = reference.cross_entropy_loss(logits, labels)
        assert_allclose(learner.cross_entropy_loss(logits, labels), expected, rtol=RTOL, name="loss")


@hidden(weight=2)
def test_extreme_logits_give_the_exact_loss(learner, reference, rng):
    # Finite is not enough: log(p + eps) is finite but far from the true loss.
    cases = [_batch(rng, 256, 10, scale=1e3), _batch(rng, 64, 5, scale=1e4)]
    confident = np.array([[1e4, -1e4, 0.0], [1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    cases.append((confident, np.array([0, 1, 2])))  # right, very wrong, all very negative
    for logits, labels in cases:
        expected = reference.cross_entropy_loss(logits, labels)
        assert_allclose(learner.cross_entropy_loss(logits, labels), expected, rtol=RTOL, name="loss", probe=EXTREME)


@hidden
def test_a_single_class_gives_zero_loss(learner):
    loss = learner.cross_entropy_loss(np.array([[3.0], [-2.0], [500.0]]), np.zeros(3, dtype=np.int64))
    # One class: softmax is exactly 1 and every correct formula gives 0; log(exp(500)) - 500 without the max
    # shift is off by an ulp of 500 (~1e-13), which atol 1e-12 still allows.
    assert_allclose(loss, 0.0, atol=1e-12, name="loss")


@hidden
def test_float32_logits(learner, reference, rng):
    logits, labels = _batch(rng, 100, 10, scale=30.0)
    logits = logits.astype(np.float32)
    expected = reference.cross_entropy_loss(logits.astype(np.float64), labels)
    # float32 logits up to ~100: log-sum-exp in float32 is off by ~1e-7 relative per row, no worse for the mean
    # of 100 rows; rtol 1e-4 leaves ~1000x, while a sum instead of a mean or an eps in the log is far outside.
    assert_allclose(learner.cross_entropy_loss(logits, labels), expected, rtol=1e-4, name="loss",
                    probe="float32 logits up to about 100: exp overflows float32 past 88 unless shifted")  # fmt: skip


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    logits, labels = _batch(rng, 4000, 5)
    assert_speed(learner.cross_entropy_loss, reference.cross_entropy_loss, logits, labels, max_ratio=10)
