import numpy as np


def ridge_fit(X, y, alpha):
    """Ridge regression with an unpenalised intercept; return (w, b)."""
    # Centring removes the intercept from the problem: for any w the best b is
    # mean(y) - mean(X) @ w, and what is left for w is ridge on centred data.
    x_mean = X.mean(axis=0)  # (D,)
    y_mean = y.mean()
    Xc = X - x_mean  # (N, D)
    yc = y - y_mean  # (N,)
    D = X.shape[1]
    if alpha == 0:
        # Plain least squares; lstsq also copes with a rank-deficient Xc.
        w = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    else:
        # (Xc^T Xc + alpha I) is positive definite for alpha > 0, even when N < D.
        w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(D), Xc.T @ yc)
    b = y_mean - x_mean @ w  # the intercept is fitted, never shrunk
    return w, float(b)
