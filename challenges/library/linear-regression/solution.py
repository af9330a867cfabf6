import numpy as np


def fit_normal_equations(X, y):
    """Least-squares fit of y ~ X @ w + b in closed form; return (w, b)."""
    N = X.shape[0]
    # The bias is one more coefficient: a column of ones makes it part of the linear system.
    A = np.hstack([X, np.ones((N, 1), dtype=X.dtype)])  # (N, D + 1)
    # lstsq works on A itself (SVD), never on A.T @ A, whose condition number is
    # the square of A's; for rank-deficient A it returns the minimum-norm solution.
    coef = np.linalg.lstsq(A, y, rcond=None)[0]  # (D + 1,)
    return coef[:-1], float(coef[-1])


def fit_gradient_descent(X, y, lr, steps):
    """Fit y ~ X @ w + b by full-batch gradient descent on the MSE from zeros; return (w, b)."""
    N, D = X.shape
    w = np.zeros(D)
    b = 0.0
    for _ in range(steps):
        r = X @ w + b - y  # (N,) residuals at the current parameters
        # Gradients of mean(r ** 2), both taken before either parameter moves.
        dw = (2.0 / N) * (X.T @ r)  # (D,)
        db = (2.0 / N) * r.sum()
        w = w - lr * dw
        b = b - lr * db
    return w, float(b)
