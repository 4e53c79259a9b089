"""The float tape (compiler/reverse/float_tape.py): the main function's pushes of proven
Python floats go on `_floats = float_stack(...)`, an array('d') when the parameters the
proof assumed are Python floats at run time, else a list. The gradient equals the one the
list tape gives (exactly: the same floats) and finite differences; ints, complex and NumPy
numbers keep the list; Hessians (which read the tape as a list) stay right."""

from __future__ import annotations

import ast
import math
import re
import tracemalloc
from array import array

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff import ArgumentError
from srcdiff.api.gradients import generated
from srcdiff.compiler.reverse.float_tape import route_floats
from srcdiff.runtime import float_stack
from srcdiff.runtime.core import FLOAT_STACK_LIST_BELOW


def pendulum(theta0, damping, omega0, g, dt, n):
    th = theta0
    om = omega0
    decay = math.exp(-damping * dt)
    for i in range(n):
        acc = -g * math.sin(th)
        th = th + dt * om
        om = om * decay + dt * acc
    return 0.5 * om * om + g * (1.0 - math.cos(th))


def mixed(x, y, n):
    """Pushes a float (x) and a value `**` by a float may make complex (t): two stacks."""
    for i in range(n):
        t = x**y
        x = math.sin(t) + 0.5 * x
    return x


ARGS = (1.2, 0.3, 0.1, 9.81, 1e-2, 50)


def _text(func, args, wrt=(0, 1)):
    gen, _ = generated(func, wrt=wrt, at=args)
    return gen


def _with_list_tape(func, args, wrt=(0, 1), listed=True):
    """The generated gradient run with `float_stack` giving a list: the list tape (or, not
    `listed`, the code as generated)."""
    gen = _text(func, args, wrt)
    namespace = {**func.__globals__, **gen.bindings}
    for name, obj in gen.bindings.items():
        if obj is float_stack and listed:
            namespace[name] = lambda *values, size=None: []
    exec(compile(gen.text, "<list tape>", "exec"), namespace)
    return namespace[gen.entry](*args)


def test_float_stack_is_an_array_only_for_python_floats():
    assert isinstance(float_stack(), array) and float_stack().typecode == "d"
    assert isinstance(float_stack(1.0, 2.5), array)
    for other in (1, True, 1j, np.float64(1.0), np.float32(1.0), np.array(1.0), None):
        assert float_stack(1.0, other) == [] and type(float_stack(other)) is list


def test_pendulum_pushes_on_the_float_tape_guarded_by_the_parameters_read():
    text = _text(pendulum, ARGS).text
    # made before the loop, knowing the floats it will hold: two a step
    assert "_floats = float_stack(theta0, omega0, g, dt, size=2 * len(iters1))" in text
    assert "_stack = []" not in text and "_stack." not in text  # nothing else is pushed
    assert "_floats.append(th)" in text and "th = _floats.pop()" in text


def test_the_gradient_equals_the_list_tape_and_finite_differences():
    got = srcdiff.grad(pendulum, wrt=(0, 1))(*ARGS)
    assert got == _with_list_tape(pendulum, ARGS)  # the same floats, exactly
    for i in (0, 1):
        assert_close(got[i], fd_grad(pendulum, ARGS, i), rtol=1e-6)
    forward = srcdiff.grad(pendulum, wrt=(0, 1), mode="forward")(*ARGS)
    assert got == pytest.approx(forward, rel=1e-12)


@pytest.mark.parametrize(
    "args",
    [
        (1, 0.3, 0, 10, 1e-2, 40),  # ints: the list keeps them ints
        (1.2, 0.3, np.float64(0.1), 9.81, 1e-2, 40),  # a NumPy scalar
        (1.2, 0.3, 0.1, np.float32(9.81), np.float32(1e-2), 40),
    ],
    ids=["ints", "float64", "float32"],
)
def test_arguments_that_are_not_python_floats_keep_the_list(args):
    got = _with_list_tape(pendulum, args, listed=False)  # (the generated code itself)
    listed = _with_list_tape(pendulum, args)
    assert [type(v) for v in got] == [type(v) for v in listed]
    assert [float(v) for v in got] == [float(v) for v in listed]
    # (grad gives a Python float argument's derivative as a float, float32 code around it)
    assert [float(v) for v in srcdiff.grad(pendulum, wrt=(0, 1))(*args)] == [
        float(v) for v in listed
    ]
    floats = tuple(float(a) if i < 5 else a for i, a in enumerate(args))
    for i in (0, 1):
        assert_close(float(got[i]), fd_grad(pendulum, floats, i), rtol=1e-5)


