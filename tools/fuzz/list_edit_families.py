"""Families of programs that change lists and arrays in place the way Python people write
it (compiler/list_edits.py): a list the function builds, of numbers or of arrays, changed
by item assignment (`xs[i] = v`, `xs[-1] += v`), `insert`, `sort` (numbers; a sort is
differentiated as the permutation it applies), `reverse`, `clear` then appends, `del
xs[i]` and `pop`, straight-line, in a loop or in a helper; and `np.add.at` /
`np.subtract.at` with repeated indices, in a loop too.

* ``list_edits`` -- random edits of a list of numbers or of arrays, read back by index;
* ``add_at`` -- `np.add.at(a, idx, v)` and `np.subtract.at` of a local array or a copy
  of the parameter, with repeated and negative indices, maybe in a loop.

The generator tracks the list's length, so every index is in range and every program
runs in plain Python; items are smooth functions of the arguments.
"""

from __future__ import annotations

LIST_EDIT_FAMILIES = ("list_edits", "add_at")

NUMBERS = ["s", "np.sum(x)", "x[0]", "np.sin(s)", "np.mean(x) * s", "s * s + 0.5"]
ARRAYS = ["x", "np.sin(x)", "x * s", "np.tanh(x) + s", "x * x"]


class ListEditFamilies:
    """Mixed into families.Family: uses its `rng`, `pick`, `chance`, `value`, `const`."""

    def _item(self, items, names):
        """A new item: one of `items` (a number or an array), maybe of list reads."""
        base = self.pick(items)
        if names and self.chance(0.5):
            return f"{base} * {self.pick(names)} + {self.const()}"
        return base

    def _edit(self, n, numbers, in_loop):
        """One edit of `xs` (length `n`) and the length after it.  In a loop only edits
        keeping every index valid on each pass (the length never shrinks there)."""
        items = NUMBERS if numbers else ARRAYS
        i = self.rng.randrange(-n, n)
        reads = [f"xs[{self.rng.randrange(-n, n)}]"]
        # (`+=` of an array item changes that array in place: refused, so numbers only)
        kinds = ["set", "insert", "reverse"] + (["aug", "sort"] if numbers else [])
        if not in_loop and n > 2:
            kinds += ["del", "pop", "clear"]
        kind = self.pick(kinds)
        if kind == "set":
            return f"xs[{i}] = {self._item(items, reads)}", n
        if kind == "aug":
            op = self.pick(["+=", "-=", "*="])
            return f"xs[{i}] {op} {self._item(items, [])}", n
        if kind == "insert":
            at = self.rng.randrange(-n - 1, n + 2)
            return f"xs.insert({at}, {self._item(items, reads)})", n + 1
        if kind == "reverse":
            return "xs.reverse()", n
        if kind == "sort":
            return ("xs.sort(reverse=True)" if self.chance(0.3) else "xs.sort()"), n
        if kind == "del":
            return f"del xs[{i}]", n - 1
        if kind == "pop":
            at = "" if self.chance(0.4) else str(i)
            return f"acc = acc + np.sum(xs.pop({at}))", n - 1
        fresh = [self._item(items, []) for _ in range(2)]
        return "xs.clear()\n" + "".join(f"xs.append({e})\n" for e in fresh).rstrip(), 2

    def list_edits(self):
        """A list of numbers or of arrays changed in place, in a loop or a helper."""
        numbers = self.chance(0.6)
        items = NUMBERS if numbers else ARRAYS
        n = self.rng.randrange(2, 5)
        build = (
            f"    xs = [{', '.join(self._item(items, []) for _ in range(n))}]\n"
            if self.chance(0.6)
            else f"    xs = [{self.pick(items)} * (k + 1.0) for k in range({n})]\n"
        )
        body, loop = [], []
        for _ in range(self.rng.randrange(1, 4)):
            line, n = self._edit(n, numbers, in_loop=False)
            body.append(line)
        if self.chance(0.5):
            for _ in range(self.rng.randrange(1, 3)):
                line, n = self._edit(n, numbers, in_loop=True)
                loop.append(line)
        text = "".join(f"    {ln}\n" for line in body for ln in line.split("\n"))
        if loop:
            text += "    for k in range(3):\n" + "".join(f"        {ln}\n" for ln in loop)
        reads = " + ".join(
            f"xs[{self.rng.randrange(-n, n)}] * {self.const()}"
            for _ in range(self.rng.randrange(1, 4))
        )
        out = f"np.sum({reads}) + acc" if not numbers else f"{reads} + acc"
        inner = f"    acc = 0.0\n{build}{text}    return {out}\n"
        if self.chance(0.3):  # a helper called twice
            call = "h(x, s) * s + h(x * 0.5, s * s)"
            src = f"def h(x, s):\n{inner}\n\ndef f(x, s):\n    return {call}\n"
        else:
            src = f"def f(x, s):\n{inner}"
        shape = (self.rng.randrange(2, 5),)
        return self._flat(src, {"x": self.value(shape), "s": self.value(())})

    def add_at(self):
        """np.add.at / np.subtract.at with repeated indices into a local array."""
        n = self.rng.randrange(3, 6)
        start = self.pick(["np.zeros(a.shape)", "a * 1.0", "np.sin(a)", "a * s"])
        lines = [f"    out = {start}"]
        ufunc = self.pick(["np.add", "np.subtract"])
        for _ in range(self.rng.randrange(1, 3)):
            idx = [self.rng.randrange(-n, n) for _ in range(self.rng.randrange(1, 5))]
            m = len(idx)
            v = self.pick(
                ["s", "a[0] * s", f"np.arange({m}) * s", f"a[-{m}:] * s"][: 4 if m <= n else 3]
            )
            lines.append(f"    {ufunc}.at(out, {idx}, {v})")
        if self.chance(0.5):
            k = self.rng.randrange(0, n)
            lines.append("    for k in range(2):")
            lines.append(f"        np.add.at(out, [k, {k}], out[1:3] * {self.const()})")
        lines.append(f"    return np.sum(out * out) + np.sum(out * a) * {self.const()}")
        src = "def f(a, s):\n" + "\n".join(lines) + "\n"
        return self._flat(src, {"a": self.value((n,)), "s": self.value(())})
