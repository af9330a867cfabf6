import numpy as np


def two_layer_mlp(X, y, params, reg=0.0):
    """Affine-ReLU-affine-softmax loss with L2 penalty. Returns (loss, grads)."""
    pass
