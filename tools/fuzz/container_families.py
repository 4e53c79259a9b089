"""Families of container programs (tools/fuzz/families.py draws them): the forms README's
"Dicts inside the function" and "Containers of parameters" claim, which the expression
generator never writes.

* ``dict_helper`` -- a local dict or a dict display passed whole to a helper of the
  module, which may pass it on to another helper (random depth);
* ``seq_helper`` -- a list or tuple display passed whole to helpers several times (two
  call sites, a loop, a helper passing it on and reading it twice);
* ``helper_returns`` -- a helper returning a dict, a tuple, a NamedTuple or a dataclass,
  read by key, unpacked or read by attribute;
* ``state_loop`` -- ``state = step(state, ...)`` rebinding in a loop, the state a dict,
  a tuple or a NamedTuple;
* ``dict_list`` -- a list of dicts (layers) walked by a helper's ``for``;
* ``record_params`` -- NamedTuple and dataclass parameters passed to a helper;
* ``comprehension_sum`` -- list comprehensions over lists of arrays and of dicts, and
  ``sum(...)`` of them and of generators.

Leaves are random expressions of random depth over the arguments (every function in
them smooth where it is evaluated); shapes are random.  The families whose parameters are
plain arrays ask for a Hessian on half their programs (the oracle checks Hessians of
flat parameters only).
"""

from __future__ import annotations

CLASSES = (
    "from dataclasses import dataclass\n"
    "from typing import NamedTuple\n\n\n"
    "class Pair(NamedTuple):\n"
    "    lo: object\n"
    "    hi: object\n\n\n"
    "@dataclass\n"
    "class Box:\n"
    "    lo: object\n"
    "    hi: object\n\n\n"
)

SMOOTH = [
    "np.sin({})",
    "np.tanh({})",
    "np.cos({})",
    "np.log({0} * {0} + 0.5)",
    "np.sqrt({0} * {0} + 0.25)",
    "np.arctan({})",
    "np.exp(np.sin({}))",
]


