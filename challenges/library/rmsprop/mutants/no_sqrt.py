"""Divides by the mean square itself instead of its root: the step scales like 1 / dw."""


def rmsprop(w, dw, cache, lr=1e-2, decay=0.99, eps=1e-8):
    cache = decay * cache + (1 - decay) * dw**2
    return w - lr * dw / (cache + eps), cache
