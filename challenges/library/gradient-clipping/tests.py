import numpy as np

from grader.engine.testing import assert_allclose, assert_scalar, assert_shape, assert_speed, hidden, sample

# A norm and one multiplication per element: correct float64 forms agree to
# ~1e-14. The 1e-6 in the scale changes it by about 1e-6 / norm, so rtol must
# sit well below that for the rule to be checked as stated.
RTOL, ATOL = 1e-10, 1e-14


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _clip(learner, grads, max_norm):
    """The learner's (clipped, total_norm), checked for kind, length and shapes."""
    result = learner.clip_by_global_norm(grads, max_norm)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(
            f"clip_by_global_norm should return a tuple (clipped, total_norm), got {_describe(result)}"
        )
    clipped, total_norm = result
    if not isinstance(clipped, (list, tuple)) or len(clipped) != len(grads):
        raise AssertionError(
            f"clipped should be a list of {len(grads)} arrays, one per gradient, got {_describe(clipped)}"
        )
    for i, (c, g) in enumerate(zip(clipped, grads, strict=True)):
        assert_shape(c, g.shape, name=f"clipped[{i}]")
    return list(clipped), assert_scalar(total_norm, name="total_norm")


def _matches_reference(learner, reference, grads, max_norm, rtol=RTOL, atol=ATOL, probe=""):
    clipped, total_norm = _clip(learner, grads, max_norm)
    clipped_ref, norm_ref = reference.clip_by_global_norm(grads, max_norm)
    assert_allclose(total_norm, norm_ref, rtol=rtol, atol=atol, name="total_norm", probe=probe)
    for i, (c, c_ref) in enumerate(zip(clipped, clipped_ref, strict=True)):
        assert_allclose(c, c_ref, rtol=rtol, atol=atol, name=f"clipped[{i}]", probe=probe)


def _grads(rng, shapes, scale=1.0):
    return [rng.normal(size=s) * scale for s in shapes]


def _norm(arrays):
    return float(np.sqrt(sum(np.sum(a.astype(np.float64) ** 2) for a in arrays)))


@sample
def test_small_gradients_are_left_unchanged(learner):
    grads = [np.array([0.3, 0.4]), np.array([[0.0, 0.0]])]
    clipped, total_norm = _clip(learner, grads, max_norm=1.0)
    assert_allclose(total_norm, 0.5, rtol=1e-12, name="total_norm of [0.3, 0.4] and [[0, 0]]")
    for i, (c, g) in enumerate(zip(clipped, grads, strict=True)):
        assert_allclose(c, g, rtol=1e-12, name=f"clipped[{i}] (norm 0.5 <= max_norm 1: unchanged)")


@sample
def test_large_gradients_are_scaled_to_max_norm(learner):
    grads = [np.array([3.0, 4.0]), np.array([[12.0]])]
    clipped, total_norm = _clip(learner, grads, max_norm=1.0)
    assert_allclose(total_norm, 13.0, rtol=1e-12, name="total_norm of [3, 4] and [[12]] (before clipping)")
    assert_allclose(_norm(clipped), 13.0 / (13.0 + 1e-6), rtol=1e-9, name="global norm of clipped")
    # One common factor: the direction of the whole gradient is kept.
    for i, (c, g) in enumerate(zip(clipped, grads, strict=True)):
        assert_allclose(c, g / (13.0 + 1e-6), rtol=1e-9, name=f"clipped[{i}] (g * 1 / (13 + 1e-6))")


@hidden(weight=2)
def test_matches_reference_on_random_gradients(learner, reference, rng):
    cases = [
        ([(5,)], 0.5),
        ([(5,)], 100.0),
        ([(10, 4), (4,), (4, 3), (3,)], 1.0),
        ([(2, 3, 4), (1,), (7, 7)], 5.0),
        ([(3,)] * 10, 2.0),
        ([(100, 50), (50,)], 10.0),
    ]
    for shapes, max_norm in cases:
        _matches_reference(learner, reference, _grads(rng, shapes), max_norm)


