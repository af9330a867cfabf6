import numpy as np


def sample_next_token(logits, temperature, top_k, u):
    """Sample one token per row from softmax(logits / temperature) restricted to the top_k logits."""
    pass
