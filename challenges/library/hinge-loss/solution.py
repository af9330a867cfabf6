import numpy as np


def svm_loss(scores, y, margin=1.0):
    """Mean multiclass SVM (hinge) loss over the batch. Returns (loss, dscores)."""
    n = scores.shape[0]
    rows = np.arange(n)
    correct = scores[rows, y][:, None]  # (N, 1): each row's correct-class score
    # How far each wrong class gets within `margin` of the correct one (positive = violation).
    margins = scores - correct + margin
    margins[rows, y] = 0.0  # the correct class is not compared with itself
    active = margins > 0  # a term exactly at 0 is a kink: its (sub)gradient is taken as 0
    loss = np.sum(margins[active]) / n
    # Each active term s_j - s_y + margin pushes s_j up by 1 and s_y down by 1.
    dscores = active.astype(scores.dtype)
    dscores[rows, y] = -active.sum(axis=1)
    return float(loss), dscores / n
