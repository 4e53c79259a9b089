"""The Numba backend (compiler/njit.py, api/backends.py): the control-flow table's
scalar cases under ``backend="numba"``, with the same assertions as under the Python
backend (tests/test_control_flow.py); value_and_grad, jvp, vjp, hessian, array code,
the generated code's form, `srcdiff build --backend numba` (errors and the "auto"
fallback: tests/test_backends.py).

Numba compiles each generated unit on first call (about a second), so this runs a
representative subset -- branches, loops with break/continue/early return, while loops,
helpers (keyword arguments, recursion, helpers in conditions), integer flags -- and the
same functions' Python-backend gradients are the reference.
"""

from __future__ import annotations

import ast
import math

import cf_cases as cf
import numpy as np
import pytest
import test_control_flow as tcf
from fdiff import assert_close, fd_directional, fd_grad

import srcdiff
from srcdiff.compiler.derive import generate

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install srcdiff[numba])")

NUMBA_CASES = {
    "if_simple",
    "if_elif_else",
    "if_nested",
    "cond_chain",
    "while_simple",
    "while_newton",
    "while_and",
    "ret_early_if",
    "ret_in_loop",
    "ret_in_nested_loop",
    "break_inner",
    "break_and_continue",
    "carried_pair",
    "acc_self_loop",
    "acc_square_repeat",
    "int_index",
    "loop_index_mix",
    "helper_chain",
    "helper_kwargs",
    "helper_early_return",
    "helper_while_return",
    "recursion_int",
    "helper_in_condition",
    "helper_kwonly",
    "for_tuple_literal",
}


def _numba_params():
    out = []
    for case in tcf.CASES:
        if tcf._case_id(case) in NUMBA_CASES:
            for args in case.points:
                out.append(pytest.param(case, args, id=f"{tcf._case_id(case)}{tcf._fmt(args)}"))
    return out


def test_subset_is_in_the_table():
    assert {tcf._case_id(c) for c in tcf.CASES} >= NUMBA_CASES


@pytest.mark.parametrize("case, args", _numba_params())
def test_grad_agrees_with_python_backend(case, args):
    """The same gradient as the Python backend (to rounding), the formula where the
    table gives one, and central differences."""
    got = srcdiff.grad(case.func, wrt=case.wrt, backend="numba")(*args)
    want = srcdiff.grad(case.func, wrt=case.wrt)(*args)
    tcf._assert_close(got, want, 1e-12)
    if case.expected is not None:
        tcf._assert_close(got, case.expected(*args), case.rtol)
    names = case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)
    params = srcdiff.api.requests.parameters(case.func)
    for k, w in enumerate(names):
        i = w if isinstance(w, int) else params.index(w)
        g = got[k] if isinstance(case.wrt, tuple) else got
        assert_close(g, fd_grad(case.func, args, i), 1e-5, 1e-7, f"d/d{w}")


@pytest.mark.parametrize(
    "func, args, wrt",
    [
        (cf.if_nested, (0.5, -1.2), ("x", "y")),
        (cf.break_and_continue, (2.1, 8), 0),
        (cf.helper_early_return, (2.5,), 0),
        (cf.recursion_int, (1.3, 4), 0),
    ],
)
def test_value_and_grad(func, args, wrt):
    value, g = srcdiff.value_and_grad(func, wrt=wrt, backend="numba")(*args)
    assert value == pytest.approx(func(*args), rel=1e-14)
    tcf._assert_close(g, srcdiff.grad(func, wrt=wrt)(*args), 1e-12)


def rk4_step(th, om, dt, g, c):
    k1o = -g * math.sin(th) - c * om
    k2t = om + 0.5 * dt * k1o
    k2o = -g * math.sin(th + 0.5 * dt * om) - c * k2t
    return th + dt * k2t, om + dt * k2o


def rk4(g, c, th, om, dt, n):
    for i in range(n):
        th, om = rk4_step(th, om, dt, g, c)
    return th * th + math.exp(-om * om)


@pytest.mark.parametrize(
    "func, primals, tangents",
    [
        (rk4, (9.81, 0.3, 1.2, 0.0, 0.01, 20), (1.0, -0.5, None, None, None, None)),
        (cf.if_nested, (-0.5, 1.2), (0.3, 1.0)),
        (cf.ret_in_loop, (4.8, 3), (1.0, None)),
    ],
)
def test_jvp(func, primals, tangents):
    """jvp: the helper's tangents passed by keyword to positional parameters."""
    value, tangent = srcdiff.jvp(func, primals, tangents, backend="numba")
    want_value, want_tangent = srcdiff.jvp(func, primals, tangents)
    assert value == pytest.approx(want_value, rel=1e-14)
    assert tangent == pytest.approx(want_tangent, rel=1e-12)
    assert_close(tangent, fd_directional(func, primals, tangents), 1e-5, 1e-7)