class ContainerFamilies:
    """Mixed into families.Family: uses its `rng`, `pick`, `chance`, `value`, `const`."""

    hessian_p = 0.15

    # -- leaves ----------------------------------------------------------------------
    def expr(self, names, depth=None):
        """A random smooth expression over `names` (all broadcasting together)."""
        depth = self.rng.randrange(1, 4) if depth is None else depth
        if depth <= 0 or self.chance(0.2):
            return self.pick(names) if self.chance(0.8) else self.const()
        if self.chance(0.4):
            return self.pick(SMOOTH).format(self.expr(names, depth - 1))
        op = self.pick(["+", "-", "*", "*"])
        return f"({self.expr(names, depth - 1)} {op} {self.expr(names, depth - 1)})"

    def array_shape(self):
        return self.pick([(), (3,), (2,), (2, 3)])

    def flat_args(self, shape, names=("x", "w")):
        args = {n: self.value(shape) for n in names}
        args["s"] = self.value(())
        return args

    def _flat(self, src, args, header=""):
        """A program whose parameters are plain: a Hessian on half of them."""
        self.hessian_p = 0.5
        return header + src, args, tuple(args)

    # -- families --------------------------------------------------------------------
    def dict_helper(self):
        """A dict (local or a display) passed whole to a helper, maybe on to another."""
        keys = ["a", "b", "c"][: self.rng.randrange(2, 4)]
        reads = [f'd["{k}"]' for k in keys]
        depth = self.rng.randrange(1, 3)
        helpers = []
        inner = f"def h{depth}(d, c={self.const()}):\n    return {self.expr(reads)} * c\n"
        helpers.append(inner)
        for level in range(depth - 1, 0, -1):
            nxt = f"h{level + 1}"
            call = self.pick([f"{nxt}(d)", f"{nxt}(d, c=0.5)", f"{nxt}(d, 2.0)"])
            helpers.append(f"def h{level}(d):\n    return {call} + {self.expr(reads, 1)}\n")
        values = ", ".join(f'"{k}": {self.expr(["x", "w", "s"], 2)}' for k in keys)
        display = "{" + values + "}"
        if self.chance(0.5):
            body = f"    d = {display}\n"
            if self.chance(0.5):
                body += f'    d["{keys[0]}"] = d["{keys[0]}"] * s\n'
            body += "    r = h1(d)\n"
        else:
            body = f"    r = h1({display})\n"
        if self.chance(0.4):
            other = ", ".join(f'"{k}": {self.expr(["w", "s"], 1)}' for k in keys)
            body += f"    r = r + h1({{{other}}}) * x\n"
        body += f"    return np.sum({self.expr(['r', 'x'], 2)})\n"
        src = "\n\n".join(reversed(helpers)) + "\n\ndef f(x, w, s):\n" + body
        return self._flat(src, self.flat_args(self.array_shape()))

    def seq_helper(self):
        """A list or tuple display passed whole to a helper several times -- at two call
        sites, in a loop, or on to another helper that reads it twice: the helpers'
        adjoints of it add up in the caller (two lists' `+` joined them)."""
        n = self.rng.randrange(2, 4)
        reads = [f"q[{i}]" for i in range(n)]
        if self.chance(0.5):
            leaf = "def h2(q):\n    acc = 0.0\n    for v in q:\n"
            leaf += f"        acc = acc + {self.pick(SMOOTH).format('v')}\n"
            leaf += f"    return acc * {self.expr(reads, 1)}\n"
        else:
            leaf = f"def h2(q):\n    return {self.expr(reads)}\n"
        call = self.pick(["h2(q)", "h2(q) * h2(q)", "h2(q) + h1_inner(q)"])
        middle = f"def h1(q):\n    return {call} + {self.expr(reads, 1)}\n"
        if "h1_inner" in call:
            middle += f"\n\ndef h1_inner(q):\n    return h2(q) * {self.const()}\n"
        items = ", ".join(self.expr(["x", "w", "s"], 2) for _ in range(n))
        display = self.pick([f"[{items}]", f"({items},)"])
        body = f"    q = {display}\n"
        if self.chance(0.5):
            body += "    r = h1(q) + h1(q) * s\n"
        else:
            body += "    r = 0.0\n"
            body += f"    for k in range({self.rng.randrange(2, 4)}):\n"
            body += "        r = r + h1(q) * (k + 1)\n"
        body += f"    return np.sum({self.expr(['r', 'x'], 2)})\n"
        src = leaf + "\n\n" + middle + "\n\ndef f(x, w, s):\n" + body
        return self._flat(src, self.flat_args(self.array_shape()))

    def helper_returns(self):
        """A helper returning a dict / tuple / NamedTuple / dataclass, read back."""
        kind = self.pick(["dict", "tuple", "Pair", "Box"])
        e1, e2 = self.expr(["x", "s"]), self.expr(["x", "w"])
        ret = {
            "dict": f'{{"lo": {e1}, "hi": {e2}, "tag": 3}}',
            "tuple": f"{e1}, {e2}",
            "Pair": self.pick([f"Pair(lo={e1}, hi={e2})", f"Pair({e1}, {e2})"]),
            "Box": self.pick([f"Box(lo={e1}, hi={e2})", f"Box({e1}, {e2})"]),
        }[kind]
        helper = f"def split(x, w, s):\n    return {ret}\n"
        whole = "    r = split(x, w, s)\n"
        unpack = "    lo, hi = split(x, w, s)\n"
        read = {
            "dict": [whole + '    lo, hi = r["lo"], r["hi"] * r["tag"]\n'],
            "tuple": [unpack, whole + "    lo, hi = r[0], r[1]\n"],
            "Pair": [unpack, whole + "    lo, hi = r.lo, r.hi\n"],
            "Box": [whole + "    lo, hi = r.lo, r.hi\n"],
        }[kind]
        body = self.pick(read)
        if self.chance(0.4):
            body += "    lo = lo + split(hi, w, 0.5)" + (
                '["lo"]\n' if kind == "dict" else "[0]\n" if kind != "Box" else ".lo\n"
            )
        body += f"    return np.sum({self.expr(['lo', 'hi', 'w'], 2)})\n"
        src = helper + "\n\ndef f(x, w, s):\n" + body
        return self._flat(src, self.flat_args(self.array_shape()), CLASSES)

    def state_loop(self):
        """`state = step(state, ...)` in a loop, the state a dict, tuple or NamedTuple."""
        kind = self.pick(["dict", "tuple", "Pair"])
        trips = self.rng.randrange(2, 5)
        new_lo = self.expr(["lo", "hi", "k"], 2)
        new_hi = self.expr(["lo", "hi", "k"], 2)
        damp = self.pick(["0.5", "0.3", "0.7"])
        if kind == "dict":
            step = (
                "def step(st, k):\n"
                '    lo, hi = st["lo"], st["hi"]\n'
                f'    return {{"lo": lo + {damp} * np.tanh({new_lo}), "hi": {damp} * {new_hi}}}\n'
            )
            init, final = '{"lo": x, "hi": w * s}', 'st["lo"] * st["hi"]'
        elif kind == "tuple":
            step = (
                "def step(st, k):\n"
                "    lo, hi = st\n"
                f"    return lo + {damp} * np.tanh({new_lo}), {damp} * {new_hi}\n"
            )
            init, final = "(x, w * s)", "st[0] * st[1]"
        else:
            step = (
                "def step(st, k):\n"
                "    lo, hi = st.lo, st.hi\n"
                f"    return Pair(lo + {damp} * np.tanh({new_lo}), {damp} * {new_hi})\n"
            )
            init, final = "Pair(x, w * s)", "st.lo * st.hi"
        k = self.pick(["s", "0.5 * i", "s * i"])
        loop = self.pick([f"range({trips})", f"range(1, {trips + 1})"])
        src = (
            step
            + "\n\ndef f(x, w, s):\n"
            + f"    st = {init}\n"
            + f"    for i in {loop}:\n"
            + f"        st = step(st, {k})\n"
            + f"    return np.sum(np.tanh({final}))\n"
        )
        return self._flat(src, self.flat_args(self.array_shape()), CLASSES)

    def dict_list(self):
        """A list of layer dicts, built in `f` or as a display in the call, walked by a
        helper's `for`."""
        n = self.pick([2, 3])
        depth = self.rng.randrange(1, 4)
        act = self.pick(["np.tanh", "np.sin", "np.arctan"])
        helper = (
            "def net(layers, h):\n"
            "    for layer in layers:\n"
            f'        h = {act}(layer["w"] @ h + layer["b"])\n'
            "    return h\n"
        )
        names = [f"w{i}" for i in range(depth)] + [f"b{i}" for i in range(depth)]
        layers = "[" + ", ".join(f'{{"w": w{i}, "b": b{i}}}' for i in range(depth)) + "]"
        if self.chance(0.5):
            body = f"    layers = {layers}\n    h = net(layers, x)\n"
        else:
            body = f"    h = net({layers}, x)\n"
        body += f"    return np.sum({self.expr(['h', 'x'], 2)})\n"
        args = {f"w{i}": self.value((n, n)) for i in range(depth)}
        args.update({f"b{i}": self.value((n,)) for i in range(depth)})
        args["x"] = self.value((n,))
        src = helper + "\n\ndef f(" + ", ".join(names + ["x"]) + "):\n" + body
        return self._flat(src, args)

    def record_params(self):
        """A NamedTuple or dataclass parameter, read by attribute in `f` and a helper."""
        kind = self.pick(["Pair", "Box"])
        shape = self.array_shape()
        helper = f"def use(p, x):\n    return {self.expr(['p.lo', 'p.hi', 'x'])}\n"
        body = f"    r = use(p, x) + {self.expr(['p.lo', 'x'], 1)}\n"
        if self.chance(0.4):
            body += f"    r = r * use({kind}(p.hi, p.lo), x)\n"
        body += f"    return np.sum({self.expr(['r', 'p.hi'], 2)})\n"
        src = CLASSES + helper + "\n\ndef f(p, x):\n" + body
        args = {"lo": self.value(shape), "hi": self.value(shape), "x": self.value(shape)}
        return src, args, ("lo", "hi", "x"), {"p": (kind, ("lo", "hi"))}

    def comprehension_sum(self):
        """List comprehensions over lists of arrays and of dicts, and over an array's
        rows read with a view of themselves (`np.dot(r, r[::-1])`: an adjoint updated in
        place through the view); `sum` of them."""
        items = [self.expr(["x", "w", "s"], 1) for _ in range(self.rng.randrange(2, 4))]
        form = self.pick(["list", "dicts", "gen", "rows"])
        elem = self.expr(["v", "s"], 2)
        if form == "list":
            body = (
                f"    terms = [{elem} for v in [{', '.join(items)}]]\n"
                f"    total = sum(terms){self.pick(['', ' + terms[0]', ' * terms[-1]'])}\n"
            )
        elif form == "dicts":
            ds = ", ".join(f'{{"a": {e}, "b": {self.expr(["x", "s"], 1)}}}' for e in items)
            inner = self.expr(['d["a"]', 'd["b"]'], 2)
            # (a list of dicts iterated in `f` itself is refused: README claims it
            # passed to a helper)
            helper = f"def summed(ds):\n    return sum([{inner} for d in ds])\n\n\n"
            body = f"    total = summed([{ds}])\n"
        elif form == "gen":
            body = (
                f"    vs = [{', '.join(items)}]\n"
                f"    total = sum(({elem} for v in vs), {self.const()})\n"
            )
        else:
            row = self.pick(
                ["np.dot(r, r[::-1])", "r @ r[::-1]", "np.sum(r * r[1:2])", "np.dot(r[1:], r[:-1])"]
            )
            # (the rows of the parameter w itself, with the cotangent 1.0 a return
            # gives: `1.0 * t` was folded to a view of w, which the adjoint changed)
            rows = f"sum([{row} for r in {self.pick(['w', 'np.atleast_2d(w)'])}])"
            body = f"    return {rows} + np.sum({self.expr(['x', 's'], 2)})\n"
        if form != "rows":
            body += f"    return np.sum({self.expr(['total', 'x'], 2)})\n"
        src = (helper if form == "dicts" else "") + "def f(x, w, s):\n" + body
        args = self.flat_args(self.array_shape())
        if form == "rows":
            args["w"] = self.value((2, 3))
        return self._flat(src, args)


CONTAINER_FAMILIES = (
    "dict_helper",
    "seq_helper",
    "helper_returns",
    "state_loop",
    "dict_list",
    "record_params",
    "comprehension_sum",
)
