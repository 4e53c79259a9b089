"""The SciPy rule families are registered lazily (rules/core.py `when_imported`).

`import srcdiff` must not import SciPy (nor SymPy) and must stay fast; a SciPy
function is found as soon as its module is imported, whether before or after
srcdiff, and whatever the first lookup is.
"""

import os
import subprocess
import sys
import textwrap

import pytest


def _run(code, env=None):
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()


def test_import_srcdiff_imports_neither_scipy_nor_sympy():
    out = _run(
        """
        import sys
        import srcdiff
        print(sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'sympy')))
        print(sorted(m for m in sys.modules if m.startswith('srcdiff.rules.scipy')))
        """
    )
    assert out == ["[]", "[]"]


def test_import_srcdiff_is_fast(tmp_path):
    """0.16 s on a quiet machine, as a user pays it: from bytecode.  Measured as CPU time,
    which a loaded test runner (other workers on the same cores) inflates far less than wall
    time; the best of three runs after one that writes the bytecode (into tmp_path: CI sets
    PYTHONDONTWRITEBYTECODE, and compiling srcdiff's sources is most of 0.5 s).  Importing
    scipy.special alone would add about as much again."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path)
    code = """
        import time
        start = time.process_time()
        import srcdiff
        print(time.process_time() - start)
        """
    _run(code, env)
    best = min(float(_run(code, env)[0]) for _ in range(3))
    assert best < 0.4, best


@pytest.mark.parametrize("order", ["scipy first", "srcdiff first"])
def test_scipy_rules_found_whichever_is_imported_first(order):
    first, second = "import scipy.special", "import srcdiff"
    if order == "srcdiff first":
        first, second = second, first
    out = _run(
        f"""
        {first}
        {second}
        import sys
        import scipy.special
        import srcdiff
        from srcdiff.rules import RULES
        before = {{m for m in sys.modules if m.startswith("scipy.")}}
        print(bool(RULES.lookup(scipy.special.expit)))
        after = {{m for m in sys.modules if m.startswith("scipy.")}}
        print(sorted(after - before))
        """
    )
    # only the family of the imported module is loaded: looking a rule up imports no
    # other part of SciPy (which parts scipy.special itself imports depends on its version)
    assert out == ["True", "[]"]


def test_a_derivative_made_before_the_import_is_not_reused_stale():
    """The table's version changes when a family loads, so code cached before is
    generated again (here: a function whose rule lookups come after the import)."""
    out = _run(
        """
        import numpy as np
        import srcdiff
        from srcdiff.rules import RULES
        before = RULES.version
        import scipy.linalg
        after = RULES.version
        print(after > before)
        """
    )
    assert out == ["True"]
