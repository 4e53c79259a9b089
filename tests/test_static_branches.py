"""Derivatives specialised on what the arguments are where an `if` test reads it
(compiler/static_branches.py, api/static_args.py): an optional argument's None-ness,
its type, a bool or str flag.  The branch not taken is not differentiated, so a call
made for its side effects there (`ax.plot(y)`) is no longer refused when `ax` is None;
another call with other facts gets code of its own.  Values against finite
differences in both modes."""

import importlib.util
import os
import re
import shlex
import subprocess
import sys

import numpy as np
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian

import srcdiff
from srcdiff.api.loading import load_function
from srcdiff.build import command as build
from srcdiff.errors import UnsupportedSyntaxError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

X = np.array([0.3, 0.5, -0.7])
MODES = ["reverse", "forward"]


class Recorder:
    """What a user passes as `ax` or a callback: keeps what it is given."""

    def __init__(self):
        self.seen = []

    def plot(self, y):
        self.seen.append(np.array(y))

    def __call__(self, y):
        self.seen.append(np.array(y))


def plotted(x, ax=None):
    y = np.sin(x) * 2.0
    if ax is not None:
        ax.plot(y)
    return np.sum(y**2)


def plotted_without_gradient(x, ax=None):
    y = np.sin(x) * 2.0
    if ax is not None:
        ax.plot(srcdiff.stop_gradient(y))
    return np.sum(y**2)


def called_back(x, callback=None):
    y = np.exp(x) * x
    if callback is not None:
        callback(y)
    return np.sum(y * y)


def truthy(x, ax=None):
    if ax:
        ax.plot(x)
    return np.sum(np.cos(x) * x)


def reduced(x, reduce="sum"):
    if reduce == "sum":
        out = np.sum(x**3)
    else:
        out = np.mean(x**3)
    return out


def flagged(x, squared=False):
    if squared:
        return x * x * 3.0
    return x * 2.0


def typed(x, data=None):
    if isinstance(data, list):
        return np.sum(x**2) * len(data)
    elif isinstance(data, str):
        data.nonsense(x)
    return np.sum(np.sin(x))


def weighted(x, w=None):
    if w is None:
        w = np.ones_like(x)
    return np.sum(w * x**2)


def rebound(x, flag=False):
    flag = not flag  # the test below reads the new value, not the argument
    if flag:
        return np.sum(x**3)
    return np.sum(x**2)


def rebound_in_loop(x, flag=False):
    total = 0.0
    for _ in range(2):
        if flag:  # True on the second pass: flag changes in the loop
            total = total + np.sum(x**3)
        else:
            total = total + np.sum(x**2)
        flag = True
    return total


def vector(x, ax=None):
    y = np.sin(x) * x
    if ax is not None:
        ax.plot(y)
    return y


