"""Normalises columns (axis=0) instead of rows."""

import numpy as np


def cosine_similarity_matrix(A, B):
    A_norm = np.linalg.norm(A, axis=0, keepdims=True)
    B_norm = np.linalg.norm(B, axis=0, keepdims=True)
    A_n = A / np.where(A_norm == 0, 1.0, A_norm)
    B_n = B / np.where(B_norm == 0, 1.0, B_norm)
    return np.clip(A_n @ B_n.T, -1.0, 1.0)
