"""The function `grad(f)` returns: f's own signature, dispatching on argument types.

Generated derivative code is specialised to argument kinds, so each call must
pick a specialisation.  For a function of scalars the derivative itself can
take a tenth of a microsecond, so the dispatcher is generated Python too: it
has f's parameters (Python binds keywords and defaults natively) and, for each
specialisation whose argument *types* decide it (floats, ints), one line
`if type(x) is float and type(y) is float: return grad_1(x, y)`.  Other calls
(arrays, lists, first calls) take the slow path, which may add a line.
"""

from __future__ import annotations

import ast
import copy
import math
from typing import NamedTuple

import numpy as np

from ..compiler.guards import NameGuard
from ..errors import as_domain_error
from ..rules import RULES


class Pinned(NamedTuple):
    """What `slow` returns as `cacheable` for code made for some arguments' values, not
    only their types (api/static_args.py: a function pruned by what the arguments are):
    the fast path may reuse it for calls of the same types (`typed`: positions whose
    type, such as NoneType or str, decides without being a fast type) whose flags are
    the same values (`values`: (position, value), compared by `is` for bools and None,
    `==` for strings), while the functions in `depends_on` keep their code."""

    typed: frozenset
    values: tuple
    depends_on: tuple


class Dispatcher:
    """Builds and rebuilds the dispatching function for one derivative."""

    def __init__(self, tree, name, slow, fast_types, finite=None, own=None):
        self.args = copy.deepcopy(tree.args)
        self.params = [a.arg for a in [*self.args.posonlyargs, *self.args.args]]
        self.kwonly = [a.arg for a in self.args.kwonlyargs]
        self.name = name
        self.slow = slow  # slow(args tuple) -> (compiled function, cacheable?)
        self.fast_types = fast_types
        self.own = own  # the user's function: its own errors are reported as its own
        # finite = (ok(result) -> bool, refuse(rerun, result) -> DomainError, inline(name)
        # -> the same test as an expression where the arguments are numbers): derivatives
        # that are not finite are refused (finite.py)
        self.ok, self.refuse, self.inline = finite or (lambda r: True, None, lambda v: "True")
        self.fast = []  # [(types, compiled function, pinned values, depends_on)]
        self.defaults = {}
        self.function = None

    def build(self, defaults, kwdefaults):
        """(Re)generate the dispatcher; `defaults` are f's default values."""
        args = copy.deepcopy(self.args)
        ns = {"_slow": self._slow_path, "_ok": self.ok, "_refuse": self.refuse}
        ns["_isfinite"] = math.isfinite
        for i, value in enumerate(defaults or ()):
            ns[f"_d{i}"] = value
        args.defaults = [ast.Name(id=f"_d{i}", ctx=ast.Load()) for i in range(len(args.defaults))]
        for i, (a, d) in enumerate(zip(args.kwonlyargs, args.kw_defaults)):
            if d is not None:
                ns[f"_k{i}"] = (kwdefaults or {})[a.arg]
                args.kw_defaults[i] = ast.Name(id=f"_k{i}", ctx=ast.Load())
        names = self.params + self.kwonly
        call = ", ".join(self.params + [f"{k}={k}" for k in self.kwonly])
        lines = [f"def {self.name}({ast.unparse(args)}):", "    try:"]
        ns["_arith"] = (ZeroDivisionError, OverflowError, ValueError)
        ns["_domain"] = as_domain_error
        ns["_own"] = self.own
        for k, (types, fn, pinned, depends) in enumerate(self.fast):
            ns[f"_f{k}"] = fn
            checks = []
            for j, (n, t) in enumerate(zip(names, types)):
                if isinstance(t, tuple):  # (ndarray, dtype, ndim, dense): kinds and ranks
                    ns[f"_t{k}_{j}"] = t[0]
                    ns[f"_dt{k}_{j}"] = t[1]
                    checks.append(
                        f"type({n}) is _t{k}_{j} and {n}.dtype == _dt{k}_{j} and {n}.ndim == {t[2]}"
                    )
                    if t[2]:  # code for arrays with no axis of length 1 (requests.py)
                        checks.append(f"(1 {'not in' if t[3] else 'in'} {n}.shape)")
                    continue
                ns[f"_t{k}_{j}"] = t
                checks.append(f"type({n}) is _t{k}_{j}")
            for j, value in pinned:  # a flag the code was pruned for (static_args.py)
                ns[f"_v{k}_{j}"] = value
                same = "==" if isinstance(value, str) else "is"
                checks.append(f"{names[j]} {same} _v{k}_{j}")
            # and the code it came from is still the functions' code (autoreload replaces it)
            for j, (dep, code) in enumerate(depends):
                ns[f"_g{k}_{j}"], ns[f"_c{k}_{j}"] = dep, code
                checks.append(_still_current(dep, f"_g{k}_{j}", f"_c{k}_{j}", ns))
            lines.append(f"        if {' and '.join(checks) or 'True'}:")
            lines.append(f"            _r = _f{k}({call})")
            numbers = not any(isinstance(t, tuple) for t in types)  # no arrays: floats out
            if numbers:  # (math.isfinite raises for what is not a real number, such as
                # a complex one made at run time: the general test decides then)
                lines.append("            try:")
                lines.append(f"                if {self.inline('_r')}:")
                lines.append("                    return _r")
                lines.append("            except TypeError:")
                lines.append("                if _ok(_r):")
                lines.append("                    return _r")
            else:
                lines.append("            if _ok(_r):")
                lines.append("                return _r")
            lines.append(f"            raise _refuse(lambda: _f{k}({call}), _r)")
        values = ", ".join(names)  # the slow path takes every argument, positionally
        lines.append(f"        return _slow(({values}{',' if len(names) == 1 else ''}))")
        # an arithmetic error inside generated code: the derivative is not finite here
        lines.append("    except _arith as exc:")
        own = "None" if self.own is None else f"lambda: _own({call})"
        lines.append(f"        raise _domain(exc, {own})")
        exec(compile("\n".join(lines), f"<srcdiff dispatch {self.name}>", "exec"), ns)  # noqa: S102
        fresh = ns[self.name]
        if self.function is None:
            self.function = fresh
        else:  # keep the object users hold; swap its code and globals-bound names
            self.function.__code__ = fresh.__code__
            self.function.__globals__.update(ns)
        self.function.__defaults__ = fresh.__defaults__
        self.function.__kwdefaults__ = fresh.__kwdefaults__
        return self.function

    def rules_changed(self):
        """A rule was registered: forget the specialisations (generated again on use)."""
        if self.fast:
            self.fast = []
            self.build(*self._defaults)

    def _slow_path(self, args):
        stale = [entry for entry in self.fast if not _current(entry[3])]
        if stale:  # a function's code was replaced: its specialisations go
            self.fast = [entry for entry in self.fast if _current(entry[3])]
            self.build(*self._defaults)
        fn, cacheable = self.slow(args)
        pinned = cacheable if isinstance(cacheable, Pinned) else Pinned(frozenset(), (), ())
        npos = len(self.params)
        types = tuple(
            (type(a), a.dtype, a.ndim, 1 not in a.shape) if isinstance(a, np.ndarray) else type(a)
            for a in args
        )
        if self.kwonly:
            call = lambda *a: fn(*a[:npos], **dict(zip(self.kwonly, a[npos:])))  # noqa: E731
        else:
            call = fn
        if (
            cacheable
            and all(
                t in self.fast_types or isinstance(t, tuple) or j in pinned.typed
                for j, t in enumerate(types)
            )
            and len(self.fast) < 8
            and not any(t == types and v == pinned.values for t, _, v, _ in self.fast)
        ):
            depends = pinned.depends_on + tuple(getattr(fn, "srcdiff_depends_on", ()))
            self.fast.append((types, fn, pinned.values, depends))
            self.build(*self._defaults)
        result = call(*args)
        if self.ok(result):
            return result
        raise self.refuse(lambda: call(*args), result)

    def install(self, defaults, kwdefaults):
        self._defaults = (defaults, kwdefaults)
        RULES.subscribe(self)
        return self.build(defaults, kwdefaults)


def _still_current(dep, dep_name, code_name, ns):
    """The fast path's test that `dep` still holds: a function's code is the code the
    derivative was made from; a name guard's global still holds the same object (or an
    object of the same class), spelled inline (a dict lookup, not a property call)."""
    if isinstance(dep, NameGuard) and isinstance(dep.holder, dict):
        ns[dep_name + "h"], ns[dep_name + "e"] = dep.holder, dep.expected
        got = f"{dep_name}h.get({dep.name!r})"
        return f"{'type(' + got + ')' if dep.same_type else got} is {dep_name}e"
    return f"{dep_name}.__code__ is {code_name}"


def _current(depends_on):
    return all(f.__code__ is code for f, code in depends_on)
