import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, hidden, sample

# A component is defined up to its sign: each of the learner's components is
# compared with the reference's after flipping it to the same side, and the
# projection is checked against the learner's own components. The data have
# well-separated variances, so the directions are well determined (an SVD and
# an eigendecomposition of the covariance agree to ~1e-12 on them).
RTOL = 1e-6


def _data(rng, n, d, top=3.0, ratio=0.7, offset=5.0):
    """Gaussian data along random orthogonal axes with standard deviations top * ratio**j."""
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    scales = top * ratio ** np.arange(d)
    return (rng.normal(size=(n, d)) * scales) @ q.T + offset * rng.normal(size=d)


def _low_rank(rng, n, d, rank, offset=5.0):
    """Data on a rank-`rank` affine subspace: centred, its remaining variances are exactly 0."""
    basis, _ = np.linalg.qr(rng.normal(size=(d, rank)))
    coords = rng.normal(size=(n, rank)) * (3.0 * 0.6 ** np.arange(rank))
    return coords @ basis.T + offset * rng.normal(size=d)


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _check_result(result, n, d, k):
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(
            f"pca should return a tuple (components, explained_variance, projected), got {_describe(result)}"
        )
    components, variance, projected = result
    assert_shape(components, (k, d), name="components")
    assert_shape(variance, (k,), name="explained_variance")
    assert_shape(projected, (n, k), name="projected")
    return components, variance, projected


def _run(learner, X, k):
    return _check_result(learner.pca(X, k), *X.shape, k)


def _orthonormal(components, atol=1e-8):
    k = components.shape[0]
    assert_allclose(components @ components.T, np.eye(k), atol=atol, name="components @ components.T")


def _consistent_projection(X, components, projected, rtol=RTOL, rel_atol=1e-9):
    """projected must be the centred data in the learner's own components, whatever their signs."""
    expected = (X - X.mean(axis=0)) @ components.T
    atol = rel_atol * float(np.abs(expected).max(initial=0.0)) + 1e-12
    assert_allclose(projected, expected, rtol=rtol, atol=atol, name="projected (vs (X - mean) @ components.T)")


def _compare(result, expected, X, rtol=RTOL, comp_atol=1e-7, rel_atol=1e-9, orth_atol=1e-8):
    """The learner's result against the reference's, fair to any sign per component.
    Components whose reference variance is 0 (rank-deficient data) are any unit
    vectors orthogonal to the rest: only their variance and projection are checked."""
    n, d = X.shape
    k = expected[0].shape[0]
    components, variance, projected = _check_result(result, n, d, k)
    comp_ref, var_ref, _ = expected
    scale = float(var_ref.max(initial=0.0))
    assert_allclose(variance, var_ref, rtol=rtol, atol=rel_atol * scale + 1e-12, name="explained_variance")
    _orthonormal(components, atol=orth_atol)
    real = var_ref > 1e-9 * scale
    flip = np.where(np.sum(components[real] * comp_ref[real], axis=1) < 0, -1.0, 1.0)
    assert_allclose(components[real] * flip[:, None], comp_ref[real], rtol=rtol, atol=comp_atol,
                    name="components (each up to its sign)")  # fmt: skip
    _consistent_projection(X, components, projected, rtol=rtol, rel_atol=rel_atol)


def _matches_reference(learner, reference, X, k):
    _compare(learner.pca(X, k), reference.pca(X, k), X)


@sample
def test_shapes_and_orthonormal_components(learner, rng):
    X = _data(rng, 100, 6)
    components, _, _ = _run(learner, X, 3)
    _orthonormal(components, atol=1e-6)


@sample
def test_variance_is_that_of_the_projection_in_decreasing_order(learner, rng):
    X = _data(rng, 200, 5)
    _, variance, projected = _run(learner, X, 5)
    assert np.all(np.diff(variance) <= 0), f"explained_variance should decrease, got {np.round(variance, 4)}"
    assert_allclose(
        variance, projected.var(axis=0, ddof=1), rtol=1e-6, name="explained_variance vs projected.var(ddof=1)"
    )


