"""Fits no intercept at all: the plane is forced through the origin and b = 0."""

import numpy as np


def ridge_fit(X, y, alpha):
    w = np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ y)
    return w, 0.0
