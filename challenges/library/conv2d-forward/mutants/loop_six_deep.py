"""Correct but six nested Python loops, one multiply-add at a time: far too slow."""

import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - HH) // stride + 1
    Wo = (W + 2 * pad - WW) // stride + 1
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    s = b[f]
                    for c in range(C):
                        for k in range(HH):
                            for m in range(WW):
                                s += w[f, c, k, m] * xp[n, c, i * stride + k, j * stride + m]
                    out[n, f, i, j] = s
    return out
