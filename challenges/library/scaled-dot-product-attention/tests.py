import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, hidden, sample

# Weights lie in [0, 1] and outputs are O(1) averages of V rows; scores sum d <= 64 products, the softmax
# runs over Tk <= 20 keys: loops or another shift agree to ~1e-13 relative, 1e-7 leaves six orders (atol
# for weights near 0), while a wrong scale, mask or softmax axis is O(0.01) off or more.
RTOL, ATOL = 1e-7, 1e-10

LARGE_SCORES = (
    "scores in the thousands: exp overflows past 709 and inf / inf is NaN unless each row of scores is "
    "shifted by its own max before the softmax"
)
FULLY_MASKED = (
    "queries whose every key is masked: with −inf fills the row's max is −inf and −inf − (−inf) is NaN, and a "
    "finite fill such as −1e9 makes the row uniform; their weights and outputs must be 0"
)


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _check_result(result, B, Tq, Tk, dv):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"attention should return a tuple (out, weights), got {_describe(result)}")
    out, weights = result
    assert_shape(out, (B, Tq, dv), name="out")
    assert_shape(weights, (B, Tq, Tk), name="weights")
    return out, weights


def _attend(learner, Q, K, V, mask=None):
    result = learner.attention(Q, K, V) if mask is None else learner.attention(Q, K, V, mask)
    return _check_result(result, Q.shape[0], Q.shape[1], K.shape[1], V.shape[2])


def _qkv(rng, B, Tq, Tk, d, dv, scale=1.0):
    return rng.normal(size=(B, Tq, d)) * scale, rng.normal(size=(B, Tk, d)) * scale, rng.normal(size=(B, Tk, dv))


def _matches_reference(learner, reference, Q, K, V, mask=None, rtol=RTOL, atol=ATOL, probe=""):
    out, weights = _attend(learner, Q, K, V, mask)
    f64 = [a.astype(np.float64) for a in (Q, K, V)]
    out_ref, weights_ref = reference.attention(*f64, mask)
    assert_allclose(weights, weights_ref, rtol=rtol, atol=atol, name="weights", probe=probe)
    assert_allclose(out, out_ref, rtol=rtol, atol=atol, name="out", probe=probe)
    return weights


def _causal(learner, T):
    m = learner.causal_mask(T)
    assert_shape(m, (T, T), name=f"causal_mask({T})")
    if m.dtype != np.bool_:
        raise AssertionError(f"causal_mask({T}) should be a boolean array, got dtype {m.dtype}")
    return m


@sample
def test_weights_are_distributions_over_the_keys(learner, rng):
    Q, K, V = _qkv(rng, 2, 3, 5, 4, 6)
    _, weights = _attend(learner, Q, K, V)
    assert np.all(weights >= 0), "attention weights should be non-negative"
    # Five weights sum to 1 within ~1e-16; 1e-9 leaves seven orders, a softmax over the queries does not sum to 1.
    assert_allclose(weights.sum(axis=-1), np.ones((2, 3)), rtol=1e-9, name="weights.sum(axis=-1)")


@sample
def test_identical_keys_average_the_values(learner, rng):
    # Every key equal: every score in a row is equal, so each query averages the values.
    Q = rng.normal(size=(1, 2, 3))
    K = np.tile(rng.normal(size=(1, 1, 3)), (1, 4, 1))
    V = rng.normal(size=(1, 4, 2))
    out, weights = _attend(learner, Q, K, V)
    # Equal scores: exp(0) = 1 each, weights exactly 1/4 up to a rounding; a softmax over the 2 queries gives 1/2.
    assert_allclose(weights, np.full((1, 2, 4), 0.25), rtol=1e-9, name="weights")
    # The plain mean of 4 rows of V, ~1e-16 relative from V.mean in any order; wrong weights move it O(0.1).
    assert_allclose(out, np.broadcast_to(V.mean(axis=1, keepdims=True), (1, 2, 2)), rtol=1e-9, name="out")


@sample
def test_causal_mask_is_lower_triangular(learner):
    expected = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]], dtype=bool)
    m = _causal(learner, 4)
    assert np.array_equal(m, expected), f"causal_mask(4) should be\n{expected.astype(int)}\ngot\n{m.astype(int)}"


