"""Functions pickled by value: from their source, for workers that can't import them.

A function defined in `__main__` (a script, a notebook), or inside another function,
has no name a worker process can import, so pickle's by-reference form fails or, under
`spawn`, finds nothing.  srcdiff needs a function's *source* anyway (the worker generates
the derivative code again), so such a function travels as its source text, its place in
its file, and the values of the names it reads (its globals, and its free variables),
as they are when it is pickled.  cloudpickle is not needed.

A lambda travels as the `def` it stands for (compiler/lambdas.py), written on one line at
the lambda's line: its own line holds no `def` to compile.

The worker compiles the `def` alone (decorators and default expressions are not run:
defaults are sent as values), puts the source lines into `linecache` under the original
file name (so srcdiff reads them there, and error messages name the user's file and
line), and gives the function its own globals: the values sent.  Its `__module__` names
no module (``'__main__ (by value)'``), so srcdiff binds a by-value helper's globals when
it compiles (a snapshot, as sent) rather than reading some other module's.

Every rebuilt function is cached in the worker under a digest of all it was rebuilt from
(source, place, and the values: numbers, strings, arrays, modules, importable objects,
other by-value functions); a derivative sent again with the same values then reuses the
generated code.  A value the digest can't describe (an instance of a user class, say) makes
the function rebuilt afresh each time: slower, never stale.
"""

from __future__ import annotations

import ast
import builtins
import dis
import hashlib
import importlib
import inspect
import linecache
import sys
import textwrap
import types
import weakref

import numpy as np

from ..compiler.source import as_def, made_from_lambda, parsed
from ..errors import NotPicklableError, SourceUnavailableError

NOT_IMPORTABLE = ("__main__", "__mp_main__")  # a worker's __main__ is not the parent's
_GLOBAL_OPS = {"LOAD_GLOBAL", "STORE_GLOBAL", "DELETE_GLOBAL", "LOAD_NAME"}


def importable(obj) -> bool:
    """Whether a worker can import `obj` by its module and qualified name: the parent's
    module holds this very object there (pickle's by-reference form works)."""
    module_name = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module_name or not qualname or module_name in NOT_IMPORTABLE:
        return False
    if "<locals>" in qualname or "<lambda>" in qualname:
        return False
    found = sys.modules.get(module_name)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    return found is obj


def travelling(value):
    """`value` as it should be pickled for a worker: a module by its name, a function the
    worker can't import by value, anything else as it is (pickle then decides)."""
    if isinstance(value, types.ModuleType):
        return _Module(value.__name__)
    if isinstance(value, types.FunctionType) and not importable(value):
        return by_value(as_def(value, strict=False))  # (a lambda as the def it stands for)
    return value


# one wrapper per function, so a function read twice (or calling itself) is pickled once
_WRAPPERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def by_value(func: types.FunctionType) -> _ByValue:
    wrapper = _WRAPPERS.get(func)
    if wrapper is None:
        wrapper = _WRAPPERS[func] = _ByValue(func)
    return wrapper


class _Module:
    """A module, pickled as its name and imported again where it is loaded."""

    def __init__(self, name):
        self.name = name

    def __reduce__(self):
        return importlib.import_module, (self.name,)


class _ByValue:
    """Pickles as `_rebuild(...)` of `func`'s source, then `_fill` with its values.
    (Holds `func` weakly: _WRAPPERS' entry then goes with the function.)"""

    def __init__(self, func):
        self._ref = weakref.ref(func)

    @property
    def func(self):
        return self._ref()

    def __reduce__(self):
        func = self.func
        return _rebuild, (*_where(func), _digest(func)), _state(func), None, None, _fill


def _where(func):
    """(source lines from the first decorator to the end of the `def`, file name, line of
    the first of them, line of the `def`, name, qualified name, module name)."""
    lines, filename, start, def_line = _per_code(func.__code__, lambda: _source_block(func))
    return lines, filename, start, def_line, func.__name__, func.__qualname__, func.__module__


def _source_block(func):
    try:
        parse = parsed(func)
    except SourceUnavailableError as exc:
        raise NotPicklableError(
            f"cannot send {func.__qualname__} to another process: it is not importable "
            f"(defined in {func.__module__}) and {exc.message}",
            hint="define it with `def` in a .py file, or in a module the workers can import",
        ) from None
    tree = parse.tree
    if made_from_lambda(func):  # its file holds a lambda: the def it stands for, one line
        line = linecache.getline(parse.filename, tree.lineno)
        indent = line[: len(line) - len(line.lstrip())]
        return (indent + _one_line_def(tree),), parse.filename, tree.lineno, tree.lineno
    if any(isinstance(n, ast.Nonlocal) for n in ast.walk(tree)):
        raise NotPicklableError(
            f"cannot send {func.__qualname__} to another process by value: it assigns a "
            f"variable of its enclosing function (nonlocal), in {parse.filename}",
            hint="pass the value as an argument, or define the function at module level",
        )
    # the block inspect reads (from the first decorator), as far as the parsed `def` goes
    block, start = inspect.getsourcelines(func)
    start = max(start, 1)
    return tuple(block[: tree.end_lineno]), parse.filename, start, start + tree.lineno - 1


def _one_line_def(tree):
    """`def sq(x): return x * x` for the def a lambda stands for: one line (indented as
    the lambda's line is, so the block ends there), which the worker reads at the
    lambda's line number, where its file held `sq = lambda x: x * x`."""
    (ret,) = tree.body
    return f"def {tree.name}({ast.unparse(tree.args)}): return {ast.unparse(ret.value)}\n"


