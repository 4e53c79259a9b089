"""Rules for srcdiff's own runtime helpers, so generated code can be differentiated again.

Higher order derivatives (Hessians as forward over reverse, reverse over
reverse) transform code srcdiff generated; these entries make its helpers
primitives like any other.  All but `pow_dexp` are linear in their first
argument.
"""

import math

import numpy as np

from ..runtime import checkpoints
from ..runtime import core as runtime
from .core import RULES, make_rule, nondiff_rule

NS = {
    "math": math,
    "np": np,
    "repeat_for": runtime.repeat_for,
    "unbroadcast": runtime.unbroadcast,
    "add_at": runtime.add_at,
    "owned": runtime.owned,
    "like": runtime.like,
    "pow_dexp": runtime.pow_dexp,
    "psi": runtime.psi,
    "scalar_like": runtime.scalar_like,
    "broadcast_like": runtime.broadcast_like,
    "batch_like": runtime.batch_like,
    "pow_dbase": runtime.pow_dbase,
    "stored_in": runtime.stored_in,
    "zeros_like": runtime.zeros_like,
    "seq_push": runtime.seq_push,
    "seq_insert": runtime.seq_insert,
    "seq_rest": runtime.seq_rest,
}


def rule(func, params, **kw):
    RULES.add(make_rule(func, params, namespace=NS, **kw))


# Parameter names here are positional placeholders; `g`, `t`, `out` are reserved in templates.
rule(
    runtime.unbroadcast,
    "v, x",
    jvp={"v": "unbroadcast(t, x)"},
    vjp={"v": "np.broadcast_to(g, np.shape(v))"},
    result="array",
    zero="x",
)
rule(
    runtime.add_at,
    "acc, x, index, v",
    # (zeros like acc where it is an array: a list adjoint shrinks as appends are undone)
    jvp={"acc": "t", "v": "add_at(zeros_like(acc), x, index, t)"},
    vjp={"acc": "g", "v": "unbroadcast(g[index], v)"},
    result="array",
    zero="x, index",
)
rule(
    runtime.owned,
    "v, x",
    jvp={"v": "owned(t, x)"},
    vjp={"v": "unbroadcast(g, v)"},
    result="array",
    zero="x",
)
rule(
    runtime.like,
    "v, x",
    jvp={"v": "like(t, x)"},
    vjp={"v": "unbroadcast(np.asarray(g), v)"},
    result="array",
    zero="x",
)
rule(
    runtime.broadcast_like,
    "v, x",
    jvp={"v": "broadcast_like(t, x)"},
    vjp={"v": "unbroadcast(g, v)"},
    result="array",
    zero="x",
)
rule(
    runtime.batch_like,
    "v, x",
    jvp={"v": "batch_like(t, x)"},
    vjp={"v": "unbroadcast(g, v)"},
    result="array",
    zero="x",
)
rule(runtime.psi, "n, x", partials={"n": "0.0", "x": "psi(n + 1, x)"})  # n: an int
rule(runtime.pow_dexp, "p, x", partials={"p": "pow_dexp(1.0, x)", "x": "p / x"})
# pow_dbase(x, y) = y * x**(y - 1): d/dx = y * pow_dbase(x, y - 1), d/dy = x**(y-1) (1 + y ln x)
rule(
    runtime.pow_dbase,
    "x, y",
    partials={
        "x": "y * pow_dbase(x, y - 1)",
        "y": "np.power(x, y - 1) + y * pow_dexp(np.power(x, y - 1), x)",
    },
)
rule(
    runtime.scalar_like,
    "v, x",
    jvp={"v": "scalar_like(t, x)"},
    vjp={"v": "g"},
    result="scalar",
    zero="x",
)
rule(
    runtime.stored_in, "v, x", jvp={"v": "stored_in(t, x)"}, vjp={"v": "stored_in(g, x)"}, zero="x"
)
rule(
    runtime.seq_push,
    "d, v",
    jvp={"d": "seq_push(t, zeros_like(v))", "v": "seq_push(zeros_like(d), t)"},
    # (g may be a zero made explicit, 0.0: then both cotangents are zeros)
    vjp={
        "d": "g[:-1] if np.ndim(g) else zeros_like(d)",
        "v": "unbroadcast(g[-1], v) if np.ndim(g) else zeros_like(v)",
    },
    result="array",
)
rule(
    runtime.seq_insert,
    "d, v, at",
    jvp={"d": "seq_insert(t, zeros_like(v), at)", "v": "seq_insert(zeros_like(d), t, at)"},
    vjp={
        "d": "g[seq_rest(g, at)] if np.ndim(g) else zeros_like(d)",
        "v": "unbroadcast(g[at], v) if np.ndim(g) else zeros_like(v)",
    },
    result="array",
    zero="at",
)
# math.fsum's vjp: linear in g, its transpose sums the cotangents of the copies
rule(
    runtime.repeat_for,
    "v, seq",
    zero="seq",
    jvp={"v": "repeat_for(t, seq)"},
    vjp={"v": "math.fsum(g)"},
    result="list",
)
rule(runtime.add_each, "a, b", jvp={"a": "t", "b": "t"}, vjp={"a": "g", "b": "g"}, result="array")
RULES.add(nondiff_rule(runtime.zeros_like, result="same"))
RULES.add(nondiff_rule(runtime.zeros_of, result="same"))
RULES.add(nondiff_rule(runtime.zeros_each, result="list"))  # a fresh adjoint stack
RULES.add(nondiff_rule(runtime.seq_rest, result="int"))  # the indices a pop left
RULES.add(nondiff_rule(runtime.check_scalar, result="other"))
RULES.add(nondiff_rule(runtime.check_distinct, result="other"))
RULES.add(nondiff_rule(runtime.batch_rank, result="other"))
RULES.add(nondiff_rule(checkpoints.binomial_schedule, result="other"))
RULES.add(nondiff_rule(checkpoints.binomial_segments, result="other"))
RULES.add(nondiff_rule(runtime.stop_gradient, result="same"))

# Generated code is analysed for aliasing too (aliasing.py): these helpers may return
# their argument itself (`like`, `unbroadcast`), and add_at adds into `acc` in place.
for _rule in RULES.all():
    if getattr(_rule.func, "__module__", "") == runtime.__name__ and _rule.func not in (
        runtime.zeros_like,
        runtime.zeros_of,
        runtime.zeros_each,
        runtime.owned,
    ):
        _rule.shares = tuple(p for p in _rule.params if p not in _rule.zero)
for _rule in RULES.lookup(runtime.add_at):
    _rule.mutates = ("acc",)
