import numpy as np


def softmax(Z):
    """Numerically stable softmax. Handle both 1D and 2D input."""
    pass
