import numpy as np


def best_split(X, y):
    """The split X[:, f] <= t with the lowest weighted Gini impurity; return (feature, threshold, weighted_gini)."""
    pass
