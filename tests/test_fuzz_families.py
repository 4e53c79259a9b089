"""The template families of the random-program tester (tools/fuzz/families.py): every
family draws valid programs, which srcdiff differentiates correctly (the oracle's
reverse = forward = finite differences, Hessians on a sample) or refuses with a
SrcDiffError, never wrong, never a crash."""

import pytest

from tools.fuzz.families import FAMILIES, MARK, generate
from tools.fuzz.oracle import check

SEEDS = range(0, 12)
# inplace draws views changed in place (`z = y[1:]`, then `y += v`, then a read of z):
# those srcdiff refuses, as README says
MIN_OK = {"inplace": 0.6}


@pytest.mark.parametrize("family", FAMILIES)
def test_family_programs_are_differentiated_correctly(family):
    statuses, failures = [], []
    for seed in SEEDS:
        case = generate(seed, family)
        assert case.source.startswith(f"{MARK}{family}\n")
        verdict = check(case)
        statuses.append(verdict.status)
        if verdict.status in ("wrong", "crash", "invalid"):
            failures.append(f"seed {seed}: {verdict.status} {verdict.detail[:300]}\n{case.source}")
    assert not failures, "\n\n".join(failures)
    assert statuses.count("ok") >= len(SEEDS) * MIN_OK.get(family, 0.8)


def test_a_seed_draws_the_same_program_every_time():
    assert [generate(s).source for s in range(20)] == [generate(s).source for s in range(20)]
    assert len({generate(s).source.split("\n")[0] for s in range(200)}) == len(FAMILIES)
