"""Golden files of single compiler stages, tests/stages/<stage>_<case>.py.

Each file is a small Python module: its docstring says what the case shows, the code
down to the line ``# --- expected`` is the stage's input, and the comment block below
that line is what the stage makes of it (tests/test_stages.py compares the text).
The stage is named by the file name's first word:

* ``normalize``: the last function of the file, in core form (normalize.py), printed
  with ast.unparse;
* ``split``: the same function's normalized statements, each assignment followed by its
  three-address ops (split.py, the Flattener), with what each op is (a rule, a copy, a
  subscript, a helper call...) and which of its operands are active.  A ``# wrt: a, b``
  line in the input says what is differentiated (all parameters by default);
  parameters annotated ``np.ndarray`` are arrays;
* ``optimize``: the body of the last function (a small derivative, written by hand)
  after each pass the driver runs on it (optimize.py): propagate, eliminate_dead,
  fold_single_use.  ``# adjoints: ...`` names the adjoint variables (the passes touch
  only those), ``# temps: ...`` more names fold_single_use may fold;
* ``emit``: the last function printed by emit.Printer.  Trailing comments on its
  statements give what the transformers attach to generated statements:
  ``# @line N`` (the statement differentiates line N of this file: the printer adds
  ``# line N: <text>``), ``# @section NAME`` (a ``# NAME`` heading) and ``# @comments``
  (line comments start at this statement).

Rewrite the expected parts after an intended change with

    python tests/regen_stages.py             # every stage file
    python tests/regen_stages.py emit_tuples # only these

A new case is a file with the input only: the script adds its expected part.
"""

from __future__ import annotations

import ast
import copy
import importlib.util
import io
import os
import re
import sys
import tokenize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGES = os.path.join(ROOT, "tests", "stages")
MARKER = "# --- expected\n"
PURE = frozenset({"math", "np"})


def case_files():
    return sorted(f for f in os.listdir(STAGES) if f.endswith(".py") and "_" in f)


def stage_of(filename):
    return filename.split("_", 1)[0]


def split_file(text):
    """(input, expected output or None) of a stage file's text."""
    head, found, tail = text.partition(MARKER)
    if not found:
        return text, None
    lines = tail.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return head, "\n".join(re.sub(r"^# ?", "", line) for line in lines) + "\n"


def join_file(head, output):
    body = "".join(("# " + line).rstrip() + "\n" for line in output.rstrip("\n").split("\n"))
    return head.rstrip("\n") + "\n\n\n" + MARKER + body


def _module(filename):
    name = "stage_" + os.path.splitext(filename)[0]
    spec = importlib.util.spec_from_file_location(name, os.path.join(STAGES, filename))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _last_def(head):
    return [n for n in ast.parse(head).body if isinstance(n, ast.FunctionDef)][-1]


def _directive(head, word):
    match = re.search(rf"^# {word}:(.*)$", head, re.MULTILINE)
    return [w.strip() for w in match.group(1).replace(",", " ").split()] if match else None


def run(filename):
    """What the stage of `filename` makes of its input, as text."""
    with open(os.path.join(STAGES, filename), encoding="utf-8") as fh:
        head, _ = split_file(fh.read())
    return _RUNNERS[stage_of(filename)](filename, head)


def render(filename):
    with open(os.path.join(STAGES, filename), encoding="utf-8") as fh:
        head, _ = split_file(fh.read())
    return join_file(head, run(filename))


# -- normalize ---------------------------------------------------------------------------
def _core_form(filename, head):
    from srcdiff.compiler.naming import Names
    from srcdiff.compiler.normalize import normalize
    from srcdiff.compiler.source import FunctionSource

    source = FunctionSource(getattr(_module(filename), _last_def(head).name))
    return ast.unparse(normalize(source, Names.for_tree(source.tree))) + "\n"


