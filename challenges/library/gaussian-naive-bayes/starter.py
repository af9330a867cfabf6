import numpy as np


def gnb_fit(X, y, var_smoothing=1e-9):
    """Fit per-class priors, means and smoothed variances; return (classes, priors, means, variances)."""
    pass


def gnb_predict_log_proba(params, X):
    """Return the (N, K) normalised log posteriors log p(class | x) for params = gnb_fit(...)."""
    pass
