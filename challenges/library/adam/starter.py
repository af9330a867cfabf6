import numpy as np


def adam(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step; t is the 1-based step count. Returns (w_new, m_new, v_new)."""
    pass
