"""Program families for unpacking and for iterables passed to helpers (gaps closed on
the gaps5 branch):

* ``unpack_walks`` -- ``a, b = h(x)`` of a helper's list, the rows of an array walked
  into two names, nested unpacking, ``for a, b, c in zip(*h(x))`` and
  ``enumerate(zip(*[...]))``, and a helper walking its parameter given a set display, a
  module's dict (its keys, in an order that matters: walking its values instead is a
  wrong value), a module's frozenset and a dict's values.  Every unpacking fits (the
  programs run in plain Python); the lengths are checked where they are not known.
"""

from __future__ import annotations

GAPS5_FAMILIES = ("unpack_walks",)

# statements of f(x, e), x an array of 6, accumulating into s
_STEPS = [
    "    a, b = pair_list(x)\n    s = s + a * b\n",
    "    m = x.reshape(3, 2)\n    for a, b in m:\n        s = s * 0.5 + a * b\n",
    "    for a, b, c in zip(*parts(x)):\n        s = s + a * b - c\n",
    "    for i, (a, b) in enumerate(zip(*[x[:3], x[3:]])):\n        s = s + (i + 1) * a * b\n",
    "    s = s + walk({{1.0, 2.0}}, x[0]) * e\n",
    "    s = s + walk(D, x[1])\n",
    "    s = s + walk(S, e) * x[2]\n",
    "    s = s + walk(D.values(), x[3])\n",
    "    (a, b), c = pair_list(x), e\n    s = s + a * b * c\n",
    "    xs = [x[0], x[1] * e]\n    a, b = xs\n    s = s + a * b\n",
]


class Gaps5Families:
    """Mixed into families.Family (its `pick`, `rng`, `value`, `unary`)."""

    def unpack_walks(self):
        self.hessian_p = 0.5
        n = self.pick([3, 4])
        keys = list(range(n))
        self.rng.shuffle(keys)
        table = ", ".join(f"{k}: {self.pick(range(1, n + 1))}.0" for k in keys)
        steps = [self.pick(_STEPS).format() for _ in range(3)]
        src = (
            f"D = {{{table}}}\n"
            "S = frozenset({0.5, 2.0})\n\n\n"
            "def walk(s, x):\n"
            "    t = 0.0\n"
            "    for k in s:\n"
            "        t = t * 0.5 + k * x\n"
            "    return t\n\n\n"
            "def parts(v):\n"
            "    return v[:2], v[2:4] * 2.0, np.tanh(v[4:])\n\n\n"
            "def pair_list(v):\n"
            "    return [v[0] * v[1], v[2]]\n\n\n"
            "def f(x, e):\n"
            f"    s = {self.unary('e')}\n" + "".join(steps) + "    return s * np.sum(x)\n"
        )
        return src, {"x": self.value((6,)), "e": self.value(())}, self.pick([("x", "e"), ("x",)])
