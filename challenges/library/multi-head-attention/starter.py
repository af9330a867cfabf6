import numpy as np


def multi_head_attention(X, Wq, Wk, Wv, Wo, num_heads, causal=False):
    """Multi-head self-attention of X (B, T, D) with (D, D) projections; returns (B, T, D)."""
    pass
