"""Rules for Python operators, `math` and numeric builtins.

Each line reads as the math it implements: the partial derivative of the
primitive with respect to each parameter (see rules/core.py).  Operators
also work on NumPy arrays; their `array=` variant names NumPy functions.
"""

import ast
import builtins
import math
from typing import Any

import numpy as np

from ..runtime import core as runtime
from .core import RULES, make_rule, nondiff_rule

NS = {
    "math": math,
    "np": np,
    "pow_dexp": runtime.pow_dexp,
    "pow_dbase": runtime.pow_dbase,
    "psi": runtime.psi,
    "repeat_for": runtime.repeat_for,
    "broadcast_like": runtime.broadcast_like,
    "unbroadcast": runtime.unbroadcast,
}
# d(x**y)/dx; where y == 0 it is 0, also at x == 0 (the formula alone divides by zero).
# A constant exponent folds: x ** 2 gives 2 * x (templates.py).
_POW_DX = "y * x ** (y - 1) if y else 0.0"


def partials(func, params, array=None, **parts):
    RULES.add(make_rule(func, params, partials=parts, namespace=NS, array=array))


def linear(func, params, jvp, vjp, **kw):
    RULES.add(make_rule(func, params, jvp=jvp, vjp=vjp, namespace=NS, **kw))


def nondiff(func, result="same"):
    RULES.add(nondiff_rule(func, result))


# --- operators ---------------------------------------------------------------
partials(ast.Add, "x, y", x="1", y="1")
partials(ast.Sub, "x, y", x="1", y="-1")
partials(ast.Mult, "x, y", x="y", y="x")
partials(ast.Div, "x, y", x="1 / y", y="-out / y")
partials(
    ast.Pow,
    "x, y",
    x=_POW_DX,
    y="pow_dexp(out, x)",
    array={"x": "pow_dbase(x, y)", "y": "pow_dexp(out, x)"},
)
partials(ast.Mod, "x, y", x="1", y="-(x // y)")
partials(ast.USub, "x", x="-1")
partials(ast.UAdd, "x", x="1")
nondiff(ast.FloorDiv)

# --- math ----------------------------------------------------------------------
partials(math.sin, "x", x="math.cos(x)")
partials(math.cos, "x", x="-math.sin(x)")
partials(math.tan, "x", x="1 + out * out")
partials(math.asin, "x", x="1 / math.sqrt(1 - x * x)")
partials(math.acos, "x", x="-1 / math.sqrt(1 - x * x)")
partials(math.atan, "x", x="1 / (1 + x * x)")
partials(math.atan2, "y, x", y="x / (x * x + y * y)", x="-y / (x * x + y * y)")
partials(math.sinh, "x", x="math.cosh(x)")
partials(math.cosh, "x", x="math.sinh(x)")
partials(math.tanh, "x", x="1 - out * out")
partials(math.asinh, "x", x="1 / math.sqrt(x * x + 1)")
partials(math.acosh, "x", x="1 / math.sqrt(x * x - 1)")
partials(math.atanh, "x", x="1 / (1 - x * x)")
partials(math.exp, "x", x="out")
partials(math.expm1, "x", x="out + 1")
if hasattr(math, "exp2"):  # Python 3.11+
    partials(math.exp2, "x", x="out * math.log(2)")
partials(math.log, "x", x="1 / x")
partials(
    math.log,
    "x, base",
    x="1 / (x * math.log(base))",
    base="-math.log(x) / (base * math.log(base) ** 2)",
)
partials(math.log2, "x", x="1 / (x * math.log(2))")
partials(math.log10, "x", x="1 / (x * math.log(10))")
partials(math.log1p, "x", x="1 / (1 + x)")
partials(math.sqrt, "x", x="0.5 / out")
if hasattr(math, "cbrt"):  # Python 3.11+
    partials(math.cbrt, "x", x="1 / (3 * out * out)")
