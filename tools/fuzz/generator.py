"""Random programs in the language README claims srcdiff differentiates.

`generate(seed)` returns a `Case`: the text of a module defining `f` (and
helpers), arguments, and the parameters to differentiate.  Programs are
*valid by construction*: every name is defined before it is read, every
shape matches, loops terminate, and mathematical functions get arguments in
their domain (``math.log(v * v + 0.5)``), so any failure is srcdiff's.

Two profiles, chosen by the seed:

* **scalar** -- floats and ints: arithmetic, `math`, `abs`/`min`/`max`/`pow`/
  `float`, `sum`/`max`/`min`/`math.prod` of generators and list comprehensions,
  conditional expressions, `if`/`elif`/`else`, `for` over `range`,
  tuples, lists, `enumerate`, `zip`, `reversed`, `while`, `break`,
  `continue`, early `return`, augmented assignment, tuple unpacking (nested,
  starred, `:=`) and swaps, helpers (tuple returns, defaults, keywords, repeated call sites,
  recursion), lists of floats as arguments.
* **numpy** -- float arrays of rank 1 and 2 besides scalars: ufuncs,
  broadcasting (scalars, ``[:, None]``), reductions with `axis`/`keepdims`,
  methods (``.sum``, ``.T``, ``.reshape``), slicing (negative steps too),
  integer-array and boolean-mask indexing, index assignment into fresh
  arrays (in loops too), in-place operators, aliases and views,
  `concatenate`/`stack`, `cumsum`, `where`, `dot`/`@`/`einsum`/`outer`,
  `linalg.inv/det/solve/norm`, helpers taking arrays, `sum` of lists, generators and
  comprehensions of arrays; parameters with an axis of length 1 now and then.

Names are sometimes ones srcdiff itself generates (``dx``, ``t1``, ``_stack``,
``out``, ``cond1``): user code may use them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from .oracle import Case

FLOAT, INT = "f", "i"  # the types of scalar variables
CLASH_NAMES = [
    "dx",
    "t1",
    "t2",
    "_stack",
    "out",
    "cond1",
    "iters1",
    "value",
    "g1",
    "dv0",
    "trips1",
    "np_",
    "index1",
    "seq1",
    "i1",
    "_returned1",
    "dout",
]


def arr(shape):
    return ("a", tuple(shape))


def is_arr(t):
    return isinstance(t, tuple) and t[0] == "a"


@dataclass
class Helper:
    name: str
    params: list  # [(name, type)]
    defaults: dict  # param -> default text
    returns: list  # types of results (one, or two for a tuple)
    recursive: bool = False
    # how it is written and called: `def h0` called `h0(...)`; a method of an object the
    # module holds, called `H0.h0(...)`; a module-level lambda `h0 = lambda ...: ...`
    via: str = "def"


class Env:
    """Names defined at a point of the program, with their types."""

    def __init__(self, names=None, protected=()):
        self.names = dict(names or {})
        self.protected = set(protected)  # loop counters: never assigned

    def copy(self):
        return Env(self.names, self.protected)

    def of(self, t):
        return [n for n, k in self.names.items() if k == t]

    def assignable(self, t):
        return [n for n in self.of(t) if n not in self.protected]


class Gen:
    def __init__(self, seed, profile=None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.profile = profile or ("numpy" if self.rng.random() < 0.55 else "scalar")
        self.counter = 0
        self.helpers = []
        self.lines = []
        self.uses_math = False
        self.budget = 0
        self.in_helper = None
        self.list_helper = False  # make_helpers wrote `hl`, which reads a list by index

    # -- utilities ---------------------------------------------------------------------
    def chance(self, p):
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(list(seq))

    def fresh(self, prefix="v"):
        self.counter += 1
        if self.chance(0.06):
            name = self.pick(CLASH_NAMES)
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        name = f"{prefix}{self.counter}"
        self.used_names.add(name)
        return name

    def const(self):
        return self.pick(["0.5", "1.5", "2.0", "0.3", "-0.7", "1.0", "3.0", "0.25", "-1.2"])

    # -- scalar expressions -----------------------------------------------------------------
    def fexpr(self, env, depth):
        """An expression of type float."""
        floats = env.of(FLOAT)
        ints = env.of(INT)
        if depth <= 0 or self.chance(0.25):
            r = self.rng.random()
            if floats and r < 0.75:
                return self.pick(floats)
            if ints and r < 0.82:
                return self.pick(ints)
            arrays = [n for n, t in env.names.items() if is_arr(t)]
            if arrays and r < 0.9:
                return self.scalar_of_array(env, depth)
            return self.const() if floats or r < 0.95 else "1.0"
        d = depth - 1
        r = self.rng.random()
        if self.profile == "numpy" and r < 0.2:
            return self.scalar_of_array(env, depth)
        r = self.rng.random()
        if r < 0.32:
            op = self.pick(["+", "-", "*", "*", "+", "-"])
            return f"({self.fexpr(env, d)} {op} {self.fexpr(env, d)})"
        if r < 0.38:
            a, b = self.fexpr(env, d), self.fexpr(env, d)
            return f"({a} / ({b} * {b} + 0.5))"
        if r < 0.42:
            return f"(-{self.fexpr(env, d)})" if self.chance(0.85) else f"(+{self.fexpr(env, d)})"
        if r < 0.47:
            e = self.fexpr(env, d)
            return self.pick(
                [
                    f"({e} ** 2)",
                    f"({e} ** 3)",
                    f"((abs({e}) + 0.5) ** 1.5)",
                    f"pow({e}, 2)",
                    f"(({e}) * ({e}) + 1.0) ** 0.5",
                    f"math.pow(abs({e}) + 0.5, 0.5)",
                    f"(1.5 ** {self.squash(e)})",
                ]
            )
        if r < 0.68:
            self.uses_math = True
            return self.math_call(env, d)
        if r < 0.76:
            e1, e2 = self.fexpr(env, d), self.fexpr(env, d)
            choice = self.rng.random()
            if choice < 0.12:
                return self.reduction(e1, env)
            if choice < 0.3:
                return f"abs({e1})"
            if choice < 0.55:
                return f"max({e1}, {e2})"
            if choice < 0.75:
                return f"min({e1}, {e2})"
            if choice < 0.85:
                return f"max({e1}, {e2}, {self.fexpr(env, d)})"
            return f"float({e1})"
        if r < 0.81:
            return f"({self.fexpr(env, d)} if {self.cond(env, d)} else {self.fexpr(env, d)})"
        if r < 0.84:
            e = self.fexpr(env, d)
            return self.pick([f"({e} % 1.5)", f"({e} // 1.0)", f"({e} * 2 // 1)"])
        if r < 0.95 and self.callable_helpers(FLOAT):
            return self.helper_call(env, d, FLOAT)
        return f"({self.fexpr(env, d)} * {self.const()})"

    def reduction(self, e, env):
        """sum / max / min / math.prod of a generator or list comprehension over a few
        values (normalization rewrites them into loops)."""
        v, w = self.fresh(), self.fresh()
        items = ", ".join(self.fexpr(env, 1) for _ in range(self.rng.randrange(1, 4)))
        more = ", ".join(self.fexpr(env, 1) for _ in range(self.rng.randrange(1, 3)))
        self.uses_math = True
        return self.pick(
            [
                f"sum({v} * {e} for {v} in [{items}])",
                f"sum([{v} * {v} for {v} in ({items},) if {v} > 0.25], {e})",
                f"sum(({v} * {w} for {v} in [{items}] for {w} in [{more}, {v}]), start={e})",
                f"max({v} + {e} for {v} in [{items}])",
                f"min([{e} * {v} for {v} in ({items},)])",
                f"math.prod(1.0 + 0.5 * math.tanh({v} * {e}) for {v} in [{items}])",
            ]
        )

    def squash(self, e):
        """An expression in [-1, 1] made from `e` (keeps exp & co. in range)."""
        self.uses_math = True
        return self.pick([f"math.tanh({e})", f"math.sin({e})", f"math.cos({e})"])

    def math_call(self, env, d):
        e = self.fexpr(env, d)
        forms = [
            f"math.sin({e})",
            f"math.cos({e})",
            f"math.tanh({e})",
            f"math.atan({e})",
            f"math.exp({self.squash(e)})",
            f"math.log({e} * {e} + 0.5)",
            f"math.sqrt({e} * {e} + 0.25)",
            f"math.log1p(abs({e}))",
            f"math.erf({e})",
            f"math.erfc({e})",
            f"math.expm1({self.squash(e)})",
            f"math.asin(0.9 * {self.squash(e)})",
            f"math.acos(0.9 * {self.squash(e)})",
            f"math.atanh(0.9 * {self.squash(e)})",
            f"math.acosh({e} * {e} + 1.5)",
            f"math.asinh({e})",
            f"math.sinh({self.squash(e)})",
            f"math.cosh({self.squash(e)})",
            f"math.log2({e} * {e} + 0.5)",
            f"math.log10({e} * {e} + 0.5)",
            f"math.log({e} * {e} + 1.5, 2.0)",
            f"math.hypot({e}, {self.fexpr(env, d)})",
            f"math.fabs({e})",
            f"math.copysign({e}, {self.fexpr(env, d)})",
            f"math.atan2({e}, {self.fexpr(env, d)} * {self.fexpr(env, d)} + 0.5)",
            f"math.pow({e} * {e} + 0.5, {self.squash(self.fexpr(env, d))})",
            f"math.tan(0.7 * {self.squash(e)})",
        ]
        # math.cbrt and math.exp2 are Python 3.11+; on 3.10 the same draw
        # spells them with NumPy so that a seed is the same program everywhere.
        new_math = "math" if hasattr(math, "cbrt") else "np"
        forms += [f"{new_math}.cbrt({e} * {e} + 0.5)", f"{new_math}.exp2({self.squash(e)})"]
        forms += [
            f"math.gamma({self.squash(e)} + 2.0)",
            f"math.lgamma({e} * {e} + 0.5)",
            f"math.fmod({e}, {self.fexpr(env, d)} * {self.fexpr(env, d)} + 0.7)",
            f"math.remainder({e}, 1.3)",
            f"math.ldexp({e}, 2)",
            f"divmod({e}, {self.fexpr(env, d)} * {self.fexpr(env, d)} + 0.7)[1]",
        ]
        return self.pick(forms)

    def cond(self, env, depth):
        r = self.rng.random()
        e = self.fexpr(env, max(depth - 1, 0))
        if r < 0.6:
            return f"{e} {self.pick(['>', '<', '>=', '<='])} {self.const()}"
        if r < 0.75:
            return f"{e} > {self.fexpr(env, max(depth - 1, 0))}"
        if r < 0.85:
            return f"{e} > 0.0 and {self.fexpr(env, 0)} < 1.0"
        if r < 0.92:
            return f"not {e} > 0.5"
        ints = env.of(INT)
        if ints:
            return f"{self.pick(ints)} % 2 == 0"
        return f"{e} < 0.0 or {self.fexpr(env, 0)} > 1.0"

    # -- arrays ---------------------------------------------------------------------------------
    def arrays_of(self, env, shape):
        return [n for n, t in env.names.items() if t == arr(shape)]

    def any_array(self, env):
        arrays = [(n, t[1]) for n, t in env.names.items() if is_arr(t)]
        return self.pick(arrays) if arrays else None

    def scalar_of_array(self, env, depth):
        """A float computed from an array."""
        found = self.any_array(env)
        if found is None:
            return self.const()
        _, shape = found
        e = self.aexpr(env, shape, max(depth - 1, 0))
        r = self.rng.random()
        if r < 0.3:
            return f"np.sum({e})"
        if r < 0.4:
            return f"np.mean({e})"
        if r < 0.48:
            return f"{e}.sum()"
        if r < 0.55:
            return f"np.max({e})"
        if r < 0.62:
            return f"np.linalg.norm({e})"
        if r < 0.7:
            return (
                f"{e}[{self.rng.randrange(shape[0])}]"
                if len(shape) == 1
                else f"{e}[{self.rng.randrange(shape[0])}, {self.rng.randrange(shape[1])}]"
            )
        if r < 0.76 and len(shape) == 1:
            return f"np.dot({e}, {self.aexpr(env, shape, max(depth - 1, 0))})"
        if r < 0.8:
            return f"np.sum({e}[{e} > 0.0])"
        if r < 0.84:
            return f"np.prod(np.tanh({e}))"
        if r < 0.88 and len(shape) == 2 and shape[0] == shape[1]:
            return f"np.linalg.det({e} * 0.3 + 2.0 * np.eye({shape[0]}))"
        if r < 0.92:
            return f"np.std({e})"
        return f"float(np.sum({e} * {e}))"

    def aexpr(self, env, shape, depth):
        """An expression of array type with the given shape."""
        shape = tuple(shape)
        have = self.arrays_of(env, shape)
        if depth <= 0 or self.chance(0.2):
            if have and self.chance(0.85):
                return self.pick(have)
            return self.make_array(env, shape, depth)
        d = depth - 1
        r = self.rng.random()
        if r < 0.22:
            op = self.pick(["+", "-", "*", "*"])
            return f"({self.aexpr(env, shape, d)} {op} {self.aexpr(env, shape, d)})"
        if r < 0.34:
            op = self.pick(["+", "-", "*"])
            s = self.fexpr(env, d)
            a = self.aexpr(env, shape, d)
            return f"({s} {op} {a})" if self.chance(0.5) else f"({a} {op} {s})"
        if r < 0.38:
            a, b = self.aexpr(env, shape, d), self.aexpr(env, shape, d)
            return f"({a} / ({b} * {b} + 1.0))"
        if r < 0.52:
            return self.ufunc(env, shape, d)
        if r < 0.6 and len(shape) == 2:
            return self.broadcast2(env, shape, d)
        if r < 0.68:
            return self.structural(env, shape, d)
        if r < 0.74:
            return self.reduction_to(env, shape, d)
        if r < 0.8:
            return self.linalg_to(env, shape, d)
        if r < 0.85:
            a, b = self.aexpr(env, shape, d), self.aexpr(env, shape, d)
            c = self.aexpr(env, shape, d)
            return self.pick(
                [
                    f"np.where({c} > 0.0, {a}, {b})",
                    f"np.maximum({a}, {b})",
                    f"np.minimum({a}, {b})",
                    f"np.clip({a}, -0.8, 0.9)",
                ]
            )
        if r < 0.9 and self.callable_helpers(arr(shape)):
            return self.helper_call(env, d, arr(shape))
        if r < 0.92:
            return f"(-{self.aexpr(env, shape, d)})"
        if r < 0.95:
            return self.array_reduction(env, shape, d)
        return f"({self.aexpr(env, shape, d)} ** 2)"

    def array_reduction(self, env, shape, d):
        """`sum` of a list, generator or comprehension of arrays (normalization walks the
        list: its elements are arrays, not numbers)."""
        v = self.fresh()
        a, b = self.aexpr(env, shape, d), self.aexpr(env, shape, d)
        s1, s2 = self.fexpr(env, 1), self.fexpr(env, 1)
        return self.pick(
            [
                f"sum([{a}, {b}])",
                f"sum({v} * {a} for {v} in [{s1}, {s2}])",
                f"sum(({v} * {v} for {v} in [{a}, {b}]), {self.aexpr(env, shape, d)})",
                f"sum([{v} + {s1} for {v} in ({a}, {b})])",
            ]
        )

    def make_array(self, env, shape, depth):
        """An array of `shape` built from scratch (constant or from scalars), parenthesised."""
        return f"({self._make_array(env, shape, depth)})"

    def _make_array(self, env, shape, depth):
        n = int(np.prod(shape))
        r = self.rng.random()
        floats = env.of(FLOAT)
        if r < 0.35:
            vals = ", ".join(self.const() for _ in range(n))
            return (
                f"np.array([{vals}]).reshape({shape})" if len(shape) > 1 else f"np.array([{vals}])"
            )
        if r < 0.55:
            return (
                f"np.ones({shape})"
                if self.chance(0.5)
                else f"np.linspace(-1.0, 1.0, {n}).reshape({shape})"
            )
        if r < 0.75 and floats and len(shape) == 1:
            vals = ", ".join(self.fexpr(env, 0) for _ in range(n))
            return f"np.array([{vals}])"
        if r < 0.85 and floats:
            return f"np.full({shape}, {self.fexpr(env, 0)})"
        return f"np.arange({float(n)}).reshape({shape}) * 0.25"

    def ufunc(self, env, shape, d):
        a = self.aexpr(env, shape, d)
        return self.pick(
            [
                f"np.sin({a})",
                f"np.cos({a})",
                f"np.tanh({a})",
                f"np.exp(np.tanh({a}))",
                f"np.log({a} * {a} + 0.5)",
                f"np.sqrt({a} * {a} + 0.25)",
                f"np.abs({a})",
                f"np.square({a})",
                f"np.arctan({a})",
                f"np.log1p(np.abs({a}))",
                f"np.power(np.abs({a}) + 0.5, 1.5)",
                f"np.hypot({a}, 0.5)",
                f"np.logaddexp({a}, {self.aexpr(env, shape, d)})",
                f"np.sinh(np.tanh({a}))",
                f"np.arcsinh({a})",
                f"np.expm1(np.sin({a}))",
                f"np.reciprocal({a} * {a} + 1.0)",
                f"np.negative({a})",
                f"np.cbrt({a} * {a} + 0.5)",
                f"np.exp2(np.cos({a}))",
            ]
        )

    def broadcast2(self, env, shape, d):
        m, n = shape
        r = self.rng.random()
        if r < 0.35:
            col = self.aexpr(env, (m,), d)
            return f"({self.aexpr(env, shape, d)} {self.pick(['+', '*', '-'])} {col}[:, None])"
        if r < 0.65:
            row = self.aexpr(env, (n,), d)
            return f"({self.aexpr(env, shape, d)} {self.pick(['+', '*', '-'])} {row})"
        if r < 0.8:
            col, row = self.aexpr(env, (m,), d), self.aexpr(env, (n,), d)
            return f"({col}[:, None] {self.pick(['+', '*', '-'])} {row}[None, :])"
        col = self.aexpr(env, (m,), d)
        return (
            f"({self.aexpr(env, (m, 1), d)} * {self.aexpr(env, (1, n), d)} + {col}.reshape({m}, 1))"
        )

    def structural(self, env, shape, d):
        """Slices, reshapes, transposes, joins, fancy indexing producing `shape`."""
        r = self.rng.random()
        if len(shape) == 1:
            (n,) = shape
            if r < 0.15:
                return f"{self.aexpr(env, (n + 1,), d)}[1:]"
            if r < 0.25:
                return f"{self.aexpr(env, (n + 1,), d)}[:-1]"
            if r < 0.35:
                return f"{self.aexpr(env, shape, d)}[::-1]"
            if r < 0.45 and n >= 2:
                k = self.rng.randrange(1, n)
                return (
                    f"np.concatenate([{self.aexpr(env, (k,), d)}, {self.aexpr(env, (n - k,), d)}])"
                )
            if r < 0.55:
                src = self.rng.choice([n, n + 1, 3, 4])
                idx = [self.rng.randrange(src) for _ in range(n)]
                return f"{self.aexpr(env, (src,), d)}[np.array({idx})]"
            if r < 0.65:
                return f"np.cumsum({self.aexpr(env, shape, d)})"
            if r < 0.75 and n % 2 == 0 and n >= 4:
                return f"{self.aexpr(env, (2, n // 2), d)}.reshape({n})"
            if r < 0.85:
                m = self.rng.choice([2, 3])
                return f"{self.aexpr(env, (m, n), d)}[{self.rng.randrange(m)}]"
            if r < 0.92:
                m = self.rng.choice([2, 3])
                return f"{self.aexpr(env, (n, m), d)}[:, {self.rng.randrange(m)}]"
            return f"np.ravel({self.aexpr(env, shape, d)})"
        m, n = shape
        if r < 0.25:
            return f"{self.aexpr(env, (n, m), d)}.T"
        if r < 0.4:
            return (
                f"np.stack([{', '.join(self.aexpr(env, (n,), d) for _ in range(m))}])"
                if m <= 3
                else f"{self.aexpr(env, (n, m), d)}.T"
            )
        if r < 0.55:
            return f"{self.aexpr(env, (m * n,), d)}.reshape({m}, {n})"
        if r < 0.7:
            return f"np.outer({self.aexpr(env, (m,), d)}, {self.aexpr(env, (n,), d)})"
        if r < 0.8:
            return f"{self.aexpr(env, (m + 1, n), d)}[1:, :]"
        if r < 0.9:
            return (
                f"np.concatenate([{self.aexpr(env, (1, n), d)}, "
                f"{self.aexpr(env, (m - 1, n), d)}], axis=0)"
                if m > 1
                else self.aexpr(env, shape, d)
            )
        return f"np.transpose({self.aexpr(env, (n, m), d)})"

    def reduction_to(self, env, shape, d):
        k = self.rng.choice([2, 3])
        red = self.pick(["np.sum", "np.mean", "np.max", "np.min"])
        if len(shape) == 1:
            (n,) = shape
            if self.chance(0.5):
                src = self.aexpr(env, (n, k), d)
                return self.pick(
                    [f"{red}({src}, axis=1)", f"{src}.sum(axis=1)", f"{red}({src}, axis=-1)"]
                )
            src = self.aexpr(env, (k, n), d)
            return self.pick([f"{red}({src}, axis=0)", f"{src}.mean(axis=0)"])
        m, n = shape
        if n == 1:
            return f"{red}({self.aexpr(env, (m, k), d)}, axis=1, keepdims=True)"
        if m == 1:
            return f"{red}({self.aexpr(env, (k, n), d)}, axis=0, keepdims=True)"
        return (
            f"({self.aexpr(env, shape, d)} - "
            f"{red}({self.aexpr(env, shape, d)}, axis=1, keepdims=True))"
        )

    def linalg_to(self, env, shape, d):
        if len(shape) == 1:
            (n,) = shape
            k = self.rng.choice([2, 3, 4])
            r = self.rng.random()
            A = self.aexpr(env, (n, k), d)
            v = self.aexpr(env, (k,), d)
            if r < 0.35:
                return f"({A} @ {v})"
            if r < 0.55:
                return f"np.dot({A}, {v})"
            if r < 0.7:
                return f"np.einsum('ij,j->i', {A}, {v})"
            if r < 0.85:
                M = self.aexpr(env, (n, n), d)
                return f"np.linalg.solve({M} * 0.2 + 3.0 * np.eye({n}), {self.aexpr(env, (n,), d)})"
            return f"np.tensordot({A}, {v}, axes=1)"
        m, n = shape
        k = self.rng.choice([2, 3])
        r = self.rng.random()
        if r < 0.4:
            return f"({self.aexpr(env, (m, k), d)} @ {self.aexpr(env, (k, n), d)})"
        if r < 0.6:
            return f"np.matmul({self.aexpr(env, (m, k), d)}, {self.aexpr(env, (k, n), d)})"
        if r < 0.75:
            return (
                f"np.einsum('ik,kj->ij', {self.aexpr(env, (m, k), d)}, "
                f"{self.aexpr(env, (k, n), d)})"
            )
        if m == n:
            return f"np.linalg.inv({self.aexpr(env, shape, d)} * 0.2 + 3.0 * np.eye({n}))"
        return f"np.dot({self.aexpr(env, (m, k), d)}, {self.aexpr(env, (k, n), d)})"

    def random_shape(self):
        """A shape for a parameter or a value; now and then one with an axis of length 1,
        which broadcasting may stretch (generated code is specialised to whether arrays
        have such an axis: both kinds must be exercised)."""
        if self.rng.random() < 0.12:
            return self.pick([(1,), (1, 3), (3, 1), (2, 1)])
        return self.pick([(4,), (4,), (3,), (3, 2), (2, 3), (2, 2), (3, 3)])

    # -- helpers ----------------------------------------------------------------------------------
    def callable_helpers(self, t):
        return [h for h in self.helpers if h.returns == [t] and h.name != self.in_helper]

    def helper_call(self, env, depth, t, returns=None):
        options = [
            h
            for h in self.helpers
            if (h.returns == [t] if returns is None else h.returns == returns)
            and h.name != self.in_helper
        ]
        h = self.pick(options)
        args = []
        kw = []
        for i, (p, pt) in enumerate(h.params):
            if p in h.defaults and self.chance(0.4):
                continue  # leave the default
            value = self.expr_of(env, pt, depth)
            if p in h.defaults or (i > 0 and self.chance(0.2)):
                kw.append(f"{p}={value}")
            elif kw:
                kw.append(f"{p}={value}")
            else:
                args.append(value)
        callee = f"{h.name.upper()}.{h.name}" if h.via == "method" else h.name
        return f"{callee}({', '.join(args + kw)})"

    def expr_of(self, env, t, depth):
        if t == FLOAT:
            if self.chance(0.3) and env.of(FLOAT):  # repeated arguments: h(x1, x1)
                return self.pick(env.of(FLOAT))
            return self.fexpr(env, depth)
        if t == INT:
            ints = env.of(INT)
            return self.pick(ints) if ints and self.chance(0.6) else str(self.rng.randrange(1, 4))
        return self.aexpr(env, t[1], depth)

    def make_helpers(self):
        count = self.rng.choice([0, 0, 1, 1, 2, 3])
        out = []
        for k in range(count):
            name = f"h{k}"
            nparams = self.rng.choice([1, 2, 2, 3])
            params = []
            for j in range(nparams):
                if self.profile == "numpy" and self.chance(0.5):
                    params.append((f"a{j}", arr(self.random_shape())))
                else:
                    params.append((f"a{j}", FLOAT))
            defaults = {}
            if self.chance(0.35):
                last, lt = params[-1]
                if lt == FLOAT:
                    defaults[last] = self.const()
            rt = FLOAT
            if self.profile == "numpy" and self.chance(0.35):
                arrays = [pt for _, pt in params if is_arr(pt)]
                rt = self.pick(arrays) if arrays else FLOAT
            returns = [rt, FLOAT] if self.chance(0.3) else [rt]
            via = self.pick(["def"] * 13 + ["method"] * 4 + ["lambda"] * 3)
            h = Helper(name, params, defaults, returns, via=via)
            out.append(self.helper_def(h))
        if self.chance(0.1):  # reads a list by index: list_stmt passes it a copy
            self.list_helper = True
            out.append("def hl(xs):\n    return xs[0] * xs[-1] + 0.5 * xs[1]\n")
        if self.profile == "scalar" and self.chance(0.12):
            h = Helper("rec", [("a0", FLOAT), ("k", INT)], {}, [FLOAT], recursive=True)
            out.append(
                "def rec(a0, k):\n    if k <= 0:\n        return a0\n"
                "    return rec(a0 * 0.8 + 0.1 * a0 * a0, k - 1)\n"
            )
            self.helpers.append(h)
        return out

    def return_value(self, env):
        """What a `return` returns here: f's scalar, or the helper's declared results."""
        if not self.in_helper:
            return self.final_expr(env)
        h = next(h for h in self.helpers if h.name == self.in_helper)
        return ", ".join(self.expr_of(env, t, 1) for t in h.returns)

    def helper_def(self, h):
        self.in_helper = h.name
        self.helpers.append(h)  # visible to return_value (not callable: in_helper)
        env = Env({p: t for p, t in h.params})
        params = ", ".join(f"{p}={h.defaults[p]}" if p in h.defaults else p for p, _ in h.params)
        if h.via == "lambda":  # an expression only
            rets = [self.expr_of(env, t, 2) for t in h.returns]
            ret = rets[0] if len(rets) == 1 else f"({', '.join(rets)})"
            self.in_helper = None
            return f"{h.name} = lambda {params}: {ret}  # noqa: E731\n"
        self.budget = self.rng.randrange(1, 5)
        body = self.block(env, depth=1, loop=False, indent=1)
        rets = [self.expr_of(env, t, 2) for t in h.returns]
        if h.via == "method":  # an attribute of the object read too (1.0: same values)
            rets[0] = f"({rets[0]}) * self.scale"
        ret = rets[0] if len(rets) == 1 else ", ".join(rets)
        body.append(f"    return {ret}")
        self.in_helper = None
        text = f"def {h.name}({params}):\n" + "\n".join(body) + "\n"
        if h.via != "method":
            return text
        holder = h.name.upper()
        method = "\n".join("    " + line if line else line for line in text.splitlines())
        own = f"def {h.name}(self, " if h.params else f"def {h.name}(self"
        method = method.replace(f"def {h.name}(", own, 1)
        return (
            f"class {holder}Holder:\n    def __init__(self, scale):\n        self.scale = scale\n\n"
            f"{method}\n\n\n{holder} = {holder}Holder(1.0)\n"
        )

    # -- statements -----------------------------------------------------------------------------
    def block(self, env, depth, loop, indent, min_stmts=1):
        lines = []
        n = self.rng.randrange(min_stmts, 4 if depth > 0 else 3)
        for _ in range(n):
            if self.budget <= 0 and lines:
                break
            self.budget -= 1
            lines += self.stmt(env, depth, loop, indent)
        if not lines:
            lines.append("    " * indent + "pass")
        return lines

    def stmt(self, env, depth, loop, indent):
        pad = "    " * indent
        r = self.rng.random()
        if depth > 0 and r < 0.14:
            return self.if_stmt(env, depth, loop, indent)
        if depth > 0 and r < 0.24:
            return self.for_stmt(env, depth, indent)
        if depth > 0 and r < 0.28:
            return self.while_stmt(env, depth, indent)
        if loop and r < 0.33:
            jump = self.pick(["break", "continue"])
            return [f"{pad}if {self.cond(env, 1)}:", f"{pad}    {jump}"]
        if r < 0.36:
            return [f"{pad}if {self.cond(env, 1)}:", f"{pad}    return {self.return_value(env)}"]
        if r < 0.45:
            return self.aug_stmt(env, indent)
        if r < 0.52:
            return self.tuple_stmt(env, indent)
        if r < 0.55 and [
            h for h in self.helpers if len(h.returns) == 2 and h.name != self.in_helper
        ]:
            return self.unpack_helper(env, indent)
        if self.profile == "numpy" and r < 0.68:
            return self.array_stmt(env, depth, loop, indent)
        if r < 0.76 and self.chance(0.3):
            return self.list_stmt(env, indent)
        return self.assign_stmt(env, indent)

    def list_stmt(self, env, indent):
        """A list built as a value (append in a loop, a comprehension, extend of a display
        that may read the list, of another list, a comprehension or itself, pop) and
        read back into a float: by index, sum, max, a generator, len, np.array, a helper
        that indexes a copy of it."""
        pad = "    " * indent
        lst, i = self.fresh("l"), self.fresh("i")
        inner = env.copy()
        inner.names[i] = INT
        inner.protected.add(i)
        shape = None
        if self.profile == "numpy" and self.chance(0.4):
            shape = self.random_shape()

        def item(scope):
            return self.fexpr(scope, 1) if shape is None else self.aexpr(scope, shape, 1)

        def grown(scope):  # an item that may read the list it extends (the old items)
            old = self.pick([f"{lst}[-1]", f"{lst}[0]", f"{lst}[len({lst}) - 1]"])
            return f"{old} * {item(scope)}" if self.chance(0.5) else item(scope)

        n = self.rng.randrange(2, 4)
        form = self.rng.randrange(5)
        if form == 0:
            lines = [f"{pad}{lst} = []", f"{pad}for {i} in range({n}):"]
            lines.append(f"{pad}    {lst}.append({item(inner)})")
        elif form == 1:
            cond = f" if {i} != 1" if n == 3 and self.chance(0.4) else ""
            lines = [f"{pad}{lst} = [{item(inner)} for {i} in range({n}){cond}]"]
        elif form == 2:
            lines = [
                f"{pad}{lst} = [{item(env)}]",
                f"{pad}{lst}.extend([{item(env)}, {grown(env)}])",
            ]
        elif form == 3:  # extend by another list, by a comprehension, by itself
            other = self.fresh("l")
            source = self.pick([other, f"[{item(inner)} for {i} in range({n})]", lst])
            lines = [
                f"{pad}{lst} = [{item(env)}]",
                f"{pad}{other} = [{item(env)}, {grown(env)}]",
                f"{pad}{lst}.extend({source})",
            ]
            if source == lst:
                lines.append(f"{pad}{lst}.extend({other})")
            if self.chance(0.3):  # a copy made by list(), grown, and read in its place
                copied = self.fresh("l")
                lines.append(f"{pad}{copied} = list({lst})")
                lines.append(f"{pad}{copied}.append({copied}[0] * {item(env)})")
                lst = copied  # (what follows reads the copy)
        else:  # extended in a loop, reading what it holds
            lines = [f"{pad}{lst} = [{item(env)}]", f"{pad}for {i} in range({n}):"]
            lines.append(f"{pad}    {lst}.extend([{item(inner)}, {lst}[-1] * {item(inner)}])")
        popped = None
        if self.chance(0.3):
            popped = self.fresh()
            # (the list has 2 items at least: any of these indexes one)
            at = self.pick(["", "", "0", "-2", f"len({lst}) - 2"])
            lines.append(f"{pad}{popped} = {lst}.pop({at})")
            lines.append(f"{pad}{lst}.append({item(env)})")
        if shape is None:
            reads = [
                f"sum({lst})",
                f"{lst}[-1] * {lst}[0]",
                f"max({lst})",
                f"sum(c * c for c in {lst})",
                f"len({lst}) * {lst}[1]",
                f"sum({lst}[1:])",
                f"{lst}.pop(0) - 0.5 * {lst}.pop()",  # (pops lifted out in Python's order)
                # the list read again after its pop: len sees the list the pop left (the
                # pop was not lifted, and its item ** 2 was taken for an int: no derivative)
                f"{lst}.pop(0) ** 2 * len({lst})",
            ]
            if self.list_helper:
                reads.append(f"hl({lst}[:])")
        else:
            reads = [
                f"np.sum({lst}[-1] * {lst}[0])",
                f"np.sum(np.array({lst}) ** 2)",
                f"np.sum({lst}[1:][0] * {lst}[0])",  # (a slice of a list of arrays holds arrays)
                f"np.sum({lst}.pop(0) * {lst}.pop())",
                f"np.sum({lst}.pop(0) ** 2) * len({lst})",
            ]
            if self.list_helper:
                reads.append(f"np.sum(hl({lst}[:]))")
        value = self.pick(reads)
        if popped is not None:
            value = f"{value} + " + (popped if shape is None else f"np.sum({popped})")
        out = self.fresh()
        lines.append(f"{pad}{out} = {value}")
        if self.chance(0.3):
            # the list changed after the read: a partial reading it (`len(l)`, `l[-1]`)
            # must see it as it was (reverse mode read it as the function left it)
            lines.append(f"{pad}{lst}.append({item(env)})")
        env.names[out] = FLOAT
        return lines

    def assign_stmt(self, env, indent):
        pad = "    " * indent
        t = self.value_type(env)
        existing = env.assignable(t)
        if existing and self.chance(0.4):
            name = self.pick(existing)
        else:
            name = self.fresh()
        value = self.expr_of(env, t, 3)
        env.names[name] = t
        return [f"{pad}{name} = {value}"]

    def value_type(self, env):
        if self.profile == "numpy" and self.chance(0.55):
            found = self.any_array(env)
            if found and self.chance(0.7):
                return arr(found[1])
            return arr(self.random_shape())
        return FLOAT

    def aug_stmt(self, env, indent):
        pad = "    " * indent
        t = self.value_type(env)
        existing = env.assignable(t)
        if not existing:
            return self.assign_stmt(env, indent)
        name = self.pick(existing)
        op = self.pick(["+=", "-=", "*=", "+=", "/="])
        if t == FLOAT:
            value = self.fexpr(env, 2)
        else:
            value = self.aexpr(env, t[1], 2) if self.chance(0.6) else self.fexpr(env, 1)
        if op == "/=":
            return [f"{pad}{name} /= ({value}) * ({value}) + 1.0"]
        if op == "*=":
            if t == FLOAT:
                return [f"{pad}{name} *= {self.squash(value)}"]
            return [f"{pad}{name} *= np.tanh({value})"]
        return [f"{pad}{name} {op} {value}"]

    def tuple_stmt(self, env, indent):
        pad = "    " * indent
        floats = env.assignable(FLOAT)
        if len(floats) >= 2 and self.chance(0.5):
            a, b = self.rng.sample(floats, 2)
            if self.chance(0.5):
                return [f"{pad}{a}, {b} = {b}, {a}"]
            return [f"{pad}{a}, {b} = {self.fexpr(env, 2)}, {self.fexpr(env, 2)}"]
        a, b = self.fresh(), self.fresh()
        if self.chance(0.25):
            return self.nested_tuple_stmt(env, pad, a, b)
        line = f"{pad}{a}, {b} = {self.fexpr(env, 2)}, {self.fexpr(env, 2)}"
        if self.chance(0.3):
            line = f"{pad}{a}, {b} = ({self.fexpr(env, 2)}, {self.fexpr(env, 2)})"
        env.names[a] = env.names[b] = FLOAT
        return [line]

    def nested_tuple_stmt(self, env, pad, a, b):
        """Nested and starred unpacking of written-out values, and `:=`."""
        c = self.fresh()
        e1, e2, e3 = (self.fexpr(env, 2) for _ in range(3))
        r = self.rng.random()
        if r < 0.35:
            lines = [f"{pad}({a}, {b}), {c} = ({e1}, {e2}), {e3}"]
        elif r < 0.7:  # (c is a list, only indexed here)
            lines = [f"{pad}{a}, *{c} = {e1}, {e2}, {e3}", f"{pad}{b} = {c}[0] * {c}[1]"]
        else:
            lines = [f"{pad}{a} = ({b} := {e1}) * {b} + {e2}", f"{pad}{c} = {e3}"]
        env.names[a] = env.names[b] = FLOAT
        if not 0.35 <= r < 0.7:
            env.names[c] = FLOAT
        return lines

    def unpack_helper(self, env, indent):
        pad = "    " * indent
        h = self.pick([h for h in self.helpers if len(h.returns) == 2 and h.name != self.in_helper])
        call = self.helper_call(env, 2, None, returns=h.returns)
        # the call may have picked another two-result helper with the same types
        targets = []
        for t in h.returns:
            existing = env.assignable(t)
            name = self.pick(existing) if existing and self.chance(0.3) else self.fresh()
            targets.append(name)
        if targets[0] == targets[1]:
            targets[1] = self.fresh()
        if self.chance(0.2):
            env.names[targets[0]] = h.returns[0]
            return [f"{pad}{targets[0]} = {call}[0]"]
        for name, t in zip(targets, h.returns):
            env.names[name] = t
        return [f"{pad}{targets[0]}, {targets[1]} = {call}"]

    def if_stmt(self, env, depth, loop, indent):
        pad = "    " * indent
        lines = [f"{pad}if {self.cond(env, 1)}:"]
        branches = []
        e1 = env.copy()
        lines += self.block(e1, depth - 1, loop, indent + 1)
        branches.append(e1)
        if self.chance(0.25):
            e2 = env.copy()
            lines.append(f"{pad}elif {self.cond(env, 1)}:")
            lines += self.block(e2, depth - 1, loop, indent + 1)
            branches.append(e2)
        if self.chance(0.6):
            e3 = env.copy()
            lines.append(f"{pad}else:")
            lines += self.block(e3, depth - 1, loop, indent + 1)
            branches.append(e3)
            common = set.intersection(*[set(b.names.items()) for b in branches])
            for n, t in common:
                env.names[n] = t
        for b in branches:  # types may have changed? (a name keeps its type)
            for n, t in b.names.items():
                if n in env.names and env.names[n] != t:
                    env.names.pop(n)
        return lines

    def for_stmt(self, env, depth, indent):
        pad = "    " * indent
        r = self.rng.random()
        inner = env.copy()
        counter = self.fresh("i")
        floats = env.of(FLOAT) or ["1.0"]
        ints = env.of(INT)
        arrays = [(n, t[1]) for n, t in env.names.items() if is_arr(t) and len(t[1]) == 1]
        if r < 0.3:
            bound = self.pick(ints) if ints and self.chance(0.4) else str(self.rng.randrange(1, 4))
            header = f"for {counter} in range({bound}):"
            inner.names[counter] = INT
            inner.protected.add(counter)
        elif r < 0.42:
            vals = ", ".join(self.fexpr(env, 1) for _ in range(self.rng.randrange(1, 4)))
            header = (
                f"for {counter} in ({vals},):" if "," not in vals else f"for {counter} in ({vals}):"
            )
            header = f"for {counter} in [{vals}]:" if self.chance(0.5) else header
            inner.names[counter] = FLOAT
            inner.protected.add(counter)
        elif r < 0.54:
            item = self.fresh()
            vals = ", ".join(self.fexpr(env, 1) for _ in range(self.rng.randrange(1, 4)))
            header = f"for {counter}, {item} in enumerate([{vals}]):"
            inner.names[counter] = INT
            inner.names[item] = FLOAT
            inner.protected |= {counter, item}
        elif r < 0.64:
            item = self.fresh()
            n = self.rng.randrange(1, 4)
            a = ", ".join(self.fexpr(env, 1) for _ in range(n))
            b = ", ".join(self.fexpr(env, 1) for _ in range(n))
            header = (
                f"for {counter}, {item} in zip([{a}], ({b},)):"
                if n == 1
                else f"for {counter}, {item} in zip([{a}], [{b}]):"
            )
            inner.names[counter] = inner.names[item] = FLOAT
            inner.protected |= {counter, item}
        elif r < 0.72:
            vals = ", ".join(self.fexpr(env, 1) for _ in range(self.rng.randrange(1, 4)))
            header = f"for {counter} in reversed([{vals}]):"
            inner.names[counter] = FLOAT
            inner.protected.add(counter)
        elif r < 0.8 and self.list_params:
            name = self.pick(self.list_params)
            header = f"for {counter} in {name}:"
            inner.names[counter] = FLOAT
            inner.protected.add(counter)
        elif arrays and r < 0.9:
            name, shape = self.pick(arrays)
            if self.chance(0.5):
                header = f"for {counter} in {name}:"
                inner.names[counter] = FLOAT
            else:
                header = f"for {counter} in range(len({name})):"
                inner.names[counter] = INT
            inner.protected.add(counter)
        else:
            header = f"for {counter} in range({self.rng.randrange(2, 4)}):"
            inner.names[counter] = INT
            inner.protected.add(counter)
        lines = [pad + header]
        lines += self.block(inner, depth - 1, True, indent + 1)
        _ = floats
        return lines

    def while_stmt(self, env, depth, indent):
        pad = "    " * indent
        k = self.fresh("k")
        inner = env.copy()
        inner.names[k] = INT
        inner.protected.add(k)
        limit = self.rng.randrange(1, 4)
        test = f"{k} < {limit}"
        if self.chance(0.4) and env.of(FLOAT):
            test = f"{k} < {limit} and {self.fexpr(env, 1)} < 5.0"
        lines = [f"{pad}{k} = 0", f"{pad}while {test}:", f"{pad}    {k} += 1"]
        lines += self.block(inner, depth - 1, True, indent + 1)
        return lines

    # -- array statements ------------------------------------------------------------------------
    def fill_loop(self, env, name, shape, pad):
        """`for i in range(n): y[i] = ...` (counted up or down), sometimes with a slice
        store that starts or ends at the counter."""
        counter = self.fresh("i")
        inner = env.copy()
        inner.names[counter] = INT
        inner.protected.add(counter)
        value = self.fexpr(inner, 2) if len(shape) == 1 else self.aexpr(inner, shape[1:], 2)
        src = [
            n
            for n, t in env.names.items()
            if is_arr(t) and t[1][:1] == shape[:1] and len(t[1]) == 1
        ]
        if src and len(shape) == 1 and self.chance(0.7):
            s = self.pick(src)
            value = self.pick(
                [
                    f"{self.squash_np(s + '[' + counter + ']')}",
                    f"{s}[{counter}] * {self.fexpr(inner, 1)}",
                    f"{name}[{counter}] + {s}[{counter}]",
                ]
            )
        bound = self.pick([str(shape[0]), f"{name}.shape[0]", f"len({name})"])
        # counted down as well as up: a `reversed(range(...))` counter is no `range`
        # counter to srcdiff (a slice store under one once crashed the generated code)
        loop_range = f"reversed(range({bound}))" if self.chance(0.4) else f"range({bound})"
        lines = [
            f"{pad}for {counter} in {loop_range}:",
            f"{pad}    {name}[{counter}] = {value}",
        ]
        if self.chance(0.3):
            lines.append(
                f"{pad}    {name}[{counter}] += {self.fexpr(inner, 1)}"
                if len(shape) == 1
                else f"{pad}    {name}[{counter}] *= 0.5"
            )
        if self.chance(0.5):  # a slice that starts or ends at the counter
            part = self.pick([f"{counter}:", f":{counter}", f"{counter}:{counter} + 2"])
            lines.append(f"{pad}    {name}[{part}] = {name}[{part}] * 0.5 + {self.fexpr(inner, 1)}")
        return lines

    def array_stmt(self, env, depth, loop, indent):
        pad = "    " * indent
        r = self.rng.random()
        fresh_arrays = [n for n in self.fresh_arrays if n in env.names and n not in env.protected]
        if r < 0.25 or not fresh_arrays:
            # a fresh array to assign into
            shape = self.random_shape()
            name = self.fresh("y")
            init = self.pick(
                [
                    f"np.zeros({shape})",
                    f"np.ones({shape})",
                    f"{self.aexpr(env, shape, 1)}.copy()"
                    if self.arrays_of(env, shape)
                    else f"np.zeros({shape})",
                    f"np.array({self.aexpr(env, shape, 1)})",
                    f"np.full({shape}, {self.fexpr(env, 1)})",
                    f"np.zeros_like({self.pick(self.arrays_of(env, shape))})"
                    if self.arrays_of(env, shape)
                    else f"np.ones({shape})",
                ]
            )
            env.names[name] = arr(shape)
            self.fresh_arrays.append(name)
            lines = [f"{pad}{name} = {init}"]
            if self.chance(0.3):  # filled element by element right away
                lines += self.fill_loop(env, name, shape, pad)
            return lines
        name = self.pick(fresh_arrays)
        shape = env.names[name][1]
        r = self.rng.random()
        if r < 0.2:
            i = self.rng.randrange(shape[0])
            value = self.fexpr(env, 2) if len(shape) == 1 else self.aexpr(env, shape[1:], 2)
            return [f"{pad}{name}[{i}] = {value}"]
        if r < 0.3 and shape[0] >= 2:
            a = self.rng.randrange(shape[0] - 1)
            b = self.rng.randrange(a + 1, shape[0] + 1)
            return [f"{pad}{name}[{a}:{b}] = {self.aexpr(env, (b - a,) + shape[1:], 2)}"]
        if r < 0.45:
            return self.fill_loop(env, name, shape, pad)
        if r < 0.55:
            op = self.pick(["+=", "*=", "-="])
            value = self.aexpr(env, shape, 2) if self.chance(0.6) else self.fexpr(env, 2)
            if op == "*=":
                value = f"np.tanh({value})"
            return [f"{pad}{name} {op} {value}"]
        if r < 0.59 and shape[0] >= 2:
            a = self.rng.randrange(shape[0] - 1)
            b = self.rng.randrange(a + 1, shape[0] + 1)
            op = self.pick(["+=", "-=", "*="])
            value = (
                self.aexpr(env, (b - a,) + shape[1:], 2) if self.chance(0.6) else self.fexpr(env, 1)
            )
            return [f"{pad}{name}[{a}:{b}] {op} {value}"]
        if r < 0.63:
            return [f"{pad}{name}[{name} > {self.const()}] = {self.fexpr(env, 1)}"]
        if r < 0.7:
            idx = sorted(self.rng.sample(range(shape[0]), min(2, shape[0])))
            if self.chance(0.1):
                idx = [idx[0], idx[0]]  # repeated: refused when it runs
            value = self.aexpr(env, (len(idx),) + shape[1:], 2)
            return [f"{pad}{name}[np.array({idx})] = {value}"]
        if r < 0.8:
            # an alias or a view, then an in-place change of the base, then a read
            view = self.fresh("z")
            kind = self.rng.random()
            if kind < 0.3:
                env.names[view] = arr(shape)
                expr = name
            elif kind < 0.55:
                env.names[view] = arr(shape[1:]) if len(shape) > 1 else FLOAT
                expr = f"{name}[{self.rng.randrange(shape[0])}]"
                if len(shape) == 1:
                    env.names[view] = FLOAT
            elif kind < 0.75 and shape[0] >= 2:
                env.names[view] = arr((shape[0] - 1,) + shape[1:])
                expr = f"{name}[1:]"
            elif len(shape) == 2:
                env.names[view] = arr((shape[1], shape[0]))
                expr = f"{name}.T"
            else:
                env.names[view] = arr(shape)
                expr = f"{name}.reshape({shape[0]})"
            change = self.pick(
                [
                    f"{name} *= 3.0",
                    f"{name} += 1.0",
                    f"{name}[0] = {self.fexpr(env, 1)}"
                    if len(shape) == 1
                    else f"{name}[0] = {self.aexpr(env, shape[1:], 1)}",
                ]
            )
            return [f"{pad}{view} = {expr}", f"{pad}{change}"]
        target = self.fresh()
        env.names[target] = FLOAT
        return [f"{pad}{target} = np.sum({name} * {self.aexpr(env, shape, 1)})"]

    def squash_np(self, e):
        return self.pick([f"np.sin({e})", f"np.tanh({e})", f"{e} * {e}", f"np.exp(np.cos({e}))"])

    # -- the whole program ------------------------------------------------------------------------
    def final_expr(self, env):
        if self.profile == "numpy" and self.chance(0.7):
            found = self.any_array(env)
            if found:
                e = self.aexpr(env, found[1], 2)
                extra = f" + {self.fexpr(env, 1)}" if self.chance(0.4) else ""
                return self.pick(
                    [
                        f"np.sum({e}){extra}",
                        f"np.sum({e} * {e}){extra}",
                        f"np.mean(np.sin({e})){extra}",
                    ]
                )
        return self.fexpr(env, 3)

    def imports(self, code):
        """Import lines, sometimes under other names (`import math as m`, `from math import
        sin as msin`): srcdiff resolves names to the objects they denote."""
        header = ["import math", "", "import numpy as np"]
        r = self.rng.random()
        if r < 0.15:
            header[0] = "import math as m"
            code = code.replace("math.", "m.")
        elif r < 0.3 and "math.sin(" in code:
            header.insert(1, "from math import sin as msin")
            code = code.replace("math.sin(", "msin(")
        elif r < 0.4 and "np.sum(" in code:
            header.append("from numpy import sum as total")
            code = code.replace("np.sum(", "total(")
        return header, code

    def params(self):
        params, args = [], {}
        self.list_params = []
        rng = np.random.default_rng(self.seed)
        if self.profile == "scalar":
            k = self.rng.choice([1, 2, 2, 3, 3])
            for j in range(k):
                params.append((f"x{j}", FLOAT))
                args[f"x{j}"] = float(np.round(rng.uniform(-1.4, 1.4), 3))
            if self.chance(0.2):
                params.append(("xs", "list"))
                args["xs"] = [
                    float(np.round(v, 3)) for v in rng.uniform(-1, 1, self.rng.randrange(1, 4))
                ]
                self.list_params.append("xs")
            if self.chance(0.3):
                params.append(("n", INT))
                args["n"] = self.rng.randrange(1, 4)
        else:
            shapes = [(4,), self.random_shape()]
            names = ["x", "w"]
            dtype = np.float32 if self.chance(0.1) else np.float64  # float32 stays float32
            for name, shape in zip(names[: self.rng.choice([1, 2, 2])], shapes):
                params.append((name, arr(shape)))
                args[name] = np.round(rng.uniform(-1.2, 1.2, shape), 3).astype(dtype)
            if self.chance(0.5):
                params.append(("s", FLOAT))
                args["s"] = float(np.round(rng.uniform(-1.2, 1.2), 3))
            if self.chance(0.2):
                params.append(("n", INT))
                args["n"] = self.rng.randrange(1, 4)
        return params, args

    def program(self):
        self.used_names = set()
        self.fresh_arrays = []
        params, args = self.params()
        helpers = self.make_helpers()
        env = Env({p: (t if t != "list" else "list") for p, t in params})
        env.names = {p: t for p, t in env.names.items() if t != "list"}
        self.budget = self.rng.randrange(3, 12)
        body = self.block(env, depth=2, loop=False, indent=1, min_stmts=2)
        body.append(f"    return {self.final_expr(env)}")
        sig = ", ".join(p for p, _ in params)
        code = "\n\n".join(helpers + [f"def f({sig}):\n" + "\n".join(body) + "\n"])
        header, code = self.imports(code)
        text = "\n".join(header) + "\n\n\n" + code
        wrt = tuple(p for p, t in params if t != INT)
        if len(wrt) >= 2 and self.chance(0.25):
            # a proper subset: what is differentiated then differs from what is computed
            # from the parameters (a list built from x1 gets an x0 item appended later)
            keep = sorted(self.rng.sample(range(len(wrt)), self.rng.randrange(1, len(wrt))))
            wrt = tuple(wrt[i] for i in keep)
        return Case(source=text, args=args, wrt=wrt, hessian=self.rng.random() < 0.15)


def generate(seed, profile=None):
    """The random program for `seed` (deterministic)."""
    return Gen(seed, profile).program()


def containerize(case, seed):
    """The same program with some parameters passed in one container: a dict (reads
    ``params["x"]``) or a NamedTuple ``Params`` (reads ``params.x``) in place of the bare
    names.  A field the program assigns to is read once at the top (``x = params["x"]``):
    a container can't be stored into.  The case's args stay the leaves
    (`Case.containers` says how the oracle packs them), so the gradient's leaves are
    checked against finite differences of the leaves, and its structure against the
    container's.  None if the program has no parameter to put in one."""
    import ast

    rng = random.Random(seed * 7919 + 1)
    candidates = [
        n
        for n in case.wrt
        if isinstance(case.args[n], (float, np.ndarray)) and not isinstance(case.args[n], list)
    ]
    if not candidates:
        return None
    k = rng.randrange(1, len(candidates) + 1)
    chosen = set(rng.sample(candidates, k))
    fields = [n for n in case.wrt if n in chosen]
    kind = "dict" if rng.random() < 0.5 else "Params"
    tree = ast.parse(case.source)
    f = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == case.entry)
    stored = {
        n.id
        for n in ast.walk(f)
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))
    }

    def read(name):
        if kind == "dict":
            return ast.Subscript(ast.Name("params", ast.Load()), ast.Constant(name), ast.Load())
        return ast.Attribute(ast.Name("params", ast.Load()), name, ast.Load())

    class Reads(ast.NodeTransformer):
        def visit_Name(self, node):
            if isinstance(node.ctx, ast.Load) and node.id in fields and node.id not in stored:
                return ast.copy_location(read(node.id), node)
            return node

    f.body = [Reads().visit(s) for s in f.body]
    f.body[:0] = [ast.Assign([ast.Name(n, ast.Store())], read(n)) for n in fields if n in stored]
    params = [a for a in f.args.args if a.arg not in fields]
    first = [a.arg for a in f.args.args].index(fields[0])
    params.insert(first, ast.arg("params"))
    f.args.args = params
    if kind != "dict":
        hints = {
            n: "np.ndarray" if isinstance(case.args[n], np.ndarray) else "float" for n in fields
        }
        cls = ast.parse(
            "class Params(NamedTuple):\n" + "".join(f"    {n}: {t}\n" for n, t in hints.items())
        ).body[0]
        at = next(
            i for i, n in enumerate(tree.body) if isinstance(n, (ast.FunctionDef, ast.ClassDef))
        )
        tree.body[at:at] = [ast.ImportFrom("typing", [ast.alias("NamedTuple")], 0), cls]
    source = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    return Case(
        source=source,
        args=case.args,
        wrt=case.wrt,
        entry=case.entry,
        hessian=False,
        containers={"params": (kind, tuple(fields))},
    )
