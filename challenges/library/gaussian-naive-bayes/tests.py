import numpy as np

from grader.engine.testing import assert_allclose, assert_finite, assert_shape, assert_speed, hidden, sample

# Fitted values: any two-pass mean and variance agree to ~1e-14 relative; atol
# covers means that are nearly 0. Log posteriors range from 0 down to -1e12:
# rtol for the large ones, atol for those near 0.
RTOL, ATOL = 1e-7, 1e-10
LP_RTOL, LP_ATOL = 1e-7, 1e-8

# Around 1e6 the two-pass variance keeps ~1e-10 relative (the mean's rounding, u * 1e6, against a spread
# of ~1), 1000x inside rtol; E[x^2] - E[x]^2 subtracts two numbers of 1e12 and keeps ~4 digits at best.
FAR_FROM_ZERO = (
    "features around 1e6 with a spread of about 1: a variance computed as E[x²] − E[x]², exact in arithmetic, "
    "subtracts two numbers of 1e12 and cancels to a few correct digits; compute it from deviations"
)
FAR_QUERIES = (
    "query points far from every class, with joint log likelihoods J down to about -1e12: exp(J) is 0 in "
    "float64, so log(sum(exp(J))) is -inf; shift by each row's max first (log-sum-exp)"
)


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _fit(learner, X, y, **kwargs):
    """The learner's fitted tuple, checked for kind and shapes (it goes back to their predict unchanged)."""
    params = learner.gnb_fit(X, y, **kwargs)
    if not isinstance(params, (tuple, list)) or len(params) != 4:
        raise AssertionError(
            f"gnb_fit should return a tuple (classes, priors, means, variances), got {_describe(params)}"
        )
    classes, priors, means, variances = params
    K, D = len(np.unique(y)), X.shape[1]
    assert_shape(classes, (K,), name="classes")
    assert_shape(priors, (K,), name="priors")
    assert_shape(means, (K, D), name="means")
    assert_shape(variances, (K, D), name="variances")
    return params


def _predict(learner, params, X, K):
    lp = learner.gnb_predict_log_proba(params, X)
    return assert_shape(lp, (X.shape[0], K), name="log_proba")


def _fit_matches_reference(learner, reference, X, y, rtol=RTOL, atol=ATOL, probe="", **kwargs):
    params = _fit(learner, X, y, **kwargs)
    expected = reference.gnb_fit(X.astype(np.float64), y, **kwargs)
    if not np.array_equal(np.asarray(params[0]), expected[0]):
        raise AssertionError(f"classes should be the distinct labels in increasing order, {expected[0].tolist()}; "
                             f"got {np.asarray(params[0]).tolist()}")  # fmt: skip
    for name, got, want in zip(("priors", "means", "variances"), params[1:], expected[1:], strict=True):
        assert_allclose(got, want, rtol=rtol, atol=atol, name=name, probe=probe)
    return params, expected


def _matches_reference(learner, reference, X, y, X_query, rtol=LP_RTOL, atol=LP_ATOL, probe="", **kwargs):
    params, expected = _fit_matches_reference(learner, reference, X, y, **kwargs)
    lp = _predict(learner, params, X_query, len(expected[0]))
    lp_ref = reference.gnb_predict_log_proba(expected, X_query)
    assert_allclose(lp, lp_ref, rtol=rtol, atol=atol, name="log_proba", probe=probe)


def _blobs(rng, n, d, labels, spread=3.0, scale=1.0):
    """Labelled Gaussian blobs: each label gets its own centre and per-feature scales."""
    y = rng.choice(labels, size=n)
    y[: len(labels)] = labels  # every label present
    centres = {c: rng.normal(size=d) * spread for c in labels}
    scales = {c: rng.uniform(0.5, 2.0, size=d) for c in labels}
    X = np.array([centres[c] + scales[c] * rng.normal(size=d) for c in y]) * scale
    return X, y


@sample
def test_fit_returns_classes_priors_means_and_variances(learner, rng):
    X, y = _blobs(rng, 40, 3, np.array([4, 1, 9]))
    classes, priors, _, variances = _fit(learner, X, y)
    if np.asarray(classes).tolist() != [1, 4, 9]:
        raise AssertionError(f"classes should be the distinct labels in increasing order, [1, 4, 9]; "
                             f"got {np.asarray(classes).tolist()}")  # fmt: skip
    assert_allclose(np.sum(priors), 1.0, rtol=1e-12, name="priors.sum()")
    if not np.all(variances > 0):
        raise AssertionError("every smoothed variance should be positive")


