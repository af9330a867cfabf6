import numpy as np


def roc_auc(y_true, scores):
    """ROC AUC as the Mann-Whitney statistic with average ranks. Returns a float."""
    positive = y_true == 1
    n = positive.size
    n_pos = int(np.count_nonzero(positive))
    n_neg = n - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")  # no positive-negative pair to compare: the AUC is undefined
    # Rank the scores (1 = lowest). A stable sort puts equal scores next to each other.
    order = np.argsort(scores, kind="stable")
    s = scores[order]
    # edges[g] is where the g-th run of equal scores starts in sorted order (plus n at the end).
    edges = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1], [True])))
    # The run occupying sorted positions a .. b-1 holds ranks a+1 .. b: each gets their mean,
    # so a tie between a positive and a negative is worth half a win.
    mean_rank = (edges[:-1] + 1 + edges[1:]) / 2.0
    ranks = np.empty(n)
    ranks[order] = np.repeat(mean_rank, np.diff(edges))
    # Mann-Whitney: the positives' rank sum minus its smallest possible value counts the
    # (positive, negative) pairs ordered correctly; dividing by the pair count gives the AUC.
    u = ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))
