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


# --- t, gamma, chi2, beta, poisson ---------------------------------------------------------------
def _sym_log_f0(name):
    """log f0(z; shapes) in SymPy, the standard form of distribution `name`."""
    return {
        "t": lambda z, df: (
            sp.loggamma((df + 1) / 2)
            - sp.loggamma(df / 2)
            - sp.log(df * sp.pi) / 2
            - (df + 1) / 2 * sp.log(1 + z**2 / df)
        ),
        "gamma": lambda z, a: (a - 1) * sp.log(z) - z - sp.loggamma(a),
        "chi2": lambda z, df: (
            (df / 2 - 1) * sp.log(z) - z / 2 - df / 2 * sp.log(2) - sp.loggamma(df / 2)
        ),
        "beta": lambda z, a, b: (
            (a - 1) * sp.log(z)
            + (b - 1) * sp.log(1 - z)
            - sp.loggamma(a)
            - sp.loggamma(b)
            + sp.loggamma(a + b)
        ),
    }[name]


# distribution -> (shape parameters, a point: x, shapes..., loc, scale)
DISTS = {
    "t": (("df",), (0.7, 3.5, -0.2, 1.3)),
    "gamma": (("a",), (2.1, 1.7, 0.3, 0.8)),
    "chi2": (("df",), (2.6, 3.0, 0.1, 1.2)),
    "beta": (("a", "b"), (0.45, 2.5, 1.5, 0.05, 0.9)),
}


def t_logpdf(x, df, loc, scale):
    return stats.t.logpdf(x, df, loc, scale)


def t_pdf(x, df, loc, scale):
    return stats.t.pdf(x, df, loc, scale)


def t_cdf(x, df, loc, scale):
    return stats.t.cdf(x, df, loc, scale)


def t_logsf(x, df, loc, scale):
    return stats.t.logsf(x, df, loc, scale)


def gamma_logpdf(x, a, loc, scale):
    return stats.gamma.logpdf(x, a, loc, scale)


def gamma_pdf(x, a, loc, scale):
    return stats.gamma.pdf(x, a, loc=loc, scale=scale)


def gamma_sf(x, a, loc, scale):
    return stats.gamma.sf(x, a, loc, scale)


def gamma_logcdf(x, a, loc, scale):
    return stats.gamma.logcdf(x, a, loc, scale)


def chi2_logpdf(x, df, loc, scale):
    return stats.chi2.logpdf(x, df, loc, scale)


def chi2_pdf(x, df, loc, scale):
    return stats.chi2.pdf(x, df, loc, scale)


def chi2_cdf(x, df, loc, scale):
    return stats.chi2.cdf(x, df, loc, scale)


def beta_logpdf(x, a, b, loc, scale):
    return stats.beta.logpdf(x, a, b, loc, scale)


def beta_pdf(x, a, b, loc, scale):
    return stats.beta.pdf(x, a, b, loc, scale)


def beta_cdf(x, a, b, loc, scale):
    return stats.beta.cdf(x, a, b, loc, scale)


def beta_logsf(x, a, b, loc, scale):
    return stats.beta.logsf(x, a, b, loc, scale)


DIST_FUNCS = {
    ("t", "logpdf"): t_logpdf,
    ("t", "pdf"): t_pdf,
    ("t", "cdf"): t_cdf,
    ("t", "logsf"): t_logsf,
    ("gamma", "logpdf"): gamma_logpdf,
    ("gamma", "pdf"): gamma_pdf,
    ("gamma", "sf"): gamma_sf,
    ("gamma", "logcdf"): gamma_logcdf,
    ("chi2", "logpdf"): chi2_logpdf,
    ("chi2", "pdf"): chi2_pdf,
    ("chi2", "cdf"): chi2_cdf,
    ("beta", "logpdf"): beta_logpdf,
    ("beta", "pdf"): beta_pdf,
    ("beta", "cdf"): beta_cdf,
    ("beta", "logsf"): beta_logsf,
}