@sample
def test_posteriors_sum_to_one_and_pick_the_cluster(learner):
    X = np.array([[0.0, 0.0], [1.0, 0.5], [0.5, 1.0], [10.0, 10.0], [11.0, 10.5], [10.5, 11.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    params = _fit(learner, X, y)
    lp = _predict(learner, params, np.array([[0.5, 0.5], [10.5, 10.5]]), 2)
    assert_allclose(np.exp(lp).sum(axis=1), np.ones(2), rtol=1e-9, name="exp(log_proba).sum(axis=1)")
    if not (lp[0, 0] > lp[0, 1] and lp[1, 1] > lp[1, 0]):
        raise AssertionError(f"each query sits in a cluster and should favour its class; log_proba = {lp.tolist()}")


@sample
def test_a_point_far_from_every_class_has_finite_log_posteriors(learner):
    X = np.array([[0.0, 0.0], [1.0, 0.5], [0.5, 1.0], [10.0, 10.0], [11.0, 10.5], [10.5, 11.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    lp = _predict(learner, _fit(learner, X, y), np.array([[1e4, -1e4]]), 2)
    assert_finite(lp, name="log_proba", probe="a point far from both classes, with joint log likelihoods J near -1e8: "
                  "exp(J) is 0 in float64, so log(sum(exp(J))) is -inf; shift by the row's max first (log-sum-exp)")  # fmt: skip
    assert_allclose(np.exp(lp).sum(axis=1), np.ones(1), rtol=1e-9, name="exp(log_proba).sum(axis=1)")


@hidden(weight=2)
def test_fit_matches_reference(learner, reference, rng):
    for n, d, labels in [(30, 2, [0, 1]), (200, 5, [0, 1, 2, 3]), (90, 10, [7, -2, 30]), (500, 3, list(range(8)))]:
        X, y = _blobs(rng, n, d, np.array(labels))
        _fit_matches_reference(learner, reference, X, y)
    X, y = _blobs(rng, 60, 4, np.array([-5, 5]))
    _fit_matches_reference(learner, reference, X, y.astype(np.int32))


@hidden(weight=2)
def test_log_posteriors_match_reference(learner, reference, rng):
    for n, d, labels, m in [(30, 2, [0, 1], 10), (200, 5, [0, 1, 2, 3], 50), (90, 10, [7, -2, 30], 40)]:
        X, y = _blobs(rng, n, d, np.array(labels))
        X_query = rng.normal(size=(m, d)) * 4.0
        _matches_reference(learner, reference, X, y, np.vstack([X[:10], X_query]))


@hidden
def test_var_smoothing_is_scaled_by_the_largest_variance(learner, reference, rng):
    # Features on very different scales, so the largest variance is far from 1.
    X, y = _blobs(rng, 80, 4, np.array([0, 1, 2]))
    X *= np.array([0.01, 1.0, 30.0, 5.0])
    for var_smoothing in (1e-9, 1e-3, 0.1, 2.0):
        _matches_reference(learner, reference, X, y, X[:20] + 0.5, var_smoothing=var_smoothing)


@hidden(weight=2)
def test_constant_features(learner, reference, rng):
    X, y = _blobs(rng, 60, 4, np.array([0, 1, 2]))
    X[y == 1, 0] = 3.0  # constant within class 1 only: its variance is just epsilon
    X[:, 2] = -7.0  # constant over all of X (and in the queries, as in real data)
    X_query = rng.normal(size=(20, 4)) * 3.0
    X_query[:, 2] = -7.0
    X_query[:5, 0] = 3.0
    _matches_reference(learner, reference, X, y, X_query)
    _matches_reference(learner, reference, X, y, X[:10], var_smoothing=1e-4)


@hidden
def test_features_far_from_zero(learner, reference, rng):
    X, y = _blobs(rng, 100, 3, np.array([0, 1, 2]), spread=2.0)
    _fit_matches_reference(learner, reference, X + 1e6, y, probe=FAR_FROM_ZERO)


@hidden(weight=2)
def test_query_points_far_from_every_class(learner, reference, rng):
    X, y = _blobs(rng, 80, 3, np.array([0, 1, 2, 3]))
    far = np.vstack([rng.normal(size=(10, 3)) * 1e3, rng.normal(size=(10, 3)) * 1e5, [[1e6, -1e6, 0.0]]])
    _matches_reference(learner, reference, X, y, far, probe=FAR_QUERIES)
    # A feature constant within one class gives it a tiny variance: a small offset
    # already puts that class's J near -1e9, next to moderate values for the others.
    X[y == 2, 1] = 1.0
    _matches_reference(learner, reference, X, y, X[:10] + 0.5)


@hidden
def test_a_single_class(learner, reference, rng):
    X = rng.normal(size=(20, 3))
    y = np.full(20, 4)
    _matches_reference(learner, reference, X, y, rng.normal(size=(5, 3)) * 10.0)


@hidden
def test_float32_input(learner, reference, rng):
    X, y = _blobs(rng, 200, 5, np.array([0, 1, 2]))
    X = X.astype(np.float32)
    params, expected = _fit_matches_reference(learner, reference, X, y, rtol=1e-4, atol=1e-5)
    X_query = X[:30]
    lp = _predict(learner, params, X_query, 3)
    lp_ref = reference.gnb_predict_log_proba(expected, X_query.astype(np.float64))
    assert_allclose(lp, lp_ref, rtol=1e-4, atol=1e-3, name="log_proba")


@hidden
def test_speed_of_prediction(learner, reference, rng):
    X, y = _blobs(rng, 2000, 8, np.array([0, 1, 2, 3]))
    X_query = rng.normal(size=(15000, 8)) * 3.0
    params = _fit(learner, X, y)
    expected = reference.gnb_fit(X, y)
    # Each side predicts with its own fit, as in the other tests; only the prediction is timed.
    assert_speed(learner.gnb_predict_log_proba, lambda _params, Xq: reference.gnb_predict_log_proba(expected, Xq),
                 params, X_query, max_ratio=10, check=_log_proba_matches)  # fmt: skip


def _log_proba_matches(result, expected):
    assert_allclose(result, expected, rtol=LP_RTOL, atol=LP_ATOL, name="log_proba")
