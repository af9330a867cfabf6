"""Keeps units where u > p instead of u >= p: a draw exactly equal to p is dropped."""


def dropout_forward(x, p, mode, mask_uniform):
    if mode == "train":
        mask = (mask_uniform > p) / (1 - p)
        return x * mask, (mode, mask)
    return x, (mode, None)


def dropout_backward(dout, cache):
    mode, mask = cache
    return dout * mask if mode == "train" else dout
