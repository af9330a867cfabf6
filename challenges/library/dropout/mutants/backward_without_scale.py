"""Backward applies the keep mask but forgets the 1 / (1 - p) scale of the forward pass."""


def dropout_forward(x, p, mode, mask_uniform):
    if mode == "train":
        keep = mask_uniform >= p
        return x * keep / (1 - p), (mode, keep)
    return x, (mode, None)


def dropout_backward(dout, cache):
    mode, keep = cache
    return dout * keep if mode == "train" else dout
