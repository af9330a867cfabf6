import numpy as np


def cosine_similarity_matrix(A, B):
    """Vectorized pairwise cosine similarity.

    cosine_sim(a, b) = (a . b) / (||a|| * ||b||); 0 when either vector is zero.
    """
    # L2 norm of each row
    A_norm = np.linalg.norm(A, axis=1, keepdims=True)  # (M, 1)
    B_norm = np.linalg.norm(B, axis=1, keepdims=True)  # (N, 1)
    # Zero vectors: divide by 1 instead of 0, so their rows stay 0
    A_norm = np.where(A_norm == 0, 1.0, A_norm)
    B_norm = np.where(B_norm == 0, 1.0, B_norm)
    # Dot products of unit vectors: (M, D) @ (D, N) -> (M, N)
    sim_matrix = (A / A_norm) @ (B / B_norm).T
    # Rounding can push |cos| a hair above 1
    return np.clip(sim_matrix, -1.0, 1.0)
