import numpy as np


def kmeans_step(X, centroids):
    """Assign each point to its nearest centroid, then move each centroid to its points' mean; return (labels, new_centroids)."""
    pass
