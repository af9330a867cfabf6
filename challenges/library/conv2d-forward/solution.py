import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, pad=0):
    """2-D convolution (cross-correlation, no kernel flip) of a batch of images.

    x: (N, C, H, W), w: (F, C, HH, WW), b: (F,). Returns out: (N, F, H', W').
    """
    HH, WW = w.shape[2], w.shape[3]
    # Zero padding on the two spatial axes only, never on the batch or channel axes.
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    # Every HH x WW window at stride 1, as a view (no copy): (N, C, Hp-HH+1, Wp-WW+1, HH, WW);
    # keeping every stride-th start gives exactly H' = (H + 2 pad - HH) // stride + 1 rows.
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    # Contract channels and kernel offsets in one matrix product (im2col + GEMM under the hood).
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3]))  # (N, H', W', F)
    return out.transpose(0, 3, 1, 2) + b[None, :, None, None]