def check(func, args, mode, i=0):
    got = srcdiff.grad(func, wrt=i, mode=mode)(*args)
    assert_close(got, fd_grad(func, args, i), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func", [plotted, called_back, truthy, plotted_without_gradient])
def test_a_branch_an_absent_argument_skips_is_not_differentiated(func, mode):
    check(func, (X,), mode)
    check(func, (X, None), mode)


@pytest.mark.parametrize("mode", MODES)
def test_the_branch_is_refused_when_the_argument_is_given(mode):
    """(regression: refused with ax=None too, before the branch was pruned)"""
    g = srcdiff.grad(plotted, mode=mode)
    check(plotted, (X,), mode)
    with pytest.raises(UnsupportedSyntaxError, match=r"ax\.plot.*side effects") as info:
        g(X, Recorder())
    assert "stop_gradient" in str(info.value)
    assert_close(g(X), fd_grad(plotted, (X,), 0), rtol=1e-7, atol=1e-9)  # None again


@pytest.mark.parametrize("mode", MODES)
def test_the_refusals_advice_works(mode):
    """The hint: pass srcdiff.stop_gradient(y) to a call that only reads y."""
    ax = Recorder()
    got = srcdiff.grad(plotted_without_gradient, mode=mode)(X, ax)
    assert_close(got, fd_grad(plotted, (X,), 0), rtol=1e-7, atol=1e-9)
    assert ax.seen and np.allclose(ax.seen[0], np.sin(X) * 2.0)


@pytest.mark.parametrize("mode", MODES)
def test_a_callback_given_is_called(mode):
    seen = Recorder()
    with pytest.raises(UnsupportedSyntaxError, match="callback"):
        srcdiff.grad(called_back, mode=mode)(X, seen)
    assert srcdiff.grad(called_back, mode=mode)(X).shape == X.shape


@pytest.mark.parametrize("mode", MODES)
def test_a_flag_decides_the_code_and_each_value_gets_its_own(mode):
    g = srcdiff.grad(reduced, mode=mode)
    for value in ("sum", "mean", "sum", "max"):
        got = g(X, value)
        assert_close(got, fd_grad(reduced, (X, value), 0), rtol=1e-7, atol=1e-9)
        assert_close(g(X, reduce=value), got, rtol=0)


@pytest.mark.parametrize("mode", MODES)
def test_a_bool_flag_of_number_arguments_is_not_reused_across_values(mode):
    """(floats and bools take the dispatcher's fast path, keyed on types: code made for
    squared=False must not serve squared=True)"""
    g = srcdiff.grad(flagged, mode=mode)
    for squared in (False, True, False, True):
        assert g(0.7, squared) == pytest.approx(fd_grad(flagged, (0.7, squared), 0), rel=1e-7)
    assert g(0.7) == pytest.approx(2.0)
    assert g(0.7, True) == pytest.approx(4.2)


@pytest.mark.parametrize("mode", MODES)
def test_an_argument_of_another_type_regenerates(mode):
    g = srcdiff.grad(typed, mode=mode)
    for data in (None, [1, 2, 3], None, (1, 2), [4]):
        assert_close(g(X, data), fd_grad(typed, (X, data), 0), rtol=1e-7, atol=1e-9)
    with pytest.raises(UnsupportedSyntaxError, match="nonsense"):
        g(X, "text")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func", [weighted, rebound, rebound_in_loop])
def test_a_parameter_rebound_before_the_test_is_read_as_it_is_then(func, mode):
    check(func, (X,), mode)
    check(func, (X, True) if func is not weighted else (X, np.array([1.0, 2.0, 3.0])), mode)


def test_value_and_grad_and_check_grad():
    value, g = srcdiff.value_and_grad(plotted)(X)
    assert value == pytest.approx(plotted(X))
    assert_close(g, fd_grad(plotted, (X,), 0), rtol=1e-7, atol=1e-9)
    assert srcdiff.check_grad(plotted, X).passed
    assert srcdiff.check_grad(reduced, X, "mean").passed
    assert srcdiff.check_grad(plotted, X, wrt=("x",)).passed


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_jacobian(mode):
    got = srcdiff.jacobian(vector, mode=mode)(X)
    assert_close(got, fd_jacobian(vector, (X,), 0), rtol=1e-7, atol=1e-9)


def test_jvp_and_vjp():
    t = np.array([1.0, -2.0, 0.5])
    value, tangent = srcdiff.jvp(vector, (X, None), (t, None))
    assert_close(value, vector(X), rtol=0)
    assert_close(tangent, fd_jacobian(vector, (X,), 0) @ t, rtol=1e-7, atol=1e-9)
    value, pullback = srcdiff.vjp(vector, X, None)
    (cotangent, none) = pullback(t)
    assert none is None
    assert_close(cotangent, t @ fd_jacobian(vector, (X,), 0), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("mode", ["forward-over-reverse", "reverse-over-reverse"])
def test_hessian_and_hvp(mode):
    def grad_plotted(x):
        return srcdiff.grad(plotted)(x)

    want = fd_jacobian(grad_plotted, (X,), 0)
    assert_close(srcdiff.hessian(plotted, mode=mode)(X), want, rtol=1e-6, atol=1e-8)
    v = np.array([0.5, 1.0, -1.0])
    assert_close(srcdiff.hvp(plotted, (X,), v), want @ v, rtol=1e-6, atol=1e-8)
    h = srcdiff.hessian(reduced, mode=mode)
    for value in ("mean", "sum"):
        want = np.diag(6.0 * X / (1.0 if value == "sum" else X.size))
        assert_close(h(X, value), want, rtol=1e-12, atol=1e-12)


def test_a_pytree_argument_beside_an_absent_one():
    def loss(params, x, ax=None):
        y = np.tanh(x * params["w"]) + params["b"]
        if ax is not None:
            ax.plot(y)
        return np.sum(y**2)

    params = {"w": 0.5, "b": 0.1}
    g = srcdiff.grad(loss)(params, X)
    for key in ("w", "b"):

        def of(v, key=key):
            return loss({**params, key: v}, X)

        assert g[key] == pytest.approx(fd_grad(of, (params[key],), 0), rel=1e-7)


def test_source_says_what_it_assumed_and_is_byte_identical():
    text = srcdiff.source(plotted, at=(X,))
    assert "ax.plot" not in text
    assert srcdiff.source(plotted, at=(X,)) == text
    flagged_text = srcdiff.source(reduced, at=(X, "mean"))
    assert "x.size" in flagged_text and "reduce == " not in flagged_text


STATIC_MODEL = """\
import numpy as np
import srcdiff


def plotted(x, ax=None):
    y = np.sin(x) * 2.0
    if ax is not None:
        ax.plot(y)
    return np.sum(y**2)


def plotted_without_gradient(x, ax=None):
    y = np.sin(x) * 2.0
    if ax is not None:
        ax.plot(srcdiff.stop_gradient(y))
    return np.sum(y**2)


def unplotted(x):
    y = np.sin(x) * 2.0
    return np.sum(y**2)


def reduced(x, reduce="sum"):
    if reduce == "sum":
        return np.sum(x**3)
    return np.mean(x**3)
"""


def _project(tmp_path, monkeypatch):
    (tmp_path / "static_branch_model.py").write_text(STATIC_MODEL)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))


