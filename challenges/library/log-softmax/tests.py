import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, check_gradient, hidden, sample

# Log-probabilities range from about -1e-20 to -2e4: rtol is relative; atol is
# far below any correct method's error and only forgives results that land near 0.
# z - max - log(sum(exp(z - max))) rounds to ~u * max|z| absolute: 2e-12 at logits of 1e4, 500x inside
# rtol * 1 for log-probabilities of size 1 and more, while log(softmax) gives -inf there.
RTOL, ATOL = 1e-9, 1e-12
NEG_INF = -np.inf

UNDERFLOW = (
    "a class far below the others: its probability e^(−1000) underflows to 0, so log(softmax(z)) is −inf "
    "while its log-probability is about −1000; subtract the log-sum-exp instead of forming probabilities"
)
OVERFLOW = (
    "logits of ±1000 and more: exp overflows past 709 and underflows below −745 unless each row is shifted by "
    "its own max (a global max leaves rows 1e4 below it at log 0); then subtract the log-sum-exp"
)


def _forward(learner, Z, name="log_softmax(Z)"):
    return assert_shape(learner.log_softmax(Z), Z.shape, name=name)


def _backward(learner, dout, out):
    return assert_shape(learner.log_softmax_backward(dout, out), dout.shape, name="dZ")


def _forward_matches(learner, reference, Z, rtol=RTOL, atol=ATOL, probe=""):
    expected = reference.log_softmax(Z.astype(np.float64))
    assert_allclose(_forward(learner, Z), expected, rtol=rtol, atol=atol, name=f"log_softmax of a {Z.shape} array",
                    probe=probe)  # fmt: skip


def _backward_matches(learner, reference, Z, dout):
    out = reference.log_softmax(Z)  # the trusted output: the backward is judged on its own
    dZ = _backward(learner, dout, out)
    assert_allclose(dZ, reference.log_softmax_backward(dout, out), rtol=1e-8, atol=1e-10, name="dZ")
    return dZ


@sample
def test_rows_exponentiate_to_probabilities(learner):
    Z = np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])
    out = _forward(learner, Z)
    assert_allclose(np.exp(out).sum(axis=-1), np.ones(2), rtol=1e-12, name="exp(log_softmax(Z)).sum(axis=-1)")
    assert_allclose(out[1], np.full(3, -np.log(3)), rtol=1e-12, name="log_softmax([5, 5, 5])")


@sample
def test_very_unlikely_classes_keep_a_finite_log_probability(learner):
    # softmax([0, -1000]) underflows to [1, 0], but the log-probabilities are exactly [0, -1000].
    out = _forward(learner, np.array([0.0, -1000.0]), name="log_softmax([0, -1000])")
    assert_allclose(out, np.array([0.0, -1000.0]), rtol=1e-12, atol=1e-15, name="log_softmax([0, -1000])",
                    probe=UNDERFLOW)  # fmt: skip
    out = _forward(learner, np.array([1000.0, 0.0]), name="log_softmax([1000, 0])")
    assert_allclose(out, np.array([0.0, -1000.0]), rtol=1e-12, atol=1e-15, name="log_softmax([1000, 0])",
                    probe=OVERFLOW)  # fmt: skip


@sample
def test_backward_matches_finite_differences(learner, reference, rng):
    Z = rng.normal(size=(3, 5))
    dout = rng.normal(size=(3, 5))
    dZ = _backward(learner, dout, reference.log_softmax(Z))
    check_gradient(dZ, reference.log_softmax, Z, upstream=dout, name="dZ")


@hidden(weight=2)
def test_forward_matches_reference(learner, reference, rng):
    for shape, scale in [((1,), 1.0), ((6,), 3.0), ((1, 1), 1.0), ((32, 10), 1.0), ((4, 1000), 2.0), ((2, 3, 7), 10.0)]:
        _forward_matches(learner, reference, rng.normal(size=shape) * scale)


@hidden(weight=2)
def test_extreme_logits(learner, reference, rng):
    batches = [
        rng.normal(size=(64, 10)) * 1e3,
        rng.normal(size=(16, 5)) * 1e4,
        rng.uniform(-1e4, -5e3, size=(20, 6)),  # every exp underflows without the shift
        # rows far apart: each needs its own shift, not the global max
        rng.normal(size=(30, 4)) + rng.uniform(-1e4, 1e4, size=(30, 1)),
        np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e3, -1e3, 1e3]]),
    ]
    for Z in batches:
        _forward_matches(learner, reference, Z, probe=OVERFLOW)
    _forward_matches(learner, reference, rng.normal(size=20) * 5e3, probe=OVERFLOW)


@hidden
def test_masked_logits(learner, reference, rng):
    # -inf logits (masked classes) have log-probability -inf; every row keeps a finite logit.
    Z = rng.normal(size=(12, 6)) * 3
    Z[rng.random(size=Z.shape) < 0.5] = NEG_INF
    Z[np.arange(12), rng.integers(0, 6, size=12)] = rng.normal(size=12)
    _forward_matches(learner, reference, Z)


@hidden
def test_a_single_class_has_log_probability_zero(learner):
    out = _forward(learner, np.array([[3.0], [-2.0], [1e4]]))
    assert_allclose(out, np.zeros((3, 1)), atol=1e-12, name="log_softmax of one class")


@hidden
def test_float32_input(learner, reference, rng):
    Z = (rng.normal(size=(100, 10)) * 30).astype(np.float32)
    # float32 keeps about 7 digits of log-probabilities up to ~200 in magnitude.
    _forward_matches(learner, reference, Z, rtol=1e-5, atol=1e-4,
                     probe="float32 logits up to about 100: exp overflows float32 past 88 unless each row is shifted by its max")  # fmt: skip


@hidden(weight=2)
def test_backward_matches_reference_and_finite_differences(learner, reference, rng):
    for shape in [(1,), (5,), (2, 3), (4, 6), (2, 3, 4)]:
        Z = rng.normal(size=shape) * 2
        dout = rng.normal(size=shape)
        dZ = _backward_matches(learner, reference, Z, dout)
        check_gradient(dZ, reference.log_softmax, Z, upstream=dout, name="dZ")


@hidden
def test_backward_on_larger_and_confident_batches(learner, reference, rng):
    _backward_matches(learner, reference, rng.normal(size=(64, 10)), rng.normal(size=(64, 10)))
    # Confident rows: p is one-hot up to e^-1000; the gradient is still finite and exact.
    Z = rng.normal(size=(20, 5)) * 1e3
    _backward_matches(learner, reference, Z, rng.normal(size=(20, 5)))
    # The gradient of cross-entropy: dout = -1 at the label only, so dZ = p - onehot.
    labels = rng.integers(0, 5, size=20)
    dout = np.zeros((20, 5))
    dout[np.arange(20), labels] = -1.0
    _backward_matches(learner, reference, rng.normal(size=(20, 5)), dout)


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    Z = rng.normal(size=(40000, 4)) * 5
    dout = rng.normal(size=Z.shape)
    assert_speed(learner.log_softmax, reference.log_softmax, Z, max_ratio=10)
    assert_speed(learner.log_softmax_backward, reference.log_softmax_backward, dout, reference.log_softmax(Z),
                 max_ratio=10)  # fmt: skip
