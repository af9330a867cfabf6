import numpy as np

from grader.engine.testing import assert_allclose, assert_scalar, assert_speed, hidden, sample

# Scores are ratios of counts (denominators <= 4000), averaged over <= 50 classes: any correct formula agrees
# to ~1e-15. Two such ratios that differ at all differ by >= 1 / 4000^2 ~ 6e-8, still ~1e-9 after the mean,
# so 1e-10 catches one sample counted wrong; atol covers scores of 0.
RTOL, ATOL = 1e-10, 1e-12
NAMES = ("precision", "recall", "f1")


def _labels(rng, n, k, accuracy=0.6, dtype=np.int64):
    """Labels in [0, k) and predictions right with probability about accuracy."""
    y_true = rng.integers(0, k, size=n)
    y_pred = np.where(rng.random(n) < accuracy, y_true, rng.integers(0, k, size=n))
    return y_true.astype(dtype), y_pred.astype(dtype)


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _scores(learner, y_true, y_pred, num_classes, average):
    """The learner's (precision, recall, f1) as floats, checked for kind."""
    result = learner.precision_recall_f1(y_true, y_pred, num_classes, average)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(
            f"precision_recall_f1 should return a tuple (precision, recall, f1), got {_describe(result)}"
        )
    return tuple(assert_scalar(v, name=f"{name} ({average})") for v, name in zip(result, NAMES, strict=True))


def _check(got, expected, average):
    for v, e, name in zip(got, expected, NAMES, strict=True):
        assert_allclose(v, e, rtol=RTOL, atol=ATOL, name=f"{name} ({average})")


def _matches_reference(learner, reference, y_true, y_pred, num_classes):
    for average in ("macro", "micro"):
        expected = reference.precision_recall_f1(y_true, y_pred, num_classes, average)
        _check(_scores(learner, y_true, y_pred, num_classes, average), expected, average)


@sample
def test_a_small_example_by_hand(learner):
    y_true = np.array([0, 0, 0, 1, 1, 2])
    y_pred = np.array([0, 0, 1, 1, 0, 0])
    # Class 0: P = 2/4, R = 2/3; class 1: P = R = 1/2; class 2: never predicted,
    # P = R = 0; class 3: absent, P = R = 0. Macro averages over all 4 classes.
    _check(_scores(learner, y_true, y_pred, 4, "macro"), (1 / 4, (2 / 3 + 1 / 2) / 4, (4 / 7 + 1 / 2) / 4), "macro")
    # Micro pools the counts: 3 right out of 6 predictions and 6 true labels.
    _check(_scores(learner, y_true, y_pred, 4, "micro"), (0.5, 0.5, 0.5), "micro")


@sample
def test_perfect_predictions_score_one(learner, rng):
    y = rng.permutation(np.arange(50) % 5)
    for average in ("macro", "micro"):
        _check(_scores(learner, y, y.copy(), 5, average), (1.0, 1.0, 1.0), average)


@sample
def test_a_class_never_predicted_counts_as_zero_not_nan(learner):
    y_true = np.array([0, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1])  # class 2 is never predicted
    p, r, f = _scores(learner, y_true, y_pred, 3, "macro")
    assert not any(np.isnan([p, r, f])), f"got NaN in (precision, recall, f1) = ({p}, {r}, {f})"
    _check((p, r, f), ((1 + 1 / 3 + 0) / 3, (1 + 1 + 0) / 3, (1 + 0.5 + 0) / 3), "macro")


@hidden(weight=2)
def test_matches_reference_on_random_labels(learner, reference, rng):
    for n, k, accuracy in [(10, 2, 0.5), (100, 3, 0.8), (1000, 10, 0.3), (500, 50, 0.6), (37, 7, 0.0), (2000, 4, 0.95)]:
        _matches_reference(learner, reference, *_labels(rng, n, k, accuracy), k)


@hidden
def test_micro_scores_equal_accuracy(learner, rng):
    y_true, y_pred = _labels(rng, 400, 6, 0.7)
    accuracy = float(np.mean(y_true == y_pred))
    _check(_scores(learner, y_true, y_pred, 6, "micro"), (accuracy,) * 3, "micro")


@hidden(weight=2)
def test_classes_absent_from_the_data(learner, reference, rng):
    # Labels only in [0, 5) with num_classes = 12: 7 classes score 0 and still count.
    y_true, y_pred = _labels(rng, 200, 5, 0.7)
    _matches_reference(learner, reference, y_true, y_pred, 12)
    # Some classes only in y_true (never predicted), some only in y_pred (never true).
    y_true = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    y_pred = np.array([0, 4, 4, 1, 5, 0, 4, 3])
    _matches_reference(learner, reference, y_true, y_pred, 7)


@hidden
def test_every_prediction_wrong(learner, reference, rng):
    y_true = rng.integers(0, 4, size=60)
    y_pred = (y_true + rng.integers(1, 4, size=60)) % 4
    _matches_reference(learner, reference, y_true, y_pred, 4)
    for average in ("macro", "micro"):
        _check(_scores(learner, y_true, y_pred, 4, average), (0.0, 0.0, 0.0), average)


@hidden
def test_tiny_inputs(learner, reference):
    empty = np.array([], dtype=np.int64)
    for average in ("macro", "micro"):
        _check(_scores(learner, empty, empty.copy(), 3, average), (0.0, 0.0, 0.0), f"{average}, empty input")
    _matches_reference(learner, reference, np.array([2]), np.array([2]), 3)
    _matches_reference(learner, reference, np.array([2]), np.array([0]), 3)
    _matches_reference(learner, reference, np.array([0, 0, 0]), np.array([0, 0, 0]), 1)


@hidden
def test_int32_labels(learner, reference, rng):
    _matches_reference(learner, reference, *_labels(rng, 300, 8, 0.5, dtype=np.int32), 8)


def _same_scores(result, expected):
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise AssertionError(f"precision_recall_f1 should return a tuple of 3, got {_describe(result)}")
    for v, e, name in zip(result, expected, NAMES, strict=True):
        assert_allclose(assert_scalar(v, name=name), e, rtol=RTOL, atol=ATOL, name=name)


@hidden
def test_speed_on_many_samples_and_classes(learner, reference, rng):
    y_true, y_pred = _labels(rng, 150_000, 200, 0.6)
    # Two untimed calls first: the inputs are then kept by the learner process,
    # so the timed calls measure the function, not copying them into cold memory.
    _scores(learner, y_true, y_pred, 200, "macro")
    _scores(learner, y_true, y_pred, 200, "macro")
    assert_speed(learner.precision_recall_f1, reference.precision_recall_f1, y_true, y_pred, 200, "macro",
                 max_ratio=10, check=_same_scores)  # fmt: skip
