"""Divides by the norms without handling zero vectors: 0 / 0 = NaN."""

import numpy as np


def cosine_similarity_matrix(A, B):
    A_n = A / np.linalg.norm(A, axis=1, keepdims=True)
    B_n = B / np.linalg.norm(B, axis=1, keepdims=True)
    return A_n @ B_n.T
