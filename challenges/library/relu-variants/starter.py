import numpy as np


def relu(x):
    """ReLU element-wise: max(x, 0)."""
    pass


def relu_grad(x):
    """Derivative of relu at each element of x (0 at x = 0)."""
    pass


def leaky_relu(x, alpha=0.01):
    """Leaky ReLU element-wise: x if x > 0, else alpha * x."""
    pass


def leaky_relu_grad(x, alpha=0.01):
    """Derivative of leaky_relu at each element of x (alpha at x = 0)."""
    pass


def gelu(x):
    """GELU element-wise, tanh approximation."""
    pass


def gelu_grad(x):
    """Derivative of the tanh-approximated GELU at each element of x."""
    pass
