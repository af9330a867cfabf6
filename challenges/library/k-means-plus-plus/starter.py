import numpy as np


def kmeans_pp_init(X, k, u):
    """Choose k seed indices into X by k-means++, driven by the uniform draws u (shape (k,)); return them."""
    pass