def test_a_value_that_may_be_complex_stays_on_the_list():
    text = _text(mixed, (0.7, 1.3, 5)).text
    assert "_floats.append(x)" in text and "_stack.append(t)" in text
    for x0, y in ((0.7, 1.3), (1.1, 0.6)):
        got = srcdiff.grad(mixed, wrt=(0, 1))(x0, y, 5)
        assert got == _with_list_tape(mixed, (x0, y, 5))
        for i in (0, 1):
            assert_close(got[i], fd_grad(mixed, (x0, y, 5), i), rtol=1e-6)


def test_a_complex_argument_is_refused_not_put_on_either_tape():
    def spiral(a, c, n):
        z = a
        for i in range(n):
            z = z * z * c + a
        return z.real

    assert (
        "_floats = float_stack(a, c, size=len(iters1))"
        in _text(spiral, (0.3, 0.9, 6), wrt=(0,)).text
    )
    args = (0.3, 0.9 - 0.1j, 6)  # (its gradient was complex: the imaginary part meaningless)
    for mode in ("reverse", "forward"):
        with pytest.raises(ArgumentError, match="'c' is a complex value"):
            srcdiff.grad(spiral, wrt=0, mode=mode)(*args)


@pytest.mark.parametrize(
    "mode", ["forward-over-reverse", "reverse-over-reverse", "forward-over-forward"]
)
def test_hessians_of_a_loop_on_the_float_tape(mode):
    args = (1.2, 0.3, 0.1, 9.81, 1e-2, 30)
    H = srcdiff.hessian(pendulum, wrt=0, mode=mode)(*args)

    def dtheta(t):
        return srcdiff.grad(pendulum, wrt=0)(t, *args[1:])

    h = 1e-5
    assert H == pytest.approx((dtheta(1.2 + h) - dtheta(1.2 - h)) / (2 * h), rel=1e-6)


def test_a_gradient_of_the_gradient_reads_its_tape_as_a_list():
    inner = srcdiff.grad(pendulum, wrt=0).specialize(*ARGS)
    outer = srcdiff.source(inner)  # the gradient of the gradient code
    assert "_floats = []" in outer and "= _floats.pop()" in outer
    second = srcdiff.grad(inner)(*ARGS)
    h = 1e-5
    fd = (inner(1.2 + h, *ARGS[1:]) - inner(1.2 - h, *ARGS[1:])) / (2 * h)
    assert second == pytest.approx(fd, rel=1e-6)


def test_checkpointed_and_numba_code_keep_the_list():
    assert "float_stack" not in srcdiff.source(pendulum, wrt=(0, 1), at=ARGS, checkpoint=5)


def test_the_pendulum_records_at_most_40_bytes_a_step():
    df = srcdiff.grad(pendulum, wrt=(0, 1)).specialize(*ARGS)

    def peak(n):
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        df(*ARGS[:5], n)
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top - base

    per_step = (peak(40_000) - peak(20_000)) / 20_000
    assert per_step <= 40  # two floats: 16 bytes and the array's spare room


def _proven(src, params, unassumed=("k",)):
    """The pushes `route_floats` moves in the statements of `src` (a def)."""
    body = ast.parse(src).body[0].body
    mods = {"math": math}

    def resolve(node):
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        obj = mods.get(node.id) if isinstance(node, ast.Name) else None
        if obj is None and isinstance(node, ast.Name):
            obj = {"float": float, "abs": abs}.get(node.id)
        for attr in reversed(parts):
            obj = getattr(obj, attr, None)
        return obj

    guard = route_floats(body, "_stack", "_floats", params, resolve, unassumed)
    moved = sorted(
        n.args[0].id
        for n in ast.walk(ast.Module(body=body, type_ignores=[]))
        if isinstance(n, ast.Call)
        and getattr(n.func, "attr", "") == "append"
        and n.func.value.id == "_floats"
    )
    return moved, guard


