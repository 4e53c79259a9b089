"""The random-program tester, in CI: a few hundred programs from fixed seeds.

Each program (tools/fuzz/generator.py) uses only constructs README claims; the oracle
(tools/fuzz/oracle.py) checks reverse = forward = finite differences, value_and_grad's
value, gradient shapes and dtypes, inputs untouched, and on a sample the Hessian.  A
program may be refused with a SrcDiffError (an alias changed in place, repeated fancy
indices, a derivative that is not finite); it must never be wrong or crash.  Run more
with `python -m tools.fuzz --seed S -n N` (fresh seeds find new bugs; see CONTRIBUTING.md).
"""

import re

import pytest

from tools.fuzz.generator import generate
from tools.fuzz.oracle import check

SEEDS = range(0, 300)
CHUNK = 25


@pytest.mark.parametrize("start", range(SEEDS.start, SEEDS.stop, CHUNK))
def test_random_programs_are_differentiated_correctly_or_refused(start):
    failures = []
    statuses = []
    for seed in range(start, start + CHUNK):
        case = generate(seed)
        verdict = check(case)
        statuses.append(verdict.status)
        if verdict.status in ("wrong", "crash"):
            failures.append(
                f"seed {seed}: {verdict.status} in {verdict.check}: "
                f"{verdict.detail[:300]}\n{case.source}"
            )
    assert not failures, "\n\n".join(failures)
    assert statuses.count("ok") >= CHUNK * 0.8  # the tester tests something


def test_a_seed_is_the_same_program_on_every_python(monkeypatch):
    """CI runs the seeds above on 3.10 too, where math.cbrt and math.exp2 are missing:
    the generator spells them with NumPy there, drawing exactly the same program."""
    import math

    monkeypatch.setattr(math, "cbrt", lambda v: v ** (1 / 3), raising=False)  # as on 3.11+
    with_math = [generate(seed).source for seed in range(40)]
    monkeypatch.delattr(math, "cbrt")  # as on 3.10
    without = [generate(seed).source for seed in range(40)]
    assert any(re.search(r"\b(math|m)\.(cbrt|exp2)\(", s) for s in with_math)
    assert without == [re.sub(r"\b(math|m)\.(cbrt|exp2)\(", r"np.\2(", s) for s in with_math]


def test_programs_with_parameters_in_containers():
    """The same programs with some parameters in a dict or a NamedTuple (`containerize`):
    the gradient has the container's structure and its leaves agree with differences."""
    from tools.fuzz.generator import containerize

    statuses, kinds, failures = [], set(), []
    for seed in range(24):
        plain = generate(seed)
        case = containerize(plain, seed)
        if case is None:
            continue
        kind, fields = case.containers["params"]
        kinds.add(kind)
        body = plain.source.split("def f(")[-1].split("\n", 1)[1]
        used = [f for f in fields if re.search(rf"\b{f}\b", body)]
        reads = [f"params[{f!r}]" if kind == "dict" else f"params.{f}" for f in used]
        assert not used or any(r in case.source for r in reads), case.source
        verdict = check(case)
        statuses.append(verdict.status)
        if verdict.status in ("wrong", "crash"):
            failures.append(f"seed {seed}: {verdict.status} {verdict.detail[:300]}\n{case.source}")
    assert not failures, "\n\n".join(failures)
    assert kinds == {"dict", "Params"}
    assert statuses.count("ok") >= len(statuses) * 0.8 and len(statuses) >= 20
