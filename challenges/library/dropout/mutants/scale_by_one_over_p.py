"""Scales the kept units by 1 / p, mixing up the drop probability and the keep probability."""


def dropout_forward(x, p, mode, mask_uniform):
    if mode == "train":
        mask = (mask_uniform >= p) / p
        return x * mask, (mode, mask)
    return x, (mode, None)


def dropout_backward(dout, cache):
    mode, mask = cache
    return dout * mask if mode == "train" else dout
