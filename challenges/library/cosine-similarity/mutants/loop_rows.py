"""Correct but computes one row of the matrix per Python iteration: slow."""

import numpy as np


def cosine_similarity_matrix(A, B):
    B_norm = np.linalg.norm(B, axis=1)
    B_norm[B_norm == 0] = 1.0
    out = np.empty((A.shape[0], B.shape[0]))
    for i, a in enumerate(A):
        a_norm = np.linalg.norm(a) or 1.0
        out[i] = np.clip(B @ a / (B_norm * a_norm), -1.0, 1.0)
    return out
