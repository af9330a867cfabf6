# The seed's correct solution, verbatim (shared/seeds/000_b64373ae018efb2c.txt).
import numpy as np


def batch_norm_forward(X, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    """Batch normalization forward pass."""
    if training:
        # Compute batch statistics
        batch_mean = X.mean(axis=0)  # (D,)
        batch_var = X.var(axis=0)  # (D,) population var
        # Normalize
        X_norm = (X - batch_mean) / np.sqrt(batch_var + eps)  # (N, D)
        # Scale and shift with learnable parameters
        out = gamma * X_norm + beta  # (N, D)
        # Update running statistics (exponential moving average)
        running_mean = (1 - momentum) * running_mean + momentum * batch_mean
        running_var = (1 - momentum) * running_var + momentum * batch_var
        # Cache for backward pass
        cache = (X, X_norm, batch_mean, batch_var, gamma, eps)
    else:
        # Use running statistics for inference
        X_norm = (X - running_mean) / np.sqrt(running_var + eps)
        out = gamma * X_norm + beta
        cache = None
    return out, cache, running_mean, running_var
