import numpy as np


def roc_auc(y_true, scores):
    """Return the area under the ROC curve as a float (ties count half; nan if one class is missing)."""
    pass
