"""Counts votes with np.bincount on the raw labels: fails on negative labels."""

import numpy as np


def knn_predict(X_train, y_train, X_test, k):
    d2 = np.maximum(
        np.sum(X_test**2, axis=1)[:, None] - 2.0 * X_test @ X_train.T + np.sum(X_train**2, axis=1)[None, :], 0.0
    )
    nearest = np.argsort(d2, axis=1, kind="stable")[:, :k]
    return np.array([np.argmax(np.bincount(y_train[row])) for row in nearest], dtype=np.int64)
