def affine_forward(x, w, b):
    """Affine layer forward pass: out = x_flat @ w + b. Returns (out, cache)."""
    N, D = x.shape[0], w.shape[0]
    # One row per sample; giving D explicitly (not -1) also works for N = 0.
    x_flat = x.reshape(N, D)  # (N, D)
    out = x_flat @ w + b  # (N, M); b broadcasts over the batch
    cache = (x, w)  # backward needs x (for dw and its shape) and w (for dx)
    return out, cache


def affine_backward(dout, cache):
    """Affine layer backward pass. Returns (dx, dw, db)."""
    x, w = cache
    N, D = x.shape[0], w.shape[0]
    dx = (dout @ w.T).reshape(x.shape)  # (N, D), back to x's own shape
    dw = x.reshape(N, D).T @ dout  # (D, M): every sample contributes, so a sum over N
    db = dout.sum(axis=0)  # (M,): b was broadcast to every row, so its gradient sums them
    return dx, dw, db
