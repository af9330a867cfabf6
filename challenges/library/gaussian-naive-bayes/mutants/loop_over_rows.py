"""Correct but predicts one row at a time in a Python loop: far too slow for many rows."""

import numpy as np


def gnb_fit(X, y, var_smoothing=1e-9):
    classes = np.unique(y)
    priors = np.array([np.mean(y == c) for c in classes])
    means = np.array([X[y == c].mean(axis=0) for c in classes])
    variances = np.array([X[y == c].var(axis=0) for c in classes]) + var_smoothing * X.var(axis=0).max()
    return classes, priors, means, variances


def gnb_predict_log_proba(params, X):
    classes, priors, means, variances = params
    out = np.empty((X.shape[0], len(classes)))
    log_norm = np.log(priors) - 0.5 * np.sum(np.log(2 * np.pi * variances), axis=1)
    for i, x in enumerate(X):
        jll = log_norm - 0.5 * np.sum((x - means) ** 2 / variances, axis=1)
        top = jll.max()
        out[i] = jll - top - np.log(np.sum(np.exp(jll - top)))
    return out
