"""Program families for what README lists as differentiated but the other generators did
not draw: SciPy's special functions, decompositions and linear algebra on random
well-conditioned matrices (NumPy's and scipy.linalg's, several results unpacked),
scipy.stats densities, 0-d arrays and integer powers, and slices with negative steps on
every axis (read, and written into a local array).

* ``special`` -- chains of scipy.special functions, each argument kept in its domain
  (positive where the function needs it: ``np.exp(a) + 0.5``), tried on the real
  arguments as the program is written (as families.pipeline does);
* ``decompositions`` -- ``slogdet``, ``eigh`` (values, and vectors in sign-free forms such
  as ``(v * w) @ v.T``), ``svd`` unpacked, ``lstsq``, ``cholesky``, ``solve``, ``inv``,
  ``pinv``, and scipy.linalg's ``solve_triangular``, ``cho_solve``, ``expm``, ``sqrtm``,
  ``solve_sylvester`` of ``A @ A.T + n I`` (symmetric positive definite, condition
  number a few units);
* ``stats`` -- scipy.stats densities and distribution functions in ``x``, ``loc`` and
  ``scale``;
* ``zero_d`` -- a 0-d array parameter with integer and negative integer powers
  (``x ** 3``, ``(x * x + 0.5) ** -2``, ``np.power``, ``x ** n`` of an int parameter),
  ``x[()]``, ``float(x)``, broadcasting against arrays;
* ``neg_steps`` -- ``x[::-1]``, ``x[-1::-2]``, ``x[3:0:-1]`` on every axis of rank 1-3
  arrays, broadcast against a weight with a length-1 axis anywhere, and stores through
  negative-step slices (``y[::-2] += ...``).

Every program runs in plain Python by construction (each operation is tried on the
arguments), and is differentiable at the point almost surely.
"""

from __future__ import annotations

import numpy as np

LIBRARY_FAMILIES = ("special", "decompositions", "stats", "zero_d", "neg_steps")

SCIPY_HEADER = (
    "import scipy.linalg as sla\nimport scipy.special as special\nimport scipy.stats as stats\n\n\n"
)

# {a}: any real array; {p}: the same made positive
SPECIAL = [
    "special.expit({a})",
    "special.logit(special.expit({a}) * 0.8 + 0.1)",
    "special.logsumexp({a}, axis=-1)",
    "special.logsumexp({a}, axis=0, keepdims=True)",
    "special.softmax({a}, axis=-1)",
    "special.log_softmax({a})",
    "special.gammaln({p})",
    "special.digamma({p})",
    "special.psi({p})",
    "special.polygamma(1, {p})",
    "special.zeta(2.5, {p})",
    "special.gamma({p})",
    "special.rgamma({p})",
    "special.beta({p}, 1.5)",
    "special.betaln({p}, {p})",
    "special.multigammaln({p} + 2.0, 2)",
    "special.gammainc(2.0, {p})",
    "special.gammaincc(1.5, {p})",
    "special.betainc(2.0, 3.0, special.expit({a}))",
    "special.erf({a})",
    "special.erfc({a})",
    "special.erfinv(np.tanh({a}) * 0.9)",
    "special.erfcinv(special.expit({a}) + 0.2)",
    "special.ndtr({a})",
    "special.ndtri(special.expit({a}) * 0.9 + 0.05)",
    "special.log_ndtr({a})",
    "special.xlogy({p}, {p})",
    "special.xlog1py({p}, np.tanh({a}) * 0.5)",
    "special.entr({p})",
    "special.i0({a})",
    "special.i1({a})",
    "special.i0e({a})",
    "special.i1e({a})",
    "special.iv(1.5, {p})",
    "special.ive(0.5, {p})",
    "special.j0({a})",
    "special.j1({a})",
    "special.jv(2.0, {a})",
    "special.jn(1, {a})",
    "special.y0({p})",
    "special.y1({p})",
    "special.yv(1.0, {p})",
    "special.yn(2, {p})",
    "special.loggamma({p})",
    "special.poch({p}, 2.0)",
    "special.boxcox({p}, 0.5)",
    "special.boxcox1p({p}, 0.3)",
    "special.kl_div({p}, {p} + 0.5)",
    "special.rel_entr({p}, {p} * 2.0)",
    "special.erfcx({a})",
    "special.dawsn({a})",
    "special.exp1({p})",
    "special.expi({p})",
    "special.owens_t({a}, {a})",
    "special.factorial({p})",
    "special.sici({p})[0]",
    "special.sici({p})[1] * special.sici({p})[0]",
    "special.fresnel({a})[1]",
    "np.frexp({a})[0]",
    "np.ldexp({a}, 3)",
    "({a} * 2.0).astype(int) * {a}",
]
POSITIVE = ["(np.exp({a}) + 0.5)", "({a} * {a} + 0.5)", "(np.abs({a}) + 0.75)"]