# id(code object) -> (weak reference to it, {what: value}): source blocks and names read
# are the same for every function of one code object, and pickling asks on every dumps
_PER_CODE: dict[int, tuple[weakref.ref, dict]] = {}


def _per_code(code, compute, what="block"):
    entry = _PER_CODE.get(id(code))
    if entry is None or entry[0]() is not code:
        key = id(code)
        entry = _PER_CODE[key] = (weakref.ref(code, lambda ref: _forget(key, ref)), {})
    if what not in entry[1]:
        entry[1][what] = compute()
    return entry[1][what]


def _forget(key, ref):
    if key in _PER_CODE and _PER_CODE[key][0] is ref:
        del _PER_CODE[key]


def _names_read(code):
    """Global names the code (and the code nested in it: comprehensions, lambdas) reads."""
    names = {i.argval for i in dis.get_instructions(code) if i.opname in _GLOBAL_OPS}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_read(const)
    return names


def _state(func):
    """The values the rebuilt function needs: the globals it reads, its free variables
    (rebuilt at top level, they are globals there), defaults and annotations."""
    values = {}
    names = _per_code(func.__code__, lambda: sorted(_names_read(func.__code__)), "names")
    for name in names:
        if name in func.__globals__:
            values[name] = travelling(func.__globals__[name])
    for name, cell in zip(func.__code__.co_freevars, func.__closure__ or ()):
        try:
            values[name] = travelling(cell.cell_contents)
        except ValueError:  # an empty cell: a name assigned later in the enclosing function
            continue
    return {
        "globals": values,
        "defaults": tuple(travelling(v) for v in func.__defaults__ or ()) or None,
        "kwdefaults": {k: travelling(v) for k, v in (func.__kwdefaults__ or {}).items()} or None,
        "annotations": dict(getattr(func, "__annotations__", {}) or {}),
    }


# -- the worker's side -------------------------------------------------------------------
_REBUILT: dict[str, types.FunctionType] = {}  # digest -> function (bounded: see _remember)
_FILLED: weakref.WeakSet = weakref.WeakSet()  # rebuilt functions whose values are set


def _rebuild(lines, filename, start, def_line, name, qualname, module, digest):
    """A function compiled from its source: the `def` alone, at its own line numbers."""
    if digest is not None and digest in _REBUILT:
        return _REBUILT[digest]
    _register_lines(filename, start, lines)
    body = textwrap.dedent("".join(lines[def_line - start :]))
    code = compile("\n" * (def_line - 1) + body, filename, "exec", dont_inherit=True)
    fcode = next(c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == name)
    namespace = {"__name__": f"{module} (by value)", "__builtins__": builtins}
    func = types.FunctionType(fcode, namespace, name)
    func.__qualname__ = qualname
    if digest is not None:
        _remember(digest, func)
    return func


def _fill(func, state):
    """Give a rebuilt function its values (once: a cached one already has equal ones)."""
    if func in _FILLED:
        return
    func.__globals__.update(state["globals"])
    func.__defaults__ = state["defaults"]
    func.__kwdefaults__ = state["kwdefaults"]
    func.__annotations__ = state["annotations"]
    _FILLED.add(func)


def _remember(digest, func, limit=256):
    if len(_REBUILT) >= limit:
        del _REBUILT[next(iter(_REBUILT))]
    _REBUILT[digest] = func


def _register_lines(filename, start, lines):
    """Make the source readable where it is loaded: linecache (which inspect reads) gets
    these lines at their line numbers, unless it already has them there."""
    have = linecache.getlines(filename)
    if have[start - 1 : start - 1 + len(lines)] == list(lines):
        return
    merged = list(have)
    merged += ["\n"] * (start - 1 + len(lines) - len(merged))
    merged[start - 1 : start - 1 + len(lines)] = lines
    # an entry without a modification time is never dropped by linecache.checkcache
    linecache.cache[filename] = (sum(map(len, merged)), None, merged, filename)


# -- digests: when a rebuilt function may be reused ------------------------------------
class _Opaque(Exception):
    """A value the digest can't describe: its function is rebuilt every time."""


def _digest(func):
    try:
        description = _describe_function(func, set())
    except _Opaque:
        return None
    return hashlib.sha256(repr(description).encode()).hexdigest()


_PLAIN = (type(None), bool, int, float, complex, str, bytes)


def _describe(value, seen):
    """A description of `value` that is equal only for values that behave the same."""
    if isinstance(value, _PLAIN):
        return (type(value).__name__, repr(value))
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise _Opaque
        data = np.ascontiguousarray(value).tobytes()
        return ("ndarray", value.dtype.str, value.shape, hashlib.sha256(data).hexdigest())
    if isinstance(value, np.generic):
        return ("scalar", value.dtype.str, value.tobytes())
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(_describe(v, seen) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((_describe(k, seen), _describe(v, seen)) for k, v in value.items()))
    if isinstance(value, _Module):
        return ("module", value.name)
    if isinstance(value, _ByValue):
        return _describe_function(value.func, seen)
    if isinstance(value, np.ufunc):
        return ("ufunc", value.__name__)
    if isinstance(value, (types.FunctionType, type, types.BuiltinFunctionType)):
        if importable(value):
            return ("ref", value.__module__, value.__qualname__)
    raise _Opaque


def _describe_function(func, seen):
    if id(func) in seen:  # recursion: the function itself, described further up
        return ("self", func.__qualname__)
    seen.add(id(func))
    return ("function", _where(func), _describe(_state(func), seen))
