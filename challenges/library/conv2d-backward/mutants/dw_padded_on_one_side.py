"""Builds dw from an input padded only at the bottom and right: every window is shifted by pad."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _windows(xp, HH, WW, stride):
    """Every HH x WW window of the padded input that starts at a multiple of the stride:
    a zero-copy view of shape (N, C, H', W', HH, WW)."""
    return sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Cross-correlation of x (N, C, H, W) with w (F, C, HH, WW) plus b (F,). Returns (out, cache)."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = _windows(xp, w.shape[2], w.shape[3], stride)
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)  # (N, F, H', W')
    out = out + b[None, :, None, None]
    cache = (x, w, stride, pad)
    return out, cache


def conv2d_backward(dout, cache):
    """Gradients of the loss with respect to x, w and b, given dout = dL/dout. Returns (dx, dw, db)."""
    x, w, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2], dout.shape[3]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))

    # b_f is added to every output of filter f, in every image and at every position.
    db = dout.sum(axis=(0, 2, 3))

    # w[f, c, k, l] multiplies the input under offset (k, l) of every window: sum those
    # inputs weighted by the window's upstream gradient, over the batch and all positions.
    xq = np.pad(x, ((0, 0), (0, 0), (0, 2 * pad), (0, 2 * pad)))
    dw = np.tensordot(dout, _windows(xq, HH, WW, stride), axes=([0, 2, 3], [0, 2, 3]))  # (F, C, HH, WW)

    # Each window sends w[f] * dout[n, f, i, j] back onto the inputs it covered. For a fixed
    # kernel offset (k, l) the windows touch distinct inputs (a strided slice), so a loop over
    # the HH * WW offsets with += adds overlapping windows' contributions correctly.
    dcols = np.tensordot(dout, w, axes=([1], [0]))  # (N, H', W', C, HH, WW)
    dxp = np.zeros_like(xp, dtype=np.result_type(dout, w))
    rows_end, cols_end = stride * (Ho - 1) + 1, stride * (Wo - 1) + 1
    for k in range(HH):
        for m in range(WW):
            dxp[:, :, k : k + rows_end : stride, m : m + cols_end : stride] += dcols[..., k, m].transpose(0, 3, 1, 2)
    # The padding is not an input: drop its gradient.
    dx = dxp[:, :, pad : pad + H, pad : pad + W]
    return dx, dw, db