@pytest.mark.parametrize(
    "stmt,moved,guard",
    [
        ("v = a * 2 + b / 3.0", ["v"], ["a", "b"]),
        ("v = math.sin(k)", ["v"], []),  # whatever k is
        ("v = float(k) - 1", ["v"], []),
        ("v = a ** 2", ["v"], ["a"]),
        ("v = a ** 2.0", ["v"], ["a"]),
        ("v = a ** 0.5", [], None),  # (-1.0) ** 0.5 is complex
        ("v = a ** b", [], None),
        ("v = k * 2", [], None),  # k is an int parameter
        ("v = math.floor(a)", [], None),  # an int
        ("v = a if k else 1.0", ["v"], ["a"]),
        ("v = a if k else 1", [], None),
        ("v = a < b", [], None),
        ("v = a @ b", [], None),
        ("v = abs(a) % 2", ["v"], ["a"]),
        ("v = G * a", [], None),  # a global: not assumed
    ],
)
def test_what_is_proven_a_float(stmt, moved, guard):
    src = f"def f(a, b, k):\n    for i in range(3):\n        {stmt}\n        _stack.append(v)\n"
    assert _proven(src, ["a", "b"]) == (moved, guard)


def test_a_parameter_not_assumed_a_float_is_not_proven_by_its_assignments():
    """Seed 106469's `w = 1.0` in a loop over an array parameter w: its first push holds
    the array."""
    src = "def f(w):\n    for i in range(3):\n        _stack.append(w)\n        w = 1.0\n"
    assert _proven(src, [], unassumed=("w",)) == ([], None)
    src = "def f(w):\n    for i in range(3):\n        _stack.append(w)\n        w = w\n"
    assert _proven(src, [], unassumed=("w",)) == ([], None)


def test_a_name_bound_any_other_way_is_not_proven():
    src = (
        "def f(a, b):\n    for i in range(3):\n        v = a * 1.0\n"
        "        _stack.append(v)\n        v, w = b, a\n"
    )
    assert _proven(src, ["a", "b"]) == ([], None)
    src = "def f(a, b):\n    for v in range(3):\n        _stack.append(v)\n        v = a * 1.0\n"
    assert _proven(src, ["a", "b"]) == ([], None)


def test_a_pushed_name_is_proven_through_the_names_it_reads_and_only_those():
    """The proof starts from the pushed names and follows what their values read: a
    chain ending in a non-float (`c = None`, or a loop target) is no float however far
    back it ends, a chain of floats is, and names nothing pushed reads decide nothing
    (a non-float `z` beside them changes no answer)."""
    head = "def f(a, b):\n    c = None\n    z = None\n    for i in range(3):\n"
    chain = "        d = c * 2.0\n        e = d + 1.0\n        v = e * a\n"
    src = head + chain + "        _stack.append(v)\n        c = a + 1.0\n"
    assert _proven(src, ["a", "b"]) == ([], None)  # (c is None on the first pass)
    floats = "        d = a * 2.0\n        e = d + b\n        v = e * a\n        u = z\n"
    src = head + floats + "        _stack.append(v)\n        _stack.append(u)\n"
    assert _proven(src, ["a", "b"]) == (["v"], ["a", "b"])
    src = head + floats.replace("a * 2.0", "i * 2.0") + "        _stack.append(v)\n"
    assert _proven(src, ["a", "b"]) == ([], None)  # (i, a loop target: not proven)


_BLOCKED_RUN = """
import importlib.abc, json, sys


class BlockSrcdiff(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "srcdiff":
            raise ImportError("srcdiff is blocked")
        return None


sys.meta_path.insert(0, BlockSrcdiff())
sys.path.insert(0, sys.argv[1])
import model, model_grad

args = (1.2, 0.3, 0.1, 9.81, 0.01, 50)
tape = type(model_grad.float_stack(1.0)).__name__
print(json.dumps([list(model_grad.pendulum_grad(*args)), tape]))
"""