def test_grad_forward_mode():
    args = (9.81, 0.3, 1.2, 0.0, 0.01, 20)
    got = srcdiff.grad(rk4, wrt=(0, 1), mode="forward", backend="numba")(*args)
    tcf._assert_close(got, srcdiff.grad(rk4, wrt=(0, 1))(*args), 1e-11)


KINDS = {"g": "scalar", "c": "scalar", "th": "scalar", "om": "scalar", "dt": "scalar", "n": "int"}


def test_generated_code_is_numba_code():
    """The tape is typed arrays, helpers take it and return its positions (the caller
    made room before the loop for what the helper pushes), reversed loops are counted,
    every function is compiled; printing twice gives the same text."""
    text = generate(rk4, ["g", "c"], KINDS, backend="numba").source()
    assert text == generate(rk4, ["g", "c"], KINDS, backend="numba").source()
    assert "reversed" not in text and ".append(" not in text and ".pop(" not in text
    tree = ast.parse(text)
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert [d.name for d in defs] == ["rk4_grad", "rk4_step_fwd", "rk4_step_bwd"]
    assert all(ast.unparse(d.decorator_list[0]) == "numba.njit" for d in defs)
    assert "_stack = np.empty(64)" in text
    assert "th, om, _stack_n = rk4_step_fwd(_stack, _stack_n, th, om, dt, g, c)" in text
    assert "if _stack_n + 5 * len(iters1) > _stack.size:" in text
    python = generate(rk4, ["g", "c"], KINDS).source()
    assert "numba" not in python and "for i in reversed(iters1):" in python


def test_forward_helpers_take_positional_tangents():
    text = generate(rk4, ["g", "c"], KINDS, output="jvp", backend="numba").source()
    assert "def rk4_step_jvp(th, om, dt, g, c, dth=0.0, dom=0.0, dg=0.0, dc=0.0):" in text
    assert "*" not in text.split("def rk4_step_jvp(")[1].split(")")[0]


def loop_with_many_steps(x, n):
    s = x
    for i in range(n):
        if s > 1.0:
            s = s * 0.5
        s = s * x + 0.25
    return s


def test_tape_grows_past_its_first_allocation():
    """64 floats and 16 ints at first: 3,000 passes push far more (floats and flags)."""
    got = srcdiff.grad(loop_with_many_steps, backend="numba")(0.9, 3000)
    want = srcdiff.grad(loop_with_many_steps)(0.9, 3000)
    assert got == pytest.approx(want, rel=1e-12)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


@pytest.mark.slow  # (Numba takes 6-9 s to compile the array expressions)
def test_array_code_rosenbrock():
    """Array code: Rosenbrock's generated NumPy code under numba.njit (runtime helpers
    specialised to np.zeros_like and np.full, `del` left to Numba)."""
    x = np.linspace(-1.0, 1.5, 7)
    got = srcdiff.grad(rosenbrock, backend="numba")(x)
    assert isinstance(got, np.ndarray) and got.shape == x.shape
    assert_close(got, srcdiff.grad(rosenbrock)(x), 1e-12, 1e-12)
    assert_close(got, fd_grad(rosenbrock, (x,), 0), 1e-6, 1e-6)


# -- Hessians: the tangent code of the gradient code, compiled ----------------------------


def pendulum(theta0, damping, steps=50):
    dt = 0.01
    theta = theta0
    omega = 0.0
    for _ in range(steps):
        omega = omega - dt * (9.81 * math.sin(theta) + damping * omega)
        theta = theta + dt * omega
    return theta


@pytest.mark.parametrize(
    "func, args",
    [(pendulum, (0.5, 0.3)), (cf.if_simple, (1.5,)), (cf.while_simple, (1.1,))],
)
def test_hessian(func, args):
    """The saved range's items (`iters1[i1]`) become `start + i1 * step` for Numba."""
    got = srcdiff.hessian(func, backend="numba")(*args)
    assert got == pytest.approx(srcdiff.hessian(func)(*args), rel=1e-12, abs=1e-14)
    grad = srcdiff.grad(func)
    assert_close(got, fd_grad(lambda *a: grad(*a), args, 0), 1e-5, 1e-7)


# -- srcdiff build --backend numba ------------------------------------------------------------

_USE_BUILT = """
import json, sys
sys.path.insert(0, sys.argv[1])
from physics_grad import _pendulum_grad, pendulum_grad
value = pendulum_grad(0.5, 0.3)
print(json.dumps({"grad": list(value), "dispatcher": type(_pendulum_grad).__name__,
                  "srcdiff": any(m.split(".")[0] == "srcdiff" for m in sys.modules)}))
"""


