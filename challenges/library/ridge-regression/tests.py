import numpy as np

from grader.engine.testing import assert_allclose, assert_scalar, assert_shape, hidden, sample

# Centred solve, augmented solve with an unpenalised bias, SVD and the dual form agree to ~1e-11 relative
# on these well-conditioned problems (D <= 40): 1e-7 leaves four orders, atol covers weights near 0, while
# a penalised intercept, alpha * N or standardised features move w or b by 1e-2 or more.
RTOL, ATOL = 1e-7, 1e-9


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _fit(learner, X, y, alpha):
    """The learner's (w, b), checked for kind and shape."""
    result = learner.ridge_fit(X, y, alpha)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"ridge_fit should return a tuple (w, b), got {_describe(result)}")
    w, b = result
    assert_shape(w, (X.shape[1],), name="w")
    return w, assert_scalar(b, name="b")


def _problem(rng, n, d, offset=0.0, noise=0.5):
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d) + offset
    y = X @ rng.normal(size=d) + rng.normal() * 5 + rng.normal(size=n) * noise
    return X, y


def _matches_reference(learner, reference, X, y, alpha, rtol=RTOL, atol=ATOL, probe=""):
    w, b = _fit(learner, X, y, alpha)
    w_ref, b_ref = reference.ridge_fit(X, y, alpha)
    assert_allclose(w, w_ref, rtol=rtol, atol=atol, name="w", probe=probe)
    assert_allclose(b, b_ref, rtol=rtol, atol=atol, name="b", probe=probe)


@sample
def test_alpha_zero_is_least_squares(learner, rng):
    X, y = _problem(rng, 50, 3)
    coef = np.linalg.lstsq(np.hstack([X, np.ones((50, 1))]), y, rcond=None)[0]
    w, b = _fit(learner, X, y, 0.0)
    # Least squares on 50 x 3 well-conditioned data, solved by centring, lstsq or normal equations, agrees
    # to ~1e-14; 1e-8 leaves six orders, while dropping the intercept moves w by O(1).
    assert_allclose(w, coef[:3], rtol=1e-8, atol=1e-10, name="w with alpha = 0")
    # b is a few units and agrees to ~1e-14 as well; an intercept of 0 or mean(y) is O(1) off.
    assert_allclose(b, coef[3], rtol=1e-8, atol=1e-10, name="b with alpha = 0")


@sample
def test_a_huge_alpha_shrinks_w_but_not_b(learner, rng):
    X, y = _problem(rng, 40, 4, offset=2.0)
    w, b = _fit(learner, X, y, 1e12)
    # With alpha = 1e12 the exact w is ~X^T y / alpha ~ 1e-9, well inside atol 1e-6; a penalty that
    # misses w leaves it O(1).
    assert_allclose(w, np.zeros(4), atol=1e-6, name="w with alpha = 1e12")
    # With w = 0 the best intercept is the mean of y: the intercept is not penalised.
    # b = mean(y) - mean(X) @ w sits ~1e-9 from mean(y) (|w| ~ 1e-9, mean(X) ~ 2), inside 1e-6;
    # a penalised intercept is pulled towards 0 by O(1).
    assert_allclose(b, y.mean(), rtol=1e-6, atol=1e-6, name="b with alpha = 1e12 (should be mean(y))")


@sample
def test_shifting_y_moves_only_b(learner, rng):
    X, y = _problem(rng, 30, 3)
    w, b = _fit(learner, X, y, 2.0)
    w2, b2 = _fit(learner, X, y + 100.0, 2.0)
    # Shifting y only changes the rounding of the centred y: w moves by ~1e-14 relative, 1e-8 leaves
    # six orders, while a fit without an intercept changes w by O(1).
    assert_allclose(w2, w, rtol=1e-8, atol=1e-10, name="w after adding 100 to y (should not change)")
    # b + 100 is ~100 and rounds to ~1e-14: rtol 1e-8 (~1e-6 absolute) is ample; b must grow by exactly 100.
    assert_allclose(b2, b + 100.0, rtol=1e-8, name="b after adding 100 to y (should grow by 100)")


@hidden(weight=2)
def test_matches_reference(learner, reference, rng):
    for n, d, alpha, offset in [
        (2, 1, 0.5, 0.0),
        (20, 3, 1.0, 0.0),
        (100, 10, 10.0, 3.0),
        (500, 5, 0.01, -7.0),
        (50, 8, 300.0, 1.0),
    ]:
        _matches_reference(learner, reference, *_problem(rng, n, d, offset), alpha)


@hidden
def test_alpha_zero_matches_reference(learner, reference, rng):
    for n, d, offset in [(3, 1, 0.0), (40, 6, 5.0)]:
        _matches_reference(learner, reference, *_problem(rng, n, d, offset), 0.0)


@hidden(weight=2)
def test_fewer_samples_than_features(learner, reference, rng):
    # Least squares has infinitely many solutions here; ridge has exactly one.
    for n, d, alpha in [(5, 20, 0.5), (2, 6, 3.0), (10, 40, 1e-3)]:
        # N < D: primal and dual solves differ by ~1e-11 absolute, most on the smallest weights; atol 1e-8
        # leaves ~500x there, and the rtol 1e-7 still holds the large ones.
        _matches_reference(learner, reference, *_problem(rng, n, d), alpha, atol=1e-8)


@hidden
def test_one_sample(learner, reference, rng):
    # Centred, the only sample is all zeros: w = 0 and b = y.
    _matches_reference(learner, reference, *_problem(rng, 1, 4), 1.0)


@hidden
def test_duplicated_feature(learner, reference, rng):
    # Ridge splits the weight evenly between two identical columns.
    X, y = _problem(rng, 30, 3)
    X = np.hstack([X, X[:, :1]])
    _matches_reference(learner, reference, X, y, 1.0)


@hidden
def test_features_far_from_zero(learner, reference, rng):
    # An uncentred intercept column would have to balance offsets of 1e4.
    X, y = _problem(rng, 60, 3, offset=1e4)
    # |b| reaches ~1e4 here. Centred, QR or SVD solves agree to ~1e-11 relative and an augmented lstsq to
    # 2e-10 at worst (200 seeds); normal equations with an uncentred bias column square the 1e4 offsets
    # and are off by 7e-9 to 2e-4: 2e-9 fails that method on every seed and passes the stable ones 9x inside.
    probe = ("features offset by 1e4: normal equations with an uncentred bias column, exact in arithmetic, square "
             "those offsets (A.T @ A has entries of 1e8 beside 1) and lose digits; centre X and y first")  # fmt: skip
    _matches_reference(learner, reference, X, y, 5.0, rtol=2e-9, atol=2e-9, probe=probe)


@hidden
def test_float32_input(learner, reference, rng):
    X, y = _problem(rng, 100, 5, offset=1.0)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    w, b = _fit(learner, X32, y32, 2.0)
    w_ref, b_ref = reference.ridge_fit(X32.astype(np.float64), y32.astype(np.float64), 2.0)
    # float32 X and y (~7 digits) through a 5-feature solve give w ~1e-5 off; 1e-4 leaves ~30x for
    # the worst correct method, while each wrong formula misses w or b by ~50x or more.
    assert_allclose(w, w_ref, rtol=1e-4, atol=1e-4, name="w")
    # b (a few units) inherits the same float32 error through mean(X) @ w, ~1e-5, with the same ~30x room.
    assert_allclose(b, b_ref, rtol=1e-4, atol=1e-4, name="b")
