"""A few cases of the translated test suites (tools/suites) that srcdiff passes.

Keeps the corpus code working: the case builders, the module text they
write, and the oracle on them.  The full corpus runs with `python -m tools.suites`.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tools.fuzz.oracle import check
from tools.suites import load

SMOKE = [
    "autograd/test_systematic.py::test_sum[(2,3),axis=0,keepdims=True]",
    "autograd/test_systematic.py::test_sin[(3,2)]",
    "autograd/test_systematic.py::test_dot[(2,3),(3,4)]",
    "autograd/test_systematic.py::test_einsum_covsum['ijk,lji->lki',(3,4,4),(4,4,3)]",
    "autograd/test_numpy.py::test_index_slice_fanout",
    "autograd/test_linalg.py::test_solve_arg1",
    "autograd/test_linalg.py::test_norm_axis[axis=1]",
    "autograd/test_binary_ops.py::test_pow[f(3,4),(1,4)]",
    "tangent/functions.py::multiarg_if[a=-0.5]",
    "tangent/functions.py::rnn[inputs=(3,2),W=(2,3)]",
    "tangent/functions.py::iterpower_with_call[a=0.5,n=3]",
    "jax/lax_numpy_test.py::testOpGrad[arcsinh][(2,1,4)]",
    "jax/lax_autodiff_test.py::testOpGrad[atan2][(),(3,4)]",
    "jax/lax_numpy_test.py::testSincAtZero[nested]",
    "jax/lax_numpy_indexing_test.py::IndexedUpdateTest.testStaticIndexingGrads"
    "[OneSliceIndexNegativeStride,(10,8),[12:4:-4],mul,y=(2,8)]",
    "jax/lax_numpy_indexing_test.py::IndexedUpdateTest.testStaticIndexingGrads"
    "[TupleOfIntAndSliceAndIntArray,(3,2,3),[0, :, np.array([0, 1, 2])],mul,y=(3,2)]",
    "jax/lax_numpy_indexing_test.py::testBoolean1DIndexingWithEllipsis3"
    "[mask,(2,3),[0, ..., np.array([True, False, True])],index as argument]",
    "jax/lax_numpy_reducers_test.py::testReducerWhere[mean][(2,3,4),where=(3,1),axis=0]",
]
HESSIAN = {"jax/lax_numpy_test.py::testSincAtZero[nested]"}


@pytest.fixture(scope="module")
def cases():
    return {c.name: c for suite in load().values() for c in suite}


def test_names_are_unique():
    names = [c.name for suite in load().values() for c in suite]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", SMOKE)
def test_case_passes(cases, name):
    case = cases[name]
    verdict = check(case.oracle_case(hessian=name in HESSIAN), modes=case.modes)
    assert verdict.status == "ok", f"{verdict.check}: {verdict.detail}"
    assert verdict.compared > 0
