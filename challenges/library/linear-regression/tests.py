import numpy as np

from grader.engine.testing import assert_allclose, assert_scalar, assert_shape, assert_speed, hidden, sample

# Backward-stable least-squares solvers (SVD, pinv) agree to ~1e-12 on these
# problems; gradient descent repeats the same float64 operations.
RTOL, ATOL = 1e-7, 1e-9


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _fit(learner, which, X, y, *args):
    """The learner's (w, b) from fit_normal_equations or fit_gradient_descent, checked for kind and shape."""
    result = getattr(learner, which)(X, y, *args)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"{which} should return a tuple (w, b), got {_describe(result)}")
    w, b = result
    assert_shape(w, (X.shape[1],), name="w")
    return w, assert_scalar(b, name="b")


def _problem(rng, n, d, noise=0.1, offset=0.0):
    X = rng.normal(size=(n, d)) + offset
    w = rng.normal(size=d) * 2
    y = X @ w + rng.normal() * 3 + rng.normal(size=n) * noise
    return X, y


def _same_fit(result, expected, rtol=RTOL, atol=ATOL, probe=""):
    """Compare a learner's (w, b) with the reference's."""
    w, b = result
    assert_allclose(w, expected[0], rtol=rtol, atol=atol, name="w", probe=probe)
    assert_allclose(b, expected[1], rtol=rtol, atol=atol, name="b", probe=probe)


def _matches_reference(learner, reference, which, X, y, *args, rtol=RTOL, atol=ATOL, probe=""):
    _same_fit(_fit(learner, which, X, y, *args), getattr(reference, which)(X, y, *args), rtol, atol, probe)


COLLINEAR = (
    "columns that are exact multiples of one another: A.T @ A is singular, so inverting it or solving the normal "
    "equations raises or returns garbage; lstsq on A itself (through its SVD) gives the minimum-norm fit"
)
ILL_CONDITIONED = (
    "two columns 1e-7 apart: cond(A) ≈ 1e7, and A.T @ A squares it to about 1e14, so the normal equations, "
    "exact in arithmetic, lose about 14 of float64's 16 digits; solve the least squares on A itself (lstsq)"
)


@sample
def test_normal_equations_recover_an_exact_plane(learner):
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 5.0], [-1.0, 2.0]])
    y = X @ np.array([2.0, -1.0]) + 4.0  # no noise: the fit is exact
    w, b = _fit(learner, "fit_normal_equations", X, y)
    assert_allclose(w, np.array([2.0, -1.0]), rtol=1e-9, atol=1e-9, name="w")
    assert_allclose(b, 4.0, rtol=1e-9, name="b")


@sample
def test_one_gradient_step_from_zeros(learner, rng):
    X, y = _problem(rng, 10, 3)
    w, b = _fit(learner, "fit_gradient_descent", X, y, 0.1, 1)
    # From w = 0, b = 0 the residual is -y: one step moves by lr * (2/N) * (X.T @ y, sum(y)).
    assert_allclose(w, 0.1 * 2 / 10 * (X.T @ y), rtol=1e-9, atol=1e-12, name="w after one step")
    assert_allclose(b, 0.1 * 2 / 10 * y.sum(), rtol=1e-9, atol=1e-12, name="b after one step")


@sample
def test_gradient_descent_reaches_the_least_squares_fit(learner, rng):
    X, y = _problem(rng, 100, 3)
    coef = np.linalg.lstsq(np.hstack([X, np.ones((100, 1))]), y, rcond=None)[0]
    w_ls, b_ls = coef[:3], coef[3]
    w, b = _fit(learner, "fit_gradient_descent", X, y, 0.1, 1000)
    assert_allclose(w, w_ls, rtol=1e-5, atol=1e-5, name="w after 1000 steps")
    assert_allclose(b, b_ls, rtol=1e-5, atol=1e-5, name="b after 1000 steps")


@hidden(weight=2)
def test_normal_equations_match_reference(learner, reference, rng):
    for n, d, noise, offset in [
        (2, 1, 0.0, 0.0),
        (5, 1, 1.0, 3.0),
        (50, 3, 0.1, 0.0),
        (200, 10, 2.0, -5.0),
        (1000, 2, 0.5, 100.0),
    ]:
        _matches_reference(learner, reference, "fit_normal_equations", *_problem(rng, n, d, noise, offset))


@hidden(weight=2)
def test_collinear_columns_give_the_minimum_norm_fit(learner, reference, rng):
    # Columns 1 and 2 are exact multiples of column 0: A.T @ A is singular.
    x = rng.normal(size=40)
    X = np.stack([x, 2 * x, -0.5 * x, rng.normal(size=40)], axis=1)
    y = X @ rng.normal(size=4) + 1.5 + rng.normal(size=40) * 0.1
    _matches_reference(learner, reference, "fit_normal_equations", X, y, rtol=1e-6, atol=1e-8, probe=COLLINEAR)


@hidden(weight=2)
def test_ill_conditioned_columns(learner, reference, rng):
    # Two columns 1e-7 apart: cond(A) ~ 1e7, so cond(A.T @ A) ~ 1e14 and the
    # normal equations lose about 14 of their 16 digits.
    x = rng.normal(size=60)
    X = np.stack([x, x + 1e-7 * rng.normal(size=60), rng.normal(size=60)], axis=1)
    y = X @ np.array([1.0, -2.0, 0.5]) + 3.0 + rng.normal(size=60) * 0.1
    w, b = _fit(learner, "fit_normal_equations", X, y)
    w_ref, b_ref = reference.fit_normal_equations(X, y)
    assert_allclose(X @ w + b, X @ w_ref + b_ref, rtol=1e-7, atol=1e-8, name="predictions X @ w + b",
                    probe=ILL_CONDITIONED)  # fmt: skip
    _same_fit((w, b), (w_ref, b_ref), rtol=1e-6, atol=1e-6, probe=ILL_CONDITIONED)


@hidden
def test_one_sample(learner, reference, rng):
    # One equation, D + 1 unknowns: the minimum-norm (w, b) of the augmented system.
    X, y = _problem(rng, 1, 3)
    _matches_reference(learner, reference, "fit_normal_equations", X, y)
    _matches_reference(learner, reference, "fit_gradient_descent", X, y, 0.05, 50)


@hidden
def test_fewer_samples_than_features(learner, reference, rng):
    _matches_reference(learner, reference, "fit_normal_equations", *_problem(rng, 4, 9))


@hidden
def test_float32_input(learner, reference, rng):
    X, y = _problem(rng, 100, 4, offset=1.0)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    w, b = _fit(learner, "fit_normal_equations", X32, y32)
    _same_fit((w, b), reference.fit_normal_equations(X32.astype(np.float64), y32.astype(np.float64)), 1e-4, 1e-4)


@hidden(weight=2)
def test_gradient_descent_matches_reference(learner, reference, rng):
    for n, d, lr, steps in [(2, 1, 0.1, 3), (20, 3, 0.05, 100), (200, 8, 0.2, 50), (500, 2, 0.01, 300)]:
        _matches_reference(learner, reference, "fit_gradient_descent", *_problem(rng, n, d, 0.5, 1.0), lr, steps)


@hidden
def test_gradient_descent_with_zero_steps(learner, reference, rng):
    X, y = _problem(rng, 10, 4)
    _matches_reference(learner, reference, "fit_gradient_descent", X, y, 0.1, 0)


@hidden
def test_speed_of_gradient_descent(learner, reference, rng):
    X, y = _problem(rng, 20000, 8)
    assert_speed(learner.fit_gradient_descent, reference.fit_gradient_descent, X, y, 0.1, 10, max_ratio=10)
