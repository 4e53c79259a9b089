"""Fresh, readable names that cannot clash with the user's names.

Generated code introduces temporaries (`t1`), adjoints (`dx`), tangents,
flags and the stack.  Each is built from a readable base; if the user's
function already uses that name (as a local, a global it reads, or an
attribute base), a numeric suffix is added until it is unique.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .astutil import walk


def stem_of(func_name):
    """The start of the names generated code gives a function's derivatives and views
    (`step` -> `step_fwd`, `step_flat`): its own name, a dunder's without the
    underscores (`model(x)` calls `__call__`: `call_fwd`, not `__call___fwd`)."""
    if func_name.startswith("__") and func_name.endswith("__") and len(func_name) > 4:
        return func_name[2:-2]
    return func_name


@dataclass(frozen=True)
class TreeNames:
    """What one walk of a tree gives the questions asked of a function's parse before
    it is normalized: the ids of its `Name`s, its parameters (`arg`s), the names of the
    functions and classes it defines (itself included) and the classes of node it is
    written with (`astutil.walk`'s nodes).  The unit (taken names, a source's names and
    parameters), normalization's allocator and its check of which rewrites have a
    trigger each walked the parse for theirs."""

    names: frozenset[str]
    params: frozenset[str]
    defined: frozenset[str]
    classes: frozenset[type]
    # the names a function binds, its locals (the resolver's): its own parameters, the
    # names stored or deleted anywhere in it, the functions and classes defined in it,
    # the names imports bind
    bound: frozenset[str] = frozenset()

    @property
    def taken(self) -> frozenset[str]:
        """The names `Names.for_tree` of the tree counts as taken."""
        return self.names | self.params | self.defined


def tree_names(tree) -> TreeNames:
    """`TreeNames` of `tree`, from one walk."""
    names, params, defined, classes = set(), set(), set(), set()
    bound = _parameters(tree.args) if tree.__class__ is ast.FunctionDef else set()
    for node in walk(tree):
        kind = node.__class__
        classes.add(kind)
        if kind is ast.Name:
            names.add(node.id)
            if node.ctx.__class__ is not ast.Load:  # (Store or Del)
                bound.add(node.id)
        elif kind is ast.arg:
            params.add(node.arg)
        elif kind is ast.FunctionDef or kind is ast.ClassDef:
            defined.add(node.name)
            if node is not tree:
                bound.add(node.name)
        elif kind is ast.Import or kind is ast.ImportFrom:
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return TreeNames(
        frozenset(names),
        frozenset(params),
        frozenset(defined),
        frozenset(classes),
        frozenset(bound),
    )


def _parameters(args) -> set[str]:
    """The names of a function's own parameters (not those of functions nested in it)."""
    found = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    found.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    return found


def source_names(source) -> TreeNames:
    """`tree_names` of a source's parse, walked once per parse: kept in its `memo`,
    which holds what is a pure function of the parse (the tree never changes)."""
    found = source.memo.get("tree names")
    if found is None:
        found = source.memo["tree names"] = tree_names(source.tree)
    return found


class Names:
    """Allocates identifiers unique within one generated function."""

    def __init__(self, taken=()):
        self.taken = set(taken)
        self._counters = {}

    @classmethod
    def for_tree(cls, *trees, extra=()):
        taken = set(extra)
        for tree in trees:
            for node in walk(tree):
                if isinstance(node, ast.Name):
                    taken.add(node.id)
                elif isinstance(node, ast.arg):
                    taken.add(node.arg)
                elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    taken.add(node.name)
        return cls(taken)

    def copy(self) -> Names:
        """An allocator that continues from this one's state independently."""
        new = Names(self.taken)
        new._counters = dict(self._counters)
        return new

    def reserve(self, name):
        self.taken.add(name)
        return name

    def exact_or_suffixed(self, base):
        """`base` itself if free, else `base_1`, `base_2`, ..."""
        if base not in self.taken:
            return self.reserve(base)
        return self.numbered(base + "_")

    def numbered(self, base):
        """`base1`, `base2`, ... skipping anything taken."""
        n = self._counters.get(base, 0)
        while True:
            n += 1
            name = f"{base}{n}"
            if name not in self.taken:
                self._counters[base] = n
                return self.reserve(name)