def _density_sympy(name, fn, point, i, order):
    shapes = DISTS[name][0]
    symbols = sp.symbols(f"s0:{len(point)}", real=True)
    exact = [sp.Float(v, 50) for v in point]
    vals = [s if k == i else exact[k] for k, s in enumerate(symbols)]
    x, *rest = vals
    theta, loc, scale = rest[: len(shapes)], rest[-2], rest[-1]
    logpdf = _sym_log_f0(name)((x - loc) / scale, *theta) - sp.log(scale)
    expr = logpdf if fn == "logpdf" else sp.exp(logpdf)
    return float(sp.diff(expr, symbols[i], order).subs(symbols[i], exact[i]).evalf(40))


def _density_params():
    for (name, fn), func in DIST_FUNCS.items():
        if fn in ("logpdf", "pdf"):
            point = DISTS[name][1]
            for i in range(len(point)):
                yield pytest.param(name, fn, func, point, i, id=f"{name}.{fn}/{i}")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("name, fn, func, point, i", list(_density_params()))
def test_density_first_derivative_matches_sympy(name, fn, func, point, i, mode):
    got = srcdiff.grad(func, wrt=i, mode=mode)(*point)
    assert got == pytest.approx(_density_sympy(name, fn, point, i, 1), rel=1e-9, abs=1e-13)


@pytest.mark.parametrize("name, fn, func, point, i", list(_density_params()))
def test_density_second_derivative_matches_sympy(name, fn, func, point, i):
    got = srcdiff.hessian(func, wrt=i)(*point)
    assert float(got) == pytest.approx(_density_sympy(name, fn, point, i, 2), rel=1e-7, abs=1e-11)


def _cumulative_params():
    for (name, fn), func in DIST_FUNCS.items():
        if fn not in ("logpdf", "pdf"):
            n = len(DISTS[name][1])
            # x, loc, scale: the shape parameters have no derivative there
            for i in (0, n - 2, n - 1):
                yield pytest.param(name, func, i, id=f"{name}.{fn}/{i}")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("name, func, i", list(_cumulative_params()))
def test_cumulative_matches_finite_differences(name, func, i, mode):
    point = DISTS[name][1]
    got = srcdiff.grad(func, wrt=i, mode=mode)(*point)
    assert got == pytest.approx(float(fd_jacobian(func, point, i)), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("name, func", [(n, f) for (n, fn), f in DIST_FUNCS.items() if fn == "cdf"])
def test_cumulative_shape_parameter_is_refused(name, func):
    with pytest.raises(srcdiff.SrcDiffError, match="no derivative with respect to"):
        srcdiff.grad(func, wrt=1)(*DISTS[name][1])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("key", sorted(DIST_FUNCS), ids=lambda k: ".".join(k))
def test_distribution_broadcast_arrays(key, mode):
    name, _ = key
    func = DIST_FUNCS[key]
    point = DISTS[name][1]
    # x varies along (4, 3), the shapes and loc along (1, 3), scale along (4, 1)
    args = [point[0] * (1 + 0.1 * RNG.uniform(-1, 1, (4, 3)))]
    args += [v * (1 + 0.1 * RNG.uniform(-1, 1, (1, 3))) for v in point[1:-1]]
    args += [point[-1] * (1 + 0.1 * RNG.uniform(-1, 1, (4, 1)))]
    cumulative = key[1] not in ("logpdf", "pdf")
    for i in range(len(args)):
        if cumulative and 0 < i < len(args) - 2:
            continue  # a shape parameter of a cumulative function: refused (tested above)
        got = srcdiff.jacobian(func, wrt=i, mode=mode)(*args)
        want = fd_jacobian(func, tuple(args), i)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8, err_msg=str(i))


def poisson_logpmf(k, mu):
    return stats.poisson.logpmf(k, mu)


def poisson_pmf(k, mu):
    return stats.poisson.pmf(k, mu)


