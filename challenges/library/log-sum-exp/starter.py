import numpy as np


def logsumexp(x, axis=-1, keepdims=False):
    """Stable log(sum(exp(x))) along axis; keepdims as in numpy reductions."""
    pass
