import numpy as np


def softmax_grad_step(X, W, b, labels, lr=0.01):
    """One gradient descent step for linear softmax classifier.
    Return updated W, b, and the loss."""
    pass