def poisson_cdf(k, mu):
    return stats.poisson.cdf(k, mu)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(
    "func, sym",
    [
        (poisson_logpmf, lambda k, mu: k * sp.log(mu) - mu - sp.loggamma(k + 1)),
        (poisson_pmf, lambda k, mu: mu**k * sp.exp(-mu) / sp.factorial(k)),
        (
            poisson_cdf,
            lambda k, mu: sum(mu**j * sp.exp(-mu) / sp.factorial(j) for j in range(k + 1)),
        ),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_poisson_in_mu(func, sym, mode):
    mu = sp.Symbol("mu", positive=True)
    for k, m in ((0, 0.7), (3, 2.5), (6, 4.0)):
        got = srcdiff.grad(func, wrt=1, mode=mode)(float(k), m)
        want = float(sp.diff(sym(k, mu), mu).subs(mu, sp.Float(m, 50)).evalf(40))
        assert got == pytest.approx(want, rel=1e-9, abs=1e-13), (k, m)
        hess = srcdiff.hessian(func, wrt=1)(float(k), m)
        want2 = float(sp.diff(sym(k, mu), mu, 2).subs(mu, sp.Float(m, 50)).evalf(40))
        assert float(hess) == pytest.approx(want2, rel=1e-7, abs=1e-11), (k, m)
    ks, mus = np.array([[0.0, 2.0, 5.0]]), np.array([[0.5], [3.0]])
    got = srcdiff.jacobian(func, wrt=1, mode=mode)(ks, mus)
    np.testing.assert_allclose(got, fd_jacobian(func, (ks, mus), 1), rtol=1e-6, atol=1e-9)


def dirichlet_logpdf(x, alpha):
    return stats.dirichlet.logpdf(x / np.sum(x, axis=0), alpha)  # x on the simplex


def dirichlet_pdf(x, alpha):
    return stats.dirichlet.pdf(x / np.sum(x, axis=0), alpha)


def dirichlet_short(x, alpha):
    return stats.dirichlet.logpdf(x, alpha)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("samples", [(), (3,)], ids=str)
@pytest.mark.parametrize("func", [dirichlet_logpdf, dirichlet_pdf], ids=lambda f: f.__name__)
def test_dirichlet(func, samples, mode):
    alpha = RNG.random(4) + 1.2
    x = RNG.dirichlet(alpha, size=samples or None).T
    for i in (0, 1):
        got = srcdiff.jacobian(func, wrt=i, mode=mode)(x, alpha)
        want = fd_jacobian(func, (x, alpha), i)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7, err_msg=str(i))


@pytest.mark.parametrize("func", [dirichlet_logpdf, dirichlet_pdf], ids=lambda f: f.__name__)
def test_dirichlet_hessian(func):
    alpha = RNG.random(4) + 1.2
    x = RNG.dirichlet(alpha)
    for i in (0, 1):
        hess = srcdiff.hessian(func, wrt=i)(x, alpha)
        ref = fd_jacobian(srcdiff.grad(func, wrt=i), (x, alpha), i)
        np.testing.assert_allclose(hess, ref, rtol=1e-5, atol=1e-6, err_msg=str(i))


def test_dirichlet_with_a_component_left_out_is_refused():
    alpha = np.array([1.5, 2.0, 2.5])
    with pytest.raises(srcdiff.SrcDiffError, match="one row per component"):
        srcdiff.grad(dirichlet_short)(np.array([0.2, 0.3]), alpha)


def mvn_logpdf(x, mean, cov):
    return stats.multivariate_normal.logpdf(x, mean, cov)


def mvn_pdf(x, mean, cov):
    return stats.multivariate_normal.pdf(x, mean=mean, cov=cov)


def mvn_logpdf_centred(x, cov):
    return stats.multivariate_normal.logpdf(x, cov=cov)


def mvn_entropy(mean, cov):
    return stats.multivariate_normal.entropy(mean, cov)


def mvn_singular(x, mean, cov):
    return stats.multivariate_normal.logpdf(x, mean, cov, allow_singular=True)


def _spd(n):
    m = RNG.standard_normal((n, n))
    return m @ m.T + np.eye(n)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("samples", [(), (5,)], ids=str)
@pytest.mark.parametrize("func", [mvn_logpdf, mvn_pdf], ids=lambda f: f.__name__)
def test_multivariate_normal(func, samples, mode):
    """cov is read through its lower triangle (scipy's eigh): a perturbation of an entry
    above the diagonal changes nothing, and its derivative is 0."""
    x, mean, cov = RNG.standard_normal(samples + (3,)), RNG.standard_normal(3), _spd(3)
    for i in (0, 1, 2):
        got = srcdiff.jacobian(func, wrt=i, mode=mode)(x, mean, cov)
        want = fd_jacobian(func, (x, mean, cov), i)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8, err_msg=str(i))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_multivariate_normal_defaults_and_entropy(mode):
    x, cov = RNG.standard_normal(3), _spd(3)
    for i in (0, 1):
        got = srcdiff.jacobian(mvn_logpdf_centred, wrt=i, mode=mode)(x, cov)
        want = fd_jacobian(mvn_logpdf_centred, (x, cov), i)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8)
        got = srcdiff.jacobian(mvn_entropy, wrt=i, mode=mode)(x, cov)
        want = fd_jacobian(mvn_entropy, (x, cov), i)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8)


