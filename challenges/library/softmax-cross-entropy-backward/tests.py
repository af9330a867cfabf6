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

# Exact float64 methods (log-sum-exp, or exp / sum) agree to ~1e-13 relative on the
# loss; dlogits entries are at most 1/N, and atol forgives noise in probabilities
# far too small to matter and in p - 1 for a near-certain right class.
RTOL, ATOL = 1e-7, 1e-13

EXTREME = (
    "logits in the thousands, rows up to 1e4 apart: exp overflows past 709 unless each row is shifted by its "
    "own max (a batch max leaves lower rows at 0 / 0), and a hopeless right class has p = 0, where −log(p) is inf "
    "and −log(p + ε) is capped near 27.6; take the loss from the log-sum-exp"
)


def _batch(rng, n, c, scale=1.0, label_dtype=np.int64):
    logits = rng.normal(size=(n, c)) * scale
    y = rng.integers(0, c, size=n).astype(label_dtype)
    return logits, y


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _call(learner, logits, y):
    """The learner's (loss, dlogits), checked for kind and shape."""
    result = learner.softmax_cross_entropy(logits, y)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"softmax_cross_entropy should return a tuple (loss, dlogits), got {_describe(result)}")
    loss, dlogits = result
    loss = assert_scalar(loss, name="loss")
    assert_shape(dlogits, logits.shape, name="dlogits")
    return loss, dlogits


def _matches_reference(learner, reference, logits, y, rtol=RTOL, atol=ATOL, expected_from=None, probe=""):
    loss, dlogits = _call(learner, logits, y)
    loss_ref, dlogits_ref = reference.softmax_cross_entropy(logits if expected_from is None else expected_from, y)
    assert_allclose(loss, loss_ref, rtol=rtol, atol=atol, name="loss", probe=probe)
    assert_allclose(dlogits, dlogits_ref, rtol=rtol, atol=atol / logits.shape[0], name="dlogits", probe=probe)


@sample
def test_uniform_logits_give_log_c_and_a_gradient_of_p_minus_one_hot(learner):
    logits = np.zeros((2, 4))
    y = np.array([1, 3])
    loss, dlogits = _call(learner, logits, y)
    assert_allclose(loss, np.log(4), rtol=1e-12, name="loss (uniform logits give log C)")
    # softmax is 1/4 everywhere; minus 1 at the label; divided by N = 2 for the mean.
    expected = np.array([[0.25, -0.75, 0.25, 0.25], [0.25, 0.25, 0.25, -0.75]]) / 2
    assert_allclose(dlogits, expected, rtol=1e-12, name="dlogits")


@sample
def test_each_row_of_the_gradient_sums_to_zero(learner, rng):
    logits, y = _batch(rng, 16, 5, scale=3.0)
    _, dlogits = _call(learner, logits, y)
    assert_allclose(dlogits.sum(axis=1), np.zeros(16), atol=1e-12, name="dlogits.sum(axis=1)")


@sample
def test_logits_of_1e4_scale_stay_finite(learner, rng):
    logits, y = _batch(rng, 8, 5, scale=1e4)
    loss, dlogits = _call(learner, logits, y)
    assert_finite(loss, name="loss", probe=EXTREME)
    assert_finite(dlogits, name="dlogits", probe=EXTREME)


@hidden(weight=2)
def test_matches_reference_on_random_batches(learner, reference, rng):
    for n, c, scale in [(1, 2, 1.0), (32, 10, 1.0), (500, 3, 0.1), (8, 1000, 3.0), (64, 5, 20.0), (3, 7, 1.0)]:
        _matches_reference(learner, reference, *_batch(rng, n, c, scale))


@hidden(weight=2)
def test_gradient_matches_finite_differences(learner, reference, rng):
    for n, c in [(1, 3), (4, 5), (6, 2)]:
        logits, y = _batch(rng, n, c, scale=2.0)
        _, dlogits = _call(learner, logits, y)
        check_gradient(dlogits, lambda z, y=y: reference.softmax_cross_entropy(z, y)[0], logits, name="dlogits")


@hidden(weight=2)
def test_extreme_logits(learner, reference, rng):
    # Finite is not enough: log(p + eps) is finite but far from the true loss.
    cases = [_batch(rng, 64, 10, scale=1e3), _batch(rng, 32, 5, scale=1e4)]
    # Rows far apart: the shift must be each row's own max, not the batch's.
    logits, y = _batch(rng, 20, 4)
    cases.append((logits + rng.uniform(-1e4, 1e4, size=(20, 1)), y))
    hard = np.array([[1e4, -1e4, 0.0], [1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [0.0, 1e4, 1e4]])
    cases.append((hard, np.array([0, 1, 2, 1])))  # right, hopeless, all very negative, a tie at the top
    for logits, y in cases:
        _matches_reference(learner, reference, logits, y, probe=EXTREME)


@hidden
def test_a_single_class_gives_zero_loss_and_gradient(learner):
    loss, dlogits = _call(learner, np.array([[3.0], [-2.0], [500.0]]), np.zeros(3, dtype=np.int64))
    assert_allclose(loss, 0.0, atol=1e-12, name="loss")
    assert_allclose(dlogits, np.zeros((3, 1)), atol=1e-12, name="dlogits")


@hidden
def test_int32_labels_and_a_batch_of_one(learner, reference, rng):
    _matches_reference(learner, reference, *_batch(rng, 40, 6, label_dtype=np.int32))
    _matches_reference(learner, reference, *_batch(rng, 1, 6, scale=5.0))


@hidden
def test_float32_logits(learner, reference, rng):
    logits, y = _batch(rng, 100, 10, scale=30.0)
    logits32 = logits.astype(np.float32)
    _matches_reference(learner, reference, logits32, y, rtol=1e-4, atol=1e-6, expected_from=logits32.astype(np.float64),
                       probe="float32 logits up to about 100: exp overflows float32 past 88 unless shifted")  # fmt: skip


def _same_loss_and_gradient(result, expected):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"softmax_cross_entropy should return a tuple (loss, dlogits), got {_describe(result)}")
    assert_allclose(assert_scalar(result[0], name="loss"), expected[0], rtol=RTOL, name="loss")
    assert_allclose(result[1], expected[1], rtol=RTOL, atol=ATOL / expected[1].shape[0], name="dlogits")


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    logits, y = _batch(rng, 20_000, 10)
    # Two untimed calls first: the inputs are then kept by the learner process,
    # so the timed calls measure the function, not copying them into cold memory.
    _call(learner, logits, y)
    _call(learner, logits, y)
    assert_speed(learner.softmax_cross_entropy, reference.softmax_cross_entropy, logits, y, max_ratio=10,
                 check=_same_loss_and_gradient)  # fmt: skip
