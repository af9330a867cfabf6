def sgd_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    """One SGD-with-momentum step. Returns (w_new, v_new)."""
    # The velocity is a decaying sum of past steps: old velocity shrinks by
    # `momentum`, the new gradient step -lr * dw is added.
    v = momentum * v - lr * dw
    # The weights move by the new velocity (not the old one).
    w = w + v
    return w, v
