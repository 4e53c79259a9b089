"""Program families the expression generator (generator.py) does not combine: each is a
template with random shapes, operators and constants, written the way a person writes
NumPy code, so the tester reaches constructs README claims in combinations the
recursive generator never builds.

* ``broadcast`` -- arrays of rank 1 to 3 against arrays with length-1 axes on any axis
  and scalars; reductions with negative axes and ``keepdims`` broadcast back
  (``t - t.mean(axis=-1, keepdims=True)``);
* ``piecewise`` -- chains of ``np.where`` / ``np.maximum`` / ``np.minimum`` /
  ``np.clip`` on broadcast operands;
* ``while_break`` -- ``while`` loops with ``break`` and ``continue`` whose tests read
  arrays;
* ``helper_loop`` -- helpers with default and keyword arguments returning tuples,
  unpacked in a loop that carries arrays;
* ``slice_aug`` -- ``+=`` / ``-=`` / ``*=`` on slices (rows, columns, steps) of a copy in
  a loop;
* ``matmul`` -- matmul chains with transposes (``A @ B.T @ x``, ``x @ A.T``, ``A.T @ A``);
* ``stack_index`` -- ``np.stack`` / ``np.concatenate`` (``axis=-1`` too) then basic and
  integer indexing of the result, or of a list joined, grown and joined again;
* ``list_reads`` -- a named list of arrays (or of numbers), one of them constant, read
  by two of the functions that take a sequence (joins, ``multi_dot``, ``np.select``,
  ``sum``; ``math.fsum``, ``max``, ``np.polyval``, ``np.interp``);
* ``dict_params`` -- parameters in a dict, read by key, passed whole as ``wrt``;
* the container families of container_families.py (dicts passed to helpers, helpers
  returning containers, ``state = step(state)`` loops, lists of dicts, NamedTuple and
  dataclass parameters, comprehensions and ``sum``);
* the families of rebind_families.py: floats combined with masks and integer arrays
  (``np.sum(x) * (x > 0)``), and names rebound to a value of another shape
  (``acc = x[0]`` then ``acc = acc * x``, in loops and through helpers);
* the families of extra_families.py: Python's conveniences beyond the generator's
  (``enumerate(..., start=)``, ``reversed(list(enumerate(xs)))``, ``max(..., default=)``,
  ``any``/``all``, starred unpacking, ``:=``, lambdas and nested defs closing over the
  function's variables) and the NumPy functions taking or giving several arrays
  (``np.gradient``, ``np.pad`` modes, ``np.r_``/``np.c_``, ``np.dstack``, ``multi_dot``,
  einsum's sublist form, splits, ``np.modf``, ``np.frexp``);
* the families of list_edit_families.py: lists changed in place (item assignment,
  insert, sort, reverse, clear, del, pop) and np.add.at / np.subtract.at;
* the families of library_families.py: scipy.special chains, decompositions and linear
  algebra of well-conditioned matrices (NumPy's and scipy.linalg's), scipy.stats, 0-d
  arrays with integer powers, negative-step slices on every axis.
* the family of adv5_families.py: idioms of code nobody on the team wrote (arrays read
  through `1.0 * w` then changed in place, elementwise results unpacked into rows, NumPy's
  functions under local names).

Every program runs in plain Python and is differentiable almost everywhere at the
random point (arguments of ``log``/``sqrt`` are kept positive; kinks of ``where``,
``maximum`` and ``clip`` are the oracle's to detect).  `generate` picks a family from
the seed, deterministically.
"""

from __future__ import annotations

import random

import numpy as np

from .adv5_families import ADV5_FAMILIES, Adv5Families
from .container_families import CONTAINER_FAMILIES, ContainerFamilies
from .extra_families import EXTRA_FAMILIES, ExtraFamilies
from .gaps5_families import GAPS5_FAMILIES, Gaps5Families
from .library_families import LIBRARY_FAMILIES, LibraryFamilies
from .list_edit_families import LIST_EDIT_FAMILIES, ListEditFamilies
from .method_families import METHOD_FAMILIES, MethodFamilies
from .oracle import Case
from .rebind_families import REBIND_FAMILIES, RebindFamilies

