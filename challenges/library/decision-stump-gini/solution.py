import numpy as np

TIE_TOL = 1e-12  # impurities this close to the best count as equal


def _gini(counts):
    """Gini impurity of each row of class counts (n_rows, C); rows must be non-empty."""
    n = counts.sum(axis=1, keepdims=True)
    return 1.0 - ((counts / n) ** 2).sum(axis=1)


def best_split(X, y):
    """The split X[:, f] <= t with the lowest weighted Gini impurity; return (feature, threshold, weighted_gini)."""
    N, D = X.shape
    # Labels may be any integers: map them to 0..C-1 first.
    classes, codes = np.unique(y, return_inverse=True)
    C = classes.size
    onehot = np.zeros((N, C))
    onehot[np.arange(N), codes] = 1.0
    total = onehot.sum(axis=0)  # (C,) class counts of the parent
    parent_gini = float(_gini(total[None, :])[0])

    per_feature = []  # (impurities, thresholds) of each feature's valid splits
    for f in range(D):  # a loop over features; everything inside is vectorised over samples
        order = np.argsort(X[:, f], kind="stable")
        xs = X[order, f]
        # left[i]: class counts of the i + 1 smallest values, for every cut at once.
        left = np.cumsum(onehot[order], axis=0)[:-1]  # (N - 1, C)
        right = total - left
        n_left = np.arange(1, N)  # (N - 1,)
        # A cut is only a split between two different values.
        valid = xs[:-1] < xs[1:]
        g = (n_left * _gini(left) + (N - n_left) * _gini(right)) / N  # weighted Gini per cut
        t = (xs[:-1] + xs[1:]) / 2.0  # midpoints, ascending
        per_feature.append((g[valid], t[valid]))

    if not any(g.size for g, _ in per_feature):
        return -1, float("nan"), parent_gini  # every feature is constant: no split exists

    best = min(g.min() for g, _ in per_feature if g.size)
    # Ties within TIE_TOL: the lowest feature, then its lowest threshold.
    for f, (g, t) in enumerate(per_feature):
        close = np.flatnonzero(g <= best + TIE_TOL)
        if close.size:
            i = close[0]
            return f, float(t[i]), float(g[i])
