"""Derivative rules: the table and the families registered in it."""

from . import (
    gather_rules,  # noqa: F401  (np.pad modes, np.gradient, np.r_ / np.c_)
    linalg_rules,  # noqa: F401  (NumPy functions returning several arrays)
    numpy_rules,  # noqa: F401  (registers NumPy rules)
    runtime_numpy_rules,  # noqa: F401  (srcdiff.runtime_numpy helpers, for higher order)
    runtime_rules,  # noqa: F401  (srcdiff runtime helpers, for higher order)
    scalar,  # noqa: F401  (registers operator, math and builtin rules)
)
from .core import RULES, Rule, make_rule, register_rule  # noqa: F401
