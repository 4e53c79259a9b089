"""mode="symbolic" (compiler/symbolic/, api/symbolic.py): values of grad, value_and_grad,
jacobian and hessian against reverse mode, forward mode and finite differences on the
table of scalar functions in symbolic_cases.py; srcdiff.symbolic's expressions against
sympy.diff of the formula written by hand."""

import math
import pickle

import numpy as np
import pytest
import sympy as sp
from fdiff import fd_grad, fd_jacobian
from symbolic_cases import CASES, JACOBIAN_CASES

import srcdiff

IDS = [f"{f.__name__}{point}" for f, point, _ in CASES]


def _tuple(g, wrt):
    """Gradients as a tuple (a tuple `wrt`, even of one name, gives one)."""
    assert isinstance(g, tuple) and len(g) == len(wrt)
    return g


@pytest.mark.parametrize("func, point, wrt", CASES, ids=IDS)
def test_grad_agrees_with_reverse_forward_and_finite_differences(func, point, wrt):
    got = _tuple(srcdiff.grad(func, wrt=wrt, mode="symbolic")(*point), wrt)
    reverse = _tuple(srcdiff.grad(func, wrt=wrt)(*point), wrt)
    forward = _tuple(srcdiff.grad(func, wrt=wrt, mode="forward")(*point), wrt)
    params = list(func.__code__.co_varnames[: func.__code__.co_argcount])
    assert all(type(g) is float for g in got)
    for w, g, r, f in zip(wrt, got, reverse, forward):
        numeric = float(fd_grad(func, point, params.index(w)))
        assert g == pytest.approx(r, rel=1e-12, abs=1e-12), (w, g, r)
        assert g == pytest.approx(f, rel=1e-12, abs=1e-12), (w, g, f)
        assert g == pytest.approx(numeric, rel=1e-6, abs=1e-7), (w, g, numeric)


@pytest.mark.parametrize("func, point, wrt", CASES, ids=IDS)
def test_value_and_grad_value_is_the_functions(func, point, wrt):
    value, grads = srcdiff.value_and_grad(func, wrt=wrt, mode="symbolic")(*point)
    assert value == pytest.approx(func(*point), rel=1e-13, abs=1e-13)
    assert _tuple(grads, wrt) == pytest.approx(
        _tuple(srcdiff.grad(func, wrt=wrt)(*point), wrt), rel=1e-12, abs=1e-12
    )


@pytest.mark.parametrize("func, point, wrt", CASES, ids=IDS)
def test_hessian_agrees_with_forward_over_reverse_and_finite_differences(func, point, wrt):
    w = wrt[0]
    got = srcdiff.hessian(func, wrt=w, mode="symbolic")(*point)
    want = srcdiff.hessian(func, wrt=w)(*point)
    assert isinstance(got, np.ndarray) and got.shape == np.shape(want)
    assert float(got) == pytest.approx(float(want), rel=1e-9, abs=1e-9)
    params = list(func.__code__.co_varnames[: func.__code__.co_argcount])
    i = params.index(w)
    gradient = srcdiff.grad(func, wrt=w, mode="symbolic")
    numeric = float(fd_grad(gradient, point, i))
    assert float(got) == pytest.approx(numeric, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("func, point, wrt", JACOBIAN_CASES)
def test_jacobian_agrees_with_reverse_and_finite_differences(func, point, wrt):
    got = srcdiff.jacobian(func, wrt=wrt, mode="symbolic")(*point)
    want = srcdiff.jacobian(func, wrt=wrt, mode="reverse")(*point)
    assert isinstance(got, tuple) and len(got) == len(wrt)  # (a tuple wrt)
    params = list(func.__code__.co_varnames[: func.__code__.co_argcount])

    def as_array(*args):
        return np.asarray(func(*args), dtype=float)

    for w, g, r in zip(wrt, got, want):
        assert isinstance(g, np.ndarray) and g.shape == r.shape
        np.testing.assert_allclose(g, r, rtol=1e-12, atol=1e-12)
        numeric = fd_jacobian(as_array, point, params.index(w))
        np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-7)


def test_jacobian_of_one_name():
    from symbolic_cases import pair

    got = srcdiff.jacobian(pair, wrt="y", mode="symbolic")(0.4, 1.3)
    np.testing.assert_allclose(got, srcdiff.jacobian(pair, wrt="y")(0.4, 1.3), rtol=1e-14)
    assert got.shape == (3,)


def test_the_seed_is_exact():
    assert srcdiff.grad(CASES[0][0], wrt=("x", "y"), mode="symbolic")(3.0, 4.0) == (24.0, 10.0)
    assert srcdiff.grad(CASES[0][0], wrt=(0, 1), mode="symbolic")(3, 4) == (24.0, 10.0)
    assert srcdiff.value_and_grad(CASES[0][0], wrt="x", mode="symbolic")(3.0, 4.0) == (
        42.0,
        24.0,
    )


def test_tuple_wrt_of_one_name_gives_a_tuple():
    f = CASES[0][0]
    assert srcdiff.grad(f, wrt=("x",), mode="symbolic")(3.0, 4.0) == (24.0,)
    assert srcdiff.value_and_grad(f, wrt=("y",), mode="symbolic")(3.0, 4.0) == (42.0, (10.0,))


