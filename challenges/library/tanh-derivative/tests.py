import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, check_gradient, hidden, sample

# tanh and its derivative are O(1); rtol also holds for tiny outputs (tanh(1e-10)),
# which every correct method gets to the last digit or two.
RTOL, ATOL = 1e-9, 1e-300


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _forward(learner, x):
    """The learner's (out, cache); out checked for shape, the cache left as it came."""
    result = learner.tanh_forward(x)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"tanh_forward should return a tuple (out, cache), got {_describe(result)}")
    out, cache = result
    assert_shape(out, x.shape, name="out")
    return out, cache


def _backward(learner, dout, cache):
    return assert_shape(learner.tanh_backward(dout, cache), dout.shape, name="dx")


def _reference_dx(reference, x, dout):
    return reference.tanh_backward(dout, reference.tanh_forward(x)[1])


@sample
def test_forward_values_and_the_slope_at_zero(learner):
    x = np.array([-1.0, 0.0, 1.0])
    out, cache = _forward(learner, x)
    assert_allclose(out, np.array([-0.7615941559557649, 0.0, 0.7615941559557649]), rtol=1e-12, name="out")
    dout = np.array([2.0, 3.0, 4.0])
    # tanh'(0) = 1, tanh'(+-1) = 1 - tanh(1)^2 = 0.41997434...
    expected = dout * np.array([0.41997434161402614, 1.0, 0.41997434161402614])
    assert_allclose(_backward(learner, dout, cache), expected, rtol=1e-9, name="dx")


@sample
def test_backward_matches_finite_differences(learner, reference, rng):
    x = rng.normal(size=(4, 5))
    dout = rng.normal(size=(4, 5))
    _, cache = _forward(learner, x)
    dx = _backward(learner, dout, cache)
    check_gradient(dx, lambda z: reference.tanh_forward(z)[0], x, upstream=dout, name="dx")


@hidden(weight=2)
def test_matches_reference_on_random_arrays(learner, reference, rng):
    for shape, scale in [((1,), 1.0), ((30,), 2.0), ((8, 16), 1.0), ((2, 3, 4), 5.0), ((100, 3), 0.1)]:
        x = rng.normal(size=shape) * scale
        dout = rng.normal(size=shape)
        out, cache = _forward(learner, x)
        assert_allclose(out, reference.tanh_forward(x)[0], rtol=RTOL, atol=ATOL, name="out")
        assert_allclose(_backward(learner, dout, cache), _reference_dx(reference, x, dout), rtol=RTOL,
                        atol=1e-12, name="dx")  # fmt: skip


@hidden(weight=2)
def test_backward_matches_finite_differences_on_several_shapes(learner, reference, rng):
    for shape in [(1,), (3, 4, 2), (6, 5)]:
        x = rng.normal(size=shape) * 1.5
        dout = rng.normal(size=shape)
        _, cache = _forward(learner, x)
        dx = _backward(learner, dout, cache)
        check_gradient(dx, lambda z: reference.tanh_forward(z)[0], x, upstream=dout, name="dx")


@hidden(weight=2)
def test_large_inputs_saturate_without_nan(learner, reference, rng):
    # e^x overflows past 709: the output must be exactly +-1 and the gradient 0.
    x = np.concatenate([rng.uniform(-1e4, 1e4, size=60), [-1e4, -800.0, -400.0, 400.0, 800.0, 1e4]])
    dout = rng.normal(size=x.shape)
    probe = ("inputs up to ±1e4: e^x overflows past 709 (and e^−2x below −355), so (e^x − e^−x) / (e^x + e^−x) "
             "is inf / inf = NaN; np.tanh saturates to exactly ±1")  # fmt: skip
    out, cache = _forward(learner, x)
    assert_allclose(out, reference.tanh_forward(x)[0], rtol=RTOL, atol=ATOL, name="out", probe=probe)
    assert_allclose(_backward(learner, dout, cache), _reference_dx(reference, x, dout), rtol=RTOL, atol=1e-12,
                    name="dx", probe=probe)  # fmt: skip


@hidden
def test_tiny_inputs_keep_their_relative_precision(learner, reference, rng):
    # tanh(x) = x - x^3/3 + ...: out should equal x to the last digits; e^x - e^-x cancels.
    x = np.concatenate([10.0 ** -rng.uniform(4, 300, size=30), -(10.0 ** -rng.uniform(4, 300, size=30))])
    out, _ = _forward(learner, x)
    probe = ("inputs from 1e-4 down to 1e-300: tanh(x) ≈ x to the last digit, but e^x − e^−x subtracts two numbers "
             "near 1 and keeps only the digits of x above 1e-16")  # fmt: skip
    assert_allclose(out, reference.tanh_forward(x)[0], rtol=RTOL, atol=ATOL, name="out", probe=probe)


@hidden
def test_caches_from_two_calls_do_not_interfere(learner, reference, rng):
    # Two layers: both forwards first, then the backwards in reverse order, as backprop does.
    x1, x2 = rng.normal(size=(5, 3)), rng.normal(size=(4,)) * 3
    d1, d2 = rng.normal(size=(5, 3)), rng.normal(size=(4,))
    _, cache1 = _forward(learner, x1)
    _, cache2 = _forward(learner, x2)
    assert_allclose(_backward(learner, d2, cache2), _reference_dx(reference, x2, d2), rtol=RTOL, atol=1e-12,
                    name="dx of the second call")  # fmt: skip
    assert_allclose(_backward(learner, d1, cache1), _reference_dx(reference, x1, d1), rtol=RTOL, atol=1e-12,
                    name="dx of the first call")  # fmt: skip


@hidden
def test_float32_input(learner, reference, rng):
    x = (rng.normal(size=(40, 6)) * 3).astype(np.float32)
    dout = rng.normal(size=x.shape).astype(np.float32)
    out, cache = _forward(learner, x)
    x64, dout64 = x.astype(np.float64), dout.astype(np.float64)
    assert_allclose(out, reference.tanh_forward(x64)[0], rtol=1e-5, atol=1e-7, name="out")
    # 1 - out^2 cancels near saturation: float32 rounding of out costs about 1e-7 absolute.
    assert_allclose(_backward(learner, dout, cache), _reference_dx(reference, x64, dout64), rtol=1e-4, atol=1e-6,
                    name="dx")  # fmt: skip
