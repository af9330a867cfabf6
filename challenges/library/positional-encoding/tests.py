import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, hidden, sample

# Values lie in [-1, 1]. Computing the frequencies as exp(-2i ln(10000) / d)
# instead of a power changes an angle of ~1e4 by ~1e-12: atol covers that.
RTOL, ATOL = 1e-7, 1e-9


def _encode(learner, seq_len, d_model):
    pe = learner.sinusoidal_positional_encoding(seq_len, d_model)
    return assert_shape(pe, (seq_len, d_model), name=f"sinusoidal_positional_encoding({seq_len}, {d_model})")


def _matches_reference(learner, reference, seq_len, d_model):
    pe = _encode(learner, seq_len, d_model)
    expected = reference.sinusoidal_positional_encoding(seq_len, d_model)
    assert_allclose(pe, expected, rtol=RTOL, atol=ATOL, name=f"PE for seq_len={seq_len}, d_model={d_model}")


@sample
def test_position_zero_alternates_zero_and_one(learner):
    pe = _encode(learner, 3, 6)
    assert_allclose(pe[0], np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0]), atol=1e-12, name="PE[0] (sin 0, cos 0, ...)")


@sample
def test_first_pair_is_sin_and_cos_of_the_position(learner):
    # Column pair (0, 1) has frequency 10000^0 = 1: the angle is the position itself, in radians.
    pe = _encode(learner, 10, 8)
    pos = np.arange(10.0)
    assert_allclose(pe[:, 0], np.sin(pos), rtol=RTOL, atol=ATOL, name="PE[:, 0] (should be sin(pos))")
    assert_allclose(pe[:, 1], np.cos(pos), rtol=RTOL, atol=ATOL, name="PE[:, 1] (should be cos(pos))")


@sample
def test_each_sin_cos_pair_lies_on_the_unit_circle(learner):
    # Columns 2i and 2i+1 share one angle, so sin^2 + cos^2 = 1 for every pair.
    pe = _encode(learner, 20, 16)
    radius = pe[:, 0::2] ** 2 + pe[:, 1::2] ** 2
    assert_allclose(radius, np.ones((20, 8)), atol=1e-9, name="PE[:, 2i]**2 + PE[:, 2i+1]**2")


@hidden(weight=2)
def test_matches_reference_for_even_widths(learner, reference):
    for seq_len, d_model in [(1, 2), (10, 4), (50, 16), (128, 512), (200, 64), (3, 1024)]:
        _matches_reference(learner, reference, seq_len, d_model)


@hidden(weight=2)
def test_odd_widths_end_with_a_sine_column(learner, reference):
    for seq_len, d_model in [(5, 1), (20, 7), (100, 33), (1, 3)]:
        _matches_reference(learner, reference, seq_len, d_model)


@hidden
def test_long_sequences_keep_their_precision(learner, reference):
    # Angles up to ~2e4 radians in the fastest column.
    _matches_reference(learner, reference, 20000, 16)


@hidden
def test_random_sizes(learner, reference, rng):
    for _ in range(5):
        _matches_reference(learner, reference, int(rng.integers(1, 300)), int(rng.integers(1, 130)))


@hidden
def test_an_empty_sequence(learner, reference):
    _matches_reference(learner, reference, 0, 8)


@hidden
def test_returns_floats(learner):
    pe = _encode(learner, 4, 4)
    assert pe.dtype.kind == "f", f"the encoding should be a float array, got dtype {pe.dtype}"