partials(math.pow, "x, y", x="y * math.pow(x, y - 1) if y else 0.0", y="pow_dexp(out, x)")
# hypot is the 2-norm of (x, y): at (0, 0) its derivative is taken as 0, as
# np.linalg.norm's is (the minimum-norm subgradient; x / out would be 0 / 0).
partials(math.hypot, "x, y", x="x / out if out else 0.0", y="y / out if out else 0.0")
partials(math.erf, "x", x="2 / math.sqrt(math.pi) * math.exp(-x * x)")
partials(math.erfc, "x", x="-2 / math.sqrt(math.pi) * math.exp(-x * x)")
# |x|' is sign(x), taken as 0 at 0 like NumPy's sign (and JAX, autograd).
partials(math.fabs, "x", x="math.copysign(1.0, x) if x else 0.0")
partials(math.copysign, "x, y", x="math.copysign(1.0, x) * math.copysign(1.0, y)", y="0.0")
partials(math.degrees, "x", x="180 / math.pi")
partials(math.radians, "x", x="math.pi / 180")
# gamma' = gamma * digamma; lgamma is log|gamma|, also for negative x: its derivative is
# digamma there too.  psi is srcdiff's own polygamma (runtime/core.py), so no SciPy.
partials(math.gamma, "x", x="out * psi(0, x)")
partials(math.lgamma, "x", x="psi(0, x)")
# fmod and remainder are x - n * y for an integer n (truncated or rounded x / y);
# d/dy is -n, and -n is (out - x) / y (to rounding; a float, as the other partials are).
partials(math.fmod, "x, y", x="1.0", y="(out - x) / y")
partials(math.remainder, "x, y", x="1.0", y="(out - x) / y")
partials(math.ldexp, "x, i", x="math.ldexp(1.0, i)", i="0.0")
# fsum is sum with one rounding at the end: the same derivative, each item's partial 1.
# Its argument is a list (a generator or comprehension is built into one first:
# reductions.py), so the tangent is the fsum of the items' tangents.
linear(
    math.fsum,
    "seq",
    jvp={"seq": "math.fsum(t)"},
    vjp={"seq": "repeat_for(g, seq)"},
    result="scalar",
)
_f: Any  # the primitive each loop below registers
for _f in (math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite):
    nondiff(_f, result="int")

# --- builtins ------------------------------------------------------------------
# Tests, true or false: piecewise constant (a condition the code stores, `flag = any(...)`,
# and the conditions generated code keeps for a Hessian's second pass)
for _f in (builtins.any, builtins.all, builtins.isinstance, builtins.callable):
    nondiff(_f, result="int")
partials(builtins.abs, "x", x="math.copysign(1.0, x) if x else 0.0", array={"x": "np.sign(x)"})
partials(builtins.float, "x", x="1")
partials(
    builtins.pow,
    "x, y",
    x=_POW_DX,
    y="pow_dexp(out, x)",
    array={"x": "pow_dbase(x, y)", "y": "pow_dexp(out, x)"},
)
# max/min of several arguments are nested pairs by the transformer; Python
# returns the first of equal values, and the derivative follows the value returned.
linear(
    builtins.max,
    "x, y",
    jvp={"x": "0.0 if y > x else t", "y": "t if y > x else 0.0"},
    vjp={"x": "0.0 if y > x else g", "y": "g if y > x else 0.0"},
)
linear(
    builtins.min,
    "x, y",
    jvp={"x": "0.0 if y < x else t", "y": "t if y < x else 0.0"},
    vjp={"x": "0.0 if y < x else g", "y": "g if y < x else 0.0"},
)
# divmod(x, y) is (x // y, x % y): the quotient is piecewise constant (no derivative, as
# `//`), the remainder x - q * y (as `%`).  Its templates see `out` as the pair and `g` as
# one cotangent per result; arrays (np.divmod underneath) broadcast, so the array variant
# sums each cotangent back to its operand's shape.
_DIVMOD = make_rule(
    builtins.divmod,
    "x, y",
    jvp={"x": "(0.0, t)", "y": "(0.0, -out[0] * t)"},
    vjp={"x": "g[1]", "y": "-out[0] * g[1]"},
    namespace=NS,
)
_DIVMOD.array_variant = make_rule(
    builtins.divmod,
    "x, y",
    jvp={
        "x": "(np.zeros(np.shape(out[0])), broadcast_like(t, out[1]))",
        "y": "(np.zeros(np.shape(out[0])), -out[0] * t)",
    },
    vjp={"x": "unbroadcast(g[1], x)", "y": "unbroadcast(-out[0] * g[1], y)"},
    namespace=NS,
)
_DIVMOD.several = _DIVMOD.array_variant.several = True
RULES.add(_DIVMOD)
for _f in (builtins.len, builtins.int, builtins.round, builtins.bool, builtins.range):
    nondiff(_f, result="int")
