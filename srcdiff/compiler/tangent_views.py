"""Which names an expression (a tangent, a value) may hand back the memory of.

A rule's tangent template is simplified: `1.0 * t` and `t + 0.0` become `t`, so the
tangent of `v = 1.0 * w` is `dv = dw`, the same array, while `v` is a new one.  Where
`w` is later changed in place (`w[1] = ...`, and so `dw[1] = ...`), `dv` would change
with it although `v` does not: a wrong derivative.  forward.py asks this module which
tangents an expression may share memory with, and copies the expression where one of
them is changed in place later.

templates.simplify_value asks the same of a user variable's value before and after
folding it: `v = (w * 1.0).T` folded to `v = w.T` would make v a view of w.

Conservative: a name, an item or attribute of one (`t[0]`, `t.T`), and any call's
arguments (`np.reshape(t, s)`, `like(t, x)` may return `t` or a view of it) may share;
arithmetic (`t * 2`, `-t`) makes a new array.
"""

from __future__ import annotations

import ast


def shared_names(expr: ast.expr) -> set[str]:
    """The names whose memory the value of `expr` may be (or view)."""
    if isinstance(expr, ast.Name):
        return {expr.id}
    if isinstance(expr, (ast.Subscript, ast.Attribute, ast.Starred)):
        return shared_names(expr.value)
    if isinstance(expr, ast.IfExp):
        return shared_names(expr.body) | shared_names(expr.orelse)
    if isinstance(expr, (ast.Tuple, ast.List)):
        return set().union(*map(shared_names, expr.elts))
    if isinstance(expr, ast.Call):
        parts = [*expr.args, *(k.value for k in expr.keywords)]
        if isinstance(expr.func, ast.Attribute):  # a method: t.reshape(s) views t
            parts.append(expr.func.value)
        return set().union(*map(shared_names, parts))
    return set()  # arithmetic, comparisons and constants make new values
