"""Rules for linear NumPy functions whose transposes gather or scatter elements:
np.pad with a mode, np.gradient, np.dstack, and np.r_[...] / np.c_[...] (which the splitter
turns into calls of runtime.gathers' r_join / c_join).  Helpers in runtime/gathers.py;
each helper has a rule too (they are linear in their first argument, and each pair is
the other's transpose), so Hessians work.
"""

import math

import numpy as np

from ..runtime import gathers as rg
from . import numpy_rules  # noqa: F401  (first: its np.pad(x, w) rule is tried first)
from .core import RULES, Rule, make_rule

NS = {"np": np, "math": math, **{name: getattr(rg, name) for name in rg.__all__}}

#: Every rule this module registers, in order.
REGISTERED: list[Rule] = []


def _add(func, params, zero=(), shares=(), **templates):
    rule = make_rule(func, params, namespace=NS, result="array", zero=zero, **templates)
    rule.shares = shares
    REGISTERED.append(rule)
    RULES.add(rule)


# np.pad(array, pad_width) (zeros) is numpy_rules'; with a mode: constant (any constant
# value: its derivative is not taken), edge, reflect, symmetric, wrap.  Other modes are
# refused when the code runs (the mode is a value).
_add(
    np.pad,
    "array, pad_width, mode='constant', constant_values=0, reflect_type='even'",
    jvp={"array": "pad_mode_jvp(t, array, pad_width, mode, reflect_type)"},
    vjp={"array": "pad_mode_vjp(g, array, pad_width, mode, reflect_type)"},
)
# np.gradient(f, spacing, axis=..., edge_order=...): one spacing; the helpers check the
# call against its result, so one passing several spacings is refused, never misread.
_add(
    np.gradient,
    "f, spacing=1.0, axis=None, edge_order=1",
    jvp={"f": "gradient_jvp(t, f, spacing, axis, edge_order, out)"},
    vjp={"f": "gradient_vjp(g, f, spacing, axis, edge_order, out)"},
)
_add(
    rg.r_join, "items", jvp={"items": "r_join_jvp(t, items)"}, vjp={"items": "r_join_vjp(g, items)"}
)
_add(
    rg.c_join, "items", jvp={"items": "c_join_jvp(t, items)"}, vjp={"items": "c_join_vjp(g, items)"}
)

_add(np.dstack, "tup", jvp={"tup": "dstack_jvp(t, tup)"}, vjp={"tup": "dstack_vjp(g, tup)"})

# --- the helpers' own rules: linear in their first argument ---------------------------------
_PAD = "array, pad_width, mode='constant', reflect_type='even'"
_add(
    rg.pad_mode_jvp,
    "u, " + _PAD,
    zero="array",
    jvp={"u": "pad_mode_jvp(t, array, pad_width, mode, reflect_type)"},
    vjp={"u": "pad_mode_vjp(g, array, pad_width, mode, reflect_type)"},
)
_add(
    rg.pad_mode_vjp,
    "v, " + _PAD,
    zero="array",
    jvp={"v": "pad_mode_vjp(t, array, pad_width, mode, reflect_type)"},
    vjp={"v": "pad_mode_jvp(g, array, pad_width, mode, reflect_type)"},
)
_GRAD = "f, spacing=1.0, axis=None, edge_order=1, o=None"
_add(
    rg.gradient_jvp,
    "u, " + _GRAD,
    zero="f, o",
    jvp={"u": "gradient_jvp(t, f, spacing, axis, edge_order, o)"},
    vjp={"u": "gradient_vjp(g, f, spacing, axis, edge_order, o)"},
)
_add(
    rg.gradient_vjp,
    "v, " + _GRAD,
    zero="f, o",
    jvp={"v": "gradient_vjp(t, f, spacing, axis, edge_order, o)"},
    vjp={"v": "gradient_jvp(g, f, spacing, axis, edge_order, o)"},
)
for _join in ("r_join", "c_join", "dstack"):
    for _own, _other in (("jvp", "vjp"), ("vjp", "jvp")):
        _add(
            getattr(rg, f"{_join}_{_own}"),
            "v, items",
            zero="items",
            jvp={"v": f"{_join}_{_own}(t, items)"},
            vjp={"v": f"{_join}_{_other}(g, items)"},
        )
