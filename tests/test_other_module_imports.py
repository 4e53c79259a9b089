"""A helper from another user module that calls np.tanh: generated code read its `np`
as that module's attribute (`gaps5_other.np.tanh(x)`), which printed code can run only
where that module is importable under that name.  The module it imports is bound
itself: `np.tanh(x)`, `import numpy as np`."""

import importlib
import os
import subprocess
import sys

import pytest
from fdiff import fd_grad

import srcdiff

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # (this srcdiff)

OTHER = """
import numpy as np
import math as m


def helper(x):
    return np.tanh(x) * 2.0 + m.sin(x)
"""

CALLER = """
import numpy as np

import gaps5_other_{n}


def f(x):
    return gaps5_other_{n}.helper(x) + np.sin(x)
"""


@pytest.fixture
def caller(tmp_path, monkeypatch):
    """The caller module, importable from tmp_path; its helper's module too."""
    n = len(sys.modules)  # (fresh module names: none is imported twice)
    (tmp_path / f"gaps5_other_{n}.py").write_text(OTHER)
    (tmp_path / f"gaps5_caller_{n}.py").write_text(CALLER.format(n=n))
    monkeypatch.syspath_prepend(str(tmp_path))
    return importlib.import_module(f"gaps5_caller_{n}"), n, tmp_path


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_helper_module_imports_are_bound_themselves(caller, mode):
    mod, n, _ = caller
    text = srcdiff.source(mod.f, mode=mode, at=(0.3,))
    assert f"gaps5_other_{n}.np" not in text  # (was: gaps5_other_N.np.tanh(x))
    assert f"gaps5_other_{n}.m" not in text and f"import gaps5_other_{n}" not in text
    assert "np.tanh(x)" in text and "import numpy as np" in text
    # runs as printed, in a fresh namespace
    namespace: dict = {}
    exec(compile(text, "<printed>", "exec"), namespace)
    entry = namespace["f_grad"] if mode == "reverse" else namespace["f_jvp"]
    got = entry(0.3) if mode == "reverse" else entry(0.3, 1.0)[1]
    assert got == pytest.approx(fd_grad(mod.f, (0.3,), 0), rel=1e-7)


def test_gradient_and_hessian_through_the_other_module(caller):
    mod, _, _ = caller
    want = fd_grad(mod.f, (0.3,), 0)
    assert srcdiff.grad(mod.f)(0.3) == pytest.approx(want, rel=1e-7)
    assert srcdiff.grad(mod.f, mode="forward")(0.3) == pytest.approx(want, rel=1e-7)
    grad = srcdiff.grad(mod.f)
    hess = fd_grad(lambda x: float(grad(x)), (0.3,), 0)
    assert srcdiff.hessian(mod.f)(0.3) == pytest.approx(hess, rel=1e-6)


def test_the_built_module_does_not_read_the_helper_module_for_numpy(caller):
    mod, n, tmp_path = caller
    out = tmp_path / f"gaps5_built_{n}.py"
    target = f"{tmp_path / f'gaps5_caller_{n}.py'}:f"
    subprocess.run(
        [sys.executable, "-m", "srcdiff", "build", target, "-o", str(out)],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([_ROOT, str(tmp_path)])},
    )
    text = out.read_text()
    assert f"gaps5_other_{n}.np" not in text and "np.tanh(x)" in text
