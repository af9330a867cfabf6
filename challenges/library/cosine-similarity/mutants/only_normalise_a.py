"""Normalises the rows of A but not those of B."""

import numpy as np


def cosine_similarity_matrix(A, B):
    A_norm = np.linalg.norm(A, axis=1, keepdims=True)
    return (A / np.where(A_norm == 0, 1.0, A_norm)) @ B.T