def _built(tmp_path, name, module):
    spec = importlib.util.spec_from_file_location(module, tmp_path / f"{module}.py")
    built = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(built)
    return getattr(built, f"{name}_grad")


def test_build_refuses_a_branch_grad_would_leave_out_and_its_advice_works(
    tmp_path, monkeypatch, capsys
):
    _project(tmp_path, monkeypatch)
    code = build.main(["build", "static_branch_model.py:plotted", "-o", "plotted_grad.py"])
    err = capsys.readouterr().err
    assert code == 2
    assert "static_branch_model.py:8:9: srcdiff cannot differentiate a call to ax.plot" in err
    assert "srcdiff build writes code for every value of ax" in err
    assert "srcdiff.grad makes code for ax is None" in err and "move such a branch out" in err
    for name in ("plotted_without_gradient", "unplotted"):  # the two hints, followed
        out = f"static_branch_{name}_grad"
        assert build.main(["build", f"static_branch_model.py:{name}", "-o", f"{out}.py"]) == 0
        g = _built(tmp_path, name, out)
        want = fd_grad(plotted, (X,), 0)
        assert_close(g(X), want, rtol=1e-7, atol=1e-9)
        if name != "unplotted":
            ax = Recorder()
            assert_close(g(X, ax), want, rtol=1e-7, atol=1e-9)
            assert np.allclose(ax.seen[0], np.sin(X) * 2.0)


def test_build_of_a_flag_differentiates_both_branches(tmp_path, monkeypatch, capsys):
    _project(tmp_path, monkeypatch)
    out = "static_branch_reduced_grad"
    assert build.main(["build", "static_branch_model.py:reduced", "-o", f"{out}.py"]) == 0
    g = _built(tmp_path, "reduced", out)
    for value in ("sum", "mean"):
        assert_close(g(X, value), fd_grad(reduced, (X, value), 0), rtol=1e-7, atol=1e-9)