# (statement lines using M (n x n SPD), A (n x n), b (n,), producing r), then r is summed
DECOMPOSITIONS = [
    ["r = np.linalg.slogdet(M)[1] * b"],
    ["w, v = np.linalg.eigh(M)", "r = (v * w) @ v.T @ b"],
    ["w, v = np.linalg.eigh(M)", "r = w * b + v[:, -1] ** 2"],
    ["r = np.linalg.eigh(M)[0] ** 2"],
    ["u, s, vt = np.linalg.svd(A)", "r = (u * s) @ vt @ b"],
    ["r = np.linalg.svd(A, compute_uv=False) * b"],
    ["u, s, vt = np.linalg.svd(A)", "r = s[0] * np.outer(u[:, 0], vt[0]) @ b"],
    ["r = np.linalg.lstsq(A + 3.0 * np.eye(A.shape[0]), b, rcond=None)[0]"],
    ["L = np.linalg.cholesky(M)", "r = L @ b"],
    ["r = np.linalg.solve(M, b) * np.linalg.det(M)"],
    ["r = np.linalg.inv(M) @ b"],
    ["r = np.linalg.pinv(A) @ b"],
    ["r = np.linalg.matrix_power(M, 3) @ b / 100.0"],
    ["r = np.linalg.norm(M @ b) * b"],
    ["r = sla.solve_triangular(np.tril(M), b, lower=True)"],
    ["r = sla.solve_triangular(np.triu(M), b, trans=1)"],
    ["c = sla.cholesky(M, lower=True)", "r = sla.cho_solve((c, True), b)"],
    ["r = sla.expm(A * 0.3) @ b"],
    ["r = sla.sqrtm(M) @ b"],
    ["r = sla.solve_sylvester(M, M * 0.5 + np.eye(M.shape[0]), np.outer(b, b))"],
    ["r = sla.solve(M, b) + sla.inv(M) @ b * sla.det(M)"],
]

STATS = [
    "stats.norm.logpdf(x, m, s)",
    "stats.norm.cdf(x, m, s)",
    "stats.norm.logsf(x, loc=m, scale=s)",
    "stats.t.logpdf(x, 4.0, m, s)",
    "stats.gamma.logpdf(np.exp(x) + 0.1, 2.0, scale=s)",
    "stats.chi2.pdf(np.exp(x) + 0.1, 3.0)",
    "stats.beta.logpdf(special.expit(x), 2.0, 3.0)",
    "stats.norm.pdf(x * s, m)",
]

ZERO_D = [
    "x ** 3",
    "(x * x + 0.5) ** -2",
    "np.power(x, 2)",
    "x ** n",
    "s ** n * x",
    "(x + 2.0) ** (n - 1)",
    "x[()] * s",
    "float(x) * w",
    "x * w ** 2",
    "np.sqrt(x * x + 1.0) * w",
    "np.atleast_1d(x) * w",
    "np.reshape(x, (1,)) + w",
    "np.sum(x) * x",
    "x[...] * 2.0",
    "np.maximum(x, 0.1 * w)",
    "x ** 0 + x ** 1",
]


