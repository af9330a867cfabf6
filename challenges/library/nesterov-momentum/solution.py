def nesterov_momentum(w, dw, v, lr=1e-2, momentum=0.9):
    """One Nesterov momentum step, in the form that stores the look-ahead point.

    Returns (w_new, v_new).
    """
    v_prev = v  # rebinding below makes a new array, so this keeps the old velocity
    v = momentum * v - lr * dw
    # w is the look-ahead point theta + mu * v: undo the old look-ahead, take the
    # step, then look ahead along the new velocity.
    w = w - momentum * v_prev + (1 + momentum) * v
    return w, v
