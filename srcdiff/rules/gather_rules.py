"""Rules for linear NumPy functions whose transposes gather or scatter elements:
np.pad with a mode, np.gradient, np.dstack, np.take, and np.r_[...] / np.c_[...] (which the splitter
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
# np.take: a gather (indices and mode have no derivative; repeated indices add up)
_add(
    np.take,
    "a, indices, axis=None, out_=None, mode='raise'",
    jvp={"a": "take_jvp(t, a, indices, axis, mode)"},
    vjp={"a": "take_vjp(g, a, indices, axis, mode)"},
)


# --- the helpers' own rules: linear in their first argument ---------------------------------
def _transpose_pair(stem, params, zero):
    """Rules of `{stem}_jvp` and `{stem}_vjp` (runtime.gathers), each linear in its first
    argument and the other's transpose; `params`: the rest, `zero`: those of them read
    only for their shape or value."""
    args = ", ".join(p.split("=")[0].strip() for p in params.split(","))
    for own, other in (("jvp", "vjp"), ("vjp", "jvp")):
        _add(
            getattr(rg, f"{stem}_{own}"),
            "v, " + params,
            zero=zero,
            jvp={"v": f"{stem}_{own}(t, {args})"},
            vjp={"v": f"{stem}_{other}(g, {args})"},
        )


_transpose_pair("pad_mode", "array, pad_width, mode='constant', reflect_type='even'", "array")
_transpose_pair("gradient", "f, spacing=1.0, axis=None, edge_order=1, o=None", "f, o")
for _join in ("r_join", "c_join", "dstack"):
    _transpose_pair(_join, "items", "items")
_transpose_pair("take", "a, indices, axis=None, mode='raise'", "a, indices")
