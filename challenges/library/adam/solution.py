import numpy as np


def adam(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step; t is the 1-based step count. Returns (w_new, m_new, v_new)."""
    # Moving averages of the gradient and of its square (the state: returned raw).
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    # Both averages start at 0, so early on they are too small by a factor
    # 1 - beta**t: divide it out (t counts from 1, so it is never 0).
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    # eps outside the square root, as in the paper's Algorithm 1.
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, m, v
