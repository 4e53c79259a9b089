"""Containers built inside the function and walked or changed there (issue 12): loops
over a local dict's keys, values and items and over written-out (name, value) pairs are
unrolled, `update` with constant keys is stores, dicts first built in a loop's body are
a variable per key in each pass (compiler/held.py, dict_walks.py, literal_loops.py).
Values against finite differences in both modes and Hessians; each refusal names the
line that stopped it, and the rewrite its hint asks for works."""

import inspect

import local_dict_iter_cases as C
import numpy as np
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian

import srcdiff

MODES = ("reverse", "forward")
IDS = [f"{i}-{c[0].__name__}" for i, c in enumerate(C.CASES)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func, args, wrt", C.CASES, ids=IDS)
def test_gradient_matches_finite_differences(func, args, wrt, mode):
    value, g = srcdiff.value_and_grad(func, wrt=wrt, mode=mode)(*args)
    assert_close(value, func(*args), 1e-12, 1e-12, "value")
    for i, gi in zip(wrt, g):
        assert_close(gi, fd_grad(func, args, i), 1e-6, 1e-8, f"d/d{i}")


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("func, args, _", C.CASES, ids=IDS)
def test_hessian_matches_finite_differences_of_the_gradient(func, args, _, wrt):
    h = srcdiff.hessian(func, wrt=wrt)(*args)
    assert_close(h, fd_jacobian(srcdiff.grad(func, wrt=wrt), args, wrt), 1e-5, 1e-7, "hessian")


def test_a_loop_over_items_reads_a_variable_per_key():
    text = srcdiff.source(C.weighted_penalties, wrt=(0, 1))
    code = [ln.strip() for ln in text.splitlines() if not ln.strip().startswith(("#", '"""'))]
    assert "terms_fit = t1 ** 2" in code
    assert not any("{" in ln or "for " in ln for ln in code)  # no dict, no loop left


def test_the_callers_function_is_unchanged_and_output_deterministic():
    first = srcdiff.source(C.pairs_filling_a_dict, wrt=(0, 1), mode="forward")
    assert srcdiff.source(C.pairs_filling_a_dict, wrt=(0, 1), mode="forward") == first
    assert C.pairs_filling_a_dict(1.3, 0.7) == pytest.approx(2 * 1.69 + 2 * 2.197 * 2 * 0.91)


@pytest.mark.parametrize("mode", MODES)
def test_pairs_of_names_index_a_dict_parameter(mode):
    params = {"w": np.array([1.0, -2.0]), "b": 0.5}
    g, gx = srcdiff.grad(C.regularised, wrt=(0, 1), mode=mode)(params, 2.0)
    assert_close(g["w"], 0.2 * params["w"] * 2.0, 1e-12, 1e-12, "dw")
    assert g["b"] == pytest.approx(0.02 * 0.5 * 2.0)
    assert gx == pytest.approx(C.regularised(params, 1.0))
    h = srcdiff.hessian(C.regularised, wrt=0)(params, 2.0)
    assert_close(h["w"]["w"], 0.4 * np.eye(2), 1e-12, 1e-12, "hww")
    assert h["b"]["b"] == pytest.approx(0.04)


def _refused_line(func):
    lines, first = inspect.getsourcelines(func)
    return first + next(i for i, line in enumerate(lines) if "# refused" in line)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bad, good, phrase", C.REFUSALS, ids=[r[0].__name__ for r in C.REFUSALS])
def test_refusal_names_the_line_and_its_hint_works(bad, good, phrase, mode):
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(bad, wrt=(0, 1), mode=mode)(*C.P)
    filename, line, _, text = err.value.location
    assert filename == inspect.getsourcefile(bad)
    assert line == _refused_line(bad), str(err.value)
    assert "^" in str(err.value) and text is not None
    assert phrase in err.value.hint
    # the rewrite the hint asks for computes the same and is differentiated right
    assert good(*C.P) == pytest.approx(bad(*C.P))
    g = srcdiff.grad(good, wrt=(0, 1), mode=mode)(*C.P)
    for i, gi in enumerate(g):
        assert_close(gi, fd_grad(good, C.P, i), 1e-6, 1e-8, f"d/d{i}")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func, rewrite", C.LEFT_EARLY, ids=[r[0].__name__ for r in C.LEFT_EARLY])
def test_a_loop_over_a_dict_or_pairs_left_early_is_unrolled(func, rewrite, mode):
    for point in (C.P, (0.7, 2.5), (1.2, 0.3)):
        assert func(*point) == pytest.approx(rewrite(*point))
        g = srcdiff.grad(func, wrt=(0, 1), mode=mode)(*point)
        for i, gi in enumerate(g):
            assert_close(gi, fd_grad(func, point, i), 1e-6, 1e-8, f"d/d{i}")
    h = srcdiff.hessian(func, wrt=0)(*C.P)
    assert_close(h, fd_jacobian(srcdiff.grad(func, wrt=0), C.P, 0), 1e-5, 1e-7, func.__name__)


def test_a_rewrite_that_follows_the_hint_has_a_right_hessian():
    for _, good, _ in C.REFUSALS:
        h = srcdiff.hessian(good, wrt=0)(*C.P)
        assert_close(h, fd_jacobian(srcdiff.grad(good, wrt=0), C.P, 0), 1e-5, 1e-7, good.__name__)


def test_a_dict_rebinding_existing_keys_while_walked_matches_python():
    # .values() is live: the second pass sees the value the first pass stored
    assert srcdiff.value_and_grad(C.value_seen_when_reached, wrt=0)(*C.P)[0] == pytest.approx(
        C.value_seen_when_reached(*C.P)
    )
    assert np.isfinite(srcdiff.grad(C.value_seen_when_reached, wrt=0)(*C.P))


def test_printing_a_local_dict_prints_what_python_prints(capsys):
    def printed(x, y):
        d = {"a": x, "b": y}
        print("state", d)
        for k, v in d.items():
            print(k, v)
        return d["a"] * d["b"]

    printed(1.5, 2.0)
    expected = capsys.readouterr().out
    for mode in MODES:
        assert srcdiff.grad(printed, wrt=(0, 1), mode=mode)(1.5, 2.0) == (2.0, 1.5)
        assert capsys.readouterr().out == expected
