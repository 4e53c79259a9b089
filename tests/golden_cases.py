"""The golden files of generated code, tests/golden/*.py: one per case below.

Each golden file has three parts, as clad's tests do:

* ``# --- input``: the function differentiated, with its file's line numbers (the
  generated code's ``# line N`` comments refer to them);
* ``# --- check``: the points the generated code is run at, and what it returns there
  (lines starting ``# ->``); tests/test_golden.py runs the golden code again, compares
  with those values and with central differences of the input function;
* ``# --- generated``: the exact text ``srcdiff.source`` returns.

Regenerate after an intended change to generated code with:

    python tests/regen_golden.py

and review the diff like any other code change.  Input functions live in samples/ or,
when samples/ has nothing like them, in tests/golden_inputs.py.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
import re
import sys
from typing import NamedTuple

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "tests", "golden")
INPUTS = "tests/golden_inputs.py"


class Case(NamedTuple):
    stem: str  # tests/golden/<stem>.py
    module: str  # the input function's file, relative to the checkout
    function: str
    wrt: tuple
    points: tuple  # argument tuples the check runs the generated code at
    at: tuple = None  # example arguments the code is specialised to (None: floats)
    mode: str = "reverse"  # or "forward" (`output="jvp"`), "symbolic", or "directions"
    # (`output="jvps"`: every wrt parameter's direction in one function, as
    # grad(mode="forward") of numbers runs)
    checkpoint: int | str | None = None  # grad's checkpoint= (snapshots per loop)


def _arr(*rows):
    return np.array(rows, dtype=float)


_X = _arr([0.2, -0.4], [0.7, 0.1], [-0.3, 0.5])
_MLP = (
    _arr([0.3, -0.2, 0.5], [0.1, 0.4, -0.6]),
    _arr(0.1, 0.0, -0.1),
    _arr([0.2, -0.5], [0.4, 0.3], [-0.1, 0.6]),
    _arr(0.05, -0.05),
    _X,
    np.array([0, 1, 1]),
)
_V = (_arr(0.5, -1.0, 2.0, 0.3),)
_LOGISTIC = (_arr(0.3, -0.2), 0.1, _X, _arr(1.0, 0.0, 1.0), 0.01)
_SOFTMAX = (_arr([0.3, -0.2, 0.5], [0.1, 0.4, -0.6]), _X, _arr([0, 1, 0], [1, 0, 0], [0, 0, 1]))
# a bias of shape (1, k): broadcasting may stretch a length-1 axis, unbroadcast decides
_MLP_ROW_BIAS = (_MLP[0], _MLP[1], _MLP[2], _MLP[3].reshape(1, 2), _X, _MLP[5])

CASES = [
    # scalar reverse mode, functions from samples/
    Case("seed_f", "samples/seed.py", "f", ("x", "y"), ((3.0, 4.0),)),
    Case(
        "physics_projectile_range",
        "samples/physics.py",
        "projectile_range",
        ("speed", "angle", "height"),
        ((20.0, 0.7, 1.5),),
    ),
    Case(
        "physics_pendulum", "samples/physics.py", "pendulum", ("theta0", "damping"), ((0.5, 0.3),)
    ),
    Case(
        "physics_pendulum_checkpoint",
        "samples/physics.py",
        "pendulum",
        ("theta0", "damping"),
        ((0.5, 0.3),),
        checkpoint=10,
    ),
    Case(
        "physics_pendulum_checkpoint_uniform",
        "samples/physics.py",
        "pendulum",
        ("theta0", "damping"),
        ((0.5, 0.3),),
        checkpoint="uniform:10",
    ),
    Case("activations_softplus", "samples/activations.py", "softplus", ("x",), ((0.5,), (25.0,))),
    Case("activations_gelu", "samples/activations.py", "gelu", ("x",), ((0.3,),)),
    Case("activations_swish", "samples/activations.py", "swish", ("x", "beta"), ((1.0, 1.5),)),
    Case(
        "helpers_log_loss", "samples/helpers.py", "log_loss", ("w1", "w2", "b"), ((0.1, -0.2, 0.0),)
    ),
    # NumPy, reverse mode
    Case("mlp_mlp_loss", "samples/mlp.py", "mlp_loss", ("W1", "b1", "W2", "b2"), (_MLP,), at=_MLP),
    Case("rosenbrock_rosenbrock", "samples/rosenbrock.py", "rosenbrock", ("x",), (_V,), at=_V),
    Case(
        "mlp_mlp_loss_row_bias",
        "samples/mlp.py",
        "mlp_loss",
        ("W1", "b1", "W2", "b2"),
        (_MLP_ROW_BIAS,),
        at=_MLP_ROW_BIAS,
    ),
    Case("logistic_loss", "samples/logistic.py", "loss", ("w", "b"), (_LOGISTIC,), at=_LOGISTIC),
    Case("np_softmax_xent", INPUTS, "softmax_xent", ("W",), (_SOFTMAX,), at=_SOFTMAX),
    Case("np_logsumexp", INPUTS, "logsumexp", ("x",), (_V,), at=_V),
    Case("np_running_product", INPUTS, "running_product", ("x",), (_V,), at=_V),
    Case("np_column_norms", INPUTS, "column_norms", ("A",), ((_X,),), at=(_X,)),
    # helpers, loops, branches
    Case("helpers_two_squares", INPUTS, "two_squares", ("x", "y"), ((0.7, -1.5),)),
    Case("loop_iterate_sin", INPUTS, "iterate_sin", ("x", "a"), ((0.4, 1.3),)),
    Case("branch_piecewise", INPUTS, "piecewise", ("x", "y"), ((1.2, 0.5), (0.3, 0.8))),
    # symbolic mode (compiler/symbolic/): closed forms, branches as conditional expressions
    Case("sym_seed_f", "samples/seed.py", "f", ("x", "y"), ((3.0, 4.0),), mode="symbolic"),
    Case(
        "sym_activations_softplus",
        "samples/activations.py",
        "softplus",
        ("x",),
        ((0.5,), (25.0,)),
        mode="symbolic",
    ),
    Case(
        "sym_physics_projectile_range",
        "samples/physics.py",
        "projectile_range",
        ("speed", "angle", "height"),
        ((20.0, 0.7, 1.5),),
        mode="symbolic",
    ),
    Case(
        "sym_helpers_log_loss",
        "samples/helpers.py",
        "log_loss",
        ("w1", "w2", "b"),
        ((0.1, -0.2, 0.0),),
        mode="symbolic",
    ),
    # forward mode
    Case("fwd_seed_f", "samples/seed.py", "f", ("x", "y"), ((3.0, 4.0),), mode="forward"),
    Case("fwd_np_logsumexp", INPUTS, "logsumexp", ("x",), (_V,), at=_V, mode="forward"),
    Case(
        "fwd_mlp_mlp_loss",
        "samples/mlp.py",
        "mlp_loss",
        ("W1", "b1", "W2", "b2"),
        (_MLP,),
        at=_MLP,
        mode="forward",
    ),
    Case(
        "fwd_logistic_loss",
        "samples/logistic.py",
        "loss",
        ("w", "b"),
        (_LOGISTIC,),
        at=_LOGISTIC,
        mode="forward",
    ),
    Case(
        "fwd_rosenbrock_rosenbrock",
        "samples/rosenbrock.py",
        "rosenbrock",
        ("x",),
        (_V,),
        at=_V,
        mode="forward",
    ),
    Case(
        "fwd_np_softmax_xent",
        INPUTS,
        "softmax_xent",
        ("W",),
        (_SOFTMAX,),
        at=_SOFTMAX,
        mode="forward",
    ),
    Case(
        "fwd_helpers_two_squares", INPUTS, "two_squares", ("x", "y"), ((0.7, -1.5),), mode="forward"
    ),
    # forward mode, every direction in one function (compiler/unroll.py)
    Case(
        "dirs_physics_pendulum",
        "samples/physics.py",
        "pendulum",
        ("theta0", "damping"),
        ((0.5, 0.3),),
        mode="directions",
    ),
    Case(
        "dirs_branch_piecewise",
        INPUTS,
        "piecewise",
        ("x", "y"),
        ((1.2, 0.5), (0.3, 0.8)),
        mode="directions",
    ),
]


def load(case):
    """The input function of `case`."""
    path = os.path.join(ROOT, case.module)
    sys.path.insert(0, os.path.dirname(path))
    name = "golden_" + os.path.splitext(case.module)[0].replace("/", "_")
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return getattr(module, case.function)


def generate(case):
    """The generated source of `case`, as `srcdiff.source` returns it."""
    import srcdiff

    if case.mode == "directions":  # not a mode of srcdiff.source: the Specializer's code
        from srcdiff.api.requests import Specializer

        spec = Specializer(load(case), case.wrt, "jvps")
        point = spec.bind(case.points[0], {})
        return spec.generate(spec.kinds_of(point), spec.ranks_of(point)).source()
    return srcdiff.source(
        load(case), wrt=case.wrt, mode=case.mode, at=case.at, checkpoint=case.checkpoint
    )


def run(case, generated):
    """The entry function of `generated` (source text), compiled with the input
    function's module globals, as srcdiff compiles it."""
    namespace = dict(load(case).__globals__)
    exec(compile(generated, f"<golden {case.stem}>", "exec"), namespace)  # noqa: S102
    entry = next(n.name for n in ast.parse(generated).body if isinstance(n, ast.FunctionDef))
    return namespace[entry]


