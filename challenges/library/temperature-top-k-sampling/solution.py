import numpy as np


def sample_next_token(logits, temperature, top_k, u):
    """Temperature + top-k sampling by inverse CDF with given uniforms.

    Returns (tokens (B,), probs (B, V)).
    """
    B, V = logits.shape
    rows = np.arange(B)
    if temperature == 0:
        # Greedy decoding: the limit T -> 0 puts all the mass on the largest logit (first one on ties).
        tokens = np.argmax(logits, axis=1)
        probs = np.zeros((B, V))
        probs[rows, tokens] = 1.0
        return tokens, probs

    k = V if top_k is None else min(int(top_k), V)
    # A stable sort of -logits: largest first, equal logits in vocabulary order, so exactly k are kept.
    order = np.argsort(-logits, axis=1, kind="stable")
    keep = np.zeros((B, V), dtype=bool)
    np.put_along_axis(keep, order[:, :k], True, axis=1)

    scaled = np.where(keep, logits / temperature, -np.inf)  # dropped tokens get probability exp(-inf) = 0
    scaled = scaled - scaled.max(axis=1, keepdims=True)  # the max is a kept logit, so finite: no overflow
    e = np.exp(scaled)
    probs = e / e.sum(axis=1, keepdims=True)

    # Inverse CDF in vocabulary order: the first index whose cumulative probability exceeds u.
    cdf = np.cumsum(probs, axis=1)
    tokens = (cdf <= u[:, None]).sum(axis=1)
    # Rounding can leave cdf[-1] a hair below 1 <= u: fall back to the last kept token.
    last_kept = V - 1 - np.argmax(keep[:, ::-1], axis=1)
    tokens = np.minimum(tokens, last_kept)
    return tokens, probs
