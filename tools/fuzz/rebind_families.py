"""Families of programs where a value's kind or shape is not its name's: masks and integer
arrays combined with floats (the int kind covers both a count and a mask, so `s * (x > 0)`
must still be an array), and names rebound to a value of another shape (`acc = x[0]`,
then `acc = acc * x`; Horner's rule; an accumulator that starts as a number in a loop).
Both found silently wrong gradients the other families never produced (2026-12-04)."""

from __future__ import annotations

import numpy as np

# operands of `masks`, over x (a 1-D or 2-D array), s (a float) and z (a 0-d array)
FLOATS = [
    "np.sum(x)",
    "np.ravel(x)[0]",
    "s",
    "z",
    "np.mean(x) * s",
    "np.max(x)",
    "np.array(s)",
    "np.asarray(np.sum(x))",
    "z * s",
    "np.float64(np.sum(x))",
]
ARRAYS = ["x", "x[::-1]", "np.sin(x)", "x * s", "z * x"]
MASKS = [
    "(x > 0.1)",
    "(x < s)",
    "~(x > 0.3)",
    "np.logical_and(x > -0.5, x < 0.5)",
    "(x == np.max(x))",
    "np.arange(x.size).reshape(x.shape)",
    "(x > 0.0).astype(int)",
    "np.isclose(x, s)",
    "np.isnan(x)",
    "~np.isnan(x * s)",
    "np.sign(x)",
    "np.sign(x - s)",
    "(x.astype(np.float32) > 0.2)",
    "np.isclose(x, np.max(x))",
]
COMBINE = [
    "{a} * {m}",
    "{m} * {a}",
    "{a} + {m}",
    "{a} - {m}",
    "{m} / (1.5 + {a} * {a})",
    "np.maximum({a}, {m})",
    "np.minimum({m}, {a})",
    "np.where({m}, {a}, 0.5 * {a})",
    "{a} ** ({m} + 1)",
    "np.where({m}, {a}, 0.0)",
    "np.where({m}, 1.5, {a})",
    "np.where({m}, {a} * {a}, 2)",
]
STEPS = [
    "{v} = {v} * x + {e}",
    "{v} = {v} + {e} * x",
    "{v} = {v} * ({m}) + {e}",
    "{v} = np.maximum({v}, {e} * x)",
    "{v} = {v} - np.sum({v}) * {e}",
    "{v} = h({v}, {e})",
    "{v} = {v} + h({e}, {v})",
    "{v}, b = b, {v} * x",
    "b, {v} = {v} * {e}, b + {v}",
    "{v} += {e} * x",
    "{v} *= {e}",
    "{v} -= {v} * ({m})",
    "b += np.sum({v})",
]
# `acc += <array>` on a 0-d array is NumPy's ValueError (the program is invalid)
GROWING_IN_PLACE = ("{v} += {e} * x", "{v} -= {v} * ({m})")
HELPERS = [
    "def h(a, b):\n    return a * b + np.sin(a)\n",
    "def h(a, b):\n    t = a\n    t = t + b\n    return t * np.tanh(t) * 0.5\n",
    "def h(a, b):\n    return np.sum(a) * b + 0.1 * a\n",
]
ZERO_D = ("z", "np.array(s)")


class RebindFamilies:
    """Mixed into families.Family: uses its `rng`, `pick`, `chance`, `value`, `const`."""

    def _x_shape(self):
        return self.pick([(4,), (3,), (2, 3)])

    def _args(self):
        return {
            "x": self.value(self._x_shape()),
            "s": self.value(()),
            "z": np.array(self.value(())),
        }

    def masks(self):
        """A float (a reduction, an element, a 0-d array) combined with a mask or an
        integer array, maybe stored first, then reduced."""
        lines = []
        for k in range(self.rng.randrange(1, 4)):
            a = self.pick(FLOATS + ARRAYS if k else FLOATS)
            m = self.pick(MASKS)
            if self.chance(0.3):
                lines.append(f"    m{k} = {m}\n")
                m = f"m{k}"
            lines.append(f"    t{k} = {self.pick(COMBINE).format(a=a, m=m)}\n")
        terms = " + ".join(
            self.pick(["np.sum({t} * x)", "np.sum({t} ** 2)", "np.mean(np.sin({t}))"]).format(
                t=f"t{k}"
            )
            for k in range(len([ln for ln in lines if ln.startswith("    t")]))
        )
        src = "def f(x, s, z):\n" + "".join(lines) + f"    return {terms}\n"
        return self._flat(src, self._args())

    def rebinding(self):
        """A name rebound to a value of another shape: straight-line or in a loop, by
        arithmetic, a helper or np.maximum, starting from a number or an element."""
        helper = self.pick(HELPERS)
        start = self.pick(
            [
                "0.0",
                "np.ravel(x)[0]",
                "np.sum(x)",
                "s",
                "z",
                "x * 0.5",
                "1.0 + 0.0 * s",
                "np.array(s)",
                "np.stack([x, x * s])",
                "x[None] * s",
            ]
        )
        b0 = self.pick(["s", "x * 0.5", "z", "1.0"])
        steps = []
        for _ in range(self.rng.randrange(1, 3)):
            e = self.pick(["s", "np.ravel(x)[-1]", "z", "0.5", "np.mean(x)"])
            choices = [t for t in STEPS if start not in ZERO_D or t not in GROWING_IN_PLACE]
            steps.append(self.pick(choices).format(v="acc", e=e, m=self.pick(MASKS)))
        if self.chance(0.6):
            body = "    for i in range(3):\n" + "".join(f"        {s}\n" for s in steps)
        else:
            body = "".join(f"    {s}\n" for s in steps)
        out = self.pick(
            ["np.sum(acc ** 2)", "np.sum(np.cos(acc)) + np.sum(acc * x)", "np.sum(acc)"]
        )
        head = f"    acc = {start}\n    b = {b0}\n"
        src = f"{helper}\n\ndef f(x, s, z):\n{head}{body}    return {out} + np.sum(b)\n"
        return self._flat(src, self._args())


REBIND_FAMILIES = ("masks", "rebinding")
