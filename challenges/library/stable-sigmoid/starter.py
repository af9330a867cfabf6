import numpy as np


def sigmoid(x):
    """Element-wise logistic sigmoid of an array of any shape, stable for large |x|."""
    pass
