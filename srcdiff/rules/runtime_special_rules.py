"""Rules for the helpers in srcdiff/runtime/special.py, which the SciPy rules' templates
call, so generated SciPy code can be differentiated again (Hessians).

NumPy only, like the helpers, so this module is registered with the others at
`import srcdiff`; the SciPy families themselves load lazily (rules/__init__.py).
Every helper is linear in its array argument(s): the jvp is the helper on the tangent,
the vjp its transpose (or, for a bilinear one, the other factor applied to g).
"""

import numpy as np

from ..runtime import core as runtime
from ..runtime import special as rs
from .core import RULES, Rule, make_rule, nondiff_rule

NS = {"np": np, "unbroadcast": runtime.unbroadcast, **{n: getattr(rs, n) for n in rs.__all__}}

#: Every rule this module registers, in order (tests walk it).
REGISTERED: list[Rule] = []


def rule(func, params, jvp, vjp, result="array", zero=(), shares=()):
    r = make_rule(
        func,
        params,
        jvp=jvp,
        vjp=vjp,
        namespace=NS,
        result=result,
        zero=zero,
        label=f"srcdiff.runtime.{func.__name__}",
    )
    r.shares = shares  # the parameters whose memory the result may be (a view of)
    REGISTERED.append(r)
    RULES.add(r)


# logsumexp's a broadcast against its weights b: a read-only view of a
rule(
    rs.broadcast_of,
    "a, b",
    jvp={"a": "broadcast_of(t, b)"},
    vjp={"a": "unbroadcast(g, a)"},
    zero="b",
    shares=("a",),
)
# a value in x's dtype: `v` itself where it has that dtype already
rule(
    rs.in_dtype_of,
    "v, x",
    jvp={"v": "in_dtype_of(t, x)"},
    vjp={"v": "in_dtype_of(g, v)"},
    result="same",
    zero="x",
    shares=("v",),
)
REGISTERED.append(nondiff_rule(rs.is_transposed, "int", "srcdiff.runtime.is_transposed"))
RULES.add(REGISTERED[-1])
rule(
    rs.transposed_if,
    "m, trans",
    jvp={"m": "transposed_if(t, trans)"},
    vjp={"m": "transposed_if(g, trans)"},
    shares=("m",),
)
rule(
    rs.triangle,
    "m, lower, unit_diagonal=False",
    jvp={"m": "triangle(t, lower, unit_diagonal)"},
    vjp={"m": "triangle(g, lower, unit_diagonal)"},
)
# u v^T: bilinear; the cotangents are g v and g^T u (vectors or matrices alike)
rule(
    rs.outer_rows,
    "u, v",
    jvp={"u": "outer_rows(t, v)", "v": "outer_rows(u, t)"},
    vjp={"u": "np.matmul(g, v)", "v": "np.matmul(np.swapaxes(g, -1, -2), u)"},
)
# [[a, e], [0, a]], its top-right block and the sum of its diagonal blocks: each
# other's transposes
rule(
    rs.frechet_block,
    "a, e",
    jvp={"a": "frechet_block(t, np.zeros_like(e))", "e": "frechet_block(np.zeros_like(a), t)"},
    vjp={"a": "frechet_block_da(g)", "e": "frechet_corner(g)"},
)
rule(
    rs.frechet_corner,
    "m",
    jvp={"m": "frechet_corner(t)"},
    vjp={"m": "frechet_block(np.zeros_like(g), g)"},
)
rule(
    rs.frechet_block_da,
    "v",
    jvp={"v": "frechet_block_da(t)"},
    vjp={"v": "frechet_block(g, np.zeros_like(g))"},
)
REGISTERED.append(nondiff_rule(rs.full_shape, "other", "srcdiff.runtime.full_shape"))
RULES.add(REGISTERED[-1])
rule(
    rs.centered,
    "m, shape",
    jvp={"m": "centered(t, shape)"},
    vjp={"m": "embed_centered(g, np.shape(m))"},
)
rule(
    rs.embed_centered,
    "v, shape",
    jvp={"v": "embed_centered(t, shape)"},
    vjp={"v": "centered(g, np.shape(v))"},
)
rule(
    rs.along_components,
    "alpha, x",
    jvp={"alpha": "along_components(t, x)"},
    vjp={"alpha": "sum_samples(g)"},
    zero="x",
    shares=("alpha",),
)
rule(
    rs.sum_samples,
    "m",
    jvp={"m": "sum_samples(t)"},
    vjp={"m": "np.broadcast_to(along_components(g, m), np.shape(m))"},
)
# multivariate_normal's helpers: linear in their first argument; in dev and cov they have
# no derivative (a Hessian through the covariance is refused, naming the argument)
rule(
    rs.mvn_solve,
    "dev, cov",
    jvp={"dev": "mvn_solve(t, cov)"},
    vjp={"dev": "mvn_solve(g, cov)"},
)
rule(
    rs.mvn_cov_vjp,
    "v, dev, cov",
    jvp={"v": "mvn_cov_vjp(t, dev, cov)"},
    vjp={"v": "mvn_cov_jvp(g, dev, cov)"},
)
rule(
    rs.mvn_cov_jvp,
    "u, dev, cov",
    jvp={"u": "mvn_cov_jvp(t, dev, cov)"},
    vjp={"u": "mvn_cov_vjp(g, dev, cov)"},
)
# solve_banded's storage: the band of a matrix and the matrix of a band, each other's transpose
rule(
    rs.banded_to_full,
    "l_and_u, ab",
    jvp={"ab": "banded_to_full(l_and_u, t)"},
    vjp={"ab": "banded_part(l_and_u, g, ab)"},
)
rule(
    rs.banded_part,
    "l_and_u, m, ab",
    jvp={"m": "banded_part(l_and_u, t, ab)"},
    vjp={"m": "banded_to_full(l_and_u, g)"},
    zero="ab",
)
