import numpy as np


def sinusoidal_positional_encoding(seq_len, d_model):
    """Return the (seq_len, d_model) sinusoidal encoding: sin in even columns, cos in odd ones."""
    pass
