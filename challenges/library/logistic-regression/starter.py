import numpy as np


def logistic_loss_and_grad(w, b, X, y, reg=0.0):
    """Mean binary cross-entropy of sigmoid(X @ w + b) plus 0.5 * reg * ||w||^2; return (loss, dw, db)."""
    pass


def logistic_fit(X, y, lr, steps, reg=0.0):
    """Full-batch gradient descent on the regularised loss from w = 0, b = 0; return (w, b)."""
    pass
