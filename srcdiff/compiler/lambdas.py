"""A lambda as the `def` it stands for, so `grad(lambda x: x * x)` works as in JAX.

srcdiff reads source, and a lambda's source is a piece of a line (`g =
srcdiff.grad(lambda x: x * x)`, a value in a dict display) that does not parse alone.
`as_def(func)` finds the lambda in its file's parse -- on its first line, with its
parameters and the names it reads -- writes it as `def sq(x): return x * x` (named after
the variable it is assigned to, else `lambda_fn`) at the lambda's own positions, and
compiles that with the lambda's globals and closure cells.  `source.as_def` gives the
result that parse (source.adopt): the rest of srcdiff sees an ordinary function, and
errors point at the user's line.  A lambda that can't be told apart from
another on the same line, or whose file is not readable, is refused with advice.
"""

from __future__ import annotations

import ast
import linecache
import types

from ..errors import SourceUnavailableError


def is_lambda(obj: object) -> bool:
    return isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>"


def lambda_as_def(func):
    """(the function, its `def` tree with the file's positions, the file's name and
    lines) for the lambda `func`; source.as_def gives the function that parse."""
    code = func.__code__
    filename = code.co_filename
    lines = linecache.getlines(filename)
    if not lines:
        raise _refusal(func, "its source is not available")
    try:
        module = ast.parse("".join(lines))
    except SyntaxError:
        raise _refusal(func, "its file does not parse") from None
    found = _find(module, func)
    if found is None:
        raise _refusal(func, "it can't be told apart from another lambda on its line")
    lam, name = found
    tree = ast.FunctionDef(
        name=name,
        args=lam.args,
        body=[ast.copy_location(ast.Return(value=lam.body), lam.body)],
        decorator_list=[],
        returns=None,
        type_comment=None,
        **({"type_params": []} if "type_params" in ast.FunctionDef._fields else {}),
    )
    ast.copy_location(tree, lam)
    tree.end_lineno, tree.end_col_offset = lam.end_lineno, lam.end_col_offset
    return _compile(func, tree), tree, filename, lines


def _find(module, func):
    """(the Lambda node `func` was made from, the name for its def), or None.

    The lambdas on its first line with its parameters; where there are several, those
    whose body reads every name its code reads (a comprehension's names are in a code
    object of their own on Python < 3.12, so only "every", not "the same")."""
    code = func.__code__
    n = code.co_argcount + code.co_kwonlyargcount
    n += bool(code.co_flags & 0x04) + bool(code.co_flags & 0x08)  # *args, **kwargs
    params = tuple(code.co_varnames[:n])
    names = {}
    candidates = []
    for node in ast.walk(module):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and isinstance(node.value, ast.Lambda):
                names[id(node.value)] = target.id
        if (
            isinstance(node, ast.Lambda)
            and node.lineno == code.co_firstlineno
            and tuple(_params(node)) == params
        ):
            candidates.append(node)
    if len(candidates) > 1:
        same = [c for c in candidates if _same_code(c, code)]
        reads = set(code.co_names) | set(code.co_freevars)
        candidates = same or [c for c in candidates if reads <= _reads(c)]
    if len({ast.dump(c) for c in candidates}) != 1:
        return None
    lam = candidates[0]
    name = names.get(id(lam), "lambda_fn")
    return lam, name if name.isidentifier() else "lambda_fn"


def _same_code(lam: ast.Lambda, code: types.CodeType) -> bool:
    """Whether `lam` compiles to `code`'s bytecode and constants, its closure variables
    made free as they are where it was defined."""
    outer = ast.FunctionDef(
        name="_srcdiff_outer",
        args=ast.arguments(
            posonlyargs=[],
            args=[ast.arg(arg=n) for n in code.co_freevars],
            vararg=None,
            kwonlyargs=[],
            kw_defaults=[],
            kwarg=None,
            defaults=[],
        ),
        body=[ast.Return(value=lam)],
        decorator_list=[],
        returns=None,
    )
    module = ast.Module(body=[outer], type_ignores=[])
    try:
        compiled = compile(ast.fix_missing_locations(module), code.co_filename, "exec")
    except (SyntaxError, ValueError):
        return False
    found = [
        c
        for o in compiled.co_consts
        if isinstance(o, types.CodeType)
        for c in o.co_consts
        if isinstance(c, types.CodeType)
    ]
    return any(c.co_code == code.co_code and c.co_consts == code.co_consts for c in found)


def _params(lam: ast.Lambda) -> list[str]:
    """The parameters in the order a code object lists them (positional, keyword-only,
    then *args and **kwargs)."""
    a = lam.args
    params = [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
    return params + [p.arg for p in (a.vararg, a.kwarg) if p is not None]


def _reads(lam: ast.Lambda) -> set[str]:
    """Names and attribute names a lambda's body mentions."""
    read = set()
    for node in ast.walk(lam.body):
        if isinstance(node, ast.Name):
            read.add(node.id)
        elif isinstance(node, ast.Attribute):
            read.add(node.attr)
    return read


def _compile(func, tree):
    """The function for `tree`: the lambda's globals, defaults and closure cells."""
    code = func.__code__
    cells = dict(zip(code.co_freevars, func.__closure__ or ()))
    factory = ast.FunctionDef(
        name="_srcdiff_factory",
        args=ast.arguments(
            posonlyargs=[],
            args=[ast.arg(arg=n) for n in sorted(cells)],
            vararg=None,
            kwonlyargs=[],
            kw_defaults=[],
            kwarg=None,
            defaults=[],
        ),
        body=[tree, ast.Return(value=ast.Name(id=tree.name, ctx=ast.Load()))],
        decorator_list=[],
        returns=None,
    )
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    compiled = compile(module, code.co_filename, "exec")
    outer = next(c for c in compiled.co_consts if isinstance(c, types.CodeType))
    inner = next(c for c in outer.co_consts if isinstance(c, types.CodeType))
    closure = tuple(cells[n] for n in inner.co_freevars)
    made = types.FunctionType(
        inner, func.__globals__, tree.name, func.__defaults__, closure or None
    )
    made.__kwdefaults__ = func.__kwdefaults__
    made.__qualname__ = func.__qualname__.replace("<lambda>", tree.name)
    made.__module__ = func.__module__
    return made


def _refusal(func, why):
    return SourceUnavailableError(
        f"srcdiff could not read the lambda defined at {func.__code__.co_filename}:"
        f"{func.__code__.co_firstlineno}: {why}",
        hint="define the function with `def name(args): ...`",
    )
