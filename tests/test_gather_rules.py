"""np.pad with a mode, np.gradient, np.r_[...] / np.c_[...] and np.einsum's sublist form
(srcdiff/rules/gather_rules.py, helpers in srcdiff/runtime/gathers.py; the splitter
turns np.r_ / np.c_ into r_join / c_join and sublists into a subscript string): reverse
and forward mode against central differences, float32 kept, Hessians (every helper has
a rule), and the forms that are refused, with what to write instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import gather_cases as G
import numpy as np
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian, scale_of

import srcdiff
from srcdiff.rules import RULES, gather_rules
from srcdiff.runtime import gathers as rg

R = np.random.default_rng(20261204)


@dataclass
class C:
    func: object
    args: tuple
    wrt: int = 0

    @property
    def id(self):
        shapes = "-".join("x".join(map(str, np.shape(a))) for a in self.args)
        return f"{self.func.__name__}-{shapes}-{self.wrt}"


def r(*shape):
    return R.standard_normal(shape)


CASES = [
    C(G.pad_edge, (r(2, 3),)),
    C(G.pad_reflect, (r(3, 4),)),
    C(G.pad_const, (r(2, 2),)),
    C(G.pad_wrap, (r(4),)),
    C(G.pad_sym, (r(3, 3),)),
    C(G.grad_none, (r(5, 5),)),
    C(G.grad_ax, (r(4, 3, 5),)),
    C(G.grad_tuple, (r(5, 4, 3),)),
    C(G.grad_1d, (r(6),)),
    C(G.grad_sp, (r(6),)),
    C(G.grad_coords, (r(6),)),
    C(G.grad_e2, (r(5, 4),)),
    C(G.r_basic, (r(3, 2),)),
    C(G.r_mixed, (r(3, 2),)),
    C(G.r_slice, (r(10),)),
    C(G.r_scalars, (r(3),)),
    C(G.c_mixed, (r(3, 2),)),
    C(G.c_1d, (r(3),)),
    C(G.dstack_mixed, (r(2, 3),)),
    C(G.dstack_mixed, (r(2, 3, 2),)),
    C(G.dstack_vectors, (r(4),)),
    C(G.ein_sub, (r(2, 3), r(3, 4)), 0),
    C(G.ein_sub, (r(2, 3), r(3, 4)), 1),
    C(G.ein_three, (r(3, 4, 4), r(4, 4, 3)), 0),
    C(G.ein_three, (r(3, 4, 4), r(4, 4, 3)), 1),
    C(G.ein_ell, (r(2, 2, 3), r(2, 3, 4)), 1),
    C(G.ein_noout, (r(3, 4),)),
    C(G.take_flat, (r(2, 3),)),
    C(G.take_axis, (r(2, 3, 4),)),
    C(G.take_wrap_clip, (r(3, 2),)),
    C(G.take_method, (r(3, 2),)),
]


def _tol(c):
    return 1e-5, 1e-7 * scale_of(*c.args)


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_gradient_matches_finite_differences(c, mode):
    got = srcdiff.grad(c.func, wrt=c.wrt, mode=mode)(*c.args)
    assert np.shape(got) == np.shape(c.args[c.wrt])
    rtol, atol = _tol(c)
    assert_close(got, fd_grad(c.func, c.args, c.wrt), rtol, atol, f"{mode} gradient")


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_float32_stays_float32(c, mode):
    args = tuple(np.asarray(a, dtype=np.float32) for a in c.args)
    got = srcdiff.grad(c.func, wrt=c.wrt, mode=mode)(*args)
    assert got.dtype == np.float32
    want = srcdiff.grad(c.func, wrt=c.wrt, mode=mode)(*c.args)
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-3 * scale_of(want))


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize(
    "mode", ["forward-over-reverse", "reverse-over-reverse", "forward-over-forward"]
)
def test_hessian_matches_finite_differences_of_the_gradient(c, mode):
    h = srcdiff.hessian(c.func, wrt=c.wrt, mode=mode)(*c.args)
    g = srcdiff.grad(c.func, wrt=c.wrt)
    want = fd_jacobian(lambda *a: np.asarray(g(*a), dtype=float), c.args, c.wrt)
    assert_close(h, want, 1e-5, 1e-6 * scale_of(want), "hessian")


def test_every_rule_and_helper_is_exercised():
    functions = {r.func for r in gather_rules.REGISTERED}
    assert {np.pad, np.gradient, np.dstack, np.take, rg.r_join, rg.c_join} <= functions
    assert {getattr(rg, n) for n in rg.__all__} <= functions  # every helper has a rule
    for f in functions:
        assert any(r.differentiable for r in RULES.lookup(f)), f


@pytest.mark.parametrize(
    ("indices", "axis", "mode"),
    [([3, 0, 3, -1], None, "raise"), ([[2, 0], [1, 2]], 1, "raise"), ([5, -7], 0, "wrap")],
)
def test_take_helpers_are_each_other_s_transposes(indices, axis, mode):
    a = r(3, 4)
    t = r(3, 4)
    tangent = rg.take_jvp(t, a, indices, axis, mode)
    g = r(*np.shape(tangent))
    assert np.isclose(np.sum(tangent * g), np.sum(t * rg.take_vjp(g, a, indices, axis, mode)))


def test_the_helpers_are_each_other_s_transposes():
    a = r(3, 4)
    t, g = r(3, 4), r(6, 8)
    for mode in ("constant", "edge", "reflect", "symmetric", "wrap"):
        lhs = np.sum(rg.pad_mode_jvp(t, a, ((1, 2), (3, 1)), mode) * g)
        rhs = np.sum(t * rg.pad_mode_vjp(g, a, ((1, 2), (3, 1)), mode))
        assert np.isclose(lhs, rhs), mode
    out = np.gradient(a, 0.3, edge_order=2)
    gs = [r(3, 4), r(3, 4)]
    tangent = rg.gradient_jvp(t, a, 0.3, None, 2, out)
    lhs = sum(np.sum(u * v) for u, v in zip(tangent, gs))
    assert np.isclose(lhs, np.sum(t * rg.gradient_vjp(gs, a, 0.3, None, 2, out)))


# --- refused, with what to write instead ---------------------------------------------------


def test_a_pad_mode_that_is_not_a_gather_is_refused_when_it_runs():
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="mode='mean'"):
        srcdiff.grad(G.pad_mean)(r(3, 3))
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="reflect_type='odd'"):
        srcdiff.grad(G.pad_odd)(r(3, 3))


def test_a_differentiated_pad_constant_is_refused():
    with pytest.raises(srcdiff.NoRuleError, match="constant_values"):
        srcdiff.grad(G.pad_active_constant)(r(3))


def test_np_gradient_with_several_spacings_is_refused_not_misread():
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="one spacing") as err:
        srcdiff.grad(G.gradient_two_spacings)(r(4, 5))
    assert "axis=0" in err.value.hint


def test_np_r_with_a_directive_string_is_refused():
    with pytest.raises(srcdiff.NoRuleError, match="directive") as err:
        srcdiff.grad(G.r_directive)(r(3))
    assert "np.concatenate" in err.value.hint


def test_einsum_sublists_must_be_written_out():
    with pytest.raises(srcdiff.NoRuleError, match="sublist") as err:
        srcdiff.grad(G.einsum_computed_sublist)(r(2, 3), r(3, 4), [0, 1])
    assert 'np.einsum("ij,jk->ik", a, b)' in err.value.hint


def test_srcdiff_build_can_copy_every_helper():
    """A built module carries copies of the helpers it calls (srcdiff/build/module.py):
    each of these copies, with what it reads, runs without srcdiff."""
    from srcdiff.build.module import runtime_copies

    helpers = [getattr(rg, n) for n in rg.__all__]
    imports, names, text = runtime_copies(helpers)
    assert set(imports) <= {"np", "math"}
    namespace = {"np": np, "math": __import__("math")}
    exec(compile(text, "<copies>", "exec"), namespace)
    assert {h.__name__ for h in helpers} <= set(namespace)
