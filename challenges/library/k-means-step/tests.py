import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, hidden, sample

# New centroids are means of up to 1000 points of size ~5: bincount, loops or np.mean add them in other
# orders, ~1e-15 relative; 1e-9 leaves six orders, atol covers coordinates near 0, while dividing by N
# or moving an empty cluster is O(1) off.
RTOL, ATOL = 1e-9, 1e-12


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _check_labels(labels, expected, name="labels"):
    assert_shape(labels, expected.shape, name=name)
    if labels.dtype.kind not in "iu":
        raise AssertionError(f"{name} should hold integers (centroid indices), got dtype {labels.dtype}")
    wrong = np.flatnonzero(labels != expected)
    if wrong.size:
        i = wrong[0]
        raise AssertionError(
            f"{name} differ at {wrong.size} of {expected.size} points; first at {name}[{i}]: "
            f"got {labels[i]}, expected {expected[i]}"
        )


def _step(learner, X, centroids):
    """The learner's (labels, new_centroids), checked for kind and shape."""
    result = learner.kmeans_step(X, centroids)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"kmeans_step should return a tuple (labels, new_centroids), got {_describe(result)}")
    labels, new = result
    assert_shape(labels, (X.shape[0],), name="labels")
    assert_shape(new, centroids.shape, name="new_centroids")
    return labels, new


def _same_step(result, expected, rtol=RTOL, atol=ATOL):
    labels, new = result
    _check_labels(labels, expected[0])
    assert_allclose(new, expected[1], rtol=rtol, atol=atol, name="new_centroids")


def _matches_reference(learner, reference, X, centroids):
    _same_step(_step(learner, X, centroids), reference.kmeans_step(X, centroids))


def _blobs(rng, n, d, k, spread=0.5):
    centres = rng.normal(size=(k, d)) * 5
    X = centres[rng.integers(0, k, size=n)] + rng.normal(size=(n, d)) * spread
    return X, centres + rng.normal(size=(k, d))


@sample
def test_two_obvious_clusters(learner):
    X = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 10.0], [10.0, 12.0]])
    centroids = np.array([[9.0, 9.0], [0.0, 1.0]])
    labels, new = _step(learner, X, centroids)
    _check_labels(labels, np.array([1, 1, 0, 0]))
    # Means of two small integers are exact in float64 (and the 0 must be exactly 0): dividing by N or
    # a wrong assignment moves them by 0.25 or more.
    assert_allclose(new, np.array([[10.0, 11.0], [0.5, 0.0]]), rtol=1e-12, name="new_centroids")


@sample
def test_ties_go_to_the_lowest_index(learner):
    # The point (1, 0) is at squared distance 1 from both centroids.
    X = np.array([[1.0, 0.0], [3.0, 0.0]])
    centroids = np.array([[0.0, 0.0], [2.0, 0.0]])
    labels, _ = _step(learner, X, centroids)
    _check_labels(labels, np.array([0, 1]))


@sample
def test_an_empty_cluster_keeps_its_centroid(learner):
    X = np.array([[0.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    centroids = np.array([[0.0, 1.0], [100.0, 100.0]])  # nobody is near the second
    labels, new = _step(learner, X, centroids)
    _check_labels(labels, np.array([0, 0, 0]))
    # Only 1 / 3 is inexact, and any mean of the three points rounds it to within an ulp (~1e-16 relative);
    # an empty cluster sent to the origin or to NaN is far outside 1e-12.
    assert_allclose(new, np.array([[1 / 3, 1.0], [100.0, 100.0]]), rtol=1e-12, name="new_centroids")


@hidden(weight=2)
def test_matches_reference(learner, reference, rng):
    for n, d, k in [(1, 1, 1), (5, 2, 1), (50, 3, 4), (300, 10, 8), (1000, 2, 20)]:
        _matches_reference(learner, reference, *_blobs(rng, n, d, k))


@hidden
def test_random_centroids_on_random_points(learner, reference, rng):
    X = rng.normal(size=(400, 5))
    _matches_reference(learner, reference, X, X[rng.choice(400, size=6, replace=False)] + 0.01)


@hidden(weight=2)
def test_exact_ties_on_a_grid(learner, reference, rng):
    # Small integers: every distance is exact, and many points are equidistant
    # from two or four centroids.
    X = rng.integers(-4, 5, size=(200, 2)).astype(np.float64)
    centroids = np.array([[-2.0, -2.0], [2.0, -2.0], [-2.0, 2.0], [2.0, 2.0], [0.0, 0.0]])
    _matches_reference(learner, reference, X, centroids)


@hidden
def test_duplicate_centroids(learner, reference, rng):
    # Identical rows: every point picks the first copy; the second stays empty.
    X, centroids = _blobs(rng, 60, 3, 3)
    centroids = np.vstack([centroids, centroids[1:2]])
    _matches_reference(learner, reference, X, centroids)


@hidden(weight=2)
def test_empty_clusters(learner, reference, rng):
    X, centroids = _blobs(rng, 100, 4, 3)
    far = np.array([[1e3, 0, 0, 0], [0, -1e3, 0, 0]], dtype=float)
    _matches_reference(learner, reference, X, np.vstack([far[:1], centroids, far[1:]]))


@hidden
def test_more_centroids_than_points(learner, reference, rng):
    X = rng.normal(size=(3, 2))
    _matches_reference(learner, reference, X, rng.normal(size=(7, 2)))


@hidden
def test_float32_input(learner, reference, rng):
    X, centroids = _blobs(rng, 200, 3, 4, spread=0.3)
    X32, c32 = X.astype(np.float32), centroids.astype(np.float32)
    result = _step(learner, X32, c32)
    # float32 keeps ~7 digits: a float32 mean of ~50 points of size ~5 is off by ~1e-6; 1e-5 leaves ~40x,
    # while dividing by N or a wrong assignment is O(1) off.
    _same_step(result, reference.kmeans_step(X32.astype(np.float64), c32.astype(np.float64)), rtol=1e-5, atol=1e-5)


@hidden
def test_speed_on_many_points(learner, reference, rng):
    X = rng.normal(size=(50000, 2))
    centroids = rng.normal(size=(3, 2))
    assert_speed(learner.kmeans_step, reference.kmeans_step, X, centroids, max_ratio=10, check=_same_step)
