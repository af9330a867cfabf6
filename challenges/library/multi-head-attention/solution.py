import numpy as np


def multi_head_attention(X, Wq, Wk, Wv, Wo, num_heads, causal=False):
    """Multi-head self-attention: project, split into heads, attend per head, merge, project."""
    B, T, D = X.shape
    dh = D // num_heads

    def split(M):
        # (B, T, D) -> (B, T, h, dh): head h owns columns h*dh:(h+1)*dh.
        # Then move heads before time, (B, h, T, dh), so each head is its own batch of sequences.
        return M.reshape(B, T, num_heads, dh).transpose(0, 2, 1, 3)

    Q, K, V = split(X @ Wq), split(X @ Wk), split(X @ Wv)
    scores = Q @ K.swapaxes(-1, -2) / np.sqrt(dh)  # (B, h, T, T); scale by the head width
    if causal:
        scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    # Stable softmax over the keys; the diagonal is never masked, so every row's max is finite.
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    heads = weights @ V  # (B, h, T, dh)
    # Undo the split: heads back after time, then concatenate them along the features.
    concat = heads.transpose(0, 2, 1, 3).reshape(B, T, D)
    return concat @ Wo
