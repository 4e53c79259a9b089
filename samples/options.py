"""Optional arguments and flags: srcdiff differentiates the branch the arguments take.

With `ax=None` the plot is skipped and `reduce` picks the reduction; the derivative is
made for those facts (`srcdiff show` says which it assumed), so the plot -- a call
srcdiff can't differentiate -- is not differentiated when no axes are given.
"""

import numpy as np


def fit_loss(w, x, y, reduce="mean", ax=None):
    r = np.tanh(x * w) - y
    if ax is not None:
        ax.plot(x, r)
    if reduce == "mean":
        return np.mean(r**2)
    return np.sum(r**2)
