import numpy as np

from grader.engine.testing import assert_allclose, assert_finite, assert_shape, assert_speed, hidden, sample

# KL values are O(1) for random rows and exactly 0 for equal rows; float64
# formulas (log p - log q, log(p / q), cross-entropy minus entropy) agree to
# ~1e-15 absolute, which atol covers near 0.
RTOL, ATOL = 1e-7, 1e-12

TINY = (
    "peaked rows with probabilities down to about 1e-120: a small q under a large p costs a lot, so "
    "log(q + ε) or log((p + ε) / (q + ε)) is far off; take the logs as they are and mask only p = 0"
)
ZEROS = (
    "zeros in p and in q: 0 · log(0 / q) is NaN in float64 but counts 0, and p > 0 over q = 0 is inf; mask "
    "p = 0 rather than adding an ε, which turns that inf into a finite number"
)
EXTREME = (
    "logits in the thousands, rows up to 1e4 apart: softmax underflows to exact zeros, so a KL through "
    "probabilities is inf or NaN, and exp overflows past 709 unless each row is shifted by its own max; "
    "subtract log-sum-exps (log-softmax) and never form the probabilities' logs"
)


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _distributions(rng, n, c, scale=1.0):
    """Two (n, c) arrays of strictly positive rows summing to 1."""
    return _softmax(rng.normal(size=(n, c)) * scale), _softmax(rng.normal(size=(n, c)) * scale)


def _kl(learner, p, q):
    return assert_shape(learner.kl_divergence(p, q), (p.shape[0],), name="kl_divergence(p, q)")


def _kl_logits(learner, a, b):
    return assert_shape(learner.kl_from_logits(a, b), (a.shape[0],), name="kl_from_logits(logits_p, logits_q)")


def _matches(learner, reference, p, q, rtol=RTOL, atol=ATOL, probe=""):
    assert_allclose(_kl(learner, p, q), reference.kl_divergence(p, q), rtol=rtol, atol=atol,
                    name="kl_divergence(p, q)", probe=probe)  # fmt: skip


def _matches_logits(learner, reference, a, b, rtol=RTOL, atol=ATOL, probe=""):
    assert_allclose(_kl_logits(learner, a, b), reference.kl_from_logits(a, b), rtol=rtol, atol=atol,
                    name="kl_from_logits(logits_p, logits_q)", probe=probe)  # fmt: skip


@sample
def test_a_small_example_and_equal_rows_give_zero(learner):
    p = np.array([[0.5, 0.5], [0.25, 0.75]])
    q = np.array([[0.25, 0.75], [0.25, 0.75]])
    kl = _kl(learner, p, q)
    # row 0: 0.5 log(0.5/0.25) + 0.5 log(0.5/0.75) = 0.5 log(4/3); row 1: p == q
    assert_allclose(kl, np.array([0.5 * np.log(4 / 3), 0.0]), rtol=1e-10, atol=1e-15, name="kl_divergence(p, q)")


@sample
def test_zeros_in_p_contribute_nothing_and_zeros_in_q_give_inf(learner):
    p = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    q = np.array([[0.5, 0.5, 0.0], [0.5, 0.0, 0.5]])
    kl = _kl(learner, p, q)
    # row 0: only 1 * log(1 / 0.5) counts (0 * log(0 / 0) is 0); row 1: p = 0.5 where q = 0
    assert_allclose(kl, np.array([np.log(2), np.inf]), rtol=1e-10, name="kl_divergence(p, q)", probe=ZEROS)


@sample
def test_from_logits_matches_the_probability_form_and_survives_huge_logits(learner):
    a, b = np.array([[1.0, 2.0, 3.0]]), np.array([[3.0, 2.0, 1.0]])
    expected = np.sum(_softmax(a) * np.log(_softmax(a) / _softmax(b)), axis=1)
    assert_allclose(_kl_logits(learner, a, b), expected, rtol=1e-10, name="kl_from_logits([[1, 2, 3]], [[3, 2, 1]])")
    # Adding 1000 to every logit of a row changes neither distribution.
    # The shift rounds logits of 1000 to ~1e-13 absolute, against a KL of ~1.3: rtol 1e-9 leaves 1e4.
    assert_allclose(_kl_logits(learner, a + 1000, b - 1000), expected, rtol=1e-9,
                    name="kl_from_logits([[1001, 1002, 1003]], [[-997, -998, -999]])",
                    probe="logits of ±1000: exp overflows past 709 unless each row is shifted by its max")  # fmt: skip


@hidden(weight=2)
def test_kl_divergence_matches_reference(learner, reference, rng):
    for n, c, scale in [(1, 2, 1.0), (10, 5, 1.0), (64, 10, 3.0), (5, 1000, 1.0), (200, 3, 0.01)]:
        _matches(learner, reference, *_distributions(rng, n, c, scale))


@hidden
def test_kl_divergence_is_not_symmetric(learner, reference, rng):
    # A peaked p against a flat q, and the other way round: KL(p||q) != KL(q||p).
    p, q = _softmax(rng.normal(size=(20, 6)) * 4), _softmax(rng.normal(size=(20, 6)) * 0.2)
    _matches(learner, reference, p, q)
    _matches(learner, reference, q, p)