def test_a_built_module_carries_float_stack_and_runs_without_srcdiff(tmp_path, monkeypatch, capsys):
    import inspect
    import json
    import subprocess
    import sys

    from srcdiff import build

    (tmp_path / "model.py").write_text("import math\n\n\n" + inspect.getsource(pendulum))
    monkeypatch.chdir(tmp_path)
    at = "theta0=1.2,damping=0.3,omega0=0.1,g=9.81,dt=0.01,n=50"
    code = build.main(["build", "model.py:pendulum", "--wrt", "theta0,damping", "--at", at])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    text = (tmp_path / "model_grad.py").read_text()
    assert "def float_stack(" in text and "import array" in text
    script = tmp_path / "run.py"
    script.write_text(_BLOCKED_RUN)
    proc = subprocess.run(
        [sys.executable, "-I", str(script), str(tmp_path)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    grads, tape = json.loads(proc.stdout)
    assert tape == "array"
    assert grads == list(srcdiff.grad(pendulum, wrt=(0, 1))(*ARGS))


# -- the tape's size: a list for short loops, the array for long ones --------------------

LONG = (1.2, 0.3, 0.1, 9.81, 1e-4, 20_000)  # 40,000 floats: the array


def test_float_stack_is_a_list_below_its_size_threshold():
    below = FLOAT_STACK_LIST_BELOW
    assert type(float_stack(1.0, 2.0, size=below - 1)) is list
    assert isinstance(float_stack(1.0, 2.0, size=below), array)
    assert type(float_stack(1.0, 2, size=10 * below)) is list  # (an int: the list anyway)
    assert isinstance(float_stack(1.0, size=None), array)


def test_both_tapes_give_the_list_tapes_floats_and_finite_differences():
    short = ARGS  # 100 floats: a list
    assert 2 * short[-1] < FLOAT_STACK_LIST_BELOW <= 2 * LONG[-1]
    for args in (short, LONG):
        got = srcdiff.grad(pendulum, wrt=(0, 1))(*args)
        assert got == _with_list_tape(pendulum, args)
        for i in (0, 1):
            assert_close(got[i], fd_grad(pendulum, args, i), rtol=1e-5)


def test_int_and_numpy_arguments_of_a_long_loop_keep_the_list():
    for args in ((1, 0.3, 0, 10, 1e-4, 20_000), (1.2, 0.3, np.float64(0.1), 9.81, 1e-4, 20_000)):
        got = srcdiff.grad(pendulum, wrt=(0, 1))(*args)
        listed = _with_list_tape(pendulum, args)
        assert [type(v) for v in got] == [type(v) for v in listed]
        assert [float(v) for v in got] == [float(v) for v in listed]


def _tape_line(src, args, wrt=0):
    text = _source_of(src, "f", args, wrt)
    return [line.strip() for line in text.splitlines() if "float_stack(" in line]


def _compiled(src, name):
    """The function `name` defined by `src`, with its source in linecache."""
    import linecache

    filename = f"<float-tape {name} {abs(hash(src))}>"
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    ns = {"math": math, "__name__": __name__}
    exec(compile(src, filename, "exec"), ns)
    return ns[name]


def _source_of(src, name, args, wrt):
    return srcdiff.source(_compiled(src, name), wrt=wrt, at=args)


def test_a_tape_sized_only_where_one_loop_over_a_range_pushes():
    one = "def f(x, n):\n    for i in range(n):\n        x = math.sin(x) * x\n    return x\n"
    (line,) = _tape_line(one, (0.5, 3))
    assert re.fullmatch(r"_floats = float_stack\(x, size=(\d \* )?len\(iters1\)\)", line)
    # pushes in a nested loop: how many is not known before the outer loop
    nested = (
        "def f(x, n):\n    for i in range(n):\n        for j in range(n):\n"
        "            x = math.sin(x) * x\n    return x\n"
    )
    assert _tape_line(nested, (0.5, 3)) == ["_floats = float_stack(x)"]
    # a while loop: its passes are counted as it runs
    counted = "def f(x):\n    while x < 5.0:\n        x = math.sin(x) + x * 1.5\n    return x\n"
    assert _tape_line(counted, (0.5,)) == ["_floats = float_stack(x)"]
    # two loops push
    two = (
        "def f(x, n):\n    for i in range(n):\n        x = math.sin(x) * x\n"
        "    for i in range(n):\n        x = math.cos(x) * x\n    return x\n"
    )
    assert _tape_line(two, (0.5, 3)) == ["_floats = float_stack(x)"]


def test_a_parameter_the_proof_reads_assigned_before_the_loop_keeps_the_tape_first():
    """float_stack checks the parameters where it is called: after `x = x * 2.0` an int
    x would pass as a float (and `y = x` held the int), so the tape stays first."""
    src = (
        "def f(x, n):\n    y = x\n    x = x * 2.0\n    for i in range(n):\n"
        "        y = math.sin(y) * x\n    return y\n"
    )
    text = _source_of(src, "f", (0.5, 3), 0)
    lines = [line.strip() for line in text.splitlines()]
    tape = [line for line in lines if "float_stack(" in line]
    assert tape == ["_floats = float_stack(x)"]
    assert lines.index(tape[0]) < lines.index("y = x")


def test_a_loop_invariant_negation_is_computed_once():
    text = _text(pendulum, ARGS).text
    loop = text[text.index("for i in iters1:") :].split("\n\n")[0]
    assert "-g" not in loop.split("# backward sweep")[0]
    (hoisted,) = [line.strip() for line in text.splitlines() if line.strip().endswith("= -g")]
    assert text.index(hoisted) < text.index("for i in iters1:")


NESTED = (
    "def f(x, k, n):\n    for i in range(n):\n        for j in range(n):\n"
    "            x = -k * math.sin(x) + x\n    return x\n"
)


def test_a_negation_is_hoisted_before_the_outermost_loop_and_stays_exact():
    text = _source_of(NESTED, "f", (0.3, 0.7, 3), (0, 1))
    lines = [line.strip() for line in text.splitlines()]
    (hoisted,) = [line for line in lines if line.endswith("= -k")]
    assert lines.index(hoisted) < lines.index("for i in iters1:")
    f = _compiled(NESTED, "f")
    for args in ((0.3, 0.7, 3), (0.3, 2, 3)):  # (an int k: the same ops on the same values)
        got = srcdiff.grad(f, wrt=(0, 1))(*args)
        want = srcdiff.grad(f, wrt=(0, 1), mode="forward")(*args)
        assert got == pytest.approx(want, rel=1e-12)
        for i in (0, 1):
            assert_close(got[i], fd_grad(f, (0.3, float(args[1]), 3), i), rtol=1e-6)


def test_a_negation_of_an_assigned_parameter_stays_in_the_loop():
    src = (
        "def f(x, k, n):\n    k = k * 2.0\n    for i in range(n):\n"
        "        x = -k * math.sin(x) + x\n    return x\n"
    )
    text = _source_of(src, "f", (0.3, 0.7, 3), (0, 1))
    assert not any(line.strip().endswith("= -k") for line in text.split("for i in iters1:")[0])


def overwritten_then_unread(x0, x1, x2):
    x0 = x1
    for k in range(2):
        v2 = math.atanh(0.9 * math.tanh(x0))
        c = [x2 * x2]
        c.append(c[-1] * v2)
    return x0 * x2 + c[-1]


def test_a_pop_whose_value_is_dropped_moves_with_its_push():
    # with respect to x0 and x2 the backward sweep reads neither tanh value: dead-code
    # elimination dropped the names of their pops (`_stack.pop()`), the float tape then
    # moved the pushes to _floats but not those pops, and the backward sweep popped the
    # list tape's `c` into nothing (a TypeError on main; fuzz seed 9730127)
    args = (-0.788, -1.37, 1.001)
    text = _text(overwritten_then_unread, args, wrt=(0, 2)).text
    assert text.count("_floats.append(") == text.count("_floats.pop()") == 2
    got = srcdiff.grad(overwritten_then_unread, wrt=(0, 2))(*args)
    assert got[0] == 0.0
    assert_close(got[1], fd_grad(overwritten_then_unread, args, 2), 1e-7, 1e-9)
