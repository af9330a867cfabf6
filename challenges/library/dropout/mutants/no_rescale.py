"""Drops units but does not scale the kept ones by 1 / (1 - p): E[out] becomes (1 - p) x."""


def dropout_forward(x, p, mode, mask_uniform):
    if mode == "train":
        keep = mask_uniform >= p
        return x * keep, (mode, keep)
    return x, (mode, None)


def dropout_backward(dout, cache):
    mode, keep = cache
    return dout * keep if mode == "train" else dout