@hidden(weight=2)
def test_zero_probabilities(learner, reference, rng):
    p, q = _distributions(rng, 30, 6)
    # Zero a few entries of p (0 * log 0 = 0) and of q, some where p is zero too.
    zero_p = rng.random((30, 6)) < 0.3
    zero_p[:, 0] = False  # every row keeps some mass
    p[zero_p] = 0.0
    q[zero_p & (rng.random((30, 6)) < 0.5)] = 0.0
    p /= p.sum(axis=1, keepdims=True)
    q /= q.sum(axis=1, keepdims=True)
    _matches(learner, reference, p, q, probe=ZEROS)
    # One-hot p: the KL is -log q of the hot class.
    hot = rng.integers(0, 6, size=30)
    onehot = np.eye(6)[hot]
    _matches(learner, reference, onehot, q, probe=ZEROS)
    # Rows where q misses an outcome p has are inf; the others stay finite.
    q2 = _distributions(rng, 30, 6)[1]
    q2[::3, 2] = 0.0
    q2 /= q2.sum(axis=1, keepdims=True)
    _matches(learner, reference, _distributions(rng, 30, 6)[0], q2, probe=ZEROS)


@hidden
def test_tiny_probabilities(learner, reference, rng):
    # Peaked rows with entries down to ~1e-120: a tiny q under a large p costs a lot,
    # so smoothing with log(q + eps) is far off; no entry is 0 or subnormal.
    peaked = [_softmax(rng.normal(size=(40, 5)) * 40) for _ in range(2)]
    flat = _softmax(rng.normal(size=(40, 5)))
    _matches(learner, reference, flat, peaked[0], probe=TINY)
    _matches(learner, reference, peaked[1], peaked[0], probe=TINY)


@hidden
def test_single_class_and_single_row(learner, reference, rng):
    assert_allclose(_kl(learner, np.ones((3, 1)), np.ones((3, 1))), np.zeros(3), atol=1e-15,
                    name="kl_divergence(p, q) with one class")  # fmt: skip
    _matches(learner, reference, *_distributions(rng, 1, 7))
    assert_allclose(_kl_logits(learner, rng.normal(size=(3, 1)), rng.normal(size=(3, 1))), np.zeros(3), atol=1e-15,
                    name="kl_from_logits(logits_p, logits_q) with one class")  # fmt: skip


@hidden(weight=2)
def test_kl_from_logits_matches_reference(learner, reference, rng):
    for n, c, scale in [(1, 2, 1.0), (10, 5, 1.0), (64, 10, 5.0), (5, 1000, 2.0), (200, 3, 0.01)]:
        _matches_logits(learner, reference, rng.normal(size=(n, c)) * scale, rng.normal(size=(n, c)) * scale)


@hidden(weight=2)
def test_kl_from_logits_with_extreme_logits(learner, reference, rng):
    # Softmax of these underflows to exact zeros; the log-softmax stays finite,
    # so the true KL is finite (about the gap between logits), never inf or NaN.
    cases = [
        (rng.normal(size=(50, 4)) * 1e3, rng.normal(size=(50, 4)) * 1e3),
        (rng.normal(size=(20, 6)) * 1e4, rng.normal(size=(20, 6))),
        (rng.normal(size=(30, 3)) + rng.uniform(-1e4, 1e4, size=(30, 1)), rng.normal(size=(30, 3)) * 800),
        (np.array([[1000.0, 0.0], [0.0, 1000.0], [-1e4, 1e4]]), np.array([[0.0, 1000.0], [0.0, 1000.0], [1e4, -1e4]])),
    ]
    for a, b in cases:
        kl = _kl_logits(learner, a, b)
        assert_finite(kl, name="kl_from_logits(logits_p, logits_q)", probe=EXTREME)
        _matches_logits(learner, reference, a, b, probe=EXTREME)


@hidden
def test_float32_input(learner, reference, rng):
    p, q = (x.astype(np.float32) for x in _distributions(rng, 64, 8))
    expected = reference.kl_divergence(p.astype(np.float64), q.astype(np.float64))
    # rtol for KL ~ 1, atol for rows where float32 rounding of log p - log q dominates
    assert_allclose(_kl(learner, p, q), expected, rtol=1e-4, atol=1e-5, name="kl_divergence(p, q)")
    a, b = (rng.normal(size=(64, 8)) * 20).astype(np.float32), (rng.normal(size=(64, 8)) * 20).astype(np.float32)
    expected = reference.kl_from_logits(a.astype(np.float64), b.astype(np.float64))
    assert_allclose(
        _kl_logits(learner, a, b), expected, rtol=1e-4, atol=1e-4, name="kl_from_logits(logits_p, logits_q)"
    )


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    a, b = rng.normal(size=(50_000, 4)), rng.normal(size=(50_000, 4))
    assert_speed(learner.kl_divergence, reference.kl_divergence, _softmax(a), _softmax(b), max_ratio=10)
    assert_speed(learner.kl_from_logits, reference.kl_from_logits, a, b, max_ratio=10)
