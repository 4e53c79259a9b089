"""The reason a helper's result can't be followed, found in the helper itself.

A caller's analysis asks what each helper returns (`Unit.output_kinds`) before any
helper is split into ops; where the helper's code calls something srcdiff can't read
(`self.act(z)` of a method a subclass overrides), the result has no kind, and the
caller is refused for a variable it could not follow -- true, but the cause is in the
helper.  On that error path only, the helpers the statement calls are split here as
they would be, so the helper's own, precise refusal is the one raised.
"""

from __future__ import annotations

import ast

from ..errors import SrcDiffError
from .analysis import Analysis
from .astutil import walk
from .source import FunctionSource, is_user_function
from .split import Flattener
from .unit import HelperSpec, Unit


def helper_refusal(
    unit: Unit, source: FunctionSource, analysis: Analysis, stmt: ast.AST, mode: str
) -> SrcDiffError | None:
    """The refusal splitting a helper that `stmt` calls meets, else None."""
    for call in walk(stmt):
        if not isinstance(call, ast.Call):
            continue
        func = source.resolver.resolve(call.func)
        if not is_user_function(func):
            continue
        found = _refusal_in(unit, func, call, analysis, mode)
        if found is not None:
            return found
    return None


def _refusal_in(unit, func, call, analysis, mode):
    try:
        spec = HelperSpec(func, unit.source(func))
        bound = spec.bind(call.args, call.keywords)
        kinds, ranks, items = unit.call_kinds(spec, bound, analysis)
        active = [p for p in spec.params if p in bound and analysis.expr(bound[p])[1]]
        prepared = unit.prepare(spec.source, active, kinds, ranks, items)
        flat = Flattener(spec.source, prepared.tree, prepared.analysis, prepared.names, unit, mode)
        for node in walk(prepared.tree):
            if isinstance(node, ast.Assign):
                flat.assign(node)
    except SrcDiffError as err:
        return err
    except Exception:  # (a dry run: anything else leaves the caller's own refusal)
        return None
    return None
