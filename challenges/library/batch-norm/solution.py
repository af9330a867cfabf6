import numpy as np


def batch_norm_forward(X, gamma, beta, running_mean, running_var,
                       training=True, momentum=0.1, eps=1e-5):
    """Batch normalization forward pass.

    Returns (out, cache, running_mean, running_var).
    """
    if training:
        # Statistics of this batch, per feature
        batch_mean = X.mean(axis=0)  # (D,)
        batch_var = X.var(axis=0)  # (D,) population variance (ddof=0)
        X_norm = (X - batch_mean) / np.sqrt(batch_var + eps)  # (N, D)
        out = gamma * X_norm + beta  # learnable scale and shift
        # Exponential moving averages, used later at inference
        running_mean = (1 - momentum) * running_mean + momentum * batch_mean
        running_var = (1 - momentum) * running_var + momentum * batch_var
        cache = (X, X_norm, batch_mean, batch_var, gamma, eps)
    else:
        # Inference: the running statistics, so each sample's output is independent of the batch
        X_norm = (X - running_mean) / np.sqrt(running_var + eps)
        out = gamma * X_norm + beta
        cache = None
    return out, cache, running_mean, running_var
