import numpy as np

from grader.engine.testing import assert_allclose, assert_scalar, assert_speed, hidden, sample

# AUC = U / (n_pos * n_neg) with U a multiple of 1/2: rank sums, sorted counts or trapezoids agree to ~1e-15.
# One pair misordered, or a tie not counted half, moves it by >= 1 / (2 n_pos n_neg) >= 2e-6 for n <= 1000,
# far outside 1e-10; atol covers an AUC of 0.
RTOL, ATOL = 1e-10, 1e-12


def _problem(rng, n, separation=1.0, decimals=None, positive_rate=0.5, label_dtype=np.int64):
    """Labels with at least one of each class, and scores higher on average for positives;
    rounding to `decimals` makes ties."""
    y = (rng.random(n) < positive_rate).astype(label_dtype)
    y[0], y[1] = 0, 1
    y = rng.permutation(y)
    scores = rng.normal(size=n) + separation * y
    if decimals is not None:
        scores = np.round(scores, decimals)
    return y, scores


def _auc(learner, y_true, scores):
    return assert_scalar(learner.roc_auc(y_true, scores), name="roc_auc")


def _matches_reference(learner, reference, y_true, scores):
    assert_allclose(_auc(learner, y_true, scores), reference.roc_auc(y_true, scores), rtol=RTOL, atol=ATOL,
                    name="roc_auc")  # fmt: skip


@sample
def test_perfect_and_reversed_rankings(learner):
    y = np.array([0, 0, 1, 1, 0, 1])
    scores = np.array([0.1, 0.2, 0.7, 0.9, 0.3, 0.8])
    # Every pair ordered: exactly 1, 1e-12 only allows the last bit; one pair wrong is off by 1/9.
    assert_allclose(_auc(learner, y, scores), 1.0, rtol=1e-12, name="roc_auc (every positive above every negative)")
    # No pair ordered: exactly 0, so atol decides; a reversed direction gives 1.
    assert_allclose(_auc(learner, y, -scores), 0.0, atol=1e-12, name="roc_auc (every positive below every negative)")


@sample
def test_a_tie_counts_half(learner):
    # Pairs (positive, negative): (0.5, 0.2) win, (0.5, 0.5) tie, (0.9, 0.2) win, (0.9, 0.5) win.
    y = np.array([0, 1, 0, 1])
    scores = np.array([0.2, 0.5, 0.5, 0.9])
    # 3.5 / 4 is exact in float64; a tie counted 0 or 1, or one pair wrong, moves it by 1/8.
    assert_allclose(_auc(learner, y, scores), 3.5 / 4, rtol=1e-12, name="roc_auc")


@sample
def test_equal_scores_give_one_half_and_one_class_gives_nan(learner):
    # All tied: every pair is half a win, exactly 0.5; ordinal ranks or ties counted 0 miss by 1/12 or more.
    assert_allclose(_auc(learner, np.array([0, 1, 1, 0, 1]), np.full(5, 0.3)), 0.5, rtol=1e-12,
                    name="roc_auc (all scores equal)")  # fmt: skip
    auc = _auc(learner, np.array([1, 1, 1]), np.array([0.1, 0.2, 0.3]))
    assert np.isnan(auc), f"with no negative sample roc_auc should be nan, got {auc!r}"


@hidden(weight=2)
def test_matches_reference_on_random_scores(learner, reference, rng):
    for n, separation, rate in [(2, 1.0, 0.5), (10, 0.5, 0.5), (100, 1.0, 0.3), (1000, 2.0, 0.5), (777, 0.0, 0.1),
                                (50, -1.0, 0.8)]:  # fmt: skip
        _matches_reference(learner, reference, *_problem(rng, n, separation, positive_rate=rate))


@hidden(weight=2)
def test_many_ties(learner, reference, rng):
    for n, decimals in [(100, 1), (1000, 0), (500, 2), (30, 0)]:
        _matches_reference(learner, reference, *_problem(rng, n, decimals=decimals))
    # Three distinct scores only, and ties across the two classes.
    y = rng.permutation(np.r_[np.zeros(40, dtype=np.int64), np.ones(25, dtype=np.int64)])
    _matches_reference(learner, reference, y, rng.integers(0, 3, size=65).astype(np.float64))


@hidden
def test_all_scores_equal(learner, rng):
    for n in (2, 7, 1000):
        y, _ = _problem(rng, n)
        # All equal: exactly 0.5 for any n, up to one division's rounding; ties counted 0 give 0.
        assert_allclose(_auc(learner, y, np.full(n, -2.5)), 0.5, rtol=1e-12, name=f"roc_auc (n={n}, all equal)")


@hidden(weight=2)
def test_one_class_gives_nan(learner, rng):
    for y in (np.ones(5, dtype=np.int64), np.zeros(8, dtype=np.int64), np.ones(1, dtype=np.int64)):
        auc = _auc(learner, y, rng.normal(size=y.size))
        assert np.isnan(auc), f"with only label {int(y[0])} in y_true (n={y.size}) roc_auc should be nan, got {auc!r}"


@hidden
def test_order_not_values_matters(learner, reference, rng):
    # Huge, tiny and nearly equal scores: only their order counts.
    y, scores = _problem(rng, 200, separation=1.0)
    for transformed in (scores * 1e300, scores * 1e-300, 1.0 + scores * 1e-12, np.exp(scores), scores**3):
        _matches_reference(learner, reference, y, transformed)


@hidden
def test_one_positive_and_one_negative(learner):
    for scores, expected in (([0.2, 0.8], 1.0), ([0.8, 0.2], 0.0), ([0.5, 0.5], 0.5)):
        auc = _auc(learner, np.array([0, 1]), np.array(scores))
        # One pair: exactly 0, 1/2 or 1; atol 1e-12 (and the default rtol 1e-7) allow rounding only, a wrong rule
        # is off by 1/2.
        assert_allclose(auc, expected, atol=1e-12, name=f"roc_auc(y_true=[0, 1], scores={scores})")


@hidden
def test_int32_labels_and_float32_scores(learner, reference, rng):
    y, scores = _problem(rng, 300, decimals=1, label_dtype=np.int32)
    _matches_reference(learner, reference, y, scores)
    s32 = scores.astype(np.float32)
    _matches_reference(learner, reference, y, s32)


@hidden(weight=2)
def test_speed_without_comparing_every_pair(learner, reference, rng):
    y, scores = _problem(rng, 20_000, decimals=2)
    # Two untimed calls first: the inputs are then kept by the learner process,
    # so the timed calls measure the function, not copying them into cold memory.
    _auc(learner, y, scores)
    _auc(learner, y, scores)
    assert_speed(learner.roc_auc, reference.roc_auc, y, scores, max_ratio=10)
