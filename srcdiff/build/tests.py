"""`srcdiff build --emit-tests`: a pytest file checking built derivatives.

A checked-in derivative module is only as good as the generator that
wrote it, so the emitted tests compare each built function with central
finite differences of the user's function, at the target's `at` or at
seeded random points in its `box`.  Like the modules, the file is
deterministic, so --check covers it too.

The finite differences are srcdiff's own, `srcdiff.runtime.fd.numeric_grad`
(the ones check_grad and `srcdiff check` use), copied into the file rather
than imported: like a built module, the test file then needs only NumPy, the
generated modules and the user's modules (docs/build.md), runs where srcdiff
isn't installed, and keeps testing what it tested when it was written, until a
rebuild (which --check asks for when srcdiff's version changes).
"""

from __future__ import annotations

import ast
import inspect
import math
import os
import random

from ..errors import UsageError
from ..runtime.fd import numeric_grad
from .header import render_header
from .imports import import_block
from .module import literal, runtime_copies

DEFAULT_BOX = (0.5, 1.5)  # test points for scalars when a target gives no `at` or `box`

# Written verbatim into the emitted file, after its imports and the copy of
# srcdiff.runtime.fd (numeric_grad).
_TEST_HELPERS = """
def _check(got, want, rtol, atol, what):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float),
                               rtol=rtol, atol=atol, err_msg=what)


def _like(value, c):
    \"\"\"`c` everywhere, in the form of `value`: a number, an array, a tuple or list of them.\"\"\"
    if isinstance(value, (tuple, list)):
        return type(value)(_like(v, c) for v in value)
    return np.full(np.shape(value), c) if np.ndim(value) else c


def _weighted(value, ct):
    \"\"\"sum(ct * value), item by item: the scalar whose gradient a vjp with `ct` is.\"\"\"
    if isinstance(value, (tuple, list)):
        return sum(_weighted(v, c) for v, c in zip(value, ct))
    return np.sum(np.asarray(ct) * np.asarray(value, dtype=float))


def _check_target(f, derivative, output, wrt, points, rtol, atol, cotangent=None,
                  tangents=None):
    for point in points:
        if cotangent is not None:     # a vjp: its last parameter is the output's cotangent
            _check_vjp(f, derivative, wrt, point, rtol, atol, cotangent)
            continue
        want = [np.asarray(numeric_grad(f, point, name)) for name in wrt]
        if tangents is not None:      # a jvp: tangent 0.5 along every input, summed
            dirs = {t: np.full(np.shape(point[n]), 0.5) if np.ndim(point[n]) else 0.5
                    for n, t in zip(wrt, tangents)}
            value, got = derivative(**point, **dirs)
            _check(value, f(**point), 1e-12, 0.0, f"value at {point}")
            expected = sum(np.sum(0.5 * np.asarray(w)) for w in want)
            _check(got, expected, rtol, atol, f"tangent at {point}")
            continue
        got = derivative(**point)
        if output == "value_and_grad":
            value, got = got
            _check(value, f(**point), 1e-12, 0.0, f"value at {point}")
        _check_all(got, want, wrt, rtol, atol, point)


def _check_vjp(f, derivative, wrt, point, rtol, atol, cotangent):
    ct = _like(f(**point), 1.25)

    def weighted(**args):
        return _weighted(f(**args), ct)

    got = derivative(**point, **{cotangent: ct})
    want = [np.asarray(numeric_grad(weighted, point, name)) for name in wrt]
    _check_all(got, want, wrt, rtol, atol, point)


def _check_all(got, want, wrt, rtol, atol, point):
    if len(wrt) == 1:
        got = (got,)
    assert len(got) == len(wrt), f"expected {len(wrt)} derivatives, got {len(got)}"
    for name, g, w in zip(wrt, got, want):
        _check(g, w, rtol, atol, f"d/d{name} at {point}")
"""

