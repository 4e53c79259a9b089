"""Test cases translated from other projects' AD test suites.

Each suite module (`autograd_numpy`, `tangent_functions`, `jax_numpy`) defines ``CASES``, a
list of `SuiteCase` records: a name saying which upstream test the case came
from, the text of a module defining ``f`` (which returns a scalar), a builder
for the arguments, the parameters to differentiate, and an origin string.
`python -m tools.suites` runs them all through `tools.fuzz.oracle.check`.
"""

from __future__ import annotations

import importlib

from .cases import SuiteCase

SUITES = {
    "autograd": "tools.suites.autograd_numpy",
    "tangent": "tools.suites.tangent_functions",
    "jax": "tools.suites.jax_numpy",
}


def load(suite="all"):
    """{suite name: [SuiteCase, ...]} for one suite or all of them."""
    names = list(SUITES) if suite == "all" else [suite]
    return {name: importlib.import_module(SUITES[name]).CASES for name in names}


__all__ = ["SUITES", "SuiteCase", "load"]
