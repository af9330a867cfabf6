"""Keeps units where u < p, treating p as the keep probability instead of the drop probability."""


def dropout_forward(x, p, mode, mask_uniform):
    if mode == "train":
        mask = (mask_uniform < p) / (1 - p)
        return x * mask, (mode, mask)
    return x, (mode, None)


def dropout_backward(dout, cache):
    mode, mask = cache
    return dout * mask if mode == "train" else dout
