import numpy as np

from grader.engine.testing import assert_allclose, assert_scalar, assert_speed, hidden, sample

# An accuracy is a count divided by N: any correct implementation gives the same
# count, so only the division's rounding may differ.
RTOL = 1e-12


def _acc(learner, scores, labels, k):
    return assert_scalar(learner.top_k_accuracy(scores, labels, k), name=f"top_k_accuracy(..., k={k})")


def _matches_reference(learner, reference, scores, labels, k):
    expected = reference.top_k_accuracy(scores, labels, k)
    assert_allclose(_acc(learner, scores, labels, k), expected, rtol=RTOL, name=f"top_k_accuracy(..., k={k})")


def _problem(rng, n, c, label_dtype=np.int64):
    return rng.normal(size=(n, c)), rng.integers(0, c, size=n).astype(label_dtype)


@sample
def test_a_small_example_for_each_k(learner):
    scores = np.array([[0.1, 0.5, 0.4], [0.7, 0.2, 0.1], [0.3, 0.3, 0.4]])
    labels = np.array([2, 0, 1])
    # Ranks of the labels (how many scores beat them strictly): 1, 0, 1.
    for k, expected in ((1, 1 / 3), (2, 1.0), (3, 1.0)):
        assert_allclose(_acc(learner, scores, labels, k), expected, rtol=1e-12, name=f"top_k_accuracy(..., k={k})")


@sample
def test_ties_count_in_favour_of_the_label(learner):
    # Three classes share the top score: each of them is in the top 1.
    scores = np.array([[1.0, 2.0, 2.0, 2.0]] * 3)
    labels = np.array([1, 2, 3])
    assert_allclose(_acc(learner, scores, labels, 1), 1.0, rtol=1e-12, name="top_k_accuracy(..., k=1) on a tie")
    # All scores equal: nothing beats anything, so every label is in the top 1.
    assert_allclose(_acc(learner, np.zeros((4, 5)), np.array([0, 1, 2, 4]), 1), 1.0, rtol=1e-12,
                    name="top_k_accuracy(all-zero scores, k=1)")  # fmt: skip


@sample
def test_k_of_at_least_the_class_count_gives_one(learner, rng):
    scores, labels = _problem(rng, 20, 5)
    for k in (5, 6):
        assert_allclose(_acc(learner, scores, labels, k), 1.0, rtol=1e-12, name=f"top_k_accuracy(..., k={k}), C = 5")


@hidden(weight=2)
def test_matches_reference_on_random_scores(learner, reference, rng):
    for n, c, ks in [(1, 2, (1, 2)), (10, 3, (1, 2)), (100, 10, (1, 3, 5)), (50, 1000, (1, 5, 100)), (500, 4, (1, 3))]:
        scores, labels = _problem(rng, n, c)
        for k in ks:
            _matches_reference(learner, reference, scores, labels, k)


@hidden(weight=2)
def test_many_ties(learner, reference, rng):
    # Integer scores from 0 to 2: most rows have ties around the label's score.
    scores = rng.integers(0, 3, size=(300, 6)).astype(np.float64)
    labels = rng.integers(0, 6, size=300)
    for k in range(1, 7):
        _matches_reference(learner, reference, scores, labels, k)


@hidden
def test_label_tied_below_the_top(learner, reference):
    # The label ties with two others for second place: with k = 2 it counts.
    scores = np.array([[9.0, 5.0, 5.0, 5.0, 1.0], [9.0, 5.0, 5.0, 5.0, 1.0], [9.0, 5.0, 5.0, 5.0, 1.0]])
    labels = np.array([1, 3, 4])
    for k in (1, 2, 4, 5):
        _matches_reference(learner, reference, scores, labels, k)


@hidden
def test_top_1_is_argmax_accuracy_without_ties(learner, rng):
    scores, labels = _problem(rng, 200, 7)
    expected = float(np.mean(scores.argmax(axis=1) == labels))
    assert_allclose(_acc(learner, scores, labels, 1), expected, rtol=RTOL, name="top_k_accuracy(..., k=1)")


@hidden
def test_confident_scores_and_negative_scores(learner, reference, rng):
    # Scores of any sign and scale: only their order matters.
    scores, labels = _problem(rng, 100, 8)
    for transformed in (scores * 1e6, scores - 1e3, -np.abs(scores), scores * 1e-9):
        for k in (1, 3):
            _matches_reference(learner, reference, transformed, labels, k)


@hidden
def test_single_row_and_single_class(learner, reference, rng):
    scores, labels = _problem(rng, 1, 10)
    for k in (1, 5, 10):
        _matches_reference(learner, reference, scores, labels, k)
    assert_allclose(_acc(learner, rng.normal(size=(5, 1)), np.zeros(5, dtype=np.int64), 1), 1.0, rtol=1e-12,
                    name="top_k_accuracy(one class, k=1)")  # fmt: skip


@hidden
def test_float32_scores_and_int32_labels(learner, reference, rng):
    scores, labels = _problem(rng, 300, 10, label_dtype=np.int32)
    scores = scores.astype(np.float32)
    for k in (1, 3):
        _matches_reference(learner, reference, scores, labels, k)


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    # 30000 rows of 10 classes: a loop over rows is ~30-100x the reference;
    # np.partition or np.sort along the rows stays within the limit.
    # Two untimed calls on other draws of the same size first: a fresh learner process
    # pays for growing its heap on its first large calls, which would be timed as the
    # function's own work. Other draws, so that no cached result can serve the timed calls.
    for _ in range(2):
        learner.top_k_accuracy(*_problem(rng, 30_000, 10), 3)
    scores, labels = _problem(rng, 30_000, 10)
    assert_speed(learner.top_k_accuracy, reference.top_k_accuracy, scores, labels, 3, max_ratio=10)
