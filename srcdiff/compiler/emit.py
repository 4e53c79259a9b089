"""Stage 6: print generated functions as source, and compile them.

Printing goes statement by statement (unparse.py: `ast.unparse`'s text, faster) so that
backward-sweep statements can carry a comment naming the user line they
differentiate.  Compiling wraps the text in a factory function whose
parameters are the unit's bindings (``math``, ``np``, runtime helpers),
executed with the user's module globals: generated code sees the user's
globals live, finds its own helpers as closure variables, and adds no name
to the user's module.  The compiled text is registered in `linecache`, so
tracebacks, `pdb` and `inspect.getsource` show generated lines.
"""

from __future__ import annotations

import ast
import hashlib
import linecache
import types
from collections.abc import Callable

from .astutil import statements
from .gcpause import gc_paused
from .unparse import unparse

INDENT = "    "


class Printer:
    """Renders statements, adding `# line N: ...` comments from `srcline` tags."""

    def __init__(self, line_text):
        self.line_text = line_text  # srcline -> (file line number, text)

    def function(self, fdef: ast.FunctionDef, comments_from=None) -> str:
        lines = [f"@{unparse(d)}" for d in fdef.decorator_list]
        lines.append(f"def {fdef.name}({unparse(fdef.args)}):")
        lines += self.block(fdef.body, 1, comments_from)
        return "\n".join(lines)

    def block(self, stmts, depth, comments_from=None):
        lines = []
        last = None
        commenting = comments_from is None
        for stmt in stmts:
            if comments_from is not None and stmt is comments_from:
                commenting = True
            if getattr(stmt, "section", None):
                lines.append(INDENT * depth + f"# {stmt.section}")
            src = getattr(stmt, "srcline", None)
            if commenting and src is not None and src != last and src in self.line_text:
                number, text = self.line_text[src]
                lines.append(INDENT * depth + f"# line {number}: {text}")
            if src is not None:
                last = src
            lines += self.stmt(stmt, depth, comments_from if commenting else None, commenting)
            if not commenting and comments_from is not None and comments_from in statements([stmt]):
                commenting = True  # (found in a block of `stmt`: on from here too)
        return lines

    def stmt(self, stmt, depth, comments_from, commenting):
        pad = INDENT * depth
        sub = None if commenting else comments_from
        if isinstance(stmt, ast.If):
            lines = [pad + f"if {unparse(stmt.test)}:"]
            lines += self.block(stmt.body, depth + 1, sub) or [pad + INDENT + "pass"]
            orelse = stmt.orelse
            while (
                len(orelse) == 1
                and isinstance(orelse[0], ast.If)
                and not getattr(orelse[0], "srcline", None)
            ):
                lines.append(pad + f"elif {unparse(orelse[0].test)}:")
                lines += self.block(orelse[0].body, depth + 1, sub) or [pad + INDENT + "pass"]
                orelse = orelse[0].orelse
            if orelse:
                lines.append(pad + "else:")
                lines += self.block(orelse, depth + 1, sub)
            return lines
        if isinstance(stmt, ast.For):
            lines = [pad + f"for {unparse(stmt.target)} in {unparse(stmt.iter)}:"]
            return lines + (self.block(stmt.body, depth + 1, sub) or [pad + INDENT + "pass"])
        if isinstance(stmt, ast.While):
            lines = [pad + f"while {unparse(stmt.test)}:"]
            return lines + (self.block(stmt.body, depth + 1, sub) or [pad + INDENT + "pass"])
        if (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            return [pad + _docstring(stmt.value.value)]
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Tuple)
        ):  # `a, b = f()` on every Python
            return [pad + f"{_bare_tuple(stmt.targets[0])} = {unparse(stmt.value)}"]
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Tuple) and stmt.value.elts:
            return [pad + f"return {_bare_tuple(stmt.value)}"]
        return [pad + line for line in unparse(stmt).splitlines()]


def _bare_tuple(node):
    parts = [unparse(e) for e in node.elts]
    return parts[0] + "," if len(parts) == 1 else ", ".join(parts)


def _docstring(text):
    return '"""' + text.replace('"""', r"\"\"\"") + '"""'


def import_lines(bindings: dict[str, object]) -> list[str]:
    """`import math`, `import numpy as np`, `from srcdiff.runtime import a, b` (one line
    per module, as isort writes it) for display."""
    lines: list[str] = []
    froms: dict[str, list[str]] = {}
    notes: list[str] = []
    for name, obj in sorted(bindings.items(), key=lambda kv: (_import_order(kv[1]), kv[0])):
        if isinstance(obj, types.ModuleType):
            real = obj.__name__
            lines.append(f"import {real}" if real == name else f"import {real} as {name}")
            continue
        mod = getattr(obj, "__module__", None)
        qual = getattr(obj, "__name__", None)
        if mod == "builtins" and qual == name:  # float, len: no import needed
            continue
        if mod and mod.startswith("srcdiff.runtime."):
            mod = "srcdiff.runtime"  # the package re-exports every helper
        if mod and qual and qual.isidentifier() and mod != "__main__":
            froms.setdefault(mod, []).append(qual if qual == name else f"{qual} as {name}")
        else:
            what = f"{qual} from {mod}" if qual else type(obj).__name__
            notes.append(f"# {name}: {what} (bound when the code is compiled)")
    for mod, names in froms.items():
        line = f"from {mod} import {', '.join(names)}"
        if len(line) > _LINE_LENGTH:
            line = "\n".join([f"from {mod} import (", *(f"    {n}," for n in names), ")"])
        lines.append(line)
    return lines + notes


_LINE_LENGTH = 100  # ruff's, in this project and for generated code


def _import_order(obj):
    if isinstance(obj, types.ModuleType):
        return 0 if obj.__name__ in ("math",) else 1
    return 2


@gc_paused  # (compile() of a long function makes many objects: no collector passes)
def compile_unit(
    text: str, bindings: dict[str, object], globals_: dict, entry: str, label: str
) -> Callable:
    """Compile generated function source; return the entry function object.

    `bindings` become closure variables of the generated functions; the
    functions' globals are `globals_` (the user's module), unchanged.
    """
    params = ", ".join(sorted(bindings))
    body = "\n".join(INDENT + line if line else "" for line in text.splitlines())
    factory_text = f"def __srcdiff_factory__({params}):\n{body}\n{INDENT}return {entry}\n"
    digest = hashlib.sha1(factory_text.encode()).hexdigest()[:10]
    filename = f"<srcdiff {label} {digest}>"
    linecache.cache[filename] = (len(factory_text), None, factory_text.splitlines(True), filename)
    code = compile(factory_text, filename, "exec")
    factory_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    factory = types.FunctionType(factory_code, globals_, "__srcdiff_factory__")
    return factory(**{name: bindings[name] for name in sorted(bindings)})
