import numpy as np


def knn_predict(X_train, y_train, X_test, k):
    """Return the majority label of the k nearest training rows for each row of X_test (int array)."""
    pass
