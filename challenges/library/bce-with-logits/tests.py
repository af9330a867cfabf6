import numpy as np

from grader.engine.testing import (
    assert_allclose,
    assert_finite,
    assert_scalar,
    assert_shape,
    assert_speed,
    check_gradient,
    hidden,
    sample,
)

# float64 implementations of the stable formula agree to ~1e-15; atol covers
# gradient entries (sigmoid(x) - y) / n that are nearly zero.
RTOL, ATOL = 1e-7, 1e-12

CONFIDENT = (
    "confident logits of ±37 to ±1e4: sigmoid(x) rounds to exactly 0 or 1, so log(sigmoid) and log(1 − sigmoid) "
    "are −inf (and + ε caps the loss near 27.6), and exp(x) overflows past 709 in log(1 + exp(x)); use "
    "max(x, 0) − x·y + log1p(exp(−|x|))"
)


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _call(learner, logits, targets):
    """The learner's (loss, dlogits), checked for kind and shape."""
    result = learner.bce_with_logits(logits, targets)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"bce_with_logits should return a tuple (loss, dlogits), got {_describe(result)}")
    loss, dlogits = result
    loss = assert_scalar(loss, name="loss")
    assert_shape(dlogits, np.shape(logits), name="dlogits")
    return loss, dlogits


def _matches_reference(learner, reference, logits, targets, rtol=RTOL, atol=ATOL, probe=""):
    loss, dlogits = _call(learner, logits, targets)
    loss_ref, dlogits_ref = reference.bce_with_logits(logits, targets)
    assert_allclose(loss, loss_ref, rtol=rtol, atol=atol, name="loss", probe=probe)
    assert_allclose(dlogits, dlogits_ref, rtol=rtol, atol=atol, name="dlogits", probe=probe)


def _problem(rng, shape, scale, soft):
    logits = rng.normal(size=shape) * scale
    targets = rng.random(size=shape) if soft else rng.integers(0, 2, size=shape).astype(np.float64)
    return logits, targets


@sample
def test_zero_logits_give_log_2(learner):
    targets = np.array([0.0, 1.0, 1.0, 0.0])
    loss, dlogits = _call(learner, np.zeros(4), targets)
    # sigmoid(0) = 1/2 whatever the target: loss log 2, gradient (1/2 - y) / 4
    assert_allclose(loss, np.log(2), rtol=1e-12, name="loss")
    assert_allclose(dlogits, (0.5 - targets) / 4, rtol=1e-12, name="dlogits")


@sample
def test_huge_logits_give_the_exact_finite_loss(learner):
    # Right and confident: loss ~0. Wrong and confident: the loss is |logit|.
    loss, dlogits = _call(learner, np.array([1000.0, -1000.0]), np.array([1.0, 0.0]))
    assert_finite(dlogits, name="dlogits", probe=CONFIDENT)
    assert_allclose(loss, 0.0, atol=1e-12, name="loss for right, confident logits", probe=CONFIDENT)
    loss, dlogits = _call(learner, np.array([1000.0, -1000.0]), np.array([0.0, 1.0]))
    assert_finite(dlogits, name="dlogits", probe=CONFIDENT)
    assert_allclose(loss, 1000.0, rtol=1e-12, name="loss for wrong, confident logits", probe=CONFIDENT)
    assert_allclose(dlogits, np.array([0.5, -0.5]), rtol=1e-12, name="dlogits for wrong, confident logits",
                    probe=CONFIDENT)  # fmt: skip


@sample
def test_soft_target_gradient_vanishes_where_sigmoid_equals_it(learner):
    targets = np.array([0.25, 0.5, 0.9])
    logits = np.log(targets / (1 - targets))  # sigmoid(logits) == targets
    _, dlogits = _call(learner, logits, targets)
    assert_allclose(dlogits, np.zeros(3), atol=1e-12, name="dlogits at sigmoid(logits) = targets")


@hidden(weight=2)
def test_matches_reference_on_random_inputs(learner, reference, rng):
    configs = [((1,), 1.0, False), ((10,), 1.0, False), ((64, 3), 5.0, True), ((7, 2, 5), 0.1, True),
               ((500,), 20.0, False), ((32, 10), 2.0, True)]  # fmt: skip
    for shape, scale, soft in configs:
        _matches_reference(learner, reference, *_problem(rng, shape, scale, soft))


@hidden(weight=2)
def test_extreme_logits_give_the_exact_loss(learner, reference, rng):
    # Finite is not enough: log(p + eps) is finite but far from the true loss.
    cases = [_problem(rng, (256,), 1e3, False), _problem(rng, (64, 4), 1e4, True), _problem(rng, (100,), 40.0, False)]
    x = np.array([1e4, -1e4, 1e4, -1e4, 800.0, -800.0, 37.0, -37.0])
    cases.append((x, np.array([1.0, 0.0, 0.0, 1.0, 0.3, 0.7, 1.0, 0.0])))
    for logits, targets in cases:
        _matches_reference(learner, reference, logits, targets, probe=CONFIDENT)


@hidden
def test_soft_targets_are_used_as_given(learner, reference, rng):
    # Targets strictly between 0 and 1: y = 0.3 is neither class.
    logits = rng.normal(size=(20, 3)) * 3
    targets = rng.uniform(0.05, 0.95, size=(20, 3))
    _matches_reference(learner, reference, logits, targets)


@hidden
def test_gradient_matches_finite_differences(learner, reference, rng):
    for shape, soft in [((8,), False), ((3, 4), True)]:
        logits, targets = _problem(rng, shape, 2.0, soft)
        _, dlogits = _call(learner, logits, targets)
        check_gradient(dlogits, lambda x, y=targets: reference.bce_with_logits(x, y)[0], logits, name="dlogits")


@hidden
def test_float32_input(learner, reference, rng):
    logits, targets = _problem(rng, (64, 4), 30.0, True)
    logits, targets = logits.astype(np.float32), targets.astype(np.float32)
    loss, dlogits = _call(learner, logits, targets)
    loss_ref, dlogits_ref = reference.bce_with_logits(logits.astype(np.float64), targets.astype(np.float64))
    # float32 rounds to ~6e-8 relative, times logits of up to ~100 in the loss: ~1e-5, 10x inside rtol.
    probe = "float32 logits up to about 100: in float32 sigmoid(x) rounds to 1 past x ≈ 17 and exp overflows past 88"
    assert_allclose(loss, loss_ref, rtol=1e-4, atol=1e-6, name="loss", probe=probe)
    assert_allclose(dlogits, dlogits_ref, rtol=1e-4, atol=1e-7, name="dlogits", probe=probe)


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    logits, targets = _problem(rng, (40_000, 4), 3.0, True)
    assert_speed(learner.bce_with_logits, reference.bce_with_logits, logits, targets, max_ratio=10)
