"""compiler/namefacts.py: one walk gives what the tidying passes each found with a walk
of their own, checked against those definitions on real code (srcdiff's compiler
sources and generated gradients); remembered facts are forgotten when asked to."""

import ast
import pathlib

import pytest

import srcdiff
from samples.seed import f as seed
from srcdiff.compiler import astutil
from srcdiff.compiler.namefacts import MUTATORS, NameFacts, facts_of, moved_into, substitute_reads
from srcdiff.compiler.templates import FOLD_STARTS, may_fold_at

SOURCES = sorted(pathlib.Path(astutil.__file__).parent.glob("*.py"))[:10]


def _reads(node):  # optimize.py's definition
    names = {
        n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        names.add(node.target.id)
    return names


def _mentioned_and_stored(node):  # optimize.py's definition
    mentioned, names = set(), set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            mentioned.add(n.id)
            if isinstance(n.ctx, ast.Store):
                names.add(n.id)
        elif (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in MUTATORS
            and isinstance(n.func.value, ast.Name)
        ):
            names.add(n.func.value.id)
        elif isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store):
            base = n.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
    return mentioned, names


def _counts(stmts):  # optimize.name_counts's definition
    loads, stores = {}, {}
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name):
                counted = loads if isinstance(node.ctx, ast.Load) else stores
                counted[node.id] = counted.get(node.id, 0) + 1
    return loads, stores


def _trees():
    trees = [ast.parse(path.read_text()) for path in SOURCES]
    trees.append(ast.parse(srcdiff.source(seed)))
    trees.append(ast.parse("s.append(x)\ny[i].a = v\ndel z\nw += 1\nq.b.c[0] = t\n"))
    return trees


@pytest.mark.parametrize("tree", _trees())
def test_facts_are_what_each_pass_found(tree):
    shared = NameFacts()
    stmts = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    for stmt in stmts:
        facts = facts_of(stmt)
        assert facts.reads == _reads(stmt)
        assert (facts.mentioned, facts.changed) == _mentioned_and_stored(stmt)
        assert shared.of(stmt) == facts
    assert shared.counts(tree.body) == _counts(tree.body)
    assert shared.counts(tree.body) == _counts(tree.body)  # (remembered: the same)


def test_a_compound_statement_is_its_blocks_facts_and_a_forgotten_one_is_found_again():
    """A compound statement's facts are added up from its statements' (remembered, as
    any simple statement's) and its own expressions', afresh each time: a rewritten
    block shows at once, a statement changed in place once it is forgotten."""
    tree = ast.parse("if c:\n    a = b\nd = e\n")
    shared = NameFacts()
    compound, simple = tree.body
    assert shared.of(compound).reads == {"c", "b"}
    inner = compound.body[0]
    inner.value = ast.Name(id="z", ctx=ast.Load())  # a pass changed it in place
    assert shared.of(compound).reads == {"c", "b"}  # (remembered until forgotten)
    shared.forget(inner)
    assert shared.of(compound).reads == {"c", "z"}
    compound.orelse = ast.parse("w = v[0]\nv.append(w)").body  # a pass rewrote a block
    assert shared.of(compound) == facts_of(compound)
    assert shared.of(compound).changed == {"a", "w", "v"}
    assert shared.of(simple).reads == {"e"}
    simple.value = ast.Name(id="f", ctx=ast.Load())
    assert shared.of(simple).reads == {"e"}  # (remembered until forgotten)
    shared.forget(simple)
    assert shared.of(simple).reads == {"f"}


def _assignments(tree):
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
    ]


def _may_fold(node):  # templates._may_fold's definition
    return any(type(n) in FOLD_STARTS and may_fold_at(n) for n in ast.walk(node))


@pytest.mark.parametrize("tree", _trees())
def test_substituting_reads_gives_replace_reads_tree_and_the_facts_of_it(tree):
    """Copy propagation's one walk: the tree astutil.replace_reads makes, and the facts
    (and may_fold) a walk of that tree finds."""
    for stmt in _assignments(tree):
        names = sorted(facts_of(stmt.value).loads)
        mapping = {}
        for k, name in enumerate(names):  # names, constants and negated constants
            mapping[name] = [
                ast.Name(id="q" + name, ctx=ast.Load()),
                ast.Constant(1.0),
                ast.UnaryOp(op=ast.USub(), operand=ast.Constant(2.0)),
            ][k % 3]
        expected = astutil.copy_tree(stmt)
        expected.value = astutil.replace_reads(expected.value, mapping)
        found = substitute_reads(stmt, mapping)
        assert ast.dump(stmt) == ast.dump(expected)
        assert found == facts_of(stmt)
        assert found.may_fold == _may_fold(stmt.value)


_FOLDS = [
    ("t = a * b", "y = t + c"),
    ("t = -a", "y = g * t"),
    ("t = 1.0", "y = t * g"),
    ("t = np.sin(a)", "s.append(t)"),
    ("t = a[i]", "z[j] = t * 2.0"),
    ("t = a + b", "y = np.sum(t, axis=0) - t2"),
    ("t = x", "y = -t"),
    ("t = (a := 2.0)", "y = t + a"),
]


@pytest.mark.parametrize("moved, reader", _FOLDS)
def test_a_fold_gives_the_facts_of_the_statement_it_makes(moved, reader):
    """moved_into: a single-use value moved into its reader, whose facts are then made
    from the two statements' -- what a walk of the grown statement finds."""
    moved, reader = ast.parse(moved).body[0], ast.parse(reader).body[0]
    before, value = facts_of(reader), facts_of(moved)
    parent, above = astutil.replace_one_read(reader, "t", moved.value)
    assert (parent is reader) == (above is None)
    made = moved_into(before, value, "t", True)
    assert made._replace(may_fold=None) == facts_of(reader)._replace(may_fold=None)
