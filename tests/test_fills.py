"""compiler/fills.py: constant-filled arrays folded away by shape facts, and where not."""

import ast
import textwrap

import numpy as np
import pytest

import srcdiff
from srcdiff.compiler.fills import ShapeFacts, float64_only, fold_fills

# Shapes of a small made-up function: t14 = w * w and t12 have w's and y's shapes; t6 is
# a reduction over axis 1 of the (n, k) t5, which has Y's shape; K is an int array; b is
# a row broadcast against w-shaped arrays (another shape); n and lam are numbers.
_TOKENS = {"w": "W", "t14": "W", "y": "Y1", "t12": "Y1", "t5": "Y", "Y": "Y", "b": "B", "K": "W"}
_RANKS = {"w": 2, "t14": 2, "y": 1, "t12": 1, "t5": 2, "Y": 2, "t6": 1, "b": 2, "K": 2}
_TWINS = {"t14": "w", "t12": "y", "w": "w", "y": "y", "t5": "Y", "Y": "Y"}


def _facts(exact=True):
    def size(name):
        if name == "t6":
            return ast.parse("Y.shape[0]", mode="eval").body
        twin = _TWINS.get(name)
        return ast.parse(f"{twin}.size", mode="eval").body if twin else None

    return ShapeFacts(
        token=lambda n: ("param", _TOKENS[n]) if n in _TOKENS else None,
        rank=lambda n: 0 if n in ("n", "lam") else _RANKS.get(n),
        number=lambda n: n in ("n", "lam", "dt15"),
        float_array=lambda n: n in _RANKS and n != "K",
        size=size,
        twin=_TWINS.get,
        primal_of={"dt14": "t14", "dt12": "t12", "dlp": "t5", "dt15": "lam"},
        numpy_names=frozenset({"np"}),
        exact_dtypes=exact,
    )


def _fold(code, exact=True):
    stmts = ast.parse(textwrap.dedent(code)).body
    return ast.unparse(ast.Module(body=fold_fills(stmts, _facts(exact)), type_ignores=[]))


def test_a_filled_array_times_an_operand_of_its_shape_is_the_number_times_it():
    got = _fold("""
        dt15 = lam
        dt14 = np.full_like(t14, dt15)
        dw = dt14 * w + w * dt14
    """)
    assert got.splitlines()[-1] == "dw = lam * w + w * lam"


@pytest.mark.parametrize("op", ["+", "-", "/"])
def test_each_elementwise_operator_folds_on_either_side(op):
    got = _fold(f"dw = np.full_like(t14, lam) {op} w\ndv = w {op} np.full_like(t14, lam)")
    assert got == f"dw = lam {op} w\ndv = w {op} lam"


def test_sizes_are_spelled_with_a_parameter_of_the_same_shape():
    got = _fold("dt12 = np.full_like(t12, -1.0 / t12.size)\ndp = dt12 * (1.0 - y) + t6.size")
    assert got.splitlines() == [
        "dt12 = np.full_like(t12, -1.0 / y.size)",
        "dp = -1.0 / y.size * (1.0 - y) + Y.shape[0]",
    ]


def test_a_fill_of_a_filled_array_is_a_fill_of_the_number():
    got = _fold("dlp = np.full_like(t5, np.expand_dims(np.full_like(t6, -1.0 / t6.size), 1)) * Y")
    assert got == "dlp = -1.0 / Y.shape[0] * Y"


def test_an_index_assignment_of_a_filled_array_assigns_the_number():
    assert _fold("d[i, j] = np.full_like(t12, lam)") == "d[i, j] = lam"


def test_an_operand_of_another_shape_is_not_folded():
    # b broadcasts against t14: np.full_like(t14, lam) * b has t14's shape, lam * b b's
    code = "dw = np.full_like(t14, lam) * b"
    assert _fold(code) == code


def test_a_fill_value_with_more_axes_than_the_array_is_not_folded():
    # np.full_like(t12, g) with a 2-D g: g * y would be 2-D, the fill is 1-D
    code = "dw = np.full_like(t12, dlp) * y"
    assert _fold(code) == code


def test_an_integer_array_is_not_folded():
    # np.full_like(K, 0.5) is an array of zeros: K holds integers
    code = "dw = np.full_like(K, 0.5) * w"
    assert _fold(code) == code


def test_a_fill_value_changed_before_the_read_is_not_read_there():
    got = _fold("""
        dt14 = np.full_like(t14, g)
        g = g * 2.0
        dw = dt14 * w
    """)
    assert got.splitlines()[-1] == "dw = dt14 * w"


