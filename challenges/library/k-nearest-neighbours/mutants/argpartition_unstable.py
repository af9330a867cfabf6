"""Selects neighbours with np.argpartition: equal distances are not broken by the lower training index."""

import numpy as np


def knn_predict(X_train, y_train, X_test, k):
    d2 = np.maximum(
        np.sum(X_test**2, axis=1)[:, None] - 2.0 * X_test @ X_train.T + np.sum(X_train**2, axis=1)[None, :], 0.0
    )
    # argpartition needs k - 1 < N; with k == N every row is a neighbour anyway.
    nearest = np.argpartition(d2, min(k, d2.shape[1] - 1), axis=1)[:, :k]
    classes, codes = np.unique(y_train, return_inverse=True)
    counts = (codes.reshape(-1)[nearest][:, :, None] == np.arange(len(classes))).sum(axis=1)
    return classes[np.argmax(counts, axis=1)]
