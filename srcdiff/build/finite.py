"""A built module checks the derivatives it returns, as srcdiff.grad does.

In-process, every derivative srcdiff returns is checked (api/finite.py): an infinite,
nan or complex one is a `DomainError`, never a value. A built module runs without
srcdiff, so the check goes into its text: each `return` of a unit's entry function
returns `finite_derivative(<the derivatives>, "f", ("a", "b"))` (runtime/core.py,
copied into the module like every runtime helper) -- for `value_and_grad` and `jvp` the
derivative part of the returned pair only, as in-process. The statement is edited in
the text (not re-printed), so the `# line N` comments stay.

In a `--backend numba` module the entry is compiled, and compiled code can't call a
Python helper; so the compiled function is renamed (`_loss_grad`) and the entry becomes
a plain Python function of the same parameters that calls it and checks what it returns
(`_numba_checked`): the check runs where Python calls the module, as in-process.
"""

from __future__ import annotations

import ast
import dataclasses

from ..runtime.core import derivative_error, finite_derivative
from .arithmetic import fresh, guarded, handler

#: where the derivatives are in an output's result: the whole of it, or one item
_DERIVATIVE_AT = {"grad": None, "vjp": None, "value_and_grad": 1, "jvp": 1}


def checked_unit(gen, output, func_name, wrt, own):
    """Generated unit `gen` whose entry returns its derivatives checked, and raises its
    arithmetic errors as in-process srcdiff does (arithmetic.py; `own`: the dotted name
    of the user's module, where `func_name` is, and the function's parameters); `gen`
    itself where its returns are not of the form this knows."""
    module, params = own
    tree = ast.parse(gen.text)
    entry = _entry(tree, gen)
    if output not in _DERIVATIVE_AT or entry is None:
        return gen
    check = _free_name(tree, gen, "finite_derivative")
    error = _free_name(tree, gen, "derivative_error")
    bindings = {**gen.bindings, check: finite_derivative, error: derivative_error}
    if getattr(gen, "backend", "python") == "numba":
        target = (module, func_name, tuple(params))
        text = _numba_checked(gen, output, (wrt, target), (entry, check, error))
        return dataclasses.replace(gen, text=text, bindings=bindings)
    spans = [_derivative_span(r, output) for r in _returns(entry)]
    if not spans or None in spans:
        return gen
    args = _check_arguments(output, func_name, wrt)
    text = _wrapped(gen.text, spans, f"{check}(", args + ")")
    target = (module, func_name, tuple(params))
    text = guarded(text, _entry(ast.parse(text), gen), error, target)
    return dataclasses.replace(gen, text=text, bindings=bindings)


def _entry(tree, gen):
    return next(
        (d for d in tree.body if isinstance(d, ast.FunctionDef) and d.name == gen.entry), None
    )


def _check_arguments(output, func_name, wrt):
    """`, "f", ("a", "b")`: what `finite_derivative` takes after the derivatives."""
    names = (", ".join(wrt),) if output == "jvp" else tuple(wrt)  # (a jvp: along them all)
    quoted = [f'"{n}"' for n in names]  # (identifiers: nothing to escape)
    listed = ", ".join(quoted) + ("," if len(quoted) == 1 else "")
    return f', "{func_name}", ({listed})'


def _numba_checked(gen, output, target, parsed):
    """The text of a Numba unit whose compiled entry is renamed `_<entry>` and called by a
    Python entry of the same parameters (defaults included), written just below it, that
    checks its derivatives and arithmetic errors.  `target`: (wrt, arithmetic.handler's
    target); `parsed`: (the entry's def, the two checking helpers' names)."""
    wrt, target = target
    func_name = target[1]
    entry, check, error = parsed
    compiled = _free_name(ast.parse(gen.text), gen, f"_{gen.entry}")
    a = entry.args
    params = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
    passed = [p.arg for p in a.posonlyargs + a.args] + [f"{p.arg}={p.arg}" for p in a.kwonlyargs]
    call = f"{compiled}({', '.join(passed)})"
    doc = ast.get_docstring(entry) or f"{gen.entry} of {func_name}."
    args = _check_arguments(output, func_name, wrt)
    if _DERIVATIVE_AT[output] is None:
        body = f"        return {check}({call}{args})\n"
    else:  # (value, derivatives): the derivatives checked
        pair = fresh("result", set(params))
        body = f"        {pair} = {call}\n        return {pair}[0], {check}({pair}[1]{args})\n"
    lines = gen.text.splitlines(keepends=True)
    head = entry.lineno - 1
    if not lines[head].startswith(f"def {gen.entry}("):
        return gen.text  # (not the form this knows, as checked_unit's returns)
    lines[head] = f"def {compiled}(" + lines[head][len(f"def {gen.entry}(") :]
    checked = (
        f"\n\ndef {gen.entry}({ast.unparse(a)}):\n"
        f'    """{doc.splitlines()[0]}\n\n'
        f'    Calls {compiled}, which Numba compiles, and checks its derivatives."""\n'
        f"    try:\n{body}" + "".join(handler(entry, error, target, "    ", compiled))
    )
    if not lines[entry.end_lineno - 1].endswith("\n"):
        lines[entry.end_lineno - 1] += "\n"
    lines.insert(entry.end_lineno, checked)
    return "".join(lines)


def _returns(fdef):
    """The `return` statements of `fdef`, outside functions defined in it."""
    found, todo = [], list(fdef.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Return):
            found.append(node)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))
    return found


def _derivative_span(ret, output):
    """The expression of `ret` that holds the derivatives, or None."""
    value = ret.value
    at = _DERIVATIVE_AT[output]
    if value is None:
        return None
    if at is None:
        return value
    if isinstance(value, ast.Tuple) and len(value.elts) == 2:
        return value.elts[at]
    return None


def _free_name(tree, gen, base):
    """`base`, or `base_2`, ... where the unit's text or bindings use it already."""
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {d.name for d in tree.body if isinstance(d, ast.FunctionDef)}
    return fresh(base, used | set(gen.bindings) | set(gen.globals))


def _wrapped(text, nodes, before, after):
    """`text` with each node's source wrapped as `before + source + after` (a tuple
    written without parentheses gets them)."""
    data = text.encode()
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    edits = []
    for node in nodes:
        start = starts[node.lineno - 1] + node.col_offset
        end = starts[node.end_lineno - 1] + node.end_col_offset
        source = data[start:end].decode()
        if isinstance(node, ast.Tuple) and not source.startswith("("):
            source = f"({source})"
        edits.append((start, end, f"{before}{source}{after}".encode()))
    for start, end, new in sorted(edits, reverse=True):
        data = data[:start] + new + data[end:]
    return data.decode()
