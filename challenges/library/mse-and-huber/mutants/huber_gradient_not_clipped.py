"""Huber gradient left as the residual everywhere: outliers are not clipped to +-delta."""

import numpy as np


def mse_loss(pred, target):
    r = pred - target
    return float(np.mean(r * r)), 2.0 * r / r.size


def huber_loss(pred, target, delta=1.0):
    r = pred - target
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    return float(loss.mean()), r / r.size
