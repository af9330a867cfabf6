"""Computes sigmoid(x) = 1 - sigmoid(-x) for x < 0: the subtraction cancels tiny outputs to 0."""

import numpy as np


def sigmoid(x):
    pos = 1 / (1 + np.exp(-np.abs(x)))  # sigmoid(|x|), stable
    return np.where(x >= 0, pos, 1 - pos)
