import numpy as np


def mse_loss(pred, target):
    """Mean squared error over all elements. Returns (loss, dpred)."""
    r = pred - target  # residual; its sign fixes the gradient's direction
    n = r.size  # the mean is over every element, not just the rows
    loss = np.mean(r * r)
    dpred = (2.0 / n) * r  # d/dr of r^2 is 2r, and the mean contributes 1/n
    return float(loss), dpred


def huber_loss(pred, target, delta=1.0):
    """Huber loss averaged over all elements. Returns (loss, dpred)."""
    r = pred - target
    a = np.abs(r)
    small = a <= delta  # quadratic zone; outside it the loss grows linearly
    # The linear piece is shifted by delta^2 / 2 so both pieces meet at |r| = delta.
    loss = np.where(small, 0.5 * r * r, delta * (a - 0.5 * delta))
    # Gradient: r inside, clipped to +-delta outside (what makes Huber robust to outliers).
    dpred = np.where(small, r, delta * np.sign(r)) / r.size
    return float(loss.mean()), dpred