@hidden(weight=2)
def test_one_norm_over_all_arrays(learner, reference, rng):
    # Splitting one gradient into pieces must not change the norm or the result.
    g = rng.normal(size=60) * 3
    whole, norm_whole = _clip(learner, [g], max_norm=2.0)
    pieces, norm_pieces = _clip(learner, [g[:10], g[10:11], g[11:40].reshape(29, 1), g[40:]], max_norm=2.0)
    assert_allclose(norm_pieces, norm_whole, rtol=1e-10, name="total_norm of the pieces (vs the whole array)")
    assert_allclose(np.concatenate([p.ravel() for p in pieces]), whole[0], rtol=1e-10, atol=1e-14,
                    name="the clipped pieces, concatenated (vs the clipped whole array)")  # fmt: skip
    _matches_reference(learner, reference, [g[:10], g[10:11], g[11:40].reshape(29, 1), g[40:]], 2.0)


@hidden
def test_the_scale_is_max_norm_over_norm_plus_1e6(learner, reference, rng):
    probe = ("global norms of about 1e-6 to 1e-4: the 1e-6 in max_norm / (norm + 1e-6) is a large part of the "
             "denominator here, so leaving it out or putting it elsewhere changes the scale by 3% to 30%")  # fmt: skip
    for scale, max_norm in [(1e-5, 1e-6), (1e-6, 1e-7), (1e-4, 1e-5)]:
        _matches_reference(learner, reference, _grads(rng, [(4,), (2, 2)], scale), max_norm, probe=probe)


@hidden
def test_a_norm_equal_to_max_norm_is_still_scaled(learner, reference):
    # norm 5 and max_norm 5: the scale 5 / (5 + 1e-6) is below 1, so it applies.
    grads = [np.array([3.0]), np.array([[4.0, 0.0]])]
    _matches_reference(learner, reference, grads, 5.0)


@hidden
def test_zero_gradients_stay_zero(learner):
    grads = [np.zeros(4), np.zeros((2, 3))]
    clipped, total_norm = _clip(learner, grads, max_norm=1.0)
    assert_allclose(total_norm, 0.0, atol=0, name="total_norm of zero gradients")
    for i, (c, g) in enumerate(zip(clipped, grads, strict=True)):
        assert_allclose(c, g, atol=0, name=f"clipped[{i}] (zero gradients)")


@hidden
def test_a_single_array(learner, reference, rng):
    for shape, max_norm in [((1,), 0.1), ((1,), 10.0), ((8, 8), 1.0)]:
        _matches_reference(learner, reference, _grads(rng, [shape], 2.0), max_norm)


@hidden
def test_exploding_gradients(learner, reference, rng):
    grads = _grads(rng, [(20, 10), (10,)], scale=1e8)
    _matches_reference(learner, reference, grads, 1.0)
    clipped, _ = _clip(learner, grads, 1.0)
    assert _norm(clipped) <= 1.0, f"the clipped gradients' global norm should be at most 1, got {_norm(clipped):.6g}"


@hidden
def test_float32_gradients(learner, reference, rng):
    grads = [g.astype(np.float32) for g in _grads(rng, [(64, 16), (16,)], 0.5)]
    clipped, total_norm = _clip(learner, grads, 1.0)
    clipped_ref, norm_ref = reference.clip_by_global_norm([g.astype(np.float64) for g in grads], 1.0)
    assert_allclose(total_norm, norm_ref, rtol=1e-4, name="total_norm")
    for i, (c, c_ref) in enumerate(zip(clipped, clipped_ref, strict=True)):
        assert_allclose(c, c_ref, rtol=1e-4, atol=1e-7, name=f"clipped[{i}]")


@hidden
def test_speed_on_large_gradients(learner, reference, rng):
    grads = _grads(rng, [(1000, 600), (600,), (600, 600), (600,)])
    # Two untimed calls first: the sandbox's first calls on arrays this large
    # pay for growing its heap, which is not the function's cost.
    for _ in range(2):
        _clip(learner, grads, 1.0)
    assert_speed(learner.clip_by_global_norm, reference.clip_by_global_norm, grads, 1.0, max_ratio=10)
