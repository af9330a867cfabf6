import numpy as np

from grader.engine.testing import assert_allclose, assert_scalar, assert_speed, hidden, sample

# Impurities are sums of (count / n)^2 and thresholds midpoints (a + b) / 2: other formulas (p (1 - p),
# a + (b - a) / 2) move them by an ulp (~1e-16); 1e-9 leaves seven orders, atol 1e-12 covers a pure split's 0,
# while entropy differs from Gini by O(0.1) on a mixed node and a cut at a data value by half a gap.
RTOL, ATOL = 1e-9, 1e-12


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _split(learner, X, y):
    """The learner's (feature, threshold, weighted_gini), checked for kind."""
    result = learner.best_split(X, y)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(
            f"best_split should return a tuple (feature, threshold, weighted_gini), got {_describe(result)}"
        )
    return _kinds(result)


def _kinds(result):
    feature, threshold, gini = result
    if isinstance(feature, (bool, np.bool_)) or not isinstance(feature, (int, np.integer)):
        raise AssertionError(f"feature should be an integer (a column index, or -1), got {_describe(feature)}")
    return int(feature), assert_scalar(threshold, name="threshold"), assert_scalar(gini, name="weighted_gini")


def _same_split(result, expected, rtol=RTOL, atol=ATOL):
    feature, threshold, gini = _kinds(result)
    if feature != expected[0]:
        raise AssertionError(
            f"feature is {feature}, expected {expected[0]} (your split: x[:, {feature}] <= {threshold:.6g} with "
            f"weighted Gini {gini:.6g}; expected x[:, {expected[0]}] <= {expected[1]:.6g} with {expected[2]:.6g})"
        )
    assert_allclose(threshold, expected[1], rtol=rtol, atol=atol, name="threshold")
    assert_allclose(gini, expected[2], rtol=rtol, atol=atol, name="weighted_gini")


def _matches_reference(learner, reference, X, y, rtol=RTOL, atol=ATOL):
    _same_split(_split(learner, X, y), reference.best_split(X, y), rtol, atol)


def _problem(rng, n, d, c, levels=None):
    """Features that carry some signal about the labels; integer levels give repeated values."""
    y = rng.integers(0, c, size=n)
    X = rng.normal(size=(n, d)) + y[:, None] * rng.uniform(0, 1.5, size=d)
    if levels is not None:
        X = np.floor(X * levels / 2)
    return X, y


@sample
def test_a_perfect_split(learner):
    X = np.array([[1.0], [2.0], [3.0], [10.0], [11.0], [12.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    _same_split(_split(learner, X, y), (0, 6.5, 0.0))


@sample
def test_a_small_worked_example(learner):
    # Cuts at 1.5, 2.5, 3.5 give 1/3, 1/4, 1/3: the middle one wins.
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    y = np.array([0, 0, 1, 0])
    _same_split(_split(learner, X, y), (0, 2.5, 0.25))


@sample
def test_constant_features_have_no_split(learner):
    X = np.array([[5.0, 1.0], [5.0, 1.0], [5.0, 1.0]])
    y = np.array([0, 1, 1])
    # No threshold separates equal values: feature -1, threshold NaN, the parent's Gini 1 - (1/9 + 4/9).
    _same_split(_split(learner, X, y), (-1, float("nan"), 4 / 9))


@hidden(weight=2)
def test_matches_reference(learner, reference, rng):
    for n, d, c in [(2, 1, 2), (10, 2, 2), (50, 3, 3), (300, 8, 4), (1000, 2, 10)]:
        _matches_reference(learner, reference, *_problem(rng, n, d, c))


@hidden(weight=2)
def test_repeated_values(learner, reference, rng):
    # Few distinct values per feature: a cut between two equal values is no split.
    for n, d, c, levels in [(40, 3, 2, 3), (200, 4, 3, 5), (500, 2, 2, 2)]:
        _matches_reference(learner, reference, *_problem(rng, n, d, c, levels))


@hidden(weight=2)
def test_ties_go_to_the_lowest_feature_then_threshold(learner, reference, rng):
    X, y = _problem(rng, 60, 3, 2)
    # Column 3 duplicates column 1: its splits tie with column 1's, which must win.
    _matches_reference(learner, reference, np.hstack([X, X[:, 1:2]]), y)
    # One label everywhere: every split has impurity 0, so feature 0's first midpoint.
    _matches_reference(learner, reference, X, np.zeros(60, dtype=np.int64))
    # Alternating labels on 0..7: mathematically equal impurities at several cuts.
    grid = np.arange(8.0)[:, None]
    _matches_reference(learner, reference, np.hstack([grid, grid[::-1]]), np.array([0, 1, 0, 1, 1, 0, 1, 0]))


@hidden
def test_labels_are_any_integers(learner, reference, rng):
    X, codes = _problem(rng, 80, 3, 3)
    _matches_reference(learner, reference, X, np.array([-7, 3, 1000])[codes])


@hidden
def test_some_constant_features(learner, reference, rng):
    X, y = _problem(rng, 50, 4, 3)
    X[:, 0] = 2.5
    X[:, 2] = -1.0
    _matches_reference(learner, reference, X, y)


@hidden
def test_no_split_exists(learner, reference, rng):
    _matches_reference(learner, reference, rng.normal(size=(1, 3)), np.array([4]))  # one sample
    _matches_reference(learner, reference, np.full((6, 2), 3.0), rng.integers(0, 3, size=6))


@hidden
def test_float32_input(learner, reference, rng):
    X, y = _problem(rng, 100, 3, 3)
    X32 = X.astype(np.float32)
    # float32 midpoints round to ~6e-8 relative (impurities still come from exact counts): 1e-6 leaves ~30x,
    # while a cut at a data value or in the wrong gap moves the threshold by a gap between values.
    _same_split(_split(learner, X32, y), reference.best_split(X32.astype(np.float64), y), rtol=1e-6, atol=1e-6)


@hidden
def test_speed_against_a_quadratic_scan(learner, reference, rng):
    X, y = _problem(rng, 2000, 6, 3)
    assert_speed(learner.best_split, reference.best_split, X, y, max_ratio=10, check=_same_split)
