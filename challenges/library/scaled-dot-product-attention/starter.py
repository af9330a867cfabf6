import numpy as np


def attention(Q, K, V, mask=None):
    """Scaled dot-product attention; mask True = may attend. Returns (out, weights)."""
    pass


def causal_mask(T):
    """(T, T) boolean mask: query t may attend to keys 0..t."""
    pass
