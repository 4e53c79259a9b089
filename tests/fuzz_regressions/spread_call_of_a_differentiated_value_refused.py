# The refusal that stays (see spread_call_of_values_without_derivative.py): a call that
# spreads a differentiated value with * is refused, with the advice to pass the
# arguments one by one, not kept as a value without derivative.
import numpy as np


def f(a, b):
    pair = (a, b)
    return np.sum(np.maximum(*pair))


ARGS = {"a": np.array([0.3, -0.2]), "b": np.array([0.1, 0.5])}
WRT = ("a", "b")
HESSIAN = False
EXPECT = "refused"