# Written after _TEST_HELPERS when a target takes containers of parameters (dicts, lists
# of them, as `at` gives them): finite differences leaf by leaf.
_TREE_HELPERS = """
def _fields(value):
    \"\"\"The field names of a NamedTuple or dataclass, else None.\"\"\"
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        return type(value)._fields
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        return tuple(value.__dataclass_fields__)
    return None


def _paths(value, path=()):
    \"\"\"(path, leaf) of every leaf of a container of parameters (dicts, lists, tuples,
    NamedTuples, dataclasses; a field is a path step `.name`).\"\"\"
    fields = _fields(value)
    if fields is not None:
        for f in fields:
            yield from _paths(getattr(value, f), path + ("." + f,))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, path + (k,))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _paths(v, path + (i,))
    else:
        yield path, value


def _get(value, path):
    for k in path:
        is_field = isinstance(k, str) and k.startswith(".") and _fields(value) is not None
        value = getattr(value, k[1:]) if is_field else value[k]
    return value


def _put(value, path, new):
    if not path:
        return new
    k = path[0]
    fields = _fields(value)
    if fields is not None and isinstance(k, str) and k.startswith("."):
        parts = {f: getattr(value, f) for f in fields}
        parts[k[1:]] = _put(parts[k[1:]], path[1:], new)
        return type(value)(**parts)
    out = dict(value) if isinstance(value, dict) else list(value)
    out[k] = _put(value[k], path[1:], new)
    return out if isinstance(value, (dict, list)) else type(value)(out)


def _check_tree_target(f, derivative, output, wrt, points, rtol, atol):
    for point in points:
        got = derivative(**point)
        if output == "value_and_grad":
            value, got = got
            _check(value, f(**point), 1e-12, 0.0, f"value at {point}")
        if len(wrt) == 1:
            got = (got,)
        assert len(got) == len(wrt), f"expected {len(wrt)} derivatives, got {len(got)}"
        for name, g in zip(wrt, got):
            if not isinstance(point[name], (dict, list, tuple)) and _fields(point[name]) is None:
                _check(g, numeric_grad(f, point, name), rtol, atol, f"d/d{name} at {point}")
                continue
            for path, leaf in _paths(point[name]):
                where = name + "".join(
                    k if isinstance(k, str) and k.startswith(".") else f"[{k!r}]" for k in path
                )
                if not isinstance(leaf, (float, np.ndarray)):
                    assert _get(g, path) is None, f"{where} carries no derivative"
                    continue

                def along(v, path=path, name=name, point=point):
                    return f(**{**point, name: _put(point[name], path, v)})

                want = numeric_grad(along, (leaf,), 0)
                _check(_get(g, path), want, rtol, atol, f"d/d{where} at {point}")
"""


def _points(built):
    """Test points: `at`, or `samples` random points in `box` (fixed seed)."""
    target = built.target
    sig = inspect.signature(built.func)
    required = [p for p in built.params if sig.parameters[p].default is inspect.Parameter.empty]
    at = dict(target.at or {})
    box = dict(target.box or {})
    if target.box is None and target.at is None:
        box = {p: list(DEFAULT_BOX) for p in required if built.kinds.get(p) == "scalar"}
    missing = [p for p in required if p not in at and p not in box]
    if missing:
        raise UsageError(
            f"{target.spec}: emitted tests need a value for {', '.join(missing)}: "
            "give `at` (example arguments) or `box` (ranges for scalars)"
        )
    shapeless = [p for p in box if built.kinds.get(p) in ("array", "seq") and p not in at]
    if shapeless:
        raise UsageError(
            f"{target.spec}: a `box` for {', '.join(shapeless)} needs `at` too, to give the shape"
        )
    for p in built.trees:  # containers: lists of numbers in them are arrays
        at[p] = _tree_value(at[p])
    for path in sorted(target.types, key=lambda q: -q.count(".")):  # NamedTuples, dataclasses
        module, _, name = target.types[path].rpartition(":")
        parts = path.split(".")
        holder = at
        for part in parts[:-1]:
            inner = dict(holder[part]) if isinstance(holder[part], dict) else holder[part]
            holder[part] = inner
            holder = inner
        holder[parts[-1]] = _Record(module or built.dotted, name, dict(holder[parts[-1]]))
    if not box:
        return [{p: _as_kind(at[p], built.kinds.get(p)) for p in built.params if p in at}]
    rng = random.Random(target.seed)
    points = []
    for _ in range(target.samples):
        point = {}
        for p in built.params:
            if p in box:
                low, high = (float(v) for v in box[p])
                shape = _shape(at.get(p))
                count = math.prod(shape)
                values = [round(low + (high - low) * rng.random(), 6) for _ in range(count)]
                point[p] = _as_kind(values if shape else values[0], built.kinds.get(p), shape)
            elif p in at:
                point[p] = _as_kind(at[p], built.kinds.get(p))
        points.append(point)
    return points