def test_without_float64_only_dtypes_only_sizes_are_respelled():
    got = _fold("dt12 = np.full_like(t12, -1.0 / t12.size)\ndp = dt12 * y", exact=False)
    assert got == "dt12 = np.full_like(t12, -1.0 / y.size)\ndp = dt12 * y"


def _trees(code, values=None):
    tree = ast.parse(textwrap.dedent(code))
    values = values or {}
    return [(tree, lambda node: values.get(getattr(node, "id", None), None))]


@pytest.mark.parametrize(
    "code",
    [
        "x.astype(np.float32)",
        "np.zeros(3, dtype=float)",
        "np.asarray(x, 'f4')",
        "x * 1j",
        "x * K",  # a module-level array: its dtype may change
    ],
)
def test_code_that_may_make_another_dtype_is_not_float64_only(code):
    assert not float64_only(_trees(code, {"K": np.ones(2, dtype=np.float32)}), ())


def test_float64_only():
    assert float64_only(_trees("np.einsum('ij,jk->ik', a, b) * 2.0"), ())
    assert not float64_only(_trees("a * 2.0"), {"a"})


# --- the folds in generated code -------------------------------------------------------
def penalty(w, b, X, lam):
    return np.sum(X @ w + b) + lam * np.sum(w * w)


def _grad_and_source(f, args, wrt):
    text = srcdiff.source(f, wrt=wrt, at=args)
    return srcdiff.grad(f, wrt=wrt)(*args), text


def test_generated_code_folds_a_penalty_and_drops_its_forward_temporary():
    rng = np.random.default_rng(3)
    w, X = rng.normal(size=3), rng.normal(size=(4, 3))
    (dw, db), text = _grad_and_source(penalty, (w, 0.5, X, 0.01), ("w", "b"))
    assert "2 * (lam * w)" in text and "np.full_like(t4" not in text
    assert "= w * w" not in text  # kept only for its shape before
    np.testing.assert_allclose(dw, X.sum(axis=0) + 0.02 * w)
    assert db == 4.0


def test_float32_arguments_keep_the_fill_and_the_dtype():
    rng = np.random.default_rng(4)
    w, X = rng.normal(size=3).astype(np.float32), rng.normal(size=(4, 3)).astype(np.float32)
    (dw, _), text = _grad_and_source(penalty, (w, 0.5, X, np.float64(0.01)), ("w", "b"))
    assert "np.full_like(" in text
    assert dw.dtype == np.float32
    np.testing.assert_allclose(dw, X.sum(axis=0) + 0.02 * w, rtol=1e-5)


def test_a_length_one_axis_keeps_the_general_code_and_the_values():
    rng = np.random.default_rng(5)
    w, X = rng.normal(size=(1, 3)), rng.normal(size=(4, 3))

    def f(w, X, lam):
        return lam * np.sum((X * w) * (X * w))

    grad = srcdiff.grad(f, wrt="w")
    expect = 2 * 0.3 * np.sum(X * X * w, axis=0, keepdims=True)
    np.testing.assert_allclose(grad(w, X, 0.3), expect)
    assert grad(w, X, 0.3).shape == (1, 3)


def test_a_fill_times_numbers_is_a_fill_which_the_next_operand_folds():
    got = _fold("""
        dt9 = np.full_like(t14, lam) * 100.0
        dw = dt9 * 2 * w
    """)
    assert got.splitlines() == ["dt9 = np.full_like(t14, lam * 100.0)", "dw = lam * 200.0 * w"]


@pytest.mark.parametrize("op", ["/", "**"])
def test_a_fill_divided_or_raised_by_a_number_stays_an_array(op):
    # on Python floats `lam / 0.0` raises and `lam ** 0.5` of a negative lam is complex,
    # where the array gives inf and nan
    code = f"dt9 = np.full_like(t14, lam) {op} n"
    assert _fold(code) == code


def test_a_fill_combined_with_another_array_is_not_a_scaled_fill():
    code = "dt9 = np.full_like(t14, lam) * b"
    assert _fold(code) == code


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def test_rosenbrock_keeps_no_forward_value_for_its_shape_only():
    x = np.linspace(-1.0, 1.2, 7)
    dx, text = _grad_and_source(rosenbrock, (x,), 0)
    assert "np.full_like" not in text and "200.0 * t4" in text
    a, b = x[:-1], x[1:]
    want = np.zeros_like(x)
    want[:-1] = -400.0 * a * (b - a**2) - 2.0 * (1.0 - a)
    want[1:] += 200.0 * (b - a**2)
    np.testing.assert_allclose(dx, want, rtol=1e-13)