def _show(*argv, cwd=None):
    done = subprocess.run(
        [sys.executable, "-m", "srcdiff", "show", *argv, "--color", "never"],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_show_says_what_it_assumed_and_at_chooses(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch)
    shown = _show("static_branch_model.py:plotted")
    assert "#   ax is None (its default)" in shown or "ax is None (its default)" in shown
    assert "ax.plot" not in shown
    shown = _show("static_branch_model.py:reduced", "--at", 'x=[0.3, 0.5], reduce="mean"')
    assert shown.startswith("# assumed: reduce == 'mean' (from --at)\n")
    assert "x.size" in shown
    (tmp_path / "shown_reduced.py").write_text(shown)  # runnable as printed
    g = _built(tmp_path, "reduced", "shown_reduced")
    assert_close(g(X, "mean"), fd_grad(reduced, (X, "mean"), 0), rtol=1e-7, atol=1e-9)
    assert _show("static_branch_model.py:reduced", "--at", 'x=[0.3, 0.5], reduce="mean"') == shown


@pytest.mark.parametrize("mode", MODES)
def test_the_readme_sample(mode):
    fit_loss = load_function(os.path.join(ROOT, "samples", "options.py:fit_loss"))
    x, y = np.array([0.1, 0.2, -0.3]), np.array([0.0, 1.0, 0.5])
    g = srcdiff.grad(fit_loss, mode=mode)
    for reduce in ("mean", "sum"):
        want = fd_grad(fit_loss, (0.5, x, y, reduce), 0)
        assert g(0.5, x, y, reduce=reduce) == pytest.approx(want, rel=1e-7)
    assert g(0.5, x, y) == pytest.approx(fd_grad(fit_loss, (0.5, x, y), 0), rel=1e-7)
    with pytest.raises(UnsupportedSyntaxError, match=r"ax\.plot.*stop_gradient\(r\)"):
        g(0.5, x, y, ax=Recorder())


def test_the_fast_path_keeps_a_flags_code_apart_and_sees_replaced_code():
    """(the dispatcher reuses the pruned function's derivative for calls of the same
    types and flag values: api/dispatch.Pinned)"""

    def scaled(x, squared=False):
        if squared:
            return x * x * 3.0
        return x * 2.0

    def replacement(x, squared=False):
        if squared:
            return x * x * x
        return x * 5.0

    g = srcdiff.grad(scaled)
    for _ in range(3):  # (the second call of each takes the fast path)
        assert g(0.7, True) == pytest.approx(4.2)
        assert g(0.7, squared=False) == pytest.approx(2.0)
        assert g(0.7) == pytest.approx(2.0)
    scaled.__code__ = replacement.__code__
    assert g(0.7, True) == pytest.approx(3 * 0.7**2)
    assert g(0.7) == pytest.approx(5.0)


def test_the_readme_show_at_command():
    """README's `srcdiff show samples/options.py:fit_loss --at '...'` and what it says
    the output starts with."""
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = readme.split("### Optional arguments and flags", 1)[1].split("\n## ", 1)[0]
    found = re.search(
        r"`srcdiff show\s+(samples/options\.py:fit_loss --at '[^']+')` prints", section
    )
    assert found
    argv = shlex.split(" ".join(found.group(1).split()))
    shown = _show(*argv, cwd=ROOT)
    said = re.search(r"under `(# assumed: [^`]+)`", section).group(1)
    assert shown.startswith(said + "\n")
    assert "np.sum(2.0 * r" in shown and "reduced_size" not in shown


def keyword_flags(x, *, reduce="sum", ax=None):
    if ax is not None:
        ax.plot(x)
    if reduce == "sum":
        return np.sum(x**3)
    return np.mean(x**3)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("reduce", ["sum", "mean"])
def test_keyword_only_flags(mode, reduce):
    def of(x):
        return keyword_flags(x, reduce=reduce)

    want = fd_grad(of, (X,), 0)
    assert_close(srcdiff.grad(keyword_flags, mode=mode)(X, reduce=reduce), want, 1e-7, 1e-9)
    got = srcdiff.jacobian(keyword_flags, mode=mode)(X, reduce=reduce)
    assert_close(got, want, 1e-7, 1e-9)
    hessian = srcdiff.hessian(keyword_flags)(X, reduce=reduce)
    assert_close(hessian, np.diag(6.0 * X / (1 if reduce == "sum" else X.size)), 1e-12, 1e-12)
    assert srcdiff.check_grad(keyword_flags, X, reduce=reduce).passed
