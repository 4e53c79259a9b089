"""Arrays freed once dead (reverse/frees.py): the gradient's peak memory, the `del`s in
the generated code, and Hessians through it (`del` of names is dropped when generated
code is differentiated again; in the user's code it is still refused)."""

from __future__ import annotations

import ast
import tracemalloc

import numpy as np
import pytest
import save_cases as sc

import srcdiff
from srcdiff.compiler.reverse.frees import free_dead_arrays
from srcdiff.errors import UnsupportedSyntaxError


def _peak(fn, *args):
    tracemalloc.start()
    fn(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_rosenbrock_gradient_peaks_below_three_times_the_function():
    x = np.linspace(-1.0, 1.0, 100_000)
    g = srcdiff.grad(sc.rosenbrock)
    g(x[:3].copy())  # code generation outside the measurement
    assert _peak(g, x) <= 3 * _peak(sc.rosenbrock, x)


@pytest.mark.parametrize("f, wrt", [(sc.rosenbrock, 0), (sc.mlp_like, (0, 1))])
def test_gradient_and_hessian_with_dels(f, wrt):
    rng = np.random.default_rng(3)
    args = (rng.normal(size=6),) if f is sc.rosenbrock else (rng.normal(size=4), rng.normal(size=4))
    text = srcdiff.source(f, wrt=wrt, at=args)
    assert "\n    del " in text
    srcdiff.check_grad(f, *args, wrt=wrt, rtol=1e-6)
    first = wrt if isinstance(wrt, int) else wrt[0]
    h = np.asarray(srcdiff.hessian(f, wrt=first)(*args))
    g = srcdiff.grad(f, wrt=first)
    cols = []
    for j in range(args[first].size):
        e = np.zeros_like(args[first])
        e[j] = 1e-5
        hi, lo = list(args), list(args)
        hi[first], lo[first] = args[first] + e, args[first] - e
        cols.append((g(*hi) - g(*lo)) / 2e-5)
    np.testing.assert_allclose(h, np.array(cols).T, rtol=1e-5, atol=1e-6)


def _stmts(text):
    return ast.parse(text).body


def test_del_goes_after_the_last_read_and_before_the_next_allocation():
    stmts = _stmts("a = f(x)\nb = a * 2\nc = b + 1\nd = c * c\nreturn d")
    out = ast.unparse(free_dead_arrays(stmts, {"a", "b", "c", "d"}))
    assert out == "a = f(x)\nb = a * 2\ndel a\nc = b + 1\ndel b\nd = c * c\nreturn d"


def test_no_del_for_views_names_assigned_twice_or_read_in_the_return():
    stmts = _stmts("v = x[1:]\nw = g(v)\nw = w * 2\nu = h(w)\nz = u + v\nreturn z + u")
    out = ast.unparse(free_dead_arrays(stmts, {"v", "w", "u", "z"}))
    assert "del" not in out


def test_del_in_the_users_code_is_still_refused():
    from err_cases import uses_del

    with pytest.raises(UnsupportedSyntaxError, match="`del`"):
        srcdiff.grad(uses_del)(1.0)