@sample
def test_points_on_a_line_give_that_direction(learner, rng):
    t = rng.normal(size=50)
    X = np.column_stack([1.0 + t, -2.0 + 2.0 * t])  # the line through (1, -2) along (1, 2)
    components, variance, _ = _run(learner, X, 1)
    direction = np.array([1.0, 2.0]) / np.sqrt(5.0)
    assert_allclose(np.abs(components[0] @ direction), 1.0, rtol=1e-9, name="|components[0] . (1, 2) / sqrt(5)|")
    assert_allclose(variance[0], 5.0 * t.var(ddof=1), rtol=1e-9, name="explained_variance[0]")


@hidden(weight=2)
def test_matches_reference(learner, reference, rng):
    for n, d, k in [(50, 5, 2), (200, 10, 10), (30, 3, 1), (1000, 4, 3), (2, 3, 1)]:
        _matches_reference(learner, reference, _data(rng, n, d), k)


@hidden
def test_the_mean_is_removed(learner, reference, rng):
    # A mean far from the origin along a low-variance direction.
    X = _data(rng, 80, 4, offset=1000.0)
    _matches_reference(learner, reference, X, 2)
    _, _, projected = _run(learner, X, 2)
    assert_allclose(projected.mean(axis=0), np.zeros(2), atol=1e-8, name="projected.mean(axis=0)")


@hidden(weight=2)
def test_explained_variance_uses_ddof_1(learner, rng):
    # Known answer: points along one axis with sample variance exactly 2.5 (ddof=1).
    t = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    X = np.column_stack([t, 0.5 * t, np.zeros(5)]) + np.array([3.0, -1.0, 7.0])
    _, variance, _ = _run(learner, X, 1)
    assert_allclose(variance[0], 2.5 * 1.25, rtol=1e-9, name="explained_variance[0]")


@hidden(weight=2)
def test_fewer_samples_than_features(learner, reference, rng):
    # N < D: at most N - 1 directions of non-zero variance; the N-th has variance 0.
    for n, d, k in [(5, 20, 3), (8, 50, 7), (6, 10, 6)]:
        _matches_reference(learner, reference, _data(rng, n, d, ratio=0.8), k)


@hidden(weight=2)
def test_rank_deficient_data(learner, reference, rng):
    # Data on a plane (or a 3-d subspace) in more dimensions: components beyond the rank
    # have variance 0 and any direction orthogonal to the others is accepted for them.
    for n, d, rank, k in [(60, 5, 2, 2), (60, 5, 2, 4), (40, 8, 3, 8)]:
        X = _low_rank(rng, n, d, rank)
        _matches_reference(learner, reference, X, k)


@hidden
def test_all_components_reconstruct_the_data(learner, rng):
    X = _data(rng, 40, 6)
    components, _, projected = _run(learner, X, 6)
    Xc = X - X.mean(axis=0)
    assert_allclose(projected @ components, Xc, rtol=1e-7, atol=1e-9, name="projected @ components (vs X - mean)")


@hidden
def test_float32_input(learner, reference, rng):
    X32 = _data(rng, 300, 8).astype(np.float32)
    X64 = X32.astype(np.float64)
    result = learner.pca(X32, 4)
    components, _, projected = _check_result(result, 300, 8, 4)
    # Compared in float64 with looser tolerances.
    _compare((components.astype(np.float64), result[1], projected.astype(np.float64)), reference.pca(X64, 4), X64,
             rtol=1e-3, comp_atol=1e-3, rel_atol=1e-4, orth_atol=1e-4)  # fmt: skip


# A tall data set: the thin SVD (or the D x D covariance) is cheap; a full N x N U is not.
SPEED_SHAPE = (20000, 8)


@hidden
def test_speed_on_a_tall_data_set(learner, reference, rng):
    X = _data(rng, *SPEED_SHAPE)

    def check(result, expected):
        _compare(result, expected, X)

    assert_speed(learner.pca, reference.pca, X, 3, max_ratio=10, check=check)
