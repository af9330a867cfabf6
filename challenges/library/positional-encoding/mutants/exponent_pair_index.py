"""Uses the pair index i in the exponent (10000^(i/d)) instead of 2i: frequencies decay half as fast."""

import numpy as np


def sinusoidal_positional_encoding(seq_len, d_model):
    pos = np.arange(seq_len, dtype=np.float64)[:, None]
    i = np.arange((d_model + 1) // 2, dtype=np.float64)
    angles = pos / 10000.0 ** (i / d_model)
    pe = np.empty((seq_len, d_model))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : d_model // 2])
    return pe
