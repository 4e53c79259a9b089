"""Code replaced in place (IPython's %autoreload assigns a function's __code__) makes
derivatives generated from the old code stale: every cache checks the code it came from
(the function's and its helpers'), so a derivative object users hold follows the edit."""

import importlib.util

import numpy as np
import pytest

import srcdiff


def _square(x):
    return x * x


def _cube(x):
    return x * x * x


def _cube_plus_one(x):
    return x * x * x + 1.0


def _fresh(tmp_path, name):
    """A helper and a function calling it, in a module of their own (fresh per test)."""
    path = tmp_path / f"{name}.py"
    path.write_text(
        "import numpy as np\n\n\ndef helper(x):\n    return x * x\n\n\n"
        "def f(x):\n    return np.sum(helper(x)) + 1.0\n"
    )
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.helper, module.f


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_replacing_the_function_code_is_seen(mode, tmp_path):
    _, f = _fresh(tmp_path, f"reload_{mode}")
    df = srcdiff.grad(f, mode=mode)
    assert df(2.0) == df(2.0) == 4.0  # the second call takes the dispatcher's cached line
    f.__code__ = _cube_plus_one.__code__
    assert df(2.0) == pytest.approx(12.0)
    assert srcdiff.grad(f, mode=mode)(2.0) == pytest.approx(12.0)


def test_replacing_a_helper_code_is_seen_by_every_api(tmp_path):
    helper, f = _fresh(tmp_path, "reload_helper")
    df, dv = srcdiff.grad(f), srcdiff.value_and_grad(f)
    x = np.array([2.0, 3.0])
    assert df(2.0) == df(2.0) == 4.0 and dv(2.0) == (5.0, 4.0)
    np.testing.assert_allclose(df(x), 2 * x)
    helper.__code__ = _cube.__code__
    assert df(2.0) == pytest.approx(12.0)
    assert dv(2.0) == pytest.approx((9.0, 12.0))
    np.testing.assert_allclose(df(x), 3 * x**2)
    assert srcdiff.jvp(f, (2.0,), (1.0,)) == pytest.approx((9.0, 12.0))
    assert srcdiff.vjp(f, 2.0)[1](1.0) == pytest.approx((12.0,))
    assert srcdiff.hessian(f)(2.0) == pytest.approx(12.0)
    helper.__code__ = _square.__code__  # and back
    assert df(2.0) == pytest.approx(4.0)
