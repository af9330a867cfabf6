"""Divides by len(pred), the number of rows, instead of pred.size: wrong for 2-D input."""

import numpy as np


def mse_loss(pred, target):
    r = pred - target
    n = len(r)
    return float(np.sum(r * r) / n), 2.0 * r / n


def huber_loss(pred, target, delta=1.0):
    r = pred - target
    a = np.abs(r)
    small = a <= delta
    n = len(r)
    loss = np.where(small, 0.5 * r * r, delta * (a - 0.5 * delta))
    return float(loss.sum() / n), np.where(small, r, delta * np.sign(r)) / n
