import numpy as np


def batch_norm_forward(X, gamma, beta, running_mean, running_var,
                       training=True, momentum=0.1, eps=1e-5):
    """Batch normalization forward pass.
    Returns: output, cache (for backward), updated running stats."""
    pass
