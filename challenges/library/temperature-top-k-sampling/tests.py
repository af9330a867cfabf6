import numpy as np

from grader.engine.testing import assert_allclose, assert_shape, assert_speed, hidden, sample

# Probabilities lie in [0, 1]; any correct float64 softmax agrees to ~1e-15.
RTOL, ATOL = 1e-7, 1e-12


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of length {len(value)}"
    return "None (did you forget to return?)" if value is None else type(value).__name__


def _check_result(result, B, V):
    """The learner's (tokens, probs), checked for kind, shape and dtype."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(f"sample_next_token should return a tuple (tokens, probs), got {_describe(result)}")
    tokens, probs = result
    assert_shape(tokens, (B,), name="tokens")
    if tokens.dtype.kind not in "iu":
        raise AssertionError(f"tokens should be an integer array (token ids), got dtype {tokens.dtype}")
    assert_shape(probs, (B, V), name="probs")
    return tokens, probs


def _sample(learner, logits, temperature, top_k, u):
    return _check_result(learner.sample_next_token(logits, temperature, top_k, u), *logits.shape)


def _assert_tokens(tokens, expected, u, what="tokens"):
    wrong = np.flatnonzero(tokens != expected)
    if wrong.size:
        r = int(wrong[0])
        raise AssertionError(
            f"{what}: {wrong.size} of {tokens.size} rows differ; first at row {r}: got token {int(tokens[r])}, "
            f"expected {int(expected[r])} (u[{r}] = {float(u[r]):.6g})"
        )


def _matches_reference(learner, reference, logits, temperature, top_k, u, rtol=RTOL, atol=ATOL, probe=""):
    tokens, probs = _sample(learner, logits, temperature, top_k, u)
    tokens_ref, probs_ref = reference.sample_next_token(logits.astype(np.float64), temperature, top_k, u)
    assert_allclose(probs, probs_ref, rtol=rtol, atol=atol, name=f"probs (temperature={temperature}, top_k={top_k})",
                    probe=probe)  # fmt: skip
    _assert_tokens(tokens, tokens_ref, u, what=f"tokens (temperature={temperature}, top_k={top_k})")


@sample
def test_probabilities_sum_to_one_over_the_top_k(learner, rng):
    logits = rng.normal(size=(4, 10)) * 2
    _, probs = _sample(learner, logits, 1.0, 3, rng.random(4))
    assert_allclose(probs.sum(axis=1), np.ones(4), rtol=1e-9, name="probs.sum(axis=1)")
    top3 = np.zeros((4, 10), dtype=bool)
    np.put_along_axis(top3, np.argsort(-logits, axis=1)[:, :3], True, axis=1)
    assert np.all(probs[~top3] == 0), "tokens outside the 3 largest logits should have probability exactly 0"
    assert np.all(probs[top3] > 0), "each of the 3 largest logits should keep a positive probability"


@sample
def test_uniform_draw_walks_the_cdf_in_vocabulary_order(learner):
    # top_k=2 keeps tokens 0 (p = 0.269) and 3 (p = 0.731): the CDF is 0.269 at token 0, 1 at token 3.
    logits = np.array([[2.0, 1.0, 0.0, 3.0]] * 3)
    u = np.array([0.1, 0.5, 0.9])
    tokens, _ = _sample(learner, logits, 1.0, 2, u)
    _assert_tokens(tokens, np.array([0, 3, 3]), u)


@sample
def test_temperature_zero_is_greedy(learner, rng):
    logits = rng.normal(size=(5, 7))
    u = rng.random(5)
    tokens, probs = _sample(learner, logits, 0.0, 3, u)
    _assert_tokens(tokens, np.argmax(logits, axis=1), u, what="tokens at temperature 0 (should be the argmax)")
    assert_allclose(probs, np.eye(7)[np.argmax(logits, axis=1)], atol=0, name="probs at temperature 0 (one-hot)")


@hidden(weight=2)
def test_matches_reference_on_random_batches(learner, reference, rng):
    for B, V, temperature, top_k, scale in [
        (1, 2, 1.0, 1, 1.0),
        (8, 10, 1.0, 3, 1.0),
        (64, 50, 0.7, 10, 3.0),
        (32, 1000, 1.5, 40, 2.0),
        (100, 5, 2.0, 4, 10.0),
        (16, 30, 0.3, 30, 1.0),
    ]:
        logits = rng.normal(size=(B, V)) * scale
        _matches_reference(learner, reference, logits, temperature, top_k, rng.random(B))


@hidden
def test_top_k_none_keeps_the_whole_vocabulary(learner, reference, rng):
    logits = rng.normal(size=(20, 12)) * 3
    _matches_reference(learner, reference, logits, 0.8, None, rng.random(20))


@hidden
def test_top_k_one_is_greedy_whatever_the_draw(learner, reference, rng):
    logits = rng.normal(size=(30, 9))
    _matches_reference(learner, reference, logits, 1.3, 1, rng.random(30))


@hidden(weight=2)
def test_ties_at_the_cut_keep_exactly_k_by_lowest_index(learner, reference, rng):
    # Small integer logits: many rows have several equal values at the k-th place.
    logits = rng.integers(0, 3, size=(200, 10)).astype(np.float64)
    tokens, probs = _sample(learner, logits, 1.0, 4, rng.random(200))
    kept = (probs > 0).sum(axis=1)
    bad = np.flatnonzero(kept != 4)
    if bad.size:
        raise AssertionError(
            f"top_k=4 should keep exactly 4 tokens per row; row {int(bad[0])} keeps {int(kept[bad[0]])}"
        )
    _matches_reference(learner, reference, logits, 1.0, 4, rng.random(200))
    _matches_reference(learner, reference, np.zeros((3, 6)), 1.0, 2, np.array([0.2, 0.6, 0.99]))


@hidden(weight=2)
def test_draws_on_a_cdf_boundary(learner, reference):
    # Four equal kept logits: the CDF is exactly 0.25, 0.5, 0.75, 1. The token is the first with cdf > u.
    logits = np.array([[1.0, 1.0, 1.0, 1.0, -5.0]] * 4)
    u = np.array([0.0, 0.25, 0.5, 0.75])
    tokens, _ = _sample(learner, logits, 1.0, 4, u)
    _assert_tokens(tokens, np.array([0, 1, 2, 3]), u, what="tokens with u on a CDF step")
    # u = 0 with token 0 dropped: the first index whose CDF exceeds 0 is the first kept token.
    logits = np.array([[-5.0, 2.0, 1.0, 3.0]])
    _matches_reference(learner, reference, logits, 1.0, 2, np.array([0.0]))


@hidden
def test_extreme_temperatures_and_logits(learner, reference, rng):
    cases = [
        (rng.normal(size=(50, 20)) * 5, 1e-3, 5),  # logits / T ~ 1e4: exp must not overflow
        (rng.normal(size=(50, 20)) * 1e3, 1.0, 8),
        (rng.normal(size=(50, 20)) - 1e4, 0.5, 6),  # all very negative
        (rng.normal(size=(50, 20)), 100.0, 20),  # almost flat
    ]
    probe = ("logits / temperature of ±1e3 to ±1e4: exp overflows past 709 and underflows below −745 unless each "
             "row is shifted by its own max after dividing by the temperature")  # fmt: skip
    for logits, temperature, top_k in cases:
        _matches_reference(learner, reference, logits, temperature, top_k, rng.random(50), probe=probe)


@hidden
def test_temperature_zero_ties_pick_the_first_index(learner, reference, rng):
    logits = rng.integers(0, 2, size=(40, 6)).astype(np.float64)
    _matches_reference(learner, reference, logits, 0.0, 3, rng.random(40))


@hidden
def test_float32_logits(learner, reference, rng):
    logits = (rng.normal(size=(100, 10)) * 3).astype(np.float32)
    _, probs_ref = reference.sample_next_token(logits.astype(np.float64), 0.8, 5, np.zeros(100))
    # Keep each draw 1e-3 away from every CDF step, so float32 rounding cannot move a token.
    cdf = np.concatenate([np.zeros((100, 1)), np.cumsum(probs_ref, axis=1)], axis=1)
    u = rng.random(100)
    for _ in range(100):
        near = (np.abs(cdf - u[:, None]) < 1e-3).any(axis=1)
        if not near.any():
            break
        u[near] = rng.random(int(near.sum()))
    _matches_reference(learner, reference, logits, 0.8, 5, u, rtol=1e-4, atol=1e-6)


@hidden
def test_speed_on_a_large_batch(learner, reference, rng):
    logits = rng.normal(size=(20000, 4))
    assert_speed(learner.sample_next_token, reference.sample_next_token, logits, 0.7, 2, rng.random(20000),
                 max_ratio=10)  # fmt: skip
