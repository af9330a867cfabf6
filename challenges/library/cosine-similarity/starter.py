import numpy as np


def cosine_similarity_matrix(A, B):
    """Compute pairwise cosine similarity between rows of A and B.
    Return shape (M, N) where result[i,j] = cosine_sim(A[i], B[j])."""
    pass
