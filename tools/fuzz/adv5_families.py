"""Program families for the idioms of numerical code nobody on the team wrote
(tests/foreign_cases_adv5.py: numpy-ml, scipy.optimize's test functions, textbook
GP and HMM code), combined the way that code combines them:

* ``foreign_idioms`` -- an array made from the arguments, read through an expression
  the rule templates simplify to it (``1.0 * w``, ``w + 0.0``, ``w.T * 1.0``, ``w *
  1``, ``-(-w)``), then changed in place (an item, a mask, a slice, items in a loop: numpy-ml's
  LeakyReLU); an elementwise result unpacked into rows (``ell, sf2 = np.exp(theta)``,
  a GP's hyperparameters); NumPy's functions under local names bound at the top
  (``tanh, ex = np.tanh, np.exp``, numpy-ml's GELU).  Each piece is drawn or left out,
  so they meet in one program.

Every template runs in plain Python at the random point and is differentiable there
almost surely (masks compare with a constant no value is near).
"""

from __future__ import annotations

ADV5_FAMILIES = ("foreign_idioms",)

# NumPy's functions under the local names fa, fb
_ALIASED = ["np.tanh, np.exp", "np.sin, np.cosh", "np.arctan, np.exp"]

# how `v` reads `w` (a fresh array of x's shape, rank 1 or 2)
_SAME_VALUE = [
    "1.0 * w",
    "w + 0.0",
    "w * 1",
    "w - 0.0",
    "w.T * 1.0",
    "(w * 1.0).T",
    "+w * 1.0",
    "-(-w)",
    "-w * -1.0",
    "(w / 1.0)[::-1]",
    "np.reshape(w + 0.0, w.shape)",
]

# changes of `w` in place after `v` was read
_CHANGES = [
    "    w[0] = w[0] * {c}\n",
    "    w[w < 0.05] = w[w < 0.05] * {c}\n",
    "    w[1:] = w[:-1] * {c}\n",
    "    for i in range(w.shape[0]):\n        w[i] = w[i] * {c} + 0.1\n",
    "    w[-1] += {c}\n",
    "    w *= {c}\n",
]

# elementwise functions of an array, as local names `fa(...)` or NumPy's
_ROWS = [
    "np.exp({})",
    "np.tanh({})",
    "np.sqrt({0} * {0} + 0.5)",
    "np.square({})",
    "np.log({0} * {0} + 1.0)",
    "1.0 / ({0} * {0} + 1.0)",
    "np.sin({}) * 2.0",
    "fa({})",
    "fb({}) - 1.0",
]


class Adv5Families:
    """Mixed into tools/fuzz/families.py's Family (self.pick, chance, value, const)."""

    def foreign_idioms(self):
        self.hessian_p = 0.5
        shape = self.pick([(2,), (2, 3), (3,)])
        c = self.const()
        lines = [
            "def f(x, e):\n",
            f"    fa, fb = {self.pick(_ALIASED)}\n",
            f"    w = {self.pick(['x * e', 'np.sin(x) + e', 'x.copy()', 'fa(x) * e'])}\n",
            f"    v = {self.pick(_SAME_VALUE)}\n",
        ]
        lines += [self.pick(_CHANGES).format(c=c) for _ in range(self.pick([1, 1, 2]))]
        if shape[0] == 2:  # rows of an elementwise result, unpacked
            lines.append(f"    a, b = {self.pick(_ROWS).format('v * e')}\n")
        else:
            lines.append("    a, b = v[0], v[1:]\n")
        tail = self.pick(["np.sum(a * b)", "np.sum(a) * np.sum(b * b)", "np.sum(fa(a) + b)"])
        lines.append(f"    return np.sum(v.T * w.T) + {tail} + np.sum(w) * e\n")
        args = {"x": self.value(shape), "e": self.value(())}
        return "".join(lines), args, self.pick([("x", "e"), ("x",), ("e",)])
