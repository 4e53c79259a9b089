"""The code symbolic mode generates (compiler/symbolic/emit.py) and what it refuses
(compiler/symbolic/to_sympy.py): `srcdiff show --mode symbolic` of the seed, byte-identical
output, ruff-clean code, one NotSymbolicError per construct outside the subset, and SymPy
left unimported by `import srcdiff`."""

import inspect
import os
import subprocess
import sys

import numpy as np
import pytest
import symbolic_refusals
from symbolic_cases import CASES
from test_build import _ruff

import srcdiff
from srcdiff.build.standalone import standalone_text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED_SHOWN = '''# symbolic mode: the arguments are numbers


def f_grad(x, y):
    """Gradient of f with respect to x, y (symbolic)."""
    dx = 2 * x * y
    dy = x ** 2 + 1
    return dx, dy
'''


def _srcdiff(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "srcdiff", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_show_the_seed():
    done = _srcdiff("show", "samples/seed.py:f", "--wrt", "x,y", "--mode", "symbolic")
    assert done.returncode == 0, done.stderr
    assert done.stdout == SEED_SHOWN


def test_source_of_each_output():
    f = CASES[0][0]
    assert "return out, (dx, dy)" in srcdiff.source(
        f, wrt=("x", "y"), mode="symbolic", output="value_and_grad"
    )
    g = srcdiff.grad(f, wrt="x", mode="symbolic")
    assert g.source() == srcdiff.source(f, wrt="x", mode="symbolic")
    assert "d2x = 2 * y" in srcdiff.source(f, wrt="x", mode="symbolic", output="hessian")


def _all_sources():
    texts = []
    for func, _, wrt in CASES:
        for output in ("grad", "value_and_grad"):
            texts.append(srcdiff.source(func, wrt=wrt, mode="symbolic", output=output))
    return texts


def test_generated_code_is_deterministic():
    """The same text twice in one process, and in processes with other hash seeds."""
    assert _all_sources() == _all_sources()
    script = (
        "import sys; sys.path[:0] = ['tests', 'samples']\n"
        "import srcdiff, symbolic_cases as c\n"
        "for f, _, w in c.CASES: print(srcdiff.source(f, wrt=w, mode='symbolic'))\n"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_generated_code_passes_ruff(tmp_path):
    files = []
    for k, (func, _, wrt) in enumerate(CASES):
        gen = srcdiff.api.symbolic.generated(func, wrt=wrt)
        text = standalone_text(gen, sys.modules[func.__module__], "tests/symbolic_cases.py")
        path = tmp_path / f"case{k}.py"
        path.write_text(text)
        files.append(str(path))
    done = subprocess.run(
        [*_ruff(), "check", "--isolated", "--no-cache", *files], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_generated_code_runs_as_printed():
    """What `source` prints, run as a module, gives what grad gives."""
    for func, point, wrt in CASES[:12]:
        text = srcdiff.source(func, wrt=wrt, mode="symbolic")
        namespace = {}
        exec(compile(text, "<symbolic>", "exec"), namespace)  # noqa: S102
        got = namespace[f"{func.__name__}_grad"](*map(float, point))
        assert got == srcdiff.grad(func, wrt=wrt if len(wrt) > 1 else wrt[0], mode="symbolic")(
            *point
        )


# -- refusals ----------------------------------------------------------------------------
REFUSED = [
    ("while_loop", "a `while` loop"),
    ("counted_by_argument", "`range` of a value that depends on an argument"),
    ("numpy_call", "NumPy (`np.sin`)"),
    ("too_long", "a loop of 100 passes (symbolic mode unrolls at most 64)"),
    ("no_symbolic_form", "a call of `math.copysign`"),
    ("remainder", "`%` of a differentiated value"),
    ("truth_of_a_number", "the truth value of a differentiated number"),
    ("leaves_early", "a loop left early depending on a differentiated value"),
    ("endless", "symbolic mode unrolls at most 24 nested calls (recursion of endless)"),
]


def _marked_line(func):
    lines, first = inspect.getsourcelines(func)
    return next(first + i for i, line in enumerate(lines) if "# here" in line)


@pytest.mark.parametrize("name, what", REFUSED, ids=[n for n, _ in REFUSED])
def test_refusal_names_the_construct_and_the_mode_to_use(name, what):
    func = getattr(symbolic_refusals, name)
    args = (1.5, 3) if name == "counted_by_argument" else (1.5,)
    with pytest.raises(srcdiff.NotSymbolicError) as info:
        srcdiff.grad(func, mode="symbolic")(*args)
    message = str(info.value)
    assert what in message
    assert f"symbolic_refusals.py:{_marked_line(func)}:" in message
    assert "^" in message.splitlines()[2]  # the caret under the construct
    assert "mode='reverse'" in message
    # and the advice works: reverse mode differentiates it (or fails as the function does)
    if name != "endless":
        srcdiff.grad(func)(*args)


def test_a_tuple_output_is_refused_for_grad():
    func = symbolic_refusals.returns_pair
    with pytest.raises(srcdiff.NonScalarOutputError, match="srcdiff.jacobian") as info:
        srcdiff.grad(func, mode="symbolic")(1.5)
    assert f"symbolic_refusals.py:{_marked_line(func)}:" in str(info.value)


@pytest.mark.parametrize("value", [np.ones(3), [1.0, 2.0], "1.5"], ids=["array", "list", "str"])
def test_arguments_that_are_not_numbers_are_refused(value):
    with pytest.raises(srcdiff.NotSymbolicError, match="symbolic mode takes numbers") as info:
        srcdiff.grad(CASES[0][0], mode="symbolic")(value, 4.0)
    assert "mode='reverse'" in str(info.value)


def test_options_of_other_modes_are_refused():
    f = CASES[0][0]
    with pytest.raises(srcdiff.SrcDiffError, match="has_aux"):
        srcdiff.grad(f, mode="symbolic", has_aux=True)
    with pytest.raises(srcdiff.SrcDiffError, match="checkpoint"):
        srcdiff.grad(f, mode="symbolic", checkpoint=4)
    with pytest.raises(srcdiff.SrcDiffError, match="one parameter"):
        srcdiff.hessian(f, wrt=("x", "y"), mode="symbolic")


def test_show_prints_the_refusal():
    done = _srcdiff("show", "tests/symbolic_refusals.py:while_loop", "--mode", "symbolic")
    assert done.returncode == 2
    assert "a `while` loop" in done.stderr and "Traceback" not in done.stderr


def test_import_srcdiff_leaves_sympy_unloaded(tmp_path):
    """Nor does reverse mode, or making (not calling) a symbolic gradient."""
    script = tmp_path / "script.py"
    script.write_text(
        "import sys\nimport srcdiff\n\n\ndef f(x):\n    return x * x\n\n\n"
        "assert 'sympy' not in sys.modules, 'import srcdiff imported sympy'\n"
        "srcdiff.grad(f)(2.0)\n"
        "srcdiff.grad(f, mode='symbolic')\n"
        "assert 'sympy' not in sys.modules, 'sympy imported'\n"
        "assert srcdiff.grad(f, mode='symbolic')(2.0) == 4.0\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_build_writes_symbolic_code_and_its_tests(tmp_path):
    (tmp_path / "seed.py").write_text(open(os.path.join(ROOT, "samples", "seed.py")).read())
    args = ["build", "seed.py:f", "--wrt", "x,y", "--mode", "symbolic", "--output", "both"]
    args += ["-o", "seed_grad.py", "--emit-tests", "test_seed_grad.py"]
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "srcdiff", *args], cwd=tmp_path, env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "seed_grad.py").read_text()
    assert (
        "(symbolic mode)" in text
        and "dx = 2 * x * y" in text
        and 'return out, finite_derivative((dx, dy), "f", ("x", "y"))' in text
    )
    namespace = {}
    exec(compile(text, "seed_grad.py", "exec"), namespace)  # noqa: S102
    assert namespace["f_grad"](3.0, 4.0) == (24.0, 10.0)
    assert namespace["f_value_and_grad"](3.0, 4.0) == (42.0, (24.0, 10.0))
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_seed_grad.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout
    check = subprocess.run(
        [sys.executable, "-m", "srcdiff", *args, "--check"], cwd=tmp_path, env=env
    )
    assert check.returncode == 0
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "srcdiff",
            "build",
            "seed.py:f",
            "--mode",
            "symbolic",
            "--output",
            "vjp",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "symbolic mode generates grad and value_and_grad" in bad.stderr
