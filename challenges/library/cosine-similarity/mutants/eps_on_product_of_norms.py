"""Adds eps = 1e-8 to the product of the norms: it scales as a length squared, so short vectors' similarities shrink."""

import numpy as np


def cosine_similarity_matrix(A, B):
    A_norm = np.linalg.norm(A, axis=1, keepdims=True)
    B_norm = np.linalg.norm(B, axis=1, keepdims=True)
    return (A @ B.T) / (A_norm * B_norm.T + 1e-8)
