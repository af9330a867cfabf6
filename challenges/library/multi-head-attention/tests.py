import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, hidden, sample

# Outputs are O(1): four projections of D <= 64 products and a softmax over T <= 12 keys. Per-head loops,
# einsum or another matmul order agree to ~1e-13 relative, even with scores in the thousands; 1e-7 leaves
# six orders, while a wrong split, merge, scale or mask is O(0.1) off.
RTOL, ATOL = 1e-7, 1e-10


def _problem(rng, B, T, D, x_scale=1.0):
    X = rng.normal(size=(B, T, D)) * x_scale
    # Scaled like a trained layer: unit-variance projections.
    Wq, Wk, Wv, Wo = (rng.normal(size=(D, D)) / np.sqrt(D) for _ in range(4))
    return X, Wq, Wk, Wv, Wo


def _mha(learner, X, Wq, Wk, Wv, Wo, num_heads, causal=False):
    out = learner.multi_head_attention(X, Wq, Wk, Wv, Wo, num_heads, causal=causal)
    return assert_shape(out, X.shape, name="out")


def _matches_reference(learner, reference, X, Wq, Wk, Wv, Wo, num_heads, causal=False, rtol=RTOL, atol=ATOL,
                       probe=""):  # fmt: skip
    out = _mha(learner, X, Wq, Wk, Wv, Wo, num_heads, causal)
    f64 = [a.astype(np.float64) for a in (X, Wq, Wk, Wv, Wo)]
    expected = reference.multi_head_attention(*f64, num_heads, causal=causal)
    assert_allclose(out, expected, rtol=rtol, atol=atol, name=f"out (num_heads={num_heads}, causal={causal})",
                    probe=probe)  # fmt: skip


def _softmax(S):
    e = np.exp(S - S.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@sample
def test_output_has_the_shape_of_the_input(learner, rng):
    _mha(learner, *_problem(rng, 2, 5, 8), num_heads=2)
    _mha(learner, *_problem(rng, 2, 5, 8), num_heads=4, causal=True)


@sample
def test_one_head_is_plain_scaled_dot_product_attention(learner, rng):
    X, Wq, Wk, Wv, Wo = _problem(rng, 2, 4, 6)
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    expected = _softmax(Q @ K.transpose(0, 2, 1) / np.sqrt(6)) @ V @ Wo
    out = _mha(learner, X, Wq, Wk, Wv, Wo, num_heads=1)
    assert_allclose(out, expected, rtol=RTOL, atol=ATOL, name="out with num_heads=1")


@sample
def test_causal_first_position_attends_only_to_itself(learner, rng):
    # Query 0 may only see key 0: its weight is 1 in every head, so out[:, 0] = X[:, 0] @ Wv @ Wo.
    X, Wq, Wk, Wv, Wo = _problem(rng, 3, 5, 8)
    out = _mha(learner, X, Wq, Wk, Wv, Wo, num_heads=2, causal=True)
    assert_allclose(out[:, 0], X[:, 0] @ Wv @ Wo, rtol=RTOL, atol=ATOL, name="out[:, 0] with causal=True")


@hidden(weight=2)
def test_matches_reference_for_several_head_counts(learner, reference, rng):
    for B, T, D, h in [(1, 1, 4, 2), (2, 5, 8, 2), (3, 7, 12, 3), (2, 10, 32, 4), (1, 6, 64, 8), (4, 3, 16, 16)]:
        _matches_reference(learner, reference, *_problem(rng, B, T, D), h)


@hidden(weight=2)
def test_causal_matches_reference(learner, reference, rng):
    for B, T, D, h in [(1, 1, 4, 2), (2, 6, 8, 2), (3, 9, 24, 4), (1, 12, 16, 1)]:
        _matches_reference(learner, reference, *_problem(rng, B, T, D), h, causal=True)


@hidden(weight=2)
def test_causal_output_ignores_the_future(learner, rng):
    X, Wq, Wk, Wv, Wo = _problem(rng, 2, 8, 16)
    X2 = X.copy()
    X2[:, 5:] = rng.normal(size=(2, 3, 16)) * 3  # change positions 5..7 only
    out = _mha(learner, X, Wq, Wk, Wv, Wo, 4, causal=True)
    out2 = _mha(learner, X2, Wq, Wk, Wv, Wo, 4, causal=True)
    # The learner against itself: masked keys get exp(-inf) = 0 exactly, so rows 0..4 repeat to ~1e-15;
    # 1e-9 is ample, while a query that sees later positions changes by O(0.1).
    assert_allclose(out2[:, :5], out[:, :5], rtol=1e-9, atol=1e-12,
                    name="out[:, :5] after changing X[:, 5:] (causal)")  # fmt: skip


@hidden
def test_heads_own_contiguous_column_blocks(learner, reference, rng):
    # Zero every projection column except head 1's block: only head 1 carries signal.
    X, Wq, Wk, Wv, Wo = _problem(rng, 2, 6, 12)
    for W in (Wq, Wk, Wv):
        W[:, :4] = 0.0
        W[:, 8:] = 0.0
    _matches_reference(learner, reference, X, Wq, Wk, Wv, Wo, 3)
    _matches_reference(learner, reference, *_problem(rng, 2, 6, 12), 3)


@hidden
def test_large_inputs_stay_finite(learner, reference, rng):
    probe = "scores in the hundreds to thousands: exp overflows past 709 and inf / inf is NaN unless each row of "
    probe += "scores is shifted by its own max before the softmax"
    for causal in (False, True):
        _matches_reference(learner, reference, *_problem(rng, 2, 6, 16, x_scale=40.0), 4, causal=causal, probe=probe)


@hidden
def test_float32_inputs(learner, reference, rng):
    args = [a.astype(np.float32) for a in _problem(rng, 3, 8, 32)]
    # float32 keeps ~7 digits; three matmuls of D = 32 products and a softmax leave ~1e-6 relative error:
    # rtol 1e-4 (atol 1e-5 near 0) leaves ~40x, while every mistake above is O(0.1) off.
    _matches_reference(learner, reference, *args, 4, causal=True, rtol=1e-4, atol=1e-5)


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    X, Wq, Wk, Wv, Wo = _problem(rng, 1500, 4, 16)
    assert_speed(learner.multi_head_attention, reference.multi_head_attention, X, Wq, Wk, Wv, Wo, 4, causal=True,
                 max_ratio=10)  # fmt: skip
