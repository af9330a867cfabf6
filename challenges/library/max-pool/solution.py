import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def max_pool_forward(x, pool_h, pool_w, stride):
    """Max pooling of x (N, C, H, W) over pool_h x pool_w windows. Returns (out, cache)."""
    N, C, H, W = x.shape
    # Every window as a zero-copy view, kept at multiples of the stride: (N, C, H', W', pool_h, pool_w).
    windows = sliding_window_view(x, (pool_h, pool_w), axis=(2, 3))[:, :, ::stride, ::stride]
    Ho, Wo = windows.shape[2], windows.shape[3]
    flat = windows.reshape(N, C, Ho, Wo, pool_h * pool_w)
    # argmax returns the FIRST maximum in row-major order within each window: the tie rule.
    arg = flat.argmax(axis=-1)
    out = np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0]
    cache = (x.shape, arg, pool_h, pool_w, stride)
    return out, cache


def max_pool_backward(dout, cache):
    """Gradient of max pooling: each window's upstream gradient goes to its (first) max. Returns dx."""
    (N, C, H, W), arg, pool_h, pool_w, stride = cache
    Ho, Wo = arg.shape[2], arg.shape[3]
    # Position of each window's max in x: the window's corner plus the offset argmax found.
    rows = np.arange(Ho)[:, None] * stride + arg // pool_w  # (N, C, H', W')
    cols = np.arange(Wo)[None, :] * stride + arg % pool_w
    planes = np.arange(N * C).reshape(N, C, 1, 1)  # which (sample, channel) plane
    flat_index = (planes * H + rows) * W + cols
    # Overlapping windows (stride < pool) can share a max: bincount ADDS their gradients,
    # where dx[index] += dout would keep only one of them.
    dx = np.bincount(flat_index.ravel(), weights=dout.ravel(), minlength=N * C * H * W)
    return dx.reshape(N, C, H, W)