def test_build_writes_cached_njit_functions(tmp_path, monkeypatch, capsys):
    import json
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from srcdiff.build import command as build

    repo = Path(__file__).resolve().parents[1]
    shutil.copy(repo / "samples" / "physics.py", tmp_path / "physics.py")
    monkeypatch.chdir(tmp_path)
    argv = ["physics.py:pendulum", "--wrt", "theta0,damping", "--backend", "numba"]
    assert build.main(["build", *argv, "-o", "physics_grad.py"]) == 0, capsys.readouterr()
    text = (tmp_path / "physics_grad.py").read_text()
    # (the compiled entry, behind the Python pendulum_grad that checks its derivatives)
    assert "@numba.njit(cache=True)\ndef _pendulum_grad(" in text
    assert "\ndef pendulum_grad(" in text
    assert "backend=numba" in text.splitlines()[4]  # (the target line of the header)
    assert build.main(["build", *argv, "-o", "physics_grad.py", "--check"]) == 0
    (tmp_path / "use.py").write_text(_USE_BUILT)
    proc = subprocess.run(
        [sys.executable, str(tmp_path / "use.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["dispatcher"] == "CPUDispatcher" and out["srcdiff"] is False
    sys.path.insert(0, str(repo / "samples"))
    try:
        import physics
    finally:
        sys.path.remove(str(repo / "samples"))
    want = srcdiff.grad(physics.pendulum, wrt=(0, 1))(0.5, 0.3)
    assert out["grad"] == pytest.approx(list(want), rel=1e-12)


# -- vjp: the fwd/bwd pair, the tape handed over as arrays ---------------------------------


@pytest.mark.parametrize(
    "func, args",
    [(rk4, (9.81, 0.3, 1.2, 0.0, 0.01, 20)), (loop_with_many_steps, (0.9, 300))],
)
def test_vjp(func, args):
    out, pullback = srcdiff.vjp(func, *args, backend="numba")
    want_out, want = srcdiff.vjp(func, *args)
    assert out == pytest.approx(want_out, rel=1e-14)
    for ct in (1.0, -2.5):  # (one tape, read by every backward sweep)
        got, expected = pullback(ct), want(ct)
        assert [g is None for g in got] == [e is None for e in expected]
        assert [g for g in got if g is not None] == pytest.approx(
            [e for e in expected if e is not None], rel=1e-12
        )


def test_pickles_as_its_recipe():
    """A Numba-backend derivative pickles as grad(f, ..., backend="numba") (compiled again
    where it is loaded)."""
    import pickle

    g = srcdiff.grad(rk4, wrt=(0, 1), backend="numba")
    args = (9.81, 0.3, 1.2, 0.0, 0.01, 20)
    h = pickle.loads(pickle.dumps(g))
    assert h.srcdiff_recipe[2]["backend"] == "numba"
    tcf._assert_close(h(*args), srcdiff.grad(rk4, wrt=(0, 1))(*args), 1e-12)


def loop_in_one_branch(x):
    y = x * 0.5
    if x > 1.0:
        for i in range(3):
            y = y * x
    return y + x


def test_names_bound_on_one_path_start_typed():
    """`iters1` (the loop's range) exists only where the branch ran; Numba's compiler
    failed on it (KeyError, fuzz seed 200295): it starts as range(0)."""
    text = generate(loop_in_one_branch, ["x"], {"x": "scalar"}, backend="numba").source()
    assert "    iters1 = range(0)\n" in text
    g = srcdiff.grad(loop_in_one_branch, backend="numba")
    for x in (1.5, 0.5):
        assert g(x) == pytest.approx(srcdiff.grad(loop_in_one_branch)(x), rel=1e-14)


def cubic_with_weight(x, c):
    return c * x**3 + math.exp(x) * c


def two_weighted_cubics(x):
    return cubic_with_weight(x, 2.0) + cubic_with_weight(x * x, 0.5)


def test_hessian_through_a_helper_that_saves_is_refused_and_auto_falls_back():
    """The second pass keeps a helper's saved values' tangents on a list (`dstack`) of
    mixed values, which Numba cannot type: a BackendError naming the generated line, whose
    hint (backend="auto") gives the Python backend's Hessian."""
    with pytest.raises(srcdiff.BackendError, match='backend="auto"'):
        srcdiff.hessian(two_weighted_cubics, backend="numba")(0.4)
    with pytest.warns(UserWarning, match="Numba cannot compile"):
        got = srcdiff.hessian(two_weighted_cubics, backend="auto")(0.4)
    grad = srcdiff.grad(two_weighted_cubics)
    assert_close(got, fd_grad(lambda *a: grad(*a), (0.4,), 0), 1e-6, 1e-8)
