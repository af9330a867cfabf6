import numpy as np

from grader.engine.testing import assert_allclose, assert_finite, assert_shape, assert_speed, hidden, sample

# Softmax values lie in [0, 1]: atol only forgives noise in probabilities too
# small to matter. A probability's relative condition number in the logits is about
# max|z|: at logits of 1e4 correct float64 forms (shift then divide, exp of a
# log-softmax) differ by ~1e4 * u = 1e-12 relative; rtol 1e-6 leaves 6 orders, while
# clipping the logits or shifting by the global max is off by O(1).
RTOL, ATOL = 1e-6, 1e-12

OVERFLOW = (
    "logits of about 1000 and more: exp(z) overflows float64 past z ≈ 709 and inf / inf is NaN; "
    "subtract each row's max first (softmax does not change)"
)
ROWS_APART = (
    "rows far apart and far from 0: exp(z) overflows past z ≈ 709 unless shifted, and a shift by the global "
    "max leaves a lower row's exp(z − max) all 0, so 0 / 0; shift each row by its own max"
)


@sample
def test_probabilities_sum_to_one_and_keep_order(learner):
    s = assert_shape(learner.softmax(np.array([1.0, 2.0, 3.0])), (3,), name="softmax([1, 2, 3])")
    assert_allclose(s.sum(), 1.0, rtol=1e-9, name="softmax([1, 2, 3]).sum()")
    assert s[2] > s[1] > s[0], "a larger logit should get a larger probability"


@sample
def test_large_logits_do_not_overflow(learner):
    s = assert_shape(learner.softmax(np.array([1000.0, 1001.0, 1002.0])), (3,), name="softmax([1000, 1001, 1002])")
    assert_finite(s, name="softmax([1000, 1001, 1002])", probe=OVERFLOW)
    assert_allclose(s.sum(), 1.0, rtol=1e-9, name="softmax([1000, 1001, 1002]).sum()")


@sample
def test_each_row_of_a_batch_sums_to_one(learner):
    Z = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0]])
    S = assert_shape(learner.softmax(Z), (2, 3), name="softmax(Z)")
    assert_allclose(S.sum(axis=1), np.ones(2), rtol=1e-9, name="softmax(Z).sum(axis=1)", probe=ROWS_APART)


@sample
def test_equal_logits_give_a_uniform_distribution(learner):
    s = learner.softmax(np.array([5.0, 5.0, 5.0]))
    assert_allclose(s, np.full(3, 1 / 3), rtol=1e-9, name="softmax([5, 5, 5])")


@hidden
def test_matches_reference_on_random_batches(learner, reference, rng):
    for shape, scale in [((1, 1), 1.0), ((5, 3), 1.0), ((64, 10), 10.0), ((3, 1000), 3.0), ((200, 2), 50.0)]:
        Z = rng.normal(size=shape) * scale
        assert_allclose(learner.softmax(Z), reference.softmax(Z), rtol=RTOL, atol=ATOL, name="softmax(Z)")


@hidden
def test_matches_reference_on_single_vectors(learner, reference, rng):
    for n, scale in [(1, 1.0), (7, 5.0), (1000, 2.0)]:
        z = rng.normal(size=n) * scale
        assert_allclose(learner.softmax(z), reference.softmax(z), rtol=RTOL, atol=ATOL, name="softmax(z)")


@hidden(weight=2)
def test_extreme_logits(learner, reference, rng):
    batches = [
        (rng.normal(size=(256, 10)) * 1e3, OVERFLOW),
        (rng.normal(size=(64, 5)) * 1e4, OVERFLOW),
        (rng.normal(size=(50, 4)) + rng.uniform(-1e4, 1e4, size=(50, 1)), ROWS_APART),
        (np.array([[1e4, 1e4, 1e4], [-1e4, -1e4, -1e4], [-1e4, 0.0, 1e4], [1e3, -1e3, 1e3]]), ROWS_APART),
    ]
    for Z, probe in batches:
        assert_allclose(learner.softmax(Z), reference.softmax(Z), rtol=RTOL, atol=ATOL, name="softmax(Z)", probe=probe)
    for z in (np.array([-1000.0, -1001.0, -1002.0]), rng.normal(size=20) * 5e3):
        probe = "logits of about ±1000 and more: exp underflows to 0 / 0 below z ≈ −745 and overflows above 709"
        assert_allclose(learner.softmax(z), reference.softmax(z), rtol=RTOL, atol=ATOL, name="softmax(z)", probe=probe)


@hidden
def test_float32_input(learner, reference, rng):
    # Logits up to ~100: exp overflows float32 past 88, so this needs the shift too.
    Z = (rng.normal(size=(100, 10)) * 30).astype(np.float32)
    expected = reference.softmax(Z.astype(np.float64))
    # float32 rounds to ~6e-8; logits of ~100 times that is ~1e-5 relative: rtol 1e-4 leaves 10x.
    assert_allclose(learner.softmax(Z), expected, rtol=1e-4, atol=1e-6, name="softmax(Z)",
                    probe="float32 logits up to about 100: exp overflows float32 past 88")  # fmt: skip


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    Z = rng.normal(size=(4000, 5))
    assert_speed(learner.softmax, reference.softmax, Z, max_ratio=10)