def test_multivariate_normal_singular_covariance():
    """Allowed singular: in x and mean along the support (the pseudo-inverse), as scipy
    computes it; in cov refused where it is singular (the rank would change)."""
    cov = np.diag([1.0, 2.0, 0.0])
    x, mean = np.array([0.3, -0.2, 0.5]), np.array([0.1, 0.4, 0.5])
    for mode in ("reverse", "forward"):
        gx, gm = srcdiff.grad(mvn_singular, wrt=(0, 1), mode=mode)(x, mean, cov)
        np.testing.assert_allclose(gx, [-0.2, 0.3, 0.0], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(gm, -gx, rtol=1e-12, atol=1e-15)
    with pytest.raises(srcdiff.DomainError, match="singular covariance"):
        srcdiff.grad(mvn_singular, wrt=2)(x, mean, cov)


def test_multivariate_normal_hessian_in_x_and_refused_in_cov():
    x, mean, cov = RNG.standard_normal(3), RNG.standard_normal(3), _spd(3)
    hess = srcdiff.hessian(mvn_logpdf, wrt=0)(x, mean, cov)
    np.testing.assert_allclose(hess, -np.linalg.inv(cov), rtol=1e-10)
    with pytest.raises(srcdiff.SrcDiffError, match="no derivative with respect to its argument"):
        srcdiff.hessian(mvn_logpdf, wrt=2)(x, mean, cov)


def test_every_rule_is_tested():
    tested = {f"scipy.stats.norm.{f.__name__}" for f in SYM if f is not logpdf_keywords}
    tested |= {f"scipy.stats.{n}.{fn}" for n, fn in DIST_FUNCS}
    tested |= {f"scipy.stats.poisson.{fn}" for fn in ("logpmf", "pmf", "cdf")}
    tested |= {"scipy.stats.dirichlet.logpdf", "scipy.stats.dirichlet.pdf"}
    tested |= {f"scipy.stats.multivariate_normal.{fn}" for fn in ("logpdf", "pdf", "entropy")}
    registered = {r.label for r in scipy_stats.REGISTERED}
    # the four cumulative functions share one template family: each distribution has
    # at least one of them tested above, and norm all four
    untested = registered - tested
    assert all(label.rsplit(".", 1)[1] in ("cdf", "sf", "logcdf", "logsf") for label in untested)
    assert tested <= registered


def cauchy_pdf(x):
    return np.sum(stats.cauchy.pdf(x) * x)


def test_a_method_without_a_rule_is_refused_with_a_hint_that_works():
    with pytest.raises(
        srcdiff.SrcDiffError, match="no derivative rule for stats.cauchy.pdf"
    ) as info:
        srcdiff.grad(cauchy_pdf)(np.ones(3))
    assert 'srcdiff.register_rule(stats.cauchy.pdf, "x, ...", partials=' in str(info.value)
