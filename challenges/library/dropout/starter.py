import numpy as np


def dropout_forward(x, p, mode, mask_uniform):
    """Inverted dropout with drop probability p: keep x where mask_uniform >= p, scaled by 1 / (1 - p).
    Returns (out, cache); in mode "test", out is x."""
    pass


def dropout_backward(dout, cache):
    """Return dx, the gradient with respect to x of the forward pass that made cache."""
    pass
