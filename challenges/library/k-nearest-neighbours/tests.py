import numpy as np

from grader.engine.testing import assert_shape, assert_speed, hidden, probe_line, sample


def _predict(learner, X_train, y_train, X_test, k):
    """The learner's predictions, checked for shape and an integer dtype."""
    y = assert_shape(learner.knn_predict(X_train, y_train, X_test, k), (X_test.shape[0],), name="y_pred")
    if y.dtype.kind not in "iu":
        raise AssertionError(f"y_pred has dtype {y.dtype}; it should hold integer labels (e.g. classes[argmax])")
    return y


def _assert_labels(y, expected, name="y_pred", probe=""):
    expected = np.asarray(expected)
    wrong = np.flatnonzero(y != expected)
    if wrong.size:
        i = wrong[0]
        raise AssertionError(f"{name}: {wrong.size} of {expected.size} predictions differ; "
                             f"first at {name}[{i}]: got {y[i]}, expected {expected[i]}" + probe_line(probe))  # fmt: skip


def _matches_reference(learner, reference, X_train, y_train, X_test, k, probe=""):
    y = _predict(learner, X_train, y_train, X_test, k)
    _assert_labels(y, reference.knn_predict(X_train, y_train, X_test, k), name=f"y_pred (k={k})", probe=probe)


def _grid(rng, n, d, low=-2, high=3):
    """Integer-valued points: every distance is exact, so equal distances are truly equal."""
    return rng.integers(low, high, size=(n, d)).astype(np.float64)


@sample
def test_two_separated_clusters(learner, rng):
    X_train = np.vstack([rng.normal(size=(20, 2)), rng.normal(size=(20, 2)) + 10.0])
    y_train = np.repeat([0, 1], 20)
    X_test = np.vstack([rng.normal(size=(5, 2)), rng.normal(size=(5, 2)) + 10.0])
    y = _predict(learner, X_train, y_train, X_test, 5)
    _assert_labels(y, np.repeat([0, 1], 5))


ZERO_DISTANCE = (
    "queries equal to training points: their distance is exactly 0, but the expansion |a|² − 2a·b + |b|² "
    "rounds it to ±1e-16 or so, and the square root of a negative is NaN; clip at 0 before the root"
)


@sample
def test_k1_on_the_training_points_gives_their_labels(learner, rng):
    X_train = rng.normal(size=(30, 4))
    y_train = rng.integers(0, 4, size=30)
    _assert_labels(_predict(learner, X_train, y_train, X_train, 1), y_train, probe=ZERO_DISTANCE)


@sample
def test_the_tie_rules(learner):
    X_train = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0], [6.0, 5.0]])
    y_train = np.array([3, 3, 1, 2, 2])
    y = _predict(learner, X_train, y_train, np.array([[0.0, 0.5]]), 2)
    if y[0] != 1:
        raise AssertionError(f"one vote each for labels 3 and 1 should give the smaller label 1, got {y[0]}")
    y = _predict(learner, X_train, y_train, np.array([[0.5, 0.5]]), 1)
    if y[0] != 3:
        raise AssertionError("training rows 0, 1 and 2 are equally near: the lowest index (row 0, label 3) "
                             f"should win, got {y[0]}")  # fmt: skip


@hidden(weight=2)
def test_matches_reference_on_random_data(learner, reference, rng):
    for n, m, d, n_classes, k in [(50, 20, 2, 3, 1), (100, 40, 5, 4, 5), (200, 30, 16, 10, 7), (30, 30, 3, 2, 4)]:
        X_train = rng.normal(size=(n, d))
        y_train = rng.integers(0, n_classes, size=n)
        _matches_reference(learner, reference, X_train, y_train, rng.normal(size=(m, d)), k)


@hidden
def test_negative_and_non_consecutive_labels(learner, reference, rng):
    X_train, X_test = rng.normal(size=(60, 3)), rng.normal(size=(25, 3))
    for labels in (np.array([-1, 1]), np.array([-7, 3, 40, 1000]), np.array([5])):
        y_train = rng.choice(labels, size=60)
        for k in (1, 4, 9):
            _matches_reference(learner, reference, X_train, y_train, X_test, k)
    y_train = rng.choice(np.array([-3, 0, 2]), size=60).astype(np.int32)
    _matches_reference(learner, reference, X_train, y_train, X_test, 6)