def test_keyword_and_default_arguments():
    from symbolic_cases import weighted

    g = srcdiff.grad(weighted, wrt="a", mode="symbolic")
    want = srcdiff.grad(weighted, wrt="a")
    assert g(0.3) == pytest.approx(want(0.3), rel=1e-14)
    assert g(0.3, b=1.5, scale=2.0) == pytest.approx(want(0.3, b=1.5, scale=2.0), rel=1e-14)


def test_a_changed_module_value_makes_the_code_again(monkeypatch):
    import symbolic_cases

    g = srcdiff.grad(symbolic_cases.module_constant, mode="symbolic")
    assert g(2.0) == pytest.approx(3.0)
    monkeypatch.setattr(symbolic_cases, "SCALE", 2.0)
    assert g(2.0) == pytest.approx(8.0)


def test_symbolic_derivatives_pickle():
    g = srcdiff.grad(CASES[0][0], wrt=("x", "y"), mode="symbolic")
    assert pickle.loads(pickle.dumps(g))(3.0, 4.0) == (24.0, 10.0)


# -- srcdiff.symbolic: the expressions themselves ------------------------------------------
x, y = sp.symbols("x y", real=True)
HAND_WRITTEN = [
    ("seed", x**2 * y + y + 2),
    ("trig", sp.sin(x) * sp.cos(y) + sp.tan(x * y)),
    ("hyperbolic", sp.sinh(x) + sp.cosh(y) * sp.tanh(x * y)),
    ("quotient", (x + 1) / (y * y + 1) - 1 / (x * y)),
    ("branch", sp.Piecewise((x * y * x, x > y), ((x + y) * x, True))),
    ("unrolled", sum(x**i * y for i in range(4))),
    (
        "helpers",
        x * x + (x + y) ** 2 + (x * y + sp.sin(x)) + sp.Rational(1, 2) * (2 * y + sp.sin(y)),
    ),
]


@pytest.mark.parametrize("name, formula", HAND_WRITTEN, ids=[n for n, _ in HAND_WRITTEN])
def test_symbolic_expressions_equal_sympy_diff(name, formula):
    import symbolic_cases

    result = srcdiff.symbolic(getattr(symbolic_cases, name), wrt=("x", "y"))
    assert sp.simplify(result.value - formula) == 0
    for w, s in (("x", x), ("y", y)):
        assert sp.simplify(result[w] - sp.diff(formula, s)) == 0, (w, result[w])
    assert set(result.derivatives) == {"x", "y"}


def test_symbolic_prints_and_renders_latex():
    result = srcdiff.symbolic(CASES[0][0], wrt=("x", "y"))
    assert str(result) == "dseed/dx = 2*x*y\ndseed/dy = x**2 + 1"
    assert repr(result) == "<symbolic derivatives of seed: dseed/dx = 2*x*y; dseed/dy = x**2 + 1>"
    latex = result._repr_latex_()
    assert latex.startswith("$") and latex.endswith("$")
    assert r"\frac{\partial seed}{\partial x} &= 2 x y" in latex
    assert "x^{2} + 1" in latex


def test_symbolic_of_a_tuple_valued_function():
    from symbolic_cases import pair

    result = srcdiff.symbolic(pair, wrt="x")
    dxy, dsin, dmax = result["x"]
    assert dxy == y and dsin == sp.cos(x)
    assert dmax.subs({x: 2, y: 1}) == 1 and dmax.subs({x: 1, y: 2}) == 0


def test_integer_argument_is_a_symbol():
    from symbolic_cases import integer_argument

    n = sp.Symbol("n", real=True)
    result = srcdiff.symbolic(integer_argument, wrt="x")
    assert sp.simplify(result["x"] - (n * x ** (n - 1) + n)) == 0
    assert math.isclose(srcdiff.grad(integer_argument, mode="symbolic")(1.3, 3), 3 * 1.3**2 + 3)


SAMPLES = [
    ("seed", "f", (3.0, 4.0), ("x", "y")),
    ("physics", "projectile_range", (20.0, 0.7, 1.5), ("speed", "angle", "height")),
    ("activations", "softplus", (0.5,), ("x",)),
    ("activations", "softplus", (25.0,), ("x",)),
    ("activations", "gelu", (0.3,), ("x",)),
    ("activations", "swish", (1.0, 1.5), ("x", "beta")),
    ("helpers", "log_loss", (0.1, -0.2, 0.0), ("w1", "w2", "b")),
]


@pytest.mark.parametrize("module, name, point, wrt", SAMPLES)
def test_scalar_samples_agree_with_reverse_mode(module, name, point, wrt):
    func = getattr(__import__(module), name)
    got = srcdiff.grad(func, wrt=wrt, mode="symbolic")(*point)
    assert got == pytest.approx(srcdiff.grad(func, wrt=wrt)(*point), rel=1e-12, abs=1e-14)


def test_the_pendulum_sample_is_refused_for_its_step_count():
    from physics import pendulum

    with pytest.raises(srcdiff.NotSymbolicError, match=r"`range` of a value that depends"):
        srcdiff.grad(pendulum, wrt="theta0", mode="symbolic")(0.5, 0.3)