MARK = "# tools/fuzz/families.py: "  # a family program's first line, then its family
HEADER = "import numpy as np\n\n\n"

UNARY = [
    "np.sin({})",
    "np.tanh({})",
    "np.exp(np.cos({}))",
    "np.log({0} * {0} + 0.5)",
    "np.sqrt({0} * {0} + 0.25)",
    "({} ** 2)",
    "np.arctan({})",
]

# operations of `pipeline`, on arrays `a` and `b` (any rank; NumPy decides, when the
# program is written, whether one applies to the shapes at hand)
UNARY_OPS = [
    "np.roll({a}, 1, axis=-1)",
    "np.rot90({a})",
    "np.flipud({a})",
    "np.fliplr({a})",
    "np.rollaxis({a}, -1)",
    "np.atleast_2d({a})",
    "np.atleast_3d({a})",
    "np.sort({a}, axis=-1)",
    "np.sort({a}, axis=0)",
    "np.partition({a}, 1, axis=-1)",
    "np.diff({a}, axis=-1)",
    "np.diff({a}, n=2, axis=0)",
    "np.cumsum({a}, axis=-2)",
    "np.cumsum({a})",
    "np.tril({a})",
    "np.triu({a}, 1)",
    "np.diag({a})",
    "np.diagonal({a}, axis1=-2, axis2=-1)",
    "np.pad({a}, 1)",
    "np.pad({a}, 1, mode='edge')",
    "np.pad({a}, 1, mode='reflect')",
    "np.pad({a}, 2, mode='wrap')",
    "np.swapaxes({a}, 0, -1)",
    "np.moveaxis({a}, 0, -1)",
    "np.expand_dims({a}, -1)",
    "np.squeeze({a})",
    "{a}.reshape(-1)",
    "{a}.transpose()",
    "{a}[..., ::-2]",
    "{a}[::-1, None]",
    "{a}[np.array([0, -1])]",
    "{a}[{a} > 0.0]",
    "{a}[..., 1:] * {a}[..., :-1]",
    "np.median({a}, axis=-1)",
    "np.quantile({a}, 0.3, axis=0)",
    "np.percentile({a}, 70.0, axis=-1, keepdims=True)",
    "np.ptp({a}, axis=-1)",
    "np.std({a}, axis=-1, keepdims=True)",
    "np.var({a}, axis=0)",
    "np.prod({a}, axis=-1)",
    "np.linalg.norm({a}, axis=-1)",
    "np.linalg.norm({a}, axis=0, keepdims=True)",
    "np.sum({a}, axis=(0, -1), keepdims=True)",
    "np.mean({a}, axis=-2, keepdims=True)",
    "np.max({a}, axis=(0,), keepdims=True)",
    "np.min({a}, axis=-1)",
    "np.sum({a}, where={a} > 0.0)",
    "np.sum({a}, axis=0, initial=1.0)",
    "np.mean({a}, axis=-1, where={a} < 0.5, keepdims=True)",
    "np.mod({a}, 0.7)",
    "np.fmod({a}, 0.6)",
    "np.sinc({a})",
    "np.select([{a} > 0.3, {a} < -0.3], [{a} * 2.0, np.sin({a})], default=0.1)",
    "np.take_along_axis({a}, np.argsort({a}, axis=-1), axis=-1)",
    "np.gradient({a}, axis=-1)",
    "np.trapezoid({a}, axis=-1)",
    "np.convolve({a}.ravel(), np.array([0.5, -1.0]))",
    "np.polyval({a}.ravel(), 0.3)",
    "np.kron({a}, np.array([1.0, -0.5]))",
    "np.cov({a})",
    "np.linalg.matrix_power({a}, 2)",
    "np.linalg.det({a} + 2.0 * np.eye({a}.shape[-1]))",
    "np.linalg.inv({a} + 2.0 * np.eye({a}.shape[-1]))",
    "np.linalg.pinv({a})",
    "np.append({a}, {a}[..., :1], axis=-1)",
    "np.column_stack([{a}, {a} * 2.0])",
    "np.dstack([{a}, np.sin({a})])",
    "np.r_[{a}.ravel(), 0.5]",
    "np.c_[{a}.ravel(), {a}.ravel() ** 2]",
    "np.einsum({a}, [0, 1], [1, 0])",
    "np.einsum('...i,...i->...', {a}, {a})",
    "np.linalg.multi_dot([{a}, {a}.T, {a}])",
    "np.split({a}, 2, axis=-1)[0]",
    "np.array_split({a}, 3)[-1]",
    "np.clip({a}, -0.5, 0.6) * {a}",
    "np.where({a} > 0.2, {a}, 0.0)",
    "np.maximum({a}, 0.0) + 0.1 * {a}",
    "np.linalg.eigh({a} + {a}.T)[0]",
    "np.linalg.svd({a}, compute_uv=False)",
    "np.linalg.slogdet({a} + 2.0 * np.eye({a}.shape[-1]))[1]",
]
BINARY_OPS = [
    "{a} + {b}",
    "{a} * {b}",
    "{a} - {b}[..., None]",
    "{a}[:, None] * {b}",
    "np.maximum({a}, {b})",
    "np.where({a} > {b}, {a}, {b} * 2.0)",
    "{a} @ {b}",
    "{a} @ {b}.T",
    "{a}.T @ {b}",
    "np.matmul({a}, {b})",
    "np.einsum('...ij,...jk->...ik', {a}, {b})",
    "np.stack([{a}, {b}], axis=-1)",
    "np.stack([{a}, {b}])",
    "np.concatenate([{a}, {b}], axis=-1)",
    "np.concatenate([{a}, {b}])",
    "np.tensordot({a}, {b}, axes=1)",
    "np.outer({a}, {b})",
    "np.cross({a}, {b})",
    "np.hypot({a}, {b})",
    "np.arctan2({a}, {b} + 2.0)",
    "np.vdot({a}, {b})",
    "np.dot({a}, {b})",
    "np.linalg.solve({a} + 3.0 * np.eye({a}.shape[-1]), {b})",
    "np.interp(np.linspace(-1.0, 1.0, 5), np.array([-1.0, 0.0, 1.0]), np.sin({b}).ravel()[:3])",
]


