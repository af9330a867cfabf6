import numpy as np

from grader.engine.testing import assert_allclose, assert_finite, assert_shape, assert_speed, hidden, sample

# Similarities lie in [-1, 1]; correct float64 forms (normalise then multiply, divide the products, einsum)
# agree to ~1e-15. rtol is the statement's epsilon rule: eps <= 1e-8 added to each norm of a vector of
# length >= 8e-3 (the shortest below) moves a similarity by <= 2.5e-6 relative, 4x inside; atol covers
# near-orthogonal pairs, whose similarity is a sum of products cancelling to ~1e-16.
RTOL, ATOL = 1e-5, 1e-8
NAME = "cosine_similarity_matrix(A, B)"

# Vectors of length ~8e-3: the product of two norms is ~6e-5, so eps = 1e-8 added to it is 1.6e-4 of it,
# 16x the tolerance, while the same eps on each norm is 1.3e-6 of each.
SHORT = (
    "vectors of length about 0.008: an epsilon guarding the zero norms shrinks their similarities unless it is "
    "tiny beside each norm; added to the product of the norms, ‖a‖‖b‖ + ε (a length squared, ~6e-5 here), "
    "ε = 1e-8 is already 1.6e-4 of it"
)
LENGTHS = (
    "rows of lengths from about 0.03 to 300: a cosine ignores length, so any epsilon must be tiny beside the "
    "shortest norms, and beside their products (~1e-3) if it is added there"
)


def _similarities(learner, A, B):
    sim = assert_shape(learner.cosine_similarity_matrix(A, B), (A.shape[0], B.shape[0]), name=NAME)
    return assert_finite(sim, name=NAME)


@sample
def test_shape_and_range(learner, rng):
    A = rng.normal(size=(100, 128))
    B = rng.normal(size=(500, 128))
    sim = _similarities(learner, A, B)
    lo, hi = sim.min(), sim.max()
    assert lo >= -1 - 1e-6 and hi <= 1 + 1e-6, (
        f"cosine similarities should lie in [-1, 1], got values from {lo:.6g} to {hi:.6g}"
    )


@sample
def test_self_similarity_is_one(learner, rng):
    A = rng.normal(size=(100, 128))
    sim = _similarities(learner, A, A)
    assert_allclose(np.diag(sim), np.ones(100), atol=1e-6, name="the diagonal of cosine_similarity_matrix(A, A)")


@sample
def test_identical_and_opposite_vectors(learner, rng):
    A = rng.normal(size=(5, 128))
    assert_allclose(
        np.diag(_similarities(learner, A, A.copy())), np.ones(5), atol=1e-6, name="the diagonal for identical vectors"
    )
    assert_allclose(
        np.diag(_similarities(learner, A, -A)), -np.ones(5), atol=1e-6, name="the diagonal for opposite vectors"
    )


@hidden(weight=2)
def test_matches_reference_on_random_vectors(learner, reference, rng):
    for m, n, d, scale in [(1, 1, 3, 1.0), (7, 5, 2, 1.0), (3, 200, 1, 1e3), (30, 30, 300, 1.0)]:
        A = rng.normal(size=(m, d)) * scale
        B = rng.normal(size=(n, d)) * scale
        expected = reference.cosine_similarity_matrix(A, B)
        assert_allclose(learner.cosine_similarity_matrix(A, B), expected, rtol=RTOL, atol=ATOL, name=NAME)


@hidden
def test_short_vectors(learner, reference, rng):
    A = rng.normal(size=(50, 64)) * 1e-3
    B = rng.normal(size=(80, 64)) * 1e-3
    expected = reference.cosine_similarity_matrix(A, B)
    assert_allclose(learner.cosine_similarity_matrix(A, B), expected, rtol=RTOL, atol=ATOL, name=NAME, probe=SHORT)


@hidden
def test_rows_of_very_different_lengths(learner, reference, rng):
    # Cosine ignores length: each row scaled by its own factor.
    A = rng.normal(size=(40, 10)) * 10.0 ** rng.uniform(-2, 2, size=(40, 1))
    B = rng.normal(size=(25, 10)) * 10.0 ** rng.uniform(-2, 2, size=(25, 1))
    expected = reference.cosine_similarity_matrix(A, B)
    assert_allclose(learner.cosine_similarity_matrix(A, B), expected, rtol=RTOL, atol=ATOL, name=NAME, probe=LENGTHS)


@hidden(weight=2)
def test_zero_vectors_give_zero_similarity(learner, reference, rng):
    A = rng.normal(size=(6, 4))
    B = rng.normal(size=(5, 4))
    A[[0, 3]] = 0.0
    B[2] = 0.0
    for a, b in [(A, B), (np.zeros((3, 4)), B), (A, np.zeros((2, 4)))]:
        sim = learner.cosine_similarity_matrix(a, b)
        assert_allclose(sim, reference.cosine_similarity_matrix(a, b), rtol=RTOL, atol=ATOL, name=NAME)


@hidden
def test_float32_input(learner, reference, rng):
    A = rng.normal(size=(40, 32)).astype(np.float32)
    B = rng.normal(size=(60, 32)).astype(np.float32)
    expected = reference.cosine_similarity_matrix(A.astype(np.float64), B.astype(np.float64))
    assert_allclose(learner.cosine_similarity_matrix(A, B), expected, rtol=1e-4, atol=1e-5, name=NAME)


@hidden
def test_speed_on_many_queries(learner, reference, rng):
    A = rng.normal(size=(4000, 8))
    B = rng.normal(size=(10, 8))
    assert_speed(learner.cosine_similarity_matrix, reference.cosine_similarity_matrix, A, B, max_ratio=10)
