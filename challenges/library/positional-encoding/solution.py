import numpy as np


def sinusoidal_positional_encoding(seq_len, d_model):
    """Sinusoidal positional encoding of "Attention Is All You Need", interleaved sin/cos."""
    pos = np.arange(seq_len, dtype=np.float64)[:, None]  # (seq_len, 1)
    # One frequency per pair of columns (2i, 2i + 1): the exponent uses the even index 2i.
    two_i = np.arange(0, d_model, 2, dtype=np.float64)  # (ceil(d/2),)
    angles = pos / 10000.0 ** (two_i / d_model)  # (seq_len, ceil(d/2)), in radians
    pe = np.empty((seq_len, d_model), dtype=np.float64)
    pe[:, 0::2] = np.sin(angles)  # ceil(d/2) even columns
    pe[:, 1::2] = np.cos(angles[:, : d_model // 2])  # floor(d/2) odd columns: an odd d has no last cos
    return pe