def tangents(case, point):
    """Tangents of the forward-mode check: 1, 0.5, 0.25, ... (a ramp for arrays)."""
    params = list(inspect.signature(load(case)).parameters)
    out = []
    for p, x in zip(params, point):
        if p not in case.wrt:
            out.append(None)
            continue
        scale = 0.5 ** case.wrt.index(p)
        out.append(
            scale * np.linspace(1.0, -1.0, np.size(x)).reshape(np.shape(x))
            if isinstance(x, np.ndarray)
            else scale
        )
    return out


def results(case, generated, point):
    """[(label, value)] the generated code returns at `point`."""
    func = run(case, generated)
    if case.mode == "directions":  # every direction with tangent 1.0: the gradient
        bound = inspect.signature(load(case)).bind(*point)
        bound.apply_defaults()  # (the function takes every argument: no defaults)
        _, along = func(*bound.arguments.values(), *[1.0] * len(case.wrt))
        return [("d" + w, t) for w, t in zip(case.wrt, along)]
    if case.mode == "forward":
        tans = [t for t in tangents(case, point) if t is not None]
        value, tangent = func(*point, *tans)
        return [("value", value), ("tangent", tangent)]
    grads = func(*point)
    if len(case.wrt) == 1:
        grads = (grads,)
    return [("d" + w, g) for w, g in zip(case.wrt, grads)]


