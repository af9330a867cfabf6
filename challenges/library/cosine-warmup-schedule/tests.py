import numpy as np

from grader.engine.testing import assert_allclose, assert_finite, assert_shape, assert_speed, hidden, sample

# One cosine per step: correct float64 forms agree to ~1e-15 relative; atol
# (relative to base_lr) covers rates that land near zero at the end.
RTOL = 1e-9


def _lr(learner, step, *args, **kwargs):
    out = learner.lr_at(step, *args, **kwargs)
    return assert_shape(out, step.shape, name="lr_at(step, ...)")


def _matches_reference(learner, reference, step, base_lr, warmup_steps, total_steps, min_lr=0.0, what=""):
    args = (base_lr, warmup_steps, total_steps, min_lr)
    got = _lr(learner, step, *args)
    expected = reference.lr_at(step, *args)
    name = (
        f"lr_at(step, base_lr={base_lr:g}, warmup_steps={warmup_steps}, total_steps={total_steps}, min_lr={min_lr:g})"
    )
    assert_allclose(got, expected, rtol=RTOL, atol=1e-12 * base_lr, name=name + what)


@sample
def test_key_points_of_the_schedule(learner):
    step = np.array([0, 5, 10, 60, 110, 200])
    lr = _lr(learner, step, 1.0, 10, 110)
    expected = np.array([0.0, 0.5, 1.0, 0.5, 0.0, 0.0])
    # 0 at the start, half-way up the ramp at step 5, base_lr when warm-up ends,
    # half-way down the cosine at 60, min_lr at total_steps and after.
    assert_allclose(lr, expected, rtol=1e-9, atol=1e-12,
                    name="lr_at([0, 5, 10, 60, 110, 200], 1.0, warmup_steps=10, total_steps=110)")  # fmt: skip


@sample
def test_rises_during_warm_up_then_falls(learner):
    step = np.arange(0, 130)
    lr = _lr(learner, step, 0.1, 20, 120, min_lr=0.01)
    assert_finite(lr, name="lr")
    rise, fall = np.diff(lr[:21]), np.diff(lr[20:])
    assert (rise > 0).all(), (
        f"the rate should increase at every warm-up step; it does not after step {np.argmin(rise > 0)}"
    )
    assert (fall <= 1e-15).all(), (
        f"after warm-up the rate should never increase; it does after step {20 + np.argmax(fall > 1e-15)}"
    )
    assert_allclose(lr[120:], np.full(10, 0.01), rtol=1e-9, name="lr from total_steps on (min_lr)")


@hidden(weight=2)
def test_matches_reference_on_whole_schedules(learner, reference):
    for base_lr, warmup, total, min_lr in [(1.0, 10, 110, 0.0), (3e-4, 500, 10000, 3e-5), (0.1, 1, 50, 0.0),
                                           (2.5, 37, 1001, 0.5), (1e-3, 99, 100, 1e-4)]:  # fmt: skip
        _matches_reference(learner, reference, np.arange(total + 20), base_lr, warmup, total, min_lr)


@hidden(weight=2)
def test_no_warm_up(learner, reference):
    # warmup_steps = 0: the schedule starts at base_lr at step 0.
    step = np.arange(0, 120)
    lr = _lr(learner, step, 0.5, 0, 100)
    assert_finite(lr, name="lr_at(step, 0.5, warmup_steps=0, total_steps=100)")
    assert_allclose(lr[0], 0.5, rtol=1e-12, name="lr at step 0 with warmup_steps=0 (base_lr)")
    _matches_reference(learner, reference, step, 0.5, 0, 100)
    _matches_reference(learner, reference, step, 0.5, 0, 100, min_lr=0.05)


@hidden
def test_boundaries(learner, reference, rng):
    for warmup, total in [(10, 100), (1, 2), (250, 1000)]:
        step = np.array([0, warmup - 1, warmup, warmup + 1, total - 1, total, total + 1, 10 * total])
        _matches_reference(learner, reference, np.unique(np.maximum(step, 0)), 0.3, warmup, total, 0.003)


@hidden
def test_min_lr_is_used(learner, reference):
    step = np.arange(0, 320, 7)
    for min_lr in (0.1, 0.5, 0.99):
        _matches_reference(learner, reference, step, 1.0, 40, 300, min_lr)


@hidden
def test_long_after_the_end_holds_min_lr(learner):
    step = np.array([1000, 1500, 2000, 2999, 3000, 10**6, 10**9])
    lr = _lr(learner, step, 1.0, 100, 1000, min_lr=0.2)
    assert_allclose(lr, np.full(7, 0.2), rtol=1e-12, name="lr after total_steps (min_lr = 0.2)")


@hidden
def test_any_order_shape_and_integer_dtype(learner, reference, rng):
    step = rng.integers(0, 1200, size=(6, 7))
    _matches_reference(learner, reference, step, 0.01, 100, 1000, 0.001, what=" on a (6, 7) array")
    _matches_reference(learner, reference, rng.permutation(1100).astype(np.int32), 0.01, 100, 1000,
                       what=" on shuffled int32 steps")  # fmt: skip
    _matches_reference(learner, reference, np.array([42]), 0.01, 100, 1000, what=" on a single step")


@hidden
def test_speed_on_a_long_schedule(learner, reference, rng):
    step = rng.permutation(200_000)
    args = (3e-4, 10_000, 160_000, 3e-5)
    # An untimed call first: the sandbox's first call on arrays this large pays
    # for growing its heap, which is not the function's cost.
    _lr(learner, step, *args)
    # 5x: the leanest loop over the steps (math.cos on each) runs at ~20x the reference,
    # too near a 10x limit to fail it whatever the machine; numpy ways run at 1-2x.
    assert_speed(learner.lr_at, reference.lr_at, step, *args, max_ratio=5)
