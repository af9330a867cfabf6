"""Adds 1e-3 to every norm: similarities shrink toward 0 for short vectors."""

import numpy as np


def cosine_similarity_matrix(A, B):
    A_n = A / (np.linalg.norm(A, axis=1, keepdims=True) + 1e-3)
    B_n = B / (np.linalg.norm(B, axis=1, keepdims=True) + 1e-3)
    return A_n @ B_n.T