@hidden(weight=2)
def test_equal_distances_go_to_the_lower_index(learner, reference, rng):
    # Four training points at distance 1 from the origin and one farther away.
    X_train = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0], [3.0, 3.0]])
    y_train = np.array([5, 2, 2, 9, 0])
    origin = np.zeros((1, 2))
    for k, label in ((1, 5), (3, 2), (2, 2)):
        _assert_labels(_predict(learner, X_train, y_train, origin, k), [label], name=f"y_pred at the origin (k={k})")
    # Integer grids: many equal distances, including at the k-th neighbour.
    for n, m, d, k in [(40, 30, 2, 3), (80, 50, 3, 6), (25, 25, 1, 4)]:
        y_train = rng.integers(0, 4, size=n)
        _matches_reference(learner, reference, _grid(rng, n, d), y_train, _grid(rng, m, d), k)


@hidden
def test_tied_votes_go_to_the_smallest_label(learner, reference, rng):
    for n, m, k, n_classes in [(60, 40, 2, 6), (60, 40, 4, 8), (100, 40, 6, 3)]:
        X_train, X_test = rng.normal(size=(n, 3)), rng.normal(size=(m, 3))
        labels = rng.permutation(np.arange(n_classes) * 3 - 5)  # shuffled, so order of first appearance is random
        _matches_reference(learner, reference, X_train, rng.choice(labels, size=n), X_test, k)


@hidden
def test_k_equal_to_the_training_set_size(learner, reference, rng):
    X_train, X_test = rng.normal(size=(15, 2)), rng.normal(size=(10, 2))
    y_train = rng.integers(0, 3, size=15)
    _matches_reference(learner, reference, X_train, y_train, X_test, 15)
    _matches_reference(learner, reference, X_train[:1], y_train[:1], X_test, 1)


@hidden
def test_duplicated_training_points(learner, reference, rng):
    base = rng.normal(size=(10, 3))
    X_train = np.vstack([base, base, base])  # each point three times, with different labels
    y_train = rng.integers(0, 5, size=30)
    for k in (1, 2, 3):
        _matches_reference(learner, reference, X_train, y_train, base, k, probe=ZERO_DISTANCE)


@hidden
def test_points_far_from_the_origin(learner, reference, rng):
    X_train = rng.normal(size=(100, 8)) + 1e4
    y_train = rng.integers(0, 4, size=100)
    X_test = np.vstack([X_train[rng.permutation(100)[:60]], rng.normal(size=(20, 8)) + 1e4])
    probe = ("points near 1e4, queried at training points: the expansion |a|² − 2a·b + |b|², exact in arithmetic, "
             "subtracts numbers of ~1e9 and rounds by ~1e-7, so a distance of exactly 0 can come out negative and "
             "its square root NaN; clip at 0 before the root, or compare squared distances")  # fmt: skip
    for k in (1, 3):
        _matches_reference(learner, reference, X_train, y_train, X_test, k, probe=probe)


@hidden
def test_float32_input(learner, reference, rng):
    # Integer-valued coordinates are exact in float32 too, ties included.
    X_train, X_test = _grid(rng, 60, 4).astype(np.float32), _grid(rng, 30, 4).astype(np.float32)
    y_train = rng.integers(0, 3, size=60)
    y = _predict(learner, X_train, y_train, X_test, 5)
    expected = reference.knn_predict(X_train.astype(np.float64), y_train, X_test.astype(np.float64), 5)
    _assert_labels(y, expected)


@hidden
def test_speed_on_many_queries(learner, reference, rng):
    X_train = rng.normal(size=(50, 8))
    y_train = rng.integers(0, 5, size=50)
    X_test = rng.normal(size=(10000, 8))
    assert_speed(learner.knn_predict, reference.knn_predict, X_train, y_train, X_test, 5, max_ratio=10)
