import numpy as np

from grader.engine.testing import (
    assert_allclose,
    assert_scalar,
    assert_shape,
    assert_speed,
    check_gradient,
    hidden,
    sample,
)

# The loss is a sum of differences of scores: float64 implementations agree to
# ~1e-15 relative. dscores holds multiples of 1/N, exactly 0 off the active terms.
RTOL, ATOL = 1e-9, 1e-12


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _call(learner, scores, y, **kwargs):
    """The learner's (loss, dscores), checked for kind and shape."""
    result = learner.svm_loss(scores, y, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"svm_loss should return a tuple (loss, dscores), got {_describe(result)}")
    loss, dscores = result
    loss = assert_scalar(loss, name="loss")
    assert_shape(dscores, scores.shape, name="dscores")
    return loss, dscores


def _matches_reference(learner, reference, scores, y, rtol=RTOL, atol=ATOL, **kwargs):
    loss, dscores = _call(learner, scores, y, **kwargs)
    loss_ref, dscores_ref = reference.svm_loss(scores, y, **kwargs)
    assert_allclose(loss, loss_ref, rtol=rtol, atol=atol, name="loss")
    assert_allclose(dscores, dscores_ref, rtol=rtol, atol=atol, name="dscores")


def _problem(rng, n, c, scale=1.0, label_dtype=np.int64):
    return rng.normal(size=(n, c)) * scale, rng.integers(0, c, size=n).astype(label_dtype)


def _away_from_kinks(rng, n, c, margin, dtype=np.float64):
    """Scores whose every hinge term s_j - s_y + margin (j != y) is at least 1e-3 from 0:
    the loss is then linear around them and finite differences are exact."""
    for _ in range(1000):
        scores, y = _problem(rng, n, c, scale=2.0)
        scores = scores.astype(dtype)
        exact = scores.astype(np.float64)
        terms = exact - exact[np.arange(n), y][:, None] + margin
        terms[np.arange(n), y] = 1.0  # not a hinge term
        if np.abs(terms).min() >= 1e-3:
            return scores, y
    raise RuntimeError("could not draw scores away from the kinks")


@sample
def test_a_small_example_by_hand(learner):
    scores = np.array([[2.0, 1.5, -1.0], [0.0, 3.0, 0.5]])
    y = np.array([0, 2])
    loss, dscores = _call(learner, scores, y)
    # row 0: max(0, 1.5 - 2 + 1) + max(0, -1 - 2 + 1) = 0.5
    # row 1: max(0, 0 - 0.5 + 1) + max(0, 3 - 0.5 + 1) = 4.0; mean (0.5 + 4) / 2
    assert_allclose(loss, 2.25, rtol=1e-12, name="loss")
    expected = np.array([[-1.0, 1.0, 0.0], [1.0, 1.0, -2.0]]) / 2
    assert_allclose(dscores, expected, rtol=1e-12, atol=1e-15, name="dscores")


@sample
def test_correct_class_ahead_by_more_than_the_margin_gives_zero(learner):
    scores = np.array([[5.0, 1.0, 2.0], [-3.0, -1.0, 0.5]])
    loss, dscores = _call(learner, scores, np.array([0, 2]))
    assert_allclose(loss, 0.0, atol=1e-15, name="loss")
    assert_allclose(dscores, np.zeros((2, 3)), atol=1e-15, name="dscores")


@sample
def test_each_row_of_the_gradient_sums_to_zero(learner, rng):
    # Every active term raises one wrong class by 1/N and lowers the correct one by 1/N.
    scores, y = _problem(rng, 16, 5)
    _, dscores = _call(learner, scores, y)
    assert_allclose(dscores.sum(axis=1), np.zeros(16), atol=1e-12, name="dscores.sum(axis=1)")


@hidden(weight=2)
def test_matches_reference_on_random_batches(learner, reference, rng):
    for n, c, scale in [(1, 2, 1.0), (10, 3, 1.0), (64, 10, 0.5), (5, 100, 2.0), (200, 4, 10.0), (32, 10, 0.01)]:
        _matches_reference(learner, reference, *_problem(rng, n, c, scale))


@hidden
def test_margin_is_used(learner, reference, rng):
    for margin in (0.0, 0.5, 2.0, 10.0):
        _matches_reference(learner, reference, *_problem(rng, 40, 6), margin=margin)


@hidden(weight=2)
def test_gradient_matches_finite_differences(learner, reference, rng):
    for n, c, margin in [(4, 3, 1.0), (5, 4, 0.5), (3, 6, 2.0)]:
        scores, y = _away_from_kinks(rng, n, c, margin)
        _, dscores = _call(learner, scores, y, margin=margin)
        check_gradient(dscores, lambda s, y=y, m=margin: reference.svm_loss(s, y, margin=m)[0], scores,
                       name="dscores")  # fmt: skip


@hidden
def test_terms_exactly_at_the_kink_have_zero_gradient(learner, reference, rng):
    # Integer scores: many hinge terms are exactly 0; they add nothing to the loss
    # and, by the stated convention, nothing to the gradient.
    scores = rng.integers(-2, 3, size=(30, 5)).astype(np.float64)
    y = rng.integers(0, 5, size=30)
    _matches_reference(learner, reference, scores, y)
    _matches_reference(learner, reference, np.zeros((4, 3)), np.array([0, 1, 2, 0]), margin=0.0)


@hidden
def test_single_class_and_single_sample(learner, reference, rng):
    loss, dscores = _call(learner, rng.normal(size=(3, 1)), np.zeros(3, dtype=np.int64))
    assert_allclose(loss, 0.0, atol=1e-15, name="loss with one class")
    assert_allclose(dscores, np.zeros((3, 1)), atol=1e-15, name="dscores with one class")
    _matches_reference(learner, reference, *_problem(rng, 1, 7))


@hidden
def test_every_class_violating(learner, reference, rng):
    # The correct class scores lowest in every row: every term is active.
    scores, y = _problem(rng, 20, 6)
    scores[np.arange(20), y] = scores.min(axis=1) - 5.0
    _matches_reference(learner, reference, scores, y)


@hidden
def test_int32_labels(learner, reference, rng):
    _matches_reference(learner, reference, *_problem(rng, 50, 8, label_dtype=np.int32))


@hidden
def test_float32_scores(learner, reference, rng):
    # Away from kinks, where float32 rounding of s_j - s_y + margin could flip a term's sign.
    scores, y = _away_from_kinks(rng, 64, 10, 1.0, dtype=np.float32)
    loss, dscores = _call(learner, scores, y)
    loss_ref, dscores_ref = reference.svm_loss(scores.astype(np.float64), y)
    assert_allclose(loss, loss_ref, rtol=1e-4, atol=1e-6, name="loss")
    assert_allclose(dscores, dscores_ref, rtol=1e-4, atol=1e-7, name="dscores")


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    scores, y = _problem(rng, 20_000, 10)
    assert_speed(learner.svm_loss, reference.svm_loss, scores, y, max_ratio=10)
