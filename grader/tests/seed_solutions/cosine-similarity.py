# The seed's correct solution, verbatim (shared/seeds/000_b64373ae018efb2c.txt).
import numpy as np


def cosine_similarity_matrix(A, B):
    """Vectorized pairwise cosine similarity."""
    # L2 normalize each row
    A_norm = np.linalg.norm(A, axis=1, keepdims=True)  # (M, 1)
    B_norm = np.linalg.norm(B, axis=1, keepdims=True)  # (N, 1)
    # Handle zero vectors
    A_norm = np.where(A_norm == 0, 1.0, A_norm)
    B_norm = np.where(B_norm == 0, 1.0, B_norm)
    A_normalized = A / A_norm  # (M, D)
    B_normalized = B / B_norm  # (N, D)
    # Dot product of normalized vectors = cosine similarity
    # (M, D) @ (D, N) -> (M, N)
    sim_matrix = A_normalized @ B_normalized.T
    # Clip for numerical safety
    return np.clip(sim_matrix, -1.0, 1.0)
