import numpy as np


def _sigmoid(z):
    # exp of a non-positive number only: no overflow for any margin.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def logistic_loss_and_grad(w, b, X, y, reg=0.0):
    """Mean binary cross-entropy of sigmoid(X @ w + b) plus 0.5 * reg * ||w||^2; return (loss, dw, db)."""
    N = X.shape[0]
    z = X @ w + b  # (N,) logits
    # -[y log s(z) + (1 - y) log(1 - s(z))] = log(1 + e^z) - y z, and
    # logaddexp(0, z) computes log(1 + e^z) without overflow or log(0).
    loss = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * reg * np.dot(w, w)
    r = _sigmoid(z) - y  # (N,) d(loss_i)/dz_i
    dw = X.T @ r / N + reg * w  # (D,) the penalty's gradient is reg * w
    db = r.mean()  # the bias is not penalised
    return float(loss), dw, float(db)


def logistic_fit(X, y, lr, steps, reg=0.0):
    """Full-batch gradient descent on the regularised loss from w = 0, b = 0; return (w, b)."""
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(steps):
        _, dw, db = logistic_loss_and_grad(w, b, X, y, reg)
        w = w - lr * dw  # both gradients were taken at the old (w, b)
        b = b - lr * db
    return w, float(b)