class LibraryFamilies:
    """Mixed into families.Family (its `pick`, `chance`, `rng`, `value`)."""

    def special(self):
        from scipy import special  # noqa: F401 - the scope the operations are tried in

        from .families import _try

        shape = self.pick([(3,), (4,), (2, 3)])
        args = {"x": self.value(shape), "w": self.value(shape)}
        scope = {"np": np, "special": special, **{k: np.array(v) for k, v in args.items()}}
        names, lines = ["x", "w"], []
        for step in range(self.rng.randrange(2, 5)):
            for _ in range(30):
                a = self.pick(names)
                expr = self.pick(SPECIAL).format(a=a, p=self.pick(POSITIVE).format(a=a))
                value = _try(expr, scope)
                if value is not None:
                    break
            else:
                continue
            scope[f"v{step}"] = value
            names.append(f"v{step}")
            lines.append(f"    v{step} = {expr}")
        out = " + ".join(f"np.sum({n} * {n})" for n in names[2:]) or "np.sum(x * w)"
        lines.append(f"    return {out} + np.sum({names[-1]} * w)")
        src = SCIPY_HEADER + "def f(x, w):\n" + "\n".join(lines) + "\n"
        return src, args, ("x", "w")

    def decompositions(self):
        n = self.pick([2, 3, 4])
        body = self.pick(DECOMPOSITIONS)
        lines = ["    M = A @ A.T + n * np.eye(n)", *(f"    {line}" for line in body)]
        lines.append("    return np.sum(r * r) + np.sum(np.tanh(r))")
        src = SCIPY_HEADER + "def f(A, b, n):\n" + "\n".join(lines) + "\n"
        args = {"A": self.value((n, n)), "b": self.value((n,)), "n": n}
        return src, args, ("A", "b")

    def stats(self):
        picks = [self.pick(STATS) for _ in range(self.rng.randrange(1, 4))]
        total = " + ".join(f"np.sum({p})" for p in picks)
        src = SCIPY_HEADER + f"def f(x, m, s):\n    return {total}\n"
        shape = self.pick([(3,), (2, 2)])
        args = {"x": self.value(shape), "m": self.value(()), "s": 0.5 + abs(self.value(()))}
        return src, args, ("x", "m", "s")

    def zero_d(self):
        picks = [self.pick(ZERO_D) for _ in range(self.rng.randrange(2, 5))]
        lines = [f"    t{i} = {p}" for i, p in enumerate(picks)]
        total = " + ".join(f"np.sum(t{i})" for i in range(len(picks)))
        lines.append(f"    return {total}")
        src = "def f(x, w, s, n):\n" + "\n".join(lines) + "\n"
        args = {
            "x": np.array(self.value(())),
            "w": self.value(self.pick([(3,), (2, 2)])),
            "s": 0.5 + abs(self.value(())),
            "n": self.pick([2, 3]),
        }
        return src, args, ("x", "w", "s")

    def neg_steps(self):
        from .families import _try

        shape = self.pick([(5,), (4, 3), (3, 4), (2, 3, 4), (3, 2, 3)])
        rank = len(shape)
        axis = self.rng.randrange(rank)
        wshape = tuple(1 if i == self.rng.randrange(rank) else n for i, n in enumerate(shape))
        args = {"x": self.value(shape), "w": self.value(wshape), "s": self.value(())}
        scope = {"np": np, "x": args["x"], "w": args["w"], "s": args["s"]}
        steps = ["::-1", "::-2", "-1::-2", "-2::-1", "3:0:-1", ":0:-1"]

        def index(step):
            parts = [":"] * rank
            parts[axis] = step
            return ", ".join(parts)

        reads = []
        for _ in range(self.rng.randrange(2, 4)):
            for _ in range(20):
                expr = f"x[{index(self.pick(steps))}] * w[{index('::-1')}]"
                if _try(expr, scope) is not None:
                    reads.append(expr)
                    break
        lines = ["    y = x * 1.0"]
        for _ in range(self.rng.randrange(1, 3)):
            for _ in range(20):
                step = self.pick(steps)
                stmt = f"y[{index(step)}] {self.pick(['+=', '*=', '-='])} s * x[{index(step)}]"
                trial = {**scope, "y": args["x"] * 1.0}
                try:
                    exec(stmt, trial)
                except Exception:  # noqa: BLE001 - shapes NumPy rejects: draw again
                    continue
                lines.append(f"    {stmt}")
                break
        total = " + ".join(f"np.sum(np.sin({r}))" for r in reads) or "0.0"
        lines.append(f"    return {total} + np.sum(y * y * w)")
        src = "def f(x, w, s):\n" + "\n".join(lines) + "\n"
        return src, args, ("x", "w", "s")
