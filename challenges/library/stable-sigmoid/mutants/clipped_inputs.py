"""Clips x to [-30, 30] to dodge overflow: sigmoid(-40) comes out 2e4 times too big."""

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-np.clip(x, -30, 30)))
