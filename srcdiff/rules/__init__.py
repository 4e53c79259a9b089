"""Derivative rules: the table and the families registered in it."""

from .core import RULES, Rule, make_rule, register_rule  # noqa: F401
from . import scalar  # noqa: F401  (registers operator, math and builtin rules)
from . import numpy_rules  # noqa: F401  (registers NumPy rules)
from . import runtime_rules  # noqa: F401  (srcdiff runtime helpers, for higher order)
from . import runtime_numpy_rules  # noqa: F401  (srcdiff.runtime_numpy helpers, for higher order)
