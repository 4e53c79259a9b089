"""A built module's arithmetic errors reach its caller as in-process srcdiff's do.

In-process, an arithmetic error of generated code (`0.0 ** -0.5`, `math.log(0.0)`) is
a `DomainError` unless the user's function fails the same way at that point, in which
case the function's own error is the answer (api/transforms._guarded).  A built module
raised Python's own (ZeroDivisionError, ValueError) in either case.  So each entry's body
is wrapped, in the text, in

    try:
        ...
    except (ZeroDivisionError, OverflowError, ValueError) as exc:
        raise derivative_error(exc, "pkg.model", "loss", (w, b)) from None

where `derivative_error` (runtime/core.py, copied into the module) imports the user's
function only once something failed and runs it again.  A `try` costs nothing until
something is raised (zero-cost exceptions; Python 3.10: one opcode), so the success path
is as fast as before.  The body is re-indented line by line; a body holding a string
that spans lines (which re-indenting would change) is left unwrapped.
"""

from __future__ import annotations

import ast
import io
import tokenize

#: what in-process srcdiff catches around generated code (api/transforms._guarded)
CAUGHT = "(ZeroDivisionError, OverflowError, ValueError)"


def handler(entry, helper, target, indent, compiled=None):
    """The `except` clause lines of `entry` (an ast.FunctionDef), at `indent`.  `target`:
    (the user's module, function, its parameters: the entry's others are tangents or a
    cotangent, which the function does not take); `compiled`: the Numba function the
    entry calls."""
    module, func_name, own = target
    a = entry.args
    used = {n.id for n in ast.walk(entry) if isinstance(n, ast.Name)}
    used |= {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}
    used |= {p.arg for p in (a.vararg, a.kwarg) if p is not None}
    exc = fresh("exc", used)
    positional = [p.arg for p in a.posonlyargs + a.args if p.arg in own]
    positional += [f"*{a.vararg.arg}"] if a.vararg else []
    args = "(" + ", ".join(positional) + ("," if len(positional) == 1 else "") + ")"
    keywords = [f'"{p.arg}": {p.arg}' for p in a.kwonlyargs if p.arg in own]
    keywords += [f"**{a.kwarg.arg}"] if a.kwarg else []
    kwargs = f", {{{', '.join(keywords)}}}" if keywords else ""
    kwargs += f', compiled="{compiled}"' if compiled else ""
    return [
        f"{indent}except {CAUGHT} as {exc}:\n",
        f'{indent}    raise {helper}({exc}, "{module}", "{func_name}", {args}{kwargs}) from None\n',
    ]


def guarded(text, entry, helper, target):
    """`text` with the body of `entry` (after its docstring) inside try/except (`target`:
    as for `handler`); `text` itself where a string spans lines there."""
    lines = text.splitlines(keepends=True)
    body = entry.body
    first = body[1] if _has_docstring(entry) and len(body) > 1 else body[0]
    if first is body[0] and _has_docstring(entry):
        return text  # (a docstring alone: nothing to guard)
    start = (body[0].end_lineno if first is not body[0] else first.lineno - 1) + 1
    end = entry.end_lineno
    if _string_spans_lines(text, start, end):
        return text
    indent = lines[first.lineno - 1][: first.col_offset]
    inner = [indent + ln if ln.strip() else ln for ln in lines[start - 1 : end]]
    if inner and not inner[-1].endswith("\n"):
        inner[-1] += "\n"
    wrapped = [f"{indent}try:\n", *inner, *handler(entry, helper, target, indent)]
    return "".join(lines[: start - 1] + wrapped + lines[end:])


def _has_docstring(fdef):
    first = fdef.body[0]
    return (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )


def _string_spans_lines(text, start, end):
    """Whether a string token starting in lines start..end runs over more than one line."""
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.STRING and start <= tok.start[0] <= end:
            if tok.end[0] != tok.start[0]:
                return True
    return False


def fresh(base, used):
    """`base`, or `base_2`, ... : the first not in `used`."""
    name, k = base, 1
    while name in used:
        k += 1
        name = f"{base}_{k}"
    return name
