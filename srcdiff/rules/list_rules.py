"""Rules for runtime/lists.py: lists changed in place, as compiler/list_edits.py writes
them (`xs = list_set(xs, i, v)`, `list_insert`, `list_sorted`), and `np.add.at` /
`np.subtract.at` (`a[...] = added_at(a, i, v)`), and `np.fill_diagonal` (`a[...] =
filled_diagonal(a, v, wrap)`).

A list's tangent is a list (forward mode adds two with `list_add`, rule.result "list"),
its adjoint an array indexed like it; `g` may be a zero made explicit, 0.0, whose
cotangents are zeros.  The helpers the templates call have rules too (each linear in its
first argument), so Hessians work.
"""

import numpy as np

from ..runtime import core as runtime
from ..runtime import lists as rl
from .core import RULES, make_rule, nondiff_rule

NS = {
    "np": np,
    "like": runtime.like,
    "unbroadcast": runtime.unbroadcast,
    "zeros_like": runtime.zeros_like,
    "zeros_each": runtime.zeros_each,
    **{name: getattr(rl, name) for name in rl.__all__},
}


def rule(func, params, result, **kw):
    made = make_rule(func, params, namespace=NS, result=result, **kw)
    made.shares = ()
    RULES.add(made)


def _item(at):
    """A cotangent's row `at`, or a zero where the cotangent is a zero made explicit."""
    return f"unbroadcast(g[{at}], v) if np.ndim(g) else zeros_like(v)"


rule(
    rl.list_set,
    "d, at, v",
    "list",
    zero="at",
    jvp={"d": "list_set(like(t, d), at, zeros_like(v))", "v": "list_set(zeros_each(d), at, t)"},
    vjp={"d": "rows_cleared(g, at) if np.ndim(g) else zeros_like(d)", "v": _item("at")},
)
rule(
    rl.list_insert,
    "d, at, v",
    "list",
    zero="at",
    jvp={
        "d": "list_insert(like(t, d), at, zeros_like(v))",
        "v": "list_insert(zeros_each(d), at, t)",
    },
    vjp={
        "d": "rows_without(g, inserted_at(d, at), v) if np.ndim(g) else zeros_like(d)",
        "v": _item("inserted_at(d, at)"),
    },
)
rule(
    rl.list_sorted,
    "d, reverse=False",
    "list",
    zero="reverse",
    jvp={"d": "list_taken(like(t, d), sort_order(d, reverse))"},
    vjp={"d": "rows_put(g, sort_order(d, reverse)) if np.ndim(g) else zeros_like(d)"},
)
rule(
    rl.list_reversed,
    "d",
    "list",
    jvp={"d": "list_reversed(like(t, d))"},
    vjp={"d": "g[::-1] if np.ndim(g) else zeros_like(d)"},
)
rule(
    rl.list_taken,
    "d, order",
    "list",
    zero="order",
    jvp={"d": "list_taken(like(t, d), order)"},
    vjp={"d": "rows_put(g, order) if np.ndim(g) else zeros_like(d)"},
)


def _linear(func, params, zero, transpose):
    """A helper linear in its first parameter, `g`: its jvp is itself along `t`, its vjp
    the `transpose` template."""
    rest = params.split(", ", 1)[1]
    jvp = {"g": f"{func.__name__}(t, {rest})"}
    rule(func, params, "array", zero=zero, jvp=jvp, vjp={"g": transpose})


_linear(rl.rows_cleared, "g, at", "at", "rows_cleared(g, at)")
_linear(rl.rows_without, "g, at, v", "at, v", "rows_insert(g, at, zeros_like(v))")
_linear(rl.rows_put, "g, order", "order", "rows_taken(g, order)")
_linear(rl.rows_taken, "g, order", "order", "rows_put(g, order)")
rule(
    rl.rows_insert,
    "g, at, r",
    "array",
    zero="at",
    jvp={"g": "rows_insert(t, at, zeros_like(r))", "r": "rows_insert(zeros_like(g), at, t)"},
    vjp={"g": "rows_without(g, at, r)", "r": "g[at]"},
)
for _added, _sign in ((rl.added_at, ""), (rl.subtracted_at, "-")):
    rule(
        _added,
        "a, index, v",
        "array",
        zero="index",
        jvp={"a": "t", "v": f"{_added.__name__}(zeros_like(a), index, t)"},
        # the adjoint of v gathers a's at the indices (repeats gather one row twice,
        # as the forward op added v twice); a's passes through
        vjp={"a": "g", "v": f"{_sign}unbroadcast(np.broadcast_to(g, np.shape(a))[index], v)"},
    )
rule(
    rl.filled_diagonal,
    "a, val, wrap",
    "array",
    zero="wrap",
    jvp={
        "a": "filled_diagonal(like(t, a), 0.0, wrap)",
        "val": "filled_diagonal(zeros_like(a), t, wrap)",
    },
    vjp={
        "a": "filled_diagonal(like(g, a), 0.0, wrap)",
        "val": "diagonal_adjoint(like(g, a), val, wrap)",
    },
)
rule(  # linear in c: its transpose puts a cotangent back on the diagonal
    rl.diagonal_adjoint,
    "c, val, wrap",
    "array",
    zero="val, wrap",
    jvp={"c": "diagonal_adjoint(t, val, wrap)"},
    vjp={"c": "filled_diagonal(zeros_like(c), g, wrap)"},
)
rule(rl.list_add, "a, b", "list", jvp={"a": "t", "b": "t"}, vjp={"a": "g", "b": "g"})
RULES.add(nondiff_rule(rl.check_number_item, result="other"))
RULES.add(nondiff_rule(rl.sort_order, result="int"))
RULES.add(nondiff_rule(rl.inserted_at, result="int"))
RULES.add(nondiff_rule(rl.unpack_length, result="int"))
