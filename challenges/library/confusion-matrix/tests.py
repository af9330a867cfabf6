import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, hidden, sample


def _cm(learner, y_true, y_pred, k):
    """The learner's matrix, checked for shape and an integer dtype."""
    cm = assert_shape(learner.confusion_matrix(y_true, y_pred, k), (k, k), name="confusion_matrix")
    if cm.dtype.kind not in "iu":
        raise AssertionError(f"confusion_matrix has dtype {cm.dtype}; counts should be integers (e.g. int64)")
    return cm


def _matches_reference(learner, reference, y_true, y_pred, k):
    expected = reference.confusion_matrix(y_true, y_pred, k)
    # Counts are integers: compared exactly, no tolerance. Any correct method counts the same pairs,
    # and one pair lost, doubled or put in the transposed cell is off by at least 1.
    assert_allclose(_cm(learner, y_true, y_pred, k), expected, rtol=0, atol=0, name="confusion_matrix")


def _labels(rng, n, k, dtype=np.int64):
    return rng.integers(0, k, size=n).astype(dtype), rng.integers(0, k, size=n).astype(dtype)


@sample
def test_a_small_example_rows_true_columns_predicted(learner):
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 0, 2])
    cm = _cm(learner, y_true, y_pred, 3)
    expected = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    # Exact integer counts: no tolerance; a transposed matrix is off by 1 in four cells.
    assert_allclose(cm, expected, rtol=0, atol=0, name="confusion_matrix")


@sample
def test_repeated_pairs_are_all_counted(learner):
    # The same (true, pred) pair four times: the cell must say 4, not 1.
    cm = _cm(learner, np.array([1, 1, 1, 1, 0]), np.array([0, 0, 0, 0, 0]), 2)
    # Exact integer counts: no tolerance; counting the repeated pair once gives 1 instead of 4.
    assert_allclose(cm, np.array([[1, 0], [4, 0]]), rtol=0, atol=0, name="confusion_matrix")


@sample
def test_empty_input_gives_zeros(learner):
    empty = np.array([], dtype=np.int64)
    cm = _cm(learner, empty, empty, 4)
    # No samples: every cell is exactly 0, no tolerance needed.
    assert_allclose(cm, np.zeros((4, 4), dtype=np.int64), rtol=0, atol=0, name="confusion_matrix of no samples")


@hidden(weight=2)
def test_matches_reference_on_random_labels(learner, reference, rng):
    for n, k in [(1, 1), (1, 5), (10, 2), (100, 3), (1000, 10), (50, 100)]:
        _matches_reference(learner, reference, *_labels(rng, n, k), k)


@hidden
def test_classes_that_never_occur_keep_their_row_and_column(learner, reference, rng):
    # Labels only in 0..2 but 6 classes; and a class only ever predicted, never true.
    y_true, y_pred = _labels(rng, 40, 3)
    _matches_reference(learner, reference, y_true, y_pred, 6)
    y_true = rng.integers(0, 2, size=40)
    y_pred = rng.integers(2, 4, size=40)
    _matches_reference(learner, reference, y_true, y_pred, 4)


@hidden
def test_orientation_on_constant_predictions(learner, reference, rng):
    # Everything predicted as class 0: all counts in column 0, one row per true class.
    y_true = rng.integers(0, 4, size=30)
    _matches_reference(learner, reference, y_true, np.zeros(30, dtype=np.int64), 4)
    _matches_reference(learner, reference, np.full(30, 3, dtype=np.int64), y_true, 4)


@hidden
def test_perfect_predictions_fill_the_diagonal(learner, reference, rng):
    y = rng.integers(0, 7, size=200)
    _matches_reference(learner, reference, y, y.copy(), 7)


@hidden
def test_empty_input_for_several_sizes(learner):
    empty = np.array([], dtype=np.int64)
    for k in (1, 2, 10):
        cm = _cm(learner, empty, empty, k)
        # No samples: every cell is exactly 0, no tolerance needed.
        assert_allclose(cm, np.zeros((k, k), dtype=np.int64), rtol=0, atol=0, name="confusion_matrix of no samples")


@hidden
def test_int32_labels(learner, reference, rng):
    _matches_reference(learner, reference, *_labels(rng, 500, 8, dtype=np.int32), 8)


@hidden(weight=2)
def test_uint8_labels_do_not_overflow(learner, reference, rng):
    # Segmentation masks come as uint8: with 21 classes, y_true * 21 + y_pred reaches
    # 440, which wraps around in uint8 arithmetic unless the labels are widened first.
    _matches_reference(learner, reference, *_labels(rng, 2000, 21, dtype=np.uint8), 21)
    _matches_reference(learner, reference, *_labels(rng, 300, 5, dtype=np.uint8), 5)


@hidden
def test_speed_on_a_segmentation_sized_input(learner, reference, rng):
    # Half a million pixels, 21 classes, uint8 labels (a batch of segmentation masks).
    # np.add.at runs at ~5x the reference's np.bincount and the fastest pure-Python loop
    # (over .tolist()) at ~25x: the 10x limit sits between them. Larger, the loop over
    # numpy scalars would run into the test's CPU limit before its speed is checked.
    # Two untimed calls on other draws of the same size first: a fresh learner process
    # pays for growing its heap on its first large calls, which would be timed as the
    # function's own work. Other draws, so that no cached result can serve the timed calls.
    for _ in range(2):
        learner.confusion_matrix(*_labels(rng, 500_000, 21, dtype=np.uint8), 21)
    y_true, y_pred = _labels(rng, 500_000, 21, dtype=np.uint8)
    assert_speed(learner.confusion_matrix, reference.confusion_matrix, y_true, y_pred, 21, max_ratio=10)
