"""Source is read only for the user's code: a Python function from an installed package
(site-packages, dist-packages) or the standard library with no rule is a NoRuleError that
names it, whose register_rule hint works when followed.  (Before, srcdiff differentiated
into the library's own source and failed there: "move the try/except outside" pointing at
statistics.py.)"""

from __future__ import annotations

import importlib
import math
import statistics
import sys
import textwrap

import numpy as np
import pytest

import srcdiff
from srcdiff.compiler.source import is_library


def uses_fmean(x, y):
    return statistics.fmean([x, y]) * x


def test_a_standard_library_function_is_not_read_as_source():
    assert is_library(statistics.fmean) and not is_library(uses_fmean)
    with pytest.raises(srcdiff.NoRuleError) as info:
        srcdiff.grad(uses_fmean)(0.3, 0.5)
    msg = str(info.value)
    assert "no derivative rule for statistics.fmean" in msg
    assert "test_library_boundary.py:" in msg and "^" in msg  # the user's line, not the library's
    # fmean is given a list here: its rule needs jvp/vjp templates over lists, not a partial
    assert 'srcdiff.register_rule(statistics.fmean, "data", jvp={"data": "<' in msg
    assert "partials=" not in msg


def test_an_installed_packages_python_function_is_not_read_as_source():
    special = pytest.importorskip("scipy.special")
    spherical_jn = special.spherical_jn  # a Python function in SciPy, without a rule
    assert is_library(spherical_jn)
    assert not srcdiff.rules.RULES.lookup(spherical_jn)

    def uses_bessel(x):
        return spherical_jn(0, x) * x

    with pytest.raises(srcdiff.NoRuleError, match=r"no derivative rule for scipy\.special"):
        srcdiff.grad(uses_bessel)(3.0)


@pytest.fixture
def installed_package(tmp_path, monkeypatch):
    """A package in a folder named site-packages, importable, as pip would install it."""
    site = tmp_path / "site-packages"
    (site / "softlib").mkdir(parents=True)
    (site / "softlib" / "__init__.py").write_text(
        textwrap.dedent(
            """
            import math


            def softplus(x):
                return math.log1p(math.exp(x))

            def mean_of(data):
                return math.fsum(data) / len(data)

            def sincos(x):
                return math.sin(x), math.cos(x)
            """
        )
    )
    monkeypatch.syspath_prepend(str(site))
    yield importlib.import_module("softlib")
    sys.modules.pop("softlib", None)


def test_the_hint_for_an_installed_function_works_when_followed(installed_package):
    softplus = installed_package.softplus

    def model(x):
        return softplus(2.0 * x) + x

    with pytest.raises(srcdiff.NoRuleError) as info:
        srcdiff.grad(model)(0.3)
    msg = str(info.value)
    assert "no derivative rule for softlib.softplus" in msg
    hint = 'srcdiff.register_rule(softlib.softplus, "x", partials={"x": "<d out / d x>"})'
    assert hint in msg
    # followed, with the partial written in: d softplus / dx = 1 / (1 + exp(-x))
    srcdiff.register_rule(softplus, "x", partials={"x": "1 / (1 + exp(-x))"}, namespace=vars(math))
    for mode in ("reverse", "forward"):
        got = srcdiff.grad(model, mode=mode)(0.3)
        assert got == pytest.approx(2.0 / (1.0 + math.exp(-0.6)) + 1.0, rel=1e-12)
    x = np.array([0.1, -0.4])
    hess = srcdiff.hessian(lambda_free_model_of(softplus))(x)
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(hess, np.diag(s * (1 - s)), rtol=1e-10)


def lambda_free_model_of(softplus):
    def total(x):
        return np.sum(np.array([softplus(v) for v in x]))

    return total


def test_the_hint_for_a_function_given_a_list_works_when_followed(installed_package):
    """A partial derivative can't be written for a list parameter (following such a hint
    made jvp `t * (...)` of a list of tangents, a TypeError); the hint gives templates over
    lists, and the example it shows, adapted to a mean, is a working rule."""
    mean_of = installed_package.mean_of

    def model(x, y):
        return mean_of([x * x, x * y, y]) * x

    with pytest.raises(srcdiff.NoRuleError) as info:
        srcdiff.grad(model)(0.3, 0.5)
    msg = str(info.value)
    expected = (
        'srcdiff.register_rule(softlib.mean_of, "data", jvp={"data": "<tangent of out from '
        't, the list of data\'s tangents>"}, vjp={"data": "<the list of data\'s '
        'cotangents, one per item, from g>"}) (data is a list here; for a sum of its items '
        'they would be "math.fsum(t)" and "repeat_for(g, data)", with namespace={"math": '
        'math, "repeat_for": srcdiff.runtime.repeat_for}'
    )
    assert expected in msg
    # followed: a mean is that sum divided by the length
    srcdiff.register_rule(
        mean_of,
        "data",
        jvp={"data": "math.fsum(t) / len(data)"},
        vjp={"data": "repeat_for(g / len(data), data)"},
        namespace={"math": math, "repeat_for": srcdiff.runtime.repeat_for},
    )

    def exact(x, y):  # d/dx, d/dy of (x*x + x*y + y) / 3 * x
        return ((2 * x + y) * x + (x * x + x * y + y)) / 3, (x + 1) * x / 3

    for mode in ("reverse", "forward"):
        got = srcdiff.grad(model, wrt=(0, 1), mode=mode)(0.3, 0.5)
        assert got == pytest.approx(exact(0.3, 0.5), rel=1e-12)
    # second derivatives through the registered templates: d2/dx2 = (6x + 2y) / 3
    hess = srcdiff.hessian(model, wrt=0)(0.3, 0.5)
    assert hess == pytest.approx((6 * 0.3 + 2 * 0.5) / 3, rel=1e-10)


def test_the_hint_for_a_function_of_several_results_works_when_followed(installed_package):
    """`s, c = sincos(x)`: a partial describes one result, so the hint gives jvp as a
    tuple of tangents and vjp from the results' cotangents g[0], g[1]."""
    sincos = installed_package.sincos

    def model(x):
        s, c = sincos(x * 2.0)
        return s * c + s

    with pytest.raises(srcdiff.NoRuleError) as info:
        srcdiff.grad(model)(0.3)
    expected = (
        'srcdiff.register_rule(softlib.sincos, "x", jvp={"x": "(<tangent of out[0]>, '
        '<tangent of out[1]>)"}, vjp={"x": "<cotangent of x from g[0], g[1]>"})'
    )
    assert expected in str(info.value)
    srcdiff.register_rule(
        sincos,
        "x",
        jvp={"x": "(t * out[1], -t * out[0])"},
        vjp={"x": "g[0] * out[1] - g[1] * out[0]"},
    )
    want = 2.0 * (math.cos(1.2) + math.cos(0.6))  # d/dx of sin(2x) cos(2x) + sin(2x)
    for mode in ("reverse", "forward"):
        assert srcdiff.grad(model, mode=mode)(0.3) == pytest.approx(want, rel=1e-12)
