"""Derivative rules: the table and the families registered in it."""

from . import (
    gather_rules,  # noqa: F401  (np.pad modes, np.gradient, np.r_ / np.c_)
    linalg_rules,  # noqa: F401  (NumPy functions returning several arrays)
    list_rules,  # noqa: F401  (lists changed in place, np.add.at)
    numpy_rules,  # noqa: F401  (registers NumPy rules)
    runtime_numpy_rules,  # noqa: F401  (srcdiff.runtime_numpy helpers, for higher order)
    runtime_rules,  # noqa: F401  (srcdiff runtime helpers, for higher order)
    runtime_special_rules,  # noqa: F401  (helpers of the SciPy rules; NumPy only)
    scalar,  # noqa: F401  (registers operator, math and builtin rules)
)
from .core import RULES, Rule, make_rule, register_rule  # noqa: F401

# SciPy's families, registered once their SciPy module is imported (never by srcdiff)
RULES.when_imported("scipy.special", "srcdiff.rules.scipy_special")
RULES.when_imported("scipy.linalg", "srcdiff.rules.scipy_linalg")
RULES.when_imported("scipy.stats", "srcdiff.rules.scipy_stats")
RULES.when_imported("scipy.signal", "srcdiff.rules.scipy_signal")
