import numpy as np

from grader.engine.testing import assert_shape, assert_speed, hidden, probe_line, sample


def _check_indices(result, expected, name="indices", probe=""):
    assert_shape(result, expected.shape, name=name)
    if result.dtype.kind not in "iu":
        raise AssertionError(f"{name} should hold integers (row indices into X), got dtype {result.dtype}")
    wrong = np.flatnonzero(result != expected)
    if wrong.size:
        j = wrong[0]
        raise AssertionError(
            f"{name} differ from seed {j} on (seeds are chosen in order, so later ones follow): "
            f"got {result.tolist()}, expected {expected.tolist()}" + probe_line(probe)
        )


def _init(learner, X, k, u):
    result = learner.kmeans_pp_init(X, k, u)
    if not isinstance(result, np.ndarray):
        raise AssertionError(f"kmeans_pp_init should return a numpy array of {k} indices, got {type(result).__name__}")
    return result


def _matches_reference(learner, reference, X, k, u, probe=""):
    _check_indices(_init(learner, X, k, u), reference.kmeans_pp_init(X, k, u), probe=probe)


DUPLICATES = (
    "repeated points: a seed's copies must weigh exactly 0, which (x − c)² summed gives, while the expansion "
    "|x|² − 2x·c + |c|², exact in arithmetic, leaves a rounding residue that can be drawn"
)


def _blobs(rng, n, d, centres):
    c = rng.normal(size=(centres, d)) * 5
    return c[rng.integers(0, centres, size=n)] + rng.normal(size=(n, d))


@sample
def test_the_first_seed_is_floor_of_u0_times_n(learner):
    X = np.arange(10.0).reshape(10, 1)
    for u0, expected in [(0.0, 0), (0.55, 5), (0.999, 9)]:
        _check_indices(_init(learner, X, 1, np.array([u0])), np.array([expected]), name=f"indices with u = [{u0}]")


@sample
def test_a_worked_example(learner):
    # Seed 0 is point 0. Weights D^2 = [0, 1, 9, 100], total 110, cumulative
    # [0, 1, 10, 110]: u = 0.5 targets 55, so point 3. Then D^2 = [0, 1, 9, 0],
    # cumulative [0, 1, 10, 10]: u = 0.05 targets 0.5, so point 1.
    X = np.array([[0.0], [1.0], [3.0], [10.0]])
    _check_indices(_init(learner, X, 3, np.array([0.0, 0.5, 0.05])), np.array([0, 3, 1]))


@sample
def test_u_zero_skips_points_of_zero_weight(learner):
    # Points 0 and 1 coincide; once point 0 is a seed both weigh 0, and u = 0
    # must pick the first point of positive weight, point 2.
    X = np.array([[1.0, 1.0], [1.0, 1.0], [4.0, 5.0], [0.0, 0.0]])
    _check_indices(_init(learner, X, 2, np.array([0.0, 0.0])), np.array([0, 2]))


@hidden(weight=2)
def test_matches_reference(learner, reference, rng):
    for n, d, k in [(1, 1, 1), (2, 3, 2), (20, 2, 5), (300, 4, 10), (1000, 10, 30)]:
        _matches_reference(learner, reference, _blobs(rng, n, d, max(1, k // 2)), k, rng.random(k))


@hidden
def test_spread_out_random_points(learner, reference, rng):
    X = rng.uniform(-100, 100, size=(500, 3))
    for _ in range(3):
        _matches_reference(learner, reference, X, 8, rng.random(8))


@hidden(weight=2)
def test_extreme_draws(learner, reference, rng):
    X = _blobs(rng, 200, 3, 4)
    for u in (np.zeros(6), np.full(6, 1 - 1e-12), np.array([0.0, 1 - 1e-9, 0.0, 0.5, 1 - 1e-9, 0.0])):
        _matches_reference(learner, reference, X, 6, u)


@hidden(weight=2)
def test_duplicate_points(learner, reference, rng):
    # Every point appears three times: a seed's copies must weigh exactly 0.
    base = rng.normal(size=(30, 4))
    X = base[rng.permutation(np.repeat(np.arange(30), 3))]
    for u in (rng.random(12), np.where(rng.random(12) < 0.5, 0.0, rng.random(12))):
        _matches_reference(learner, reference, X, 12, u, probe=DUPLICATES)


@hidden(weight=2)
def test_fewer_distinct_points_than_seeds(learner, reference, rng):
    # 3 distinct points and k = 7: once all 3 are seeds the total weight must be
    # exactly 0 (an expanded-square distance leaves rounding residues on some
    # vectors, so several are tried).
    for _ in range(10):
        X = np.repeat(rng.normal(size=(3, 20)), [4, 2, 3], axis=0)[rng.permutation(9)]
        _matches_reference(learner, reference, X, 7, rng.random(7), probe=DUPLICATES)


@hidden
def test_all_points_identical(learner, reference, rng):
    # Every weight is exactly 0 after the first seed: the uniform rule throughout.
    X = np.tile(rng.normal(size=(1, 3)), (12, 1))
    _matches_reference(learner, reference, X, 5, rng.random(5))


@hidden
def test_one_point(learner, reference, rng):
    _matches_reference(learner, reference, rng.normal(size=(1, 4)), 3, rng.random(3))


@hidden
def test_float32_input(learner, reference, rng):
    # Well-separated clusters, so float32 rounding cannot move a draw across a boundary.
    X = _blobs(rng, 100, 3, 5).astype(np.float32)
    _matches_reference(learner, reference, X, 5, np.array([0.1, 0.3, 0.5, 0.7, 0.9]))


@hidden
def test_speed_on_many_points(learner, reference, rng):
    X = _blobs(rng, 10000, 8, 10)
    assert_speed(learner.kmeans_pp_init, reference.kmeans_pp_init, X, 10, rng.random(10), max_ratio=10,
                 check=_check_indices)  # fmt: skip