def _try(expr, scope):
    """`expr`'s value in `scope`, or None if NumPy rejects it, warns, or it is not a finite
    float array of moderate size and magnitude (not something to differentiate)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            value = eval(expr, dict(scope))
        except Exception:
            return None
    value = np.asarray(value)
    if value.dtype.kind != "f" or value.size == 0 or value.size > 120:
        return None
    if not np.all(np.isfinite(value)) or np.max(np.abs(value)) > 1e3:
        return None
    return value


class Family(
    ContainerFamilies,
    RebindFamilies,
    LibraryFamilies,
    ExtraFamilies,
    ListEditFamilies,
    MethodFamilies,
    Adv5Families,
    Gaps5Families,
):
    """A random source of one family's programs: shapes, operators, names."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed * 104729 + 17)
        self.np_rng = np.random.default_rng(seed)

    def pick(self, seq):
        return self.rng.choice(list(seq))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def unary(self, e: str) -> str:
        return self.pick(UNARY).format(f"({e})" if " " in e else e)

    def value(self, shape):
        if shape == ():
            return float(np.round(self.np_rng.uniform(-1.2, 1.2), 3))
        return np.round(self.np_rng.uniform(-1.2, 1.2, shape), 3)

    def const(self) -> str:
        return self.pick(["0.5", "1.5", "2.0", "0.3", "-0.7", "0.25"])

    def base_shape(self):
        return self.pick([(4,), (3,), (2, 3), (3, 2), (2, 3, 4), (3, 2, 2), (2, 2, 3)])

    def squeezed(self, shape):
        """A shape broadcasting to `shape`: some axes set to 1, some leading ones dropped."""
        out = [1 if self.chance(0.4) else n for n in shape]
        drop = self.rng.randrange(len(out) + 1) if self.chance(0.4) else 0
        return tuple(out[drop:])

    # -- families ---------------------------------------------------------------------
    def broadcast(self):
        shape = self.base_shape()
        wshape = self.squeezed(shape)
        axis = -self.rng.randrange(1, len(shape) + 1)
        red = self.pick(["mean", "sum", "max", "min"])
        lines = [
            f"    t = {self.unary('x')} {self.pick(['*', '+', '-'])} w",
            f"    m = t.{red}(axis={axis}, keepdims=True)",
            f"    u = (t - m) * {self.pick(['s', self.const()])}",
        ]
        if len(shape) >= 2 and self.chance(0.6):
            axis2 = self.pick([-1, -2, 0])
            lines.append(f"    c = np.sum(u * w, axis={axis2}, keepdims=True)")
            lines.append(f"    u = u + {self.unary('c')}")
        if self.chance(0.5):  # np.sum/max/min take axis=-1 on a 0-d w too (mean does not)
            wred = self.pick(["sum", "max", "min"])
            lines.append(f"    u = u * np.{wred}(w, axis=-1, keepdims=True)")
        lines.append(f"    return np.sum({self.unary('u')}) + s * np.mean(w)")
        src = "def f(x, w, s):\n" + "\n".join(lines) + "\n"
        args = {"x": self.value(shape), "w": self.value(wshape), "s": self.value(())}
        return src, args, ("x", "w", "s")

    def piecewise(self):
        shape = self.base_shape()
        wshape = self.squeezed(shape)
        lines = [f"    a = {self.unary('x')} * w"]
        for _ in range(self.rng.randrange(2, 5)):
            e = self.pick(
                [
                    f"np.where(a > {self.const()}, a * s, {self.unary('a')})",
                    f"np.maximum(a, {self.unary('w')})",
                    "np.minimum(a, s * w)",
                    "np.clip(a, -0.6, 0.8) + 0.1 * a",
                    "np.where(w > 0.0, a, -a)",
                    "np.maximum(a, 0.0) * x",
                ]
            )
            lines.append(f"    a = {e}")
        lines.append(f"    return np.sum(a * {self.unary('x')})")
        src = "def f(x, w, s):\n" + "\n".join(lines) + "\n"
        args = {"x": self.value(shape), "w": self.value(wshape), "s": self.value(())}
        return src, args, ("x", "w", "s")

    def while_break(self):
        n = self.pick([3, 4, 5])
        limit = self.pick(["2.0", "4.0", "8.0"])
        skip = self.pick(["x[j] > 0.5", "x[j] < -0.3", "j % 2 == 1", "acc[j % 2] > 1.0"])
        stop = self.pick([f"np.sum(acc * acc) > {limit}", "x[j] * s > 0.9", "j >= n - 2"])
        upd = self.pick(
            [
                "acc = acc * np.tanh(x[j]) + s",
                "acc = acc + np.sin(x[j] * acc)",
                "acc[j % 2] = acc[j % 2] + x[j] * s",
            ]
        )
        src = (
            "def f(x, s):\n"
            "    acc = np.ones(2) * s\n"
            "    i = 0\n"
            f"    n = {n}\n"
            "    while i < n:\n"
            "        j = i\n"
            "        i = i + 1\n"
            f"        if {skip}:\n"
            "            continue\n"
            f"        {upd}\n"
            f"        if {stop}:\n"
            "            break\n"
            "    return np.sum(acc ** 2) + acc[0]\n"
        )
        args = {"x": self.value((n,)), "s": self.value(())}
        return src, args, ("x", "s")

    def helper_loop(self):
        shape = self.pick([(3,), (2, 3)])
        scale = self.pick(["2.0", "0.5", "1.5"])
        helper = (
            f"def step(a, b, rate={scale}, *, shift=0.0, power=1):\n"
            f"    c = {self.unary('a')} * rate + b\n"
            f"    return c + shift, np.sum(c ** power * a)\n"
        )
        call = self.pick(
            [
                "step(h, x)",
                "step(h, x, 0.3)",
                "step(h, x, shift=s)",
                "step(b=x, a=h, rate=s)",
                "step(h, x * s, rate=0.7, shift=1.0)",
                # an integer the gradient saves (the loop counter) or passes (a default)
                # as an exponent of negative values: Hessians' second pass once took it
                # for a differentiated number (log of a negative base: nan)
                "step(h, x, power=k + 1)",
                "step(h, x, 0.3, power=2)",
            ]
        )
        trips = self.pick([2, 3])
        src = (
            helper
            + "\n\n"
            + "def f(x, s):\n"
            + "    h = x * s\n"
            + "    total = 0.0\n"
            + f"    for k in range({trips}):\n"
            + f"        h, e = {call}\n"
            + "        h = np.tanh(h)\n"
            + "        total = total + e * (k + 1)\n"
            + "    return total + np.sum(h)\n"
        )
        return src, {"x": self.value(shape), "s": self.value(())}, ("x", "s")

    def slice_aug(self):
        shape = self.pick([(4,), (5,), (3, 4), (4, 3)])
        n = shape[0]
        target = self.pick(
            [
                "y[i:i + 2]",
                "y[1:]",
                "y[::2]",
                "y[i]",
                "y[:, 1:]" if len(shape) == 2 else "y[:-1]",
                "y[i, :]" if len(shape) == 2 else "y[-1]",
            ]
        )
        op = self.pick(["+=", "-=", "*="])
        if op == "*=":
            rhs = "np.tanh(s) + 1.5"
        else:
            first, last = ("x[0]", "x[-1]") if len(shape) == 1 else ("x[0, 0]", "x[-1, -1]")
            rhs = self.pick([f"s * {first}", "np.sin(s)", f"{first} * {last}", "s * np.mean(x)"])
        src = (
            "def f(x, s):\n"
            "    y = x.copy()\n"
            f"    for i in range({n - 2}):\n"
            f"        {target} {op} {rhs}\n"
            "        y = y * 0.9 + np.sin(y) * 0.1\n"
            f"    return np.sum({self.unary('y')}) + np.sum(x)\n"
        )
        return src, {"x": self.value(shape), "s": self.value(())}, ("x", "s")

    def matmul(self):
        m, k, n = self.pick([(2, 3, 4), (3, 3, 2), (4, 2, 3)])
        form = self.pick(
            [
                ("A @ B.T @ v", (m, k), (n, k), (n,)),
                ("(v @ A.T) @ B", (m, k), (m, n), (k,)),
                ("np.tanh(A.T @ A) @ B", (m, k), (k, n), None),
                ("(A @ B).T @ np.sin(v)", (m, k), (k, n), (m,)),
                ("A.T @ (B @ v)", (m, k), (m, n), (n,)),
                ("np.transpose(A) @ B @ B.T @ v", (k, m), (k, n), (k,)),
            ]
        )
        expr, sa, sb, sv = form
        args = {"A": self.value(sa), "B": self.value(sb)}
        params = ["A", "B"]
        if sv is not None:
            args["v"] = self.value(sv)
            params.append("v")
        src = f"def f({', '.join(params)}):\n    r = {expr}\n    return np.sum({self.unary('r')})\n"
        return src, args, tuple(params)

    def stack_index(self):
        shape = self.pick([(3,), (4,), (2, 3)])
        join, jshape = self.pick(
            [
                ("np.stack([x, np.sin(w), x * w])", (3,) + shape),
                ("np.stack([x, w * 2.0], axis=-1)", shape + (2,)),
                ("np.concatenate([x, w, x * w])", (3 * shape[0],) + shape[1:]),
                ("np.concatenate([x, np.tanh(w)], axis=-1)", shape[:-1] + (2 * shape[-1],)),
            ]
        )
        reads = [
            "z[0]",
            "z[-1]",
            "z[1:]",
            "z[::-1]",
            "z[..., 0]" if len(jshape) >= 2 else "z[:1]",
            f"z[np.array([0, {jshape[0] - 1}, 0])]",
        ]
        r1, r2 = self.pick(reads), self.pick(reads)
        src = (
            "def f(x, w):\n"
            f"    z = {join}\n"
            f"    return np.sum({self.unary(r1)}) + np.sum({r2} * {r2})\n"
        )
        if self.chance(0.4):
            src = self._joined_twice(join)
        return src, {"x": self.value(shape), "w": self.value(shape)}, ("x", "w")

    def _joined_twice(self, join):
        """The items of `join` in a list, joined, the list grown, and joined again: the
        two joins' cotangents of the list add up (two lists' `+` joined them)."""
        call, items = join.split("(", 1)
        items, rest = items[1:].split("]", 1)
        grow = self.pick(["zs.append(x * w)", "zs.extend([w, x])", "zs.append(zs[0] * 0.5)"])
        body = f"    zs = [{items}]\n    z = {call}(zs{rest}\n    {grow}\n"
        body += f"    z2 = {call}(zs{rest}\n"
        return f"def f(x, w):\n{body}    return np.sum({self.unary('z')}) + np.sum(z2 * z2)\n"

    def list_reads(self):
        """A named list of arrays, one item a constant, read by two functions that take a
        sequence of arrays: the reads' cotangents of the list add up (two Python lists'
        `+` joined them), and forward mode's pass along x needs w's zero in its shape."""
        n = self.pick([2, 3])
        items = self.pick(["x, w * 2.0, c", "c, np.sin(x), w", "x * w, x, c, w"])
        tests = ["> 0", "< 0.5", "> -0.5", "< 0"][: items.count(",") + 1]
        conds = ", ".join(f"items[{k}] {t}" for k, t in enumerate(tests))
        readers = [
            "np.stack(items)",
            "np.stack(items, axis=-1)",
            "np.concatenate(items)",
            "np.hstack(items)",
            "np.vstack(items)",
            "np.column_stack(items)",
            "np.dstack(items)",
            "np.array(items)",
            "np.linalg.multi_dot(items)",
            f"np.select([{conds}], items, default=0.25)",
            "sum(items)",
            "items[0] * items[-1]",
        ]
        r1, r2 = self.pick(readers), self.pick(readers)
        if self.chance(0.3):
            return self._number_list_reads()
        src = (
            "def f(x, w):\n"
            f"    c = np.full(({n}, {n}), 0.5)\n"
            f"    items = [{items}]\n"
            f"    return np.sum({self.unary(r1)}) + np.sum({r2} * {r2})\n"
        )
        return src, {"x": self.value((n, n)), "w": self.value((n, n))}, ("x", "w")

    def _number_list_reads(self):
        """list_reads of numbers: a named list of floats, one a constant, read by two of
        the functions that take a sequence of numbers (math.fsum's cotangents of the
        list were a Python list, joined by the `+` adding the two reads')."""
        readers = [
            "math.fsum(vals)",
            "sum(vals)",
            "max(vals)",
            "math.prod(vals)",
            "np.sum(vals)",
            "np.mean(np.array(vals) ** 2)",
            "np.polyval(vals, 0.5)",
            "np.interp(0.3, [0.0, 0.5, 1.0], vals)",
            "np.dot(vals, vals)",
        ]
        r1, r2 = self.pick(readers), self.pick(readers)
        vals = self.pick(["x, y * 2.0, 0.5", "0.25, x * y, x", "y, x, np.sin(y)"])
        src = f"def f(x, y):\n    vals = [{vals}]\n    return {r1} * {r2} + {r2}\n"
        return "import math\n\n\n" + src, {"x": self.value(()), "y": self.value(())}, ("x", "y")

    def dict_params(self):
        n = self.pick([2, 3])
        layer = self.unary('params["W"] @ h + params["b"]')
        src = (
            "def f(params, x):\n"
            "    h = x\n"
            "    for k in range(2):\n"
            f"        h = {layer}\n"
            '    return np.sum(h * params["b"]) + params["scale"] * np.sum(h)\n'
        )
        args = {
            "W": self.value((n, n)),
            "b": self.value((n,)),
            "scale": self.value(()),
            "x": self.value((n,)),
        }
        return src, args, ("W", "b", "scale", "x"), {"params": ("dict", ("W", "b", "scale"))}

    def pipeline(self):
        """Two to five NumPy operations chained on rank 1-3 arrays, drawn from the list
        README gives of what srcdiff differentiates (shape functions, sorts, statistics,
        linear algebra, joins, indexing).  Each operation is tried on the real arguments
        while the program is written: one that NumPy rejects, that gives integers, a
        non-finite or a huge value is drawn again, so the program runs by construction."""
        shapes = [(4,), (3, 4), (2, 3, 4), (3, 3), (2, 2, 3), (4, 1), (1, 3)]
        x_shape, w_shape = self.pick(shapes), self.pick(shapes)
        args = {"x": self.value(x_shape), "w": self.value(w_shape)}
        scope = {"np": np, **{k: np.array(v) for k, v in args.items()}}
        names = ["x", "w"]
        lines = []
        for step in range(self.rng.randrange(2, 6)):
            for _ in range(30):
                a, b = self.pick(names), self.pick(names)
                template = self.pick(UNARY_OPS if self.chance(0.7) else BINARY_OPS)
                expr = template.format(a=a, b=b)
                value = _try(expr, scope)
                if value is not None:
                    break
            else:
                continue
            name = f"v{step}"
            scope[name] = value
            names.append(name)
            lines.append(f"    {name} = {expr}")
        last = names[-1]
        other = self.pick(names[:-1])
        lines.append(f"    return np.sum({self.unary(last)}) + np.sum({other} * {other})")
        src = "def f(x, w):\n" + "\n".join(lines) + "\n"
        return src, args, ("x", "w")

    def inplace(self):
        """A local array changed in place in a loop: overlapping slice updates
        (``y[1:] += y[:-1]``), views taken before the change (``z = y[1:]``, ``y.T``),
        element updates reading other elements, ``np.add.at``-free fancy updates.  Each
        statement is run on the real arguments as it is written (dropped if NumPy rejects
        it or the values blow up), so the program runs by construction."""
        shape = self.pick([(4,), (5,), (3, 3), (2, 4)])
        args = {"x": self.value(shape), "s": self.value(())}
        init = self.pick(["x.copy()", "x * 1.0", "np.zeros_like(x) + x", "np.array(x)"])
        lines = [f"    y = {init}"]
        scope = {"np": np, "x": np.array(args["x"]), "s": args["s"]}
        exec(lines[0].strip(), scope)
        body_pool = [
            "y[1:] += y[:-1] * s",
            "y[:-1] -= 0.5 * y[1:]",
            "y[::2] *= np.tanh(y[1::2][: y[::2].shape[0]]) if y.shape[0] % 2 == 0 else 0.9",
            "y[i % y.shape[0]] = np.sin(y[(i + 1) % y.shape[0]])",
            "y[i % y.shape[0]] += s * y[-1]",
            "y[-1] = y[0] * 0.5 + y[-1]",
            "y *= 0.9",
            "y += np.cos(y) * 0.1",
            "y[y > 0.5] = 0.5",
            "y[np.array([0, 2])] = y[np.array([1, 1])] * s",
            "z = y[1:]",
            "z *= 0.8",
            "z += s",
            "y = y[::-1].copy()",
            "y = np.roll(y, 1, axis=0)",
            "t = y[0]",
            "y[0] = t * t",
        ]
        if len(shape) == 2:
            body_pool += [
                "y[:, 1:] += y[:, :-1] * s",
                "y[i % y.shape[0], :] = np.tanh(y[:, i % y.shape[1]])[: y.shape[1]]",
                "y[1:, 0] += y[0, 1:][: y.shape[0] - 1]",
            ]
        trips = self.rng.randrange(2, 4)
        body = []
        for _ in range(self.rng.randrange(2, 6)):
            for _ in range(20):
                stmt = self.pick(body_pool)
                trial = dict(scope)
                trial = {
                    k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in trial.items()
                }
                try:
                    for i in range(trips):
                        trial["i"] = i
                        exec("\n".join(body + [stmt]), trial)
                except Exception:
                    continue
                if all(np.all(np.isfinite(v)) for v in trial.values() if isinstance(v, np.ndarray)):
                    body.append(stmt)
                    break
        if "z" in " ".join(body) and not any(b.startswith("z = ") for b in body):
            body.insert(0, "z = y[1:]")
        lines.append(f"    for i in range({trips}):")
        lines += [f"        {b}" for b in body] or ["        y = y * s"]
        lines.append(f"    return np.sum({self.unary('y')}) + s * np.sum(y)")
        src = "def f(x, s):\n" + "\n".join(lines) + "\n"
        return src, args, ("x", "s")

    def closures(self):
        """Python README lists as differentiated but the expression generator does not
        draw: a lambda and a nested ``def`` at the top of `f` closing
        over its variables, ``enumerate(zip(...), start=)``, ``max``/``min`` of a
        generator with ``default=``, ``any``/``all`` in assignments."""
        n = self.pick([3, 4])
        act = self.pick(["np.tanh(v * scale)", "np.sin(v) * scale", "v / (1.0 + v * v) + scale"])
        mix = self.pick(["act(v) + bias * v", "act(v * bias) - v", "bias * act(v) + act(-v)"])
        pair = self.pick(["zip(x, x[::-1])", "zip(x[1:], x[:-1])", "zip(x, np.cos(x))"])
        start = self.pick(["", ", start=1", ", start=2"])
        k_use = "a * b / (k + 1)" if not start else "a * b / k"
        red = self.pick(["max", "min"])
        gen = self.pick(
            [
                "(np.sum(v) for v in [h, x])",
                "(float(np.sum(v * v)) for v in (h, x * s) if np.sum(v) > -5.0)",
                "(c * s for c in [])",
            ]
        )
        flag = self.pick(
            [
                "any(v > 0.0 for v in [s, 0.5])",
                "all(v > 0.0 for v in [s, 0.5])",
                "any([s > 0.2, s < -0.2])",
            ]
        )
        src = (
            "def f(x, s):\n"
            "    scale = s * 2.0\n"
            f"    act = lambda v: {act}\n"
            "\n"
            "    def layer(v, bias):  # (a default is refused: srcdiff inlines it)\n"
            f"        return {mix}\n"
            "\n"
            "    h = x * s\n"
            f"    for k, (a, b) in enumerate({pair}{start}):\n"
            f"        h = layer(h, {k_use})\n"
            f"    best = {red}({gen}, default=0.25)\n"
            f"    flag = {flag}\n"
            "    sign = 1.0 if flag else -1.0\n"
            "    return np.sum(layer(h, 0.1)) + best * sign + act(s)\n"
        )
        return src, {"x": self.value((n,)), "s": self.value(())}, ("x", "s")


FAMILIES = (
    (
        "broadcast",
        "piecewise",
        "while_break",
        "helper_loop",
        "slice_aug",
        "matmul",
        "stack_index",
        "list_reads",
        "dict_params",
        "pipeline",
        "inplace",
        "closures",
    )
    + CONTAINER_FAMILIES
    + REBIND_FAMILIES
    + LIBRARY_FAMILIES
    + EXTRA_FAMILIES
    + LIST_EDIT_FAMILIES
    + METHOD_FAMILIES
    + ADV5_FAMILIES
    + GAPS5_FAMILIES
)


def generate(seed: int, family: str | None = None) -> Case:
    """The program of `family` (one chosen by the seed if None) for `seed`."""
    fam = Family(seed)
    name = family or fam.pick(FAMILIES)
    made = getattr(fam, name)()
    source, args, wrt = made[:3]
    containers = made[3] if len(made) > 3 else {}
    return Case(
        source=f"{MARK}{name}\n{HEADER}{source}",
        args=args,
        wrt=wrt,
        hessian=fam.chance(fam.hessian_p) and not containers,
        containers=containers,
    )
