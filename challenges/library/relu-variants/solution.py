import numpy as np

# GELU, tanh approximation: 0.5 x (1 + tanh(c (x + k x^3)))
_C = np.sqrt(2 / np.pi)
_K = 0.044715


def relu(x):
    """max(x, 0) element-wise."""
    return np.maximum(x, 0)


def relu_grad(x):
    """d relu / dx: 1 where x > 0, else 0 (0 at x = 0 by convention)."""
    return (x > 0).astype(x.dtype)


def leaky_relu(x, alpha=0.01):
    """x where x > 0, alpha * x elsewhere."""
    return np.where(x > 0, x, alpha * x)


def leaky_relu_grad(x, alpha=0.01):
    """d leaky_relu / dx: 1 where x > 0, else alpha (alpha at x = 0)."""
    return np.where(x > 0, 1.0, alpha).astype(x.dtype)


def gelu(x):
    """GELU with the tanh approximation."""
    t = np.tanh(_C * (x + _K * x**3))
    return 0.5 * x * (1 + t)


def gelu_grad(x):
    """Derivative of the tanh-approximated GELU."""
    t = np.tanh(_C * (x + _K * x**3))
    # Product rule on 0.5 x (1 + t): the (1 + t) term, then x times t's derivative,
    # with d tanh(u) = (1 - t^2) du and du/dx = c (1 + 3 k x^2).
    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * _C * (1 + 3 * _K * x**2)