def fmt(value):
    """Numbers with 6 significant digits (floats keep a `.`), arrays on one line."""
    if isinstance(value, np.ndarray):
        text = np.array2string(
            value,
            separator=", ",
            max_line_width=10**6,
            formatter={"float_kind": _num},
            threshold=10**6,
        )
        return " ".join(text.split())  # rows on one line too
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(value)
    return _num(float(value))


def _num(x):
    text = f"{x:.6g}"
    return text + ".0" if re.fullmatch(r"-?\d+", text) else text


def render(case):
    """The whole golden file of `case`."""
    generated = generate(case)
    func = load(case)
    params = list(inspect.signature(func).parameters)
    wrt = ", ".join(case.wrt)
    out = [
        "# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with",
        "# `python tests/regen_golden.py`.",
        "# ruff: noqa",
        f"# --- input: {case.module}, {case.function}; {case.mode} mode with respect to {wrt}"
        + (f", checkpoint={case.checkpoint}" if case.checkpoint else ""),
    ]
    for k, f in enumerate(_with_helpers(func)):
        lines, first = inspect.getsourcelines(f)
        out += ["#"] if k else []
        out += [f"# {first + i:4d} | {line.rstrip()}".rstrip() for i, line in enumerate(lines)]
    out.append("# --- check: run at each point, the generated code returns the `->` values")
    for k, point in enumerate(case.points):
        if k:
            out.append("#")
        out += [f"# {p} = {fmt(x)}" for p, x in zip(params, point)]
        if case.mode == "forward":
            out += [
                f"# tangent d{p} = {fmt(t)}"
                for p, t in zip(params, tangents(case, point))
                if t is not None
            ]
        out += [f"# -> {label} = {fmt(v)}" for label, v in results(case, generated, point)]
    out.append("# --- generated")
    return "\n".join(out) + "\n" + generated


def _with_helpers(func):
    """`func` and the functions of its file it calls (transitively), in file order."""
    found, todo = [func], [func]
    while todo:
        f = todo.pop()
        tree = ast.parse(inspect.getsource(f).lstrip())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                g = f.__globals__.get(node.func.id)
                if (
                    inspect.isfunction(g)
                    and g not in found
                    and g.__code__.co_filename == func.__code__.co_filename
                ):
                    found.append(g)
                    todo.append(g)
    return sorted(found, key=lambda f: f.__code__.co_firstlineno)


_RESULT = re.compile(r"^# -> (\S+) = (.*)$")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|inf|nan)")


def sections(text):
    """(text without the `# ->` result lines, [[(label, [numbers])] per point], generated)."""
    marker = "# --- generated\n"
    head, found, generated = text.partition(marker)
    kept, points, fresh = [], [], True
    for line in head.split("\n"):
        match = _RESULT.match(line)
        if match:
            if fresh:
                points.append([])
                fresh = False
            numbers = [float(n) for n in _NUMBER.findall(match.group(2))]
            points[-1].append((match.group(1), numbers))
            continue
        fresh = True
        kept.append(line)
    return "\n".join(kept) + found, points, generated
