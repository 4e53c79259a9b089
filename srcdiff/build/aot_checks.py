"""The `--aot` wrapper checks what the extension returns, as the Numba module's entries do.

A `--backend numba` module's entry is a Python function around the compiled one
(finite.py): `try: return finite_derivative(_f_grad(x, y), ...)`, its arithmetic errors
raised through `derivative_error` (arithmetic.py).  The `--aot` wrapper in front of the
extension takes that `try` statement over, with the extension's function called where
the compiled one was, and carries its own copies of the two helpers (it imports neither
Numba nor the Numba module).
"""

from __future__ import annotations

import ast

from ..runtime.core import derivative_error, finite_derivative
from .module import runtime_copies

#: the names the Numba module's entries call the helpers by (finite.py's first choice)
_HELPERS = {"finite_derivative", "derivative_error"}
CALL = "\x00call\x00"  # where the extension's call goes in a checked body


def checked_body(numba_text, node, compiled):
    """The Python entry `node`'s `try` statement, indented, its call of the compiled
    function `compiled` replaced by CALL; "" where `node` is the compiled function itself
    or calls the helpers by other names (a clash in the module renamed them)."""
    if node is compiled:
        return ""
    tries = [s for s in node.body if isinstance(s, ast.Try)]
    if len(tries) != 1:
        return ""
    (statement,) = tries
    called = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
    if not _HELPERS <= called or {n for n in called if n.startswith(tuple(_HELPERS))} - _HELPERS:
        return ""
    call = next(
        (
            c
            for c in ast.walk(statement)
            if isinstance(c, ast.Call)
            and isinstance(c.func, ast.Name)
            and c.func.id == compiled.name
        ),
        None,
    )
    text = ast.get_source_segment(numba_text, statement, padded=True)
    if call is None or text is None:
        return ""
    call_text = ast.get_source_segment(numba_text, call)
    if call_text is None or text.count(call_text) != 1:
        return ""
    return text.replace(call_text, CALL)


def helpers():
    """(import lines, text) of the helpers' copies for the wrapper module."""
    imports, _, text = runtime_copies([finite_derivative, derivative_error])
    lines = [
        f"import {module}\n" if name == module else f"import {module} as {name}\n"
        for name, module in sorted(imports.items())
    ]
    return lines, text
