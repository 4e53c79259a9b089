"""scipy.stats.norm rules (srcdiff/rules/scipy_stats.py): against SymPy at scalar points,
finite differences on broadcast arrays, in both modes, and second derivatives.

`stats.norm.pdf` is a bound method of an object; the call must resolve to it however
it is spelled (`stats.norm.pdf`, `norm.pdf` after `from scipy.stats import norm`).
"""

import numpy as np
import pytest
import sympy as sp
from fdiff import fd_jacobian
from scipy import stats
from scipy.stats import norm

import srcdiff
from srcdiff.rules import scipy_stats

RNG = np.random.default_rng(31)


def pdf(x, loc, scale):
    return stats.norm.pdf(x, loc, scale)


def logpdf(x, loc, scale):
    return stats.norm.logpdf(x, loc, scale)


def cdf(x, loc, scale):
    return stats.norm.cdf(x, loc, scale)


def logcdf(x, loc, scale):
    return stats.norm.logcdf(x, loc, scale)


def sf(x, loc, scale):
    return stats.norm.sf(x, loc, scale)


def logsf(x, loc, scale):
    return stats.norm.logsf(x, loc, scale)


def logpdf_keywords(x, loc, scale):
    return norm.logpdf(x, scale=scale, loc=loc)


def cdf_standard(x):
    return norm.cdf(x)


def logpdf_scaled(x, scale):
    return stats.norm.logpdf(x, scale=scale)


def frozen(x):
    return stats.norm(0.0, 1.0).pdf(x)


def _phi(z):
    return (1 + sp.erf(z / sp.sqrt(2))) / 2


def _density(z, scale):
    return sp.exp(-(z**2) / 2) / (sp.sqrt(2 * sp.pi) * scale)


SYM = {
    pdf: lambda x, m, s: _density((x - m) / s, s),
    logpdf: lambda x, m, s: sp.log(_density((x - m) / s, s)),
    cdf: lambda x, m, s: _phi((x - m) / s),
    logcdf: lambda x, m, s: sp.log(_phi((x - m) / s)),
    sf: lambda x, m, s: 1 - _phi((x - m) / s),
    logsf: lambda x, m, s: sp.log(1 - _phi((x - m) / s)),
    logpdf_keywords: lambda x, m, s: sp.log(_density((x - m) / s, s)),
}
POINTS = [(0.3, -0.2, 1.5), (-2.5, 0.4, 0.7), (4.0, 0.0, 1.0)]


def _sympy(func, args, i, order):
    symbols = sp.symbols("x m s", real=True)
    exact = [sp.Float(a, 50) for a in args]
    expr = SYM[func](*[s if k == i else exact[k] for k, s in enumerate(symbols)])
    return float(sp.diff(expr, symbols[i], order).subs(symbols[i], exact[i]).evalf(40))


def _params():
    for func in SYM:
        for point in POINTS:
            for i in range(3):
                yield pytest.param(func, point, i, id=f"{func.__name__}{point}/{i}")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func, point, i", list(_params()))
def test_first_derivative_matches_sympy(func, point, i, mode):
    got = srcdiff.grad(func, wrt=i, mode=mode)(*point)
    assert got == pytest.approx(_sympy(func, point, i, 1), rel=1e-9, abs=1e-13)


@pytest.mark.parametrize("func, point, i", list(_params()))
def test_second_derivative_matches_sympy(func, point, i):
    got = srcdiff.hessian(func, wrt=i)(*point)
    assert float(got) == pytest.approx(_sympy(func, point, i, 2), rel=1e-7, abs=1e-11)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func", list(SYM), ids=lambda f: f.__name__)
def test_broadcast_arrays(func, mode):
    x, loc, scale = (
        RNG.standard_normal((4, 3)),
        RNG.standard_normal((1, 3)),
        RNG.uniform(0.5, 2, (4, 1)),
    )
    for i in range(3):
        got = srcdiff.jacobian(func, wrt=i, mode=mode)(x, loc, scale)
        want = fd_jacobian(func, (x, loc, scale), i)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7, err_msg=str(i))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_defaults(mode):
    x = RNG.standard_normal(3)
    np.testing.assert_allclose(
        srcdiff.jacobian(cdf_standard, mode=mode)(x), np.diag(norm.pdf(x)), rtol=1e-12
    )
    g = srcdiff.grad(logpdf_scaled, wrt=(0, 1), mode=mode)(0.5, 2.0)
    assert g == pytest.approx((-0.5 / 4.0, (0.0625 - 1) / 2.0))


def test_far_tail_of_logcdf_is_finite():
    # cdf and pdf both underflow at -40; their ratio does not
    for mode in ("reverse", "forward"):
        g = srcdiff.grad(logcdf, mode=mode)(-40.0, 0.0, 1.0)
        assert g == pytest.approx(40.0, rel=1e-3)


def test_frozen_distribution_is_refused():
    with pytest.raises(srcdiff.SrcDiffError, match=r"not for the method \.pdf\(\)") as info:
        srcdiff.grad(frozen)(0.3)
    assert "stats.norm.pdf(x, ...)" in str(info.value)


def test_every_rule_is_tested():
    tested = {f"scipy.stats.norm.{f.__name__}" for f in SYM if f is not logpdf_keywords}
    assert {r.label for r in scipy_stats.REGISTERED} == tested
