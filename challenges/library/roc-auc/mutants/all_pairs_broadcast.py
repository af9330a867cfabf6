"""Correct but compares every positive with every negative by broadcasting: O(n^2) time and memory."""


def roc_auc(y_true, scores):
    pos, neg = scores[y_true == 1], scores[y_true != 1]
    if pos.size == 0 or neg.size == 0:
        return float("nan")
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (pos.size * neg.size))
