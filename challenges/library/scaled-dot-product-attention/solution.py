import numpy as np


def attention(Q, K, V, mask=None):
    """Scaled dot-product attention.

    Q (B, Tq, d), K (B, Tk, d), V (B, Tk, dv); mask broadcastable to (B, Tq, Tk), True = may attend.
    Returns (out (B, Tq, dv), weights (B, Tq, Tk)).
    """
    d = Q.shape[-1]
    # Dividing by sqrt(d) keeps the scores' variance ~1 whatever the key width.
    scores = Q @ K.swapaxes(-1, -2) / np.sqrt(d)  # (B, Tq, Tk)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)  # broadcasts the mask; exp(-inf) = 0 exactly
    # Stable softmax over the keys. A fully masked row has max -inf: shift it by 0 instead,
    # so it stays all -inf (weights 0) rather than -inf - (-inf) = NaN.
    row_max = scores.max(axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)
    e = np.exp(scores - row_max)
    total = e.sum(axis=-1, keepdims=True)
    weights = e / np.where(total > 0, total, 1.0)  # a fully masked row: 0 / 1 = 0
    return weights @ V, weights


def causal_mask(T):
    """(T, T) boolean: True on and below the diagonal, so query t sees keys 0..t."""
    return np.tril(np.ones((T, T), dtype=bool))
