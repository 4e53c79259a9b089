"""Random programs written with classes, and programs calling gradients.

`methods`: classes: methods calling each other through `self`, a
staticmethod through `self`, an object a module holds, a subclass inheriting the
methods, and a NamedTuple or dataclass built in the function whose method it calls
(compiler/self_methods.py, held.Hoist.record_method).  A subclass overriding a method is
in some programs: there the call through `self` depends on the instance and is refused.

`gradient_calls`: `f` calls gradients srcdiff made of a helper (`DG = srcdiff.grad(g)` at
module level; compiler/derivative_calls.py), of a scalar or array argument, with respect
to one parameter or another, and a value_and_grad unpacked.
"""

from __future__ import annotations

METHOD_FAMILIES = ("methods", "gradient_calls")

# the body of `Layer.forward(self, h)`, returning a value of h's shape
_FORWARDS = [
    "        return self.act(h * self.w + self.b)\n",
    "        z = self.act(h) * self.w\n        return self.squash(z) + self.b\n",
    "        u = self.mix(h, h * self.w)\n        return self.act(u) - self.b * u\n",
    "        s = 0.0\n        for k in range(2):\n"
    "            s = s + self.act(h * (k + 1)) * self.w\n        return s + self.b\n",
]

# how `f` uses the class: (a statement binding `out`, the parameters differentiated)
_USES = {
    "held": ("    out = LAYER.forward(x) * e\n", ("x", "e")),
    "held_sub": ("    out = PLAIN.forward(x) + LAYER.forward(x * e)\n", ("x", "e")),
    "built": ("    rec = Rec(w, e)\n    out = rec.forward(x)\n", ("x", "w", "e")),
    "built_twice": (
        "    rec = Rec(w * e, 0.5)\n    out = rec.forward(x) + Rec.forward(rec, x * 0.5)\n",
        ("x", "w", "e"),
    ),
}


class MethodFamilies:
    """Mixed into families.Family (its `pick`, `chance`, `value`, `unary`)."""

    def methods(self):
        self.hessian_p = 0.5
        forward = self.pick(_FORWARDS)
        act = self.unary("z")
        squash = self.unary("z")
        use = self.pick(sorted(_USES))
        statement, wrt = _USES[use]
        overriding = self.chance(0.25)
        methods = (  # Layer's and Rec's alike
            "    def act(self, z):\n"
            f"        return {act}\n"
            "\n"
            "    @staticmethod\n"
            "    def squash(z):\n"
            f"        return {squash}\n"
            "\n"
            "    def mix(self, a, c):\n"
            "        return a * self.w + c * (1.0 - self.w)\n"
            "\n"
            "    def forward(self, h):\n" + forward
        )
        src = (
            "import dataclasses\n"
            "\n\n"
            "class Layer:\n"
            "    def __init__(self, w, b):\n"
            "        self.w, self.b = w, b\n"
            "\n" + methods + "\n\n"
            "class Plain(Layer):\n"
            "    pass\n"
            "\n\n"
            + (
                "class Other(Layer):\n    def act(self, z):\n        return z * 0.5\n\n\n"
                if overriding
                else ""
            )
            + "@dataclasses.dataclass\n"
            "class Rec:\n"
            "    w: np.ndarray\n"
            "    b: float\n"
            "\n" + methods + "\n\n"
            f"LAYER = Layer({self.const()}, {self.const()})\n"
            f"PLAIN = Plain({self.const()}, {self.const()})\n"
            "\n\n"
            "def f(x, w, e):\n" + statement + f"    return np.sum({self.unary('out')})\n"
        )
        args = {"x": self.value((3,)), "w": self.value((3,)), "e": self.value(())}
        return src, args, wrt

    def gradient_calls(self):
        self.hessian_p = 0.5
        body = self.pick(
            [
                "    return np.sum({u}) * c + np.sum(v * v)\n",
                "    t = v * c\n    for _ in range(2):\n        t = {u2} + t * 0.5\n"
                "    return np.sum(t)\n",
                "    return np.sum(np.tanh(v) * c ** 2) + v[0] * v[1]\n",
            ]
        ).format(u=self.unary("v * c"), u2=self.unary("t"))
        use = self.pick(
            [
                "    out = np.sum(DG(x, e) ** 2) + DC(x, e) * e\n",
                "    value, grads = VG(x * e, 0.5)\n    out = value + np.sum(grads * x)\n",
                "    out = np.sum({u}) + DC(x, 0.25) ** 2\n".replace("{u}", self.unary("DG(x, e)")),
            ]
        )
        src = (
            "import srcdiff\n"
            "\n\n"
            "def g(v, c):\n" + body + "\n\n"
            "DG = srcdiff.grad(g)\n"
            'DC = srcdiff.grad(g, wrt="c")\n'
            "VG = srcdiff.value_and_grad(g)\n"
            "\n\n"
            "def f(x, e):\n" + use + "    return out\n"
        )
        return src, {"x": self.value((3,)), "e": self.value(())}, self.pick([("x", "e"), ("x",)])
