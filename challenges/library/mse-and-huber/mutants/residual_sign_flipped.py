"""Takes the residual as target - pred: the losses are right but every gradient points uphill."""

import numpy as np


def mse_loss(pred, target):
    r = target - pred
    return float(np.mean(r * r)), 2.0 * r / r.size


def huber_loss(pred, target, delta=1.0):
    r = target - pred
    a = np.abs(r)
    small = a <= delta
    loss = np.where(small, 0.5 * r * r, delta * (a - 0.5 * delta))
    return float(loss.mean()), np.where(small, r, delta * np.sign(r)) / r.size
