import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, hidden, sample

# Every correct float64 form is accurate to a few ulps, even for outputs like
# 1e-300: rtol is relative on purpose. atol only forgives values below 1e-300
# (e^-690), where underflow to a subnormal or to 0 depends on the formula.
RTOL, ATOL = 1e-9, 1e-300

TINY = (
    "very negative inputs, outputs from 1e-9 down to 1e-304: 1 − sigmoid(−x) and 0.5·(1 + tanh(x/2)) subtract "
    "from 1 and cancel to 0 (1 keeps 16 digits, not 300), and clipping x changes them; use exp(x) / (1 + exp(x)) "
    "for x < 0"
)
HUGE = (
    "inputs up to ±1e4: exp(x) overflows past 709, so exp(x) / (1 + exp(x)) is inf / inf = NaN, and outputs as "
    "small as 1e-300 cancel to 0 in 1 − sigmoid(−x); use 1 / (1 + exp(−x)) for x ≥ 0 and exp(x) / (1 + exp(x)) "
    "for x < 0"
)


def _sigmoid(learner, x, name="sigmoid(x)"):
    return assert_shape(learner.sigmoid(x), x.shape, name=name)


def _matches_reference(learner, reference, x, name="sigmoid(x)", probe=""):
    out = _sigmoid(learner, x, name)
    assert_allclose(out, reference.sigmoid(x), rtol=RTOL, atol=ATOL, name=name, probe=probe)


@sample
def test_zero_gives_one_half_and_the_curve_is_symmetric(learner):
    x = np.array([-3.0, -1.0, 0.0, 1.0, 3.0])
    s = _sigmoid(learner, x, name="sigmoid([-3, -1, 0, 1, 3])")
    assert_allclose(s[2], 0.5, rtol=1e-12, name="sigmoid(0)")
    assert_allclose(s[::-1], 1 - s, rtol=1e-9, name="sigmoid(-x) (should equal 1 - sigmoid(x))")


@sample
def test_huge_inputs_give_exactly_0_and_1(learner):
    s = _sigmoid(learner, np.array([-1000.0, 1000.0]), name="sigmoid([-1000, 1000])")
    assert_allclose(s, np.array([0.0, 1.0]), atol=1e-300, name="sigmoid([-1000, 1000])", probe=HUGE)


@sample
def test_tiny_outputs_keep_their_relative_precision(learner):
    # e^-40 / (1 + e^-40): about 4.25e-18, and every digit should be right.
    s = _sigmoid(learner, np.array([-40.0]), name="sigmoid([-40])")
    assert_allclose(s, np.array([4.248354255291589e-18]), rtol=RTOL, name="sigmoid([-40])", probe=TINY)


@hidden(weight=2)
def test_matches_reference_on_random_arrays(learner, reference, rng):
    for shape, scale in [((1,), 1.0), ((50,), 1.0), ((8, 16), 5.0), ((3, 4, 5), 30.0), ((200,), 300.0)]:
        _matches_reference(learner, reference, rng.normal(size=shape) * scale)


@hidden(weight=2)
def test_very_negative_inputs_are_relatively_accurate(learner, reference, rng):
    # Outputs from 1e-9 down to 1e-304: a subtraction from 1 or a clipped input loses them.
    _matches_reference(learner, reference, -rng.uniform(20.0, 700.0, size=(40, 5)), probe=TINY)


@hidden(weight=2)
def test_huge_magnitudes_do_not_overflow(learner, reference, rng):
    x = np.concatenate([rng.uniform(-1e4, 1e4, size=100), [-1e4, -710.0, -709.0, 709.0, 710.0, 1e4]])
    _matches_reference(learner, reference, x, probe=HUGE)
    _matches_reference(learner, reference, np.array([-np.inf, np.inf, 0.0]), name="sigmoid([-inf, inf, 0])",
                       probe=HUGE)  # fmt: skip


@hidden
def test_float32_input_keeps_its_dtype(learner, reference, rng):
    x = (rng.normal(size=(64, 8)) * 30).astype(np.float32)
    out = _sigmoid(learner, x)
    assert out.dtype == np.float32, f"sigmoid of a float32 array should be float32, got {out.dtype}"
    # atol covers float32's subnormal outputs (x < -87), which have few digits left.
    assert_allclose(out, reference.sigmoid(x.astype(np.float64)), rtol=1e-5, atol=1e-37, name="sigmoid(x)")


@hidden
def test_edge_shapes(learner, reference):
    for x in (np.zeros(1), np.zeros((2, 3)), np.zeros(0), np.zeros((0, 4)), np.full((1, 1, 1), -5.0)):
        _matches_reference(learner, reference, x, name=f"sigmoid of a {x.shape} array")


@hidden
def test_speed_on_a_large_array(learner, reference, rng):
    # Element-wise work: a vectorised sigmoid is 1-1.5x the reference (np.where of two
    # exp forms 1.3x), a list comprehension with math.exp 7.5x, so the limit sits at 5x.
    x = rng.normal(size=(1000, 200)) * 10
    assert_speed(learner.sigmoid, reference.sigmoid, x, max_ratio=5)