@hidden(weight=2)
def test_matches_reference_without_a_mask(learner, reference, rng):
    for B, Tq, Tk, d, dv in [(1, 1, 1, 1, 1), (2, 5, 5, 8, 8), (3, 4, 7, 16, 5), (8, 10, 3, 64, 32), (1, 20, 20, 2, 3)]:
        _matches_reference(learner, reference, *_qkv(rng, B, Tq, Tk, d, dv))


@hidden(weight=2)
def test_padding_mask_hides_the_padded_keys(learner, reference, rng):
    B, T = 6, 9
    lengths = rng.integers(1, T + 1, size=B)
    mask = (np.arange(T)[None, :] < lengths[:, None])[:, None, :]  # (B, 1, Tk), broadcast over queries
    weights = _matches_reference(learner, reference, *_qkv(rng, B, T, T, 8, 4), mask)
    padded = np.broadcast_to(~mask, weights.shape)
    assert np.all(weights[padded] == 0), "padded keys should get a weight of exactly 0"


@hidden(weight=2)
def test_causal_attention(learner, reference, rng):
    for T in (1, 2, 5, 17):
        m = _causal(learner, T)
        assert np.array_equal(m, reference.causal_mask(T)), (
            f"causal_mask({T}) is not lower-triangular with its diagonal"
        )
    T = 7
    weights = _matches_reference(learner, reference, *_qkv(rng, 3, T, T, 8, 8), reference.causal_mask(T))
    future = np.triu(np.ones((T, T), dtype=bool), k=1)
    assert np.all(weights[:, future] == 0), "a query should give weight exactly 0 to later positions"


@hidden(weight=2)
def test_fully_masked_rows_give_zeros(learner, reference, rng):
    B, Tq, Tk = 4, 6, 5
    mask = rng.random((B, Tq, Tk)) < 0.5
    mask[0, 0] = False  # query 0 of batch 0 may attend to nothing
    mask[2, 3:] = False
    mask[1, 2] = True
    _matches_reference(learner, reference, *_qkv(rng, B, Tq, Tk, 4, 3), mask, probe=FULLY_MASKED)
    # And every query masked out.
    _matches_reference(learner, reference, *_qkv(rng, 2, 3, 3, 4, 2), np.zeros((3, 3), dtype=bool), probe=FULLY_MASKED)


@hidden
def test_a_two_dimensional_mask_broadcasts_over_the_batch(learner, reference, rng):
    mask = rng.random((4, 6)) < 0.7
    mask[:, 0] = True
    _matches_reference(learner, reference, *_qkv(rng, 3, 4, 6, 5, 5), mask)


@hidden(weight=2)
def test_large_scores_stay_finite(learner, reference, rng):
    # Scores of ~1e3: a weight's relative condition number is about max|score|, so correct forms differ by
    # ~1e3 * u * d ~ 1e-12, still five orders inside rtol.
    Q, K, V = _qkv(rng, 4, 8, 8, 16, 4, scale=30.0)
    _matches_reference(learner, reference, Q, K, V, probe=LARGE_SCORES)
    _matches_reference(learner, reference, Q, K, V, reference.causal_mask(8), probe=LARGE_SCORES)
    _matches_reference(learner, reference, -Q, K, V, probe=LARGE_SCORES)


@hidden
def test_float32_inputs(learner, reference, rng):
    Q, K, V = (a.astype(np.float32) for a in _qkv(rng, 4, 10, 12, 32, 8, scale=2.0))
    mask = rng.random((4, 10, 12)) < 0.8
    mask[..., 0] = True
    # float32 keeps ~7 digits; scores of d = 32 products of size ~4 carry ~1e-6 error into the weights:
    # rtol 1e-4 (atol 1e-5 near 0) leaves ~20x, while a wrong scale or masking misses by thousands of times.
    _matches_reference(learner, reference, Q, K, V, mask, rtol=1e-4, atol=1e-5)


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    Q, K, V = _qkv(rng, 5000, 4, 4, 8, 8)
    assert_speed(learner.attention, reference.attention, Q, K, V, reference.causal_mask(4), max_ratio=10)