def _tree_value(value):
    """A container's `at` value for the emitted test: lists of numbers in it are arrays
    (as srcdiff build read them), floats floats."""
    if isinstance(value, dict):
        return {k: _tree_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and any(isinstance(v, dict) for v in value):
        return [_tree_value(v) for v in value]
    if isinstance(value, (list, tuple)) or hasattr(value, "shape"):
        return _as_kind(value, "array", _shape(value))
    return value


def _shape(value):
    """The shape of an `at` value (nested lists or an array); () for a scalar."""
    if isinstance(value, (list, tuple)):
        return (len(value),) + (_shape(value[0]) if value else ())
    shape = getattr(value, "shape", None)
    return tuple(shape) if shape is not None else ()


def _as_kind(value, kind, shape=None):
    """A test-point value as the kind the derivative was built for."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if kind == "int":
        return int(value)
    if kind == "scalar":
        return float(value)
    if kind == "array":
        import numpy as np

        array = np.array(value, dtype=float)
        return _Array(array.reshape(shape).tolist() if shape else array.tolist())
    if kind == "seq":
        return [float(v) for v in value]
    return value


class _Array(list):
    """Printed as `np.array([...])` in the emitted test."""


class _Record:
    """A NamedTuple or dataclass of a test point (`types`): printed as a call of its class,
    read from its module (`pkg_net.Params(w=..., b=...)`)."""

    def __init__(self, dotted, name, fields):
        self.dotted, self.name, self.fields = dotted, name, fields

    def __repr__(self):
        return f"{self.name}({self.fields!r})"


def _value_text(value, alias=None):
    """A test-point value as source text in the emitted file (`alias`: a module's name
    there, for the classes of NamedTuples and dataclasses)."""
    if isinstance(value, _Record) and alias is not None:
        fields = ", ".join(f"{k}={_value_text(v, alias)}" for k, v in value.fields.items())
        return f"{alias(value.dotted)}.{value.name}({fields})"
    if isinstance(value, _Array):
        return f"np.array({list(value)!r})"
    if isinstance(value, float):
        return literal(value)
    if hasattr(value, "tolist") and hasattr(value, "shape"):  # an array inside a container
        return f"np.array({value.tolist()!r})" if value.shape else literal(float(value))
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_value_text(v, alias)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_value_text(v, alias) for v in value) + "]"
    return repr(value)


def render_tests(project, test_path, built_list):
    """A pytest module checking each built derivative against finite differences."""
    test_dir = os.path.dirname(project.abs(test_path))
    up = os.path.relpath(project.source_root, test_dir).replace(os.sep, "/")
    aliases = {}
    fd_imports, fd_names, fd_text = runtime_copies([numeric_grad])
    taken = set(fd_names) | set(fd_imports) | {"importlib", "os", "sys", "np"}

    def alias(dotted):
        name = dotted.replace(".", "_")
        while (name in aliases.values() or name in taken) and aliases.get(dotted) != name:
            name += "_"
        return aliases.setdefault(dotted, name)

    tests = []
    items = []
    for built in built_list:
        target = built.target
        user = alias(built.dotted)
        out = alias(project.dotted(target.output))
        points = _points(built)
        items.append(
            {
                "target": built.header_line(),
                "points": repr(points),
                "output": target.output,
                "rtol": target.rtol,
                "atol": target.atol,
            }
        )
        point_lines = "".join(
            f"        {{{', '.join(f'{k!r}: {_value_text(v, alias)}' for k, v in p.items())}}},\n"
            for p in points
        )
        for output, gen in built.units:
            extra = ""
            if output == "vjp":
                entry = next(n for n in ast.parse(gen.text).body if n.name == gen.entry)
                extra = f", cotangent={entry.args.args[-1].arg!r}"
            if output == "jvp":
                entry = next(n for n in ast.parse(gen.text).body if n.name == gen.entry)
                names = tuple(a.arg for a in entry.args.args[-len(built.wrt) :])
                extra = f", tangents={names!r}"
            check = "_check_tree_target" if built.trees else "_check_target"
            tests.append(
                f"def test_{gen.entry}():\n"
                f'    """{gen.entry} ({target.output}) against finite differences of '
                f'{target.function}."""\n'
                f"    points = [\n{point_lines}    ]\n"
                f"    {check}({user}.{target.function}, {out}.{gen.entry}, "
                f"{output!r}, {built.wrt!r},\n"
                f"{' ' * (len(check) + 5)}points, rtol={target.rtol!r}, atol={target.atol!r}"
                f"{extra})\n"
            )
    files = sorted({b.target.output for b in built_list})
    header = render_header(
        f"Finite-difference checks of {', '.join(files)}, emitted by `srcdiff build --emit-tests`.",
        files,
        items,
        built_list,
    )
    modules = "".join(
        f"{name} = importlib.import_module({dotted!r})\n" for dotted, name in aliases.items()
    )
    imports = {
        name: ("module", module)
        for name, module in {
            "importlib": "importlib",
            "os": "os",
            "sys": "sys",
            "np": "numpy",
            **fd_imports,
        }.items()
    }
    setup = (
        import_block(imports, lambda module: False) + "\n\n"
        f"_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),"
        f" *{up.split('/')!r}))\n"
        "if _ROOT not in sys.path:\n    sys.path.insert(0, _ROOT)\n\n" + modules
    )
    fd = (
        "# srcdiff's finite differences (srcdiff.runtime.fd), copied here so this file "
        "runs without srcdiff\n\n\n" + fd_text
    )
    return (
        "\n\n\n".join(
            [header, setup.rstrip("\n"), fd.rstrip("\n"), _TEST_HELPERS.strip("\n")]
            + ([_TREE_HELPERS.strip("\n")] if any(b.trees for b in built_list) else [])
            + [t.rstrip("\n") for t in tests]
        )
        + "\n"
    )