# -- split -------------------------------------------------------------------------------
def _ops(filename, head):
    from srcdiff.api.requests import kinds_for_source, parameters
    from srcdiff.compiler.reverse import FunctionTransform
    from srcdiff.compiler.unit import Unit

    func = getattr(_module(filename), _last_def(head).name)
    params = parameters(func)
    wrt = _directive(head, "wrt") or params
    unit = Unit()
    prepared = unit.prepare(unit.source(func), wrt, kinds_for_source(func, params, None))
    fn = FunctionTransform(unit, prepared, "main")
    lines = [f"def {fn.tree.name}({ast.unparse(fn.tree.args)}):"]
    _ops_block(fn, fn.tree.body, 1, lines)
    return "\n".join(lines) + "\n"


def _ops_block(fn, stmts, depth, lines):
    pad = "    " * depth
    for stmt in stmts:
        if isinstance(stmt, ast.Assign):
            lines.append(pad + ast.unparse(stmt))
            rows = [(_op_text(op), _op_note(op)) for op in fn.flat.assign(stmt)]
            width = max(len(text) for text, _ in rows)
            lines += [f"{pad}    {text.ljust(width)}  # {note}" for text, note in rows]
        elif isinstance(stmt, (ast.If, ast.For, ast.While)):
            lines.append(pad + ast.unparse(stmt).split("\n")[0])
            _ops_block(fn, stmt.body, depth + 1, lines)
            if stmt.orelse:
                lines.append(pad + "else:")
                _ops_block(fn, stmt.orelse, depth + 1, lines)
        else:
            lines += [pad + line for line in ast.unparse(stmt).split("\n")]


def _op_text(op):
    if op.kind == "setitem":
        target = f"{op.target}[{ast.unparse(op.index)}]"
    else:
        target = ", ".join(op.targets)
    return f"-> {target} = {ast.unparse(op.primal)}"


def _op_note(op):
    what = (
        f"rule {op.rule.label}"
        if op.kind == "rule"
        else f"helper {op.helper.func.__name__}"
        if op.kind == "helper"
        else op.kind
    )
    active = [ast.unparse(op.bound[p]) for p in op.active]
    return what + (f"; active: {', '.join(active)}" if active else "")


# -- optimize ----------------------------------------------------------------------------
def _passes(filename, head):
    from srcdiff.compiler.optimize import eliminate_dead, fold_single_use, propagate

    fdef = _last_def(head)
    adjoints = set(_directive(head, "adjoints") or ())
    temps = set(_directive(head, "temps") or ())
    steps = [
        ("propagate", lambda body: propagate(body, adjoints)),
        ("eliminate_dead", lambda body: eliminate_dead([body], adjoints, PURE)[0]),
        ("fold_single_use", lambda body: fold_single_use(body, adjoints | temps, PURE)),
    ]
    out = []
    for name, step in steps:
        before = ast.unparse(fdef)
        fdef = copy.deepcopy(fdef)
        fdef.body = step(fdef.body) or [ast.Pass()]
        text = ast.unparse(ast.fix_missing_locations(fdef))
        out.append(f"after {name}:" + (" (unchanged)" if text == before else ""))
        if text != before:
            out.append(text)
    return "\n".join(out) + "\n"


# -- emit --------------------------------------------------------------------------------
class _FileLines:
    """srcline (a line number of the stage file) -> (number, stripped text)."""

    def __init__(self, text):
        self.lines = text.split("\n")

    def __contains__(self, tag):
        return isinstance(tag, int)

    def __getitem__(self, tag):
        return tag, self.lines[tag - 1].strip()


def _printed(filename, head):
    from srcdiff.compiler.emit import Printer

    fdef = _last_def(head)
    comments = {
        tok.start[0]: tok.string
        for tok in tokenize.generate_tokens(io.StringIO(head).readline)
        if tok.type == tokenize.COMMENT
    }
    comments_from = None
    for node in ast.walk(fdef):
        if not isinstance(node, ast.stmt) or node is fdef:
            continue
        for word, arg in re.findall(r"@(\w+)([^@]*)", comments.get(node.lineno, "")):
            if word == "line":
                node.srcline = int(arg)
            elif word == "section":
                node.section = arg.strip()
            elif word == "comments":
                comments_from = node
            else:
                raise ValueError(f"{filename}:{node.lineno}: unknown directive @{word}")
    return Printer(_FileLines(head)).function(fdef, comments_from=comments_from) + "\n"


_RUNNERS = {"normalize": _core_form, "split": _ops, "optimize": _passes, "emit": _printed}
