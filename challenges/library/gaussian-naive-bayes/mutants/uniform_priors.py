"""Uses uniform priors 1/K instead of the class frequencies."""

import numpy as np


def gnb_fit(X, y, var_smoothing=1e-9):
    """Fit Gaussian naive Bayes. Returns (classes, priors, means, variances)."""
    classes, codes = np.unique(y, return_inverse=True)  # sorted labels, and each row's index into them
    codes = codes.reshape(-1)
    K, D = len(classes), X.shape[1]
    priors = np.full(K, 1.0 / K)
    means = np.empty((K, D))
    variances = np.empty((K, D))
    for k in range(K):  # K is small: a loop over classes is fine
        Xk = X[codes == k]
        means[k] = Xk.mean(axis=0)
        # np.var subtracts the mean first (two passes): E[x^2] - E[x]^2 would cancel
        # catastrophically for features far from zero. Population variance (ddof=0).
        variances[k] = Xk.var(axis=0)
    # A constant feature within a class has variance 0: its Gaussian would be a spike.
    # Like scikit-learn, add a small fraction of the largest feature variance of all of X.
    variances += var_smoothing * X.var(axis=0).max()
    return classes, priors, means, variances


def gnb_predict_log_proba(params, X):
    """Log posterior probabilities log p(class | x), shape (N, K), each row normalised."""
    classes, priors, means, variances = params
    # Joint log likelihood log p(c) + sum_d log N(x_d; mu_cd, var_cd), for every (row, class).
    log_norm = -0.5 * np.sum(np.log(2.0 * np.pi * variances), axis=1)  # (K,)
    sq = np.sum((X[:, None, :] - means[None, :, :]) ** 2 / variances[None, :, :], axis=2)  # (N, K)
    jll = np.log(priors) + log_norm - 0.5 * sq
    # Normalise in log space: jll can be -1e6, where exp underflows to 0. Shifting by each
    # row's max makes the largest term exp(0) = 1, so the log of the sum is finite.
    top = jll.max(axis=1, keepdims=True)
    log_evidence = top + np.log(np.sum(np.exp(jll - top), axis=1, keepdims=True))
    return jll - log_evidence
