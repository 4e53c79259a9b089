"""Exact edits and reads of generated source text, for assembling built modules.

Generated units are merged into one module by text: the `# line N`
comments, spacing and everything not named must stay as they are, so
names are renamed token by token and other edits touch only the columns
`ast` points at.  Each function here does one such edit or read.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize


def same_on_every_python(text):
    """Drop the parentheses Python 3.10's `ast.unparse` puts around tuple targets.

    3.10 prints ``(a, b) = f()`` where 3.11+ print ``a, b = f()``; built
    files must not depend on the Python that built them.
    """
    edits = []
    for node in ast.walk(ast.parse(text)):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.For)
            else []
        )
        for t in targets:
            if isinstance(t, ast.Tuple) and t.elts and t.lineno == t.end_lineno:
                edits.append((t.lineno, t.col_offset, t.end_col_offset))

    def unwrap(line, start, end):
        segment = line[start:end]
        if segment.startswith(b"(") and segment.endswith(b")"):
            return line[:start] + segment[1:-1] + line[end:]
        return None

    return _edit_lines(text, edits, unwrap)


def drop_unused_bindings(text):
    """`t6 = helper_fwd(_stack, y)` with `t6` never read becomes `helper_fwd(_stack, y)`.

    The call must still run (it pushes onto the stack); only the binding is
    dead, and linters flag it (F841).  Evaluation is kept exactly.
    """
    tree = ast.parse(text)
    edits = []
    for fdef in tree.body:
        if not isinstance(fdef, ast.FunctionDef):
            continue
        loads = {
            n.id for n in ast.walk(fdef) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        params = {a.arg for a in ast.walk(fdef.args) if isinstance(a, ast.arg)}
        for node in ast.walk(fdef):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id not in loads | params
                and not isinstance(node.value, (ast.Name, ast.Constant, ast.Attribute))
            ):
                edits.append((node.lineno, node.col_offset, node.targets[0].end_col_offset))

    def unbind(line, start, end):
        rest = re.match(rb"\s*=\s*", line[end:])
        return line[:start] + line[end + rest.end() :] if rest else None

    return _edit_lines(text, edits, unbind)


def _edit_lines(text, edits, edit):
    """Apply `edit(line, start, end)` at each (row, start, end) of `edits`, right to left.

    The columns are the UTF-8 byte offsets `ast` reports, so `edit` gets and
    returns the line as bytes; it returns None to leave the line as it is.
    Editing from the end keeps the earlier offsets of a line valid.
    """
    lines = text.splitlines(keepends=True)
    for row, start, end in sorted(edits, reverse=True):
        new = edit(lines[row - 1].encode(), start, end)
        if new is not None:
            lines[row - 1] = new.decode()
    return "".join(lines)


def split_defs(text):
    """[(name, text)] of the top-level `def`s in generated text, in order (with their
    decorators: the Numba backend's `@numba.njit(cache=True)`)."""
    chunks = []
    decorators = ""
    for line in text.splitlines(keepends=True):
        if line.startswith("@"):
            decorators += line
        elif line.startswith("def "):
            chunks.append([line[4 : line.index("(")], decorators + line])
            decorators = ""
        elif chunks:
            chunks[-1][1] += line
    return [(name, chunk.rstrip() + "\n") for name, chunk in chunks]


def name_tokens(text):
    """Every NAME token of `text`: a fresh name must avoid all of them."""
    return {
        tok.string
        for tok in tokenize.generate_tokens(io.StringIO(text).readline)
        if tok.type == tokenize.NAME
    }


def rename(text, renames):
    """Rename names (not attributes, keywords or comments) token by token."""
    if not renames:
        return text
    toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    edits = []
    for i, tok in enumerate(toks):
        if tok.type != tokenize.NAME or tok.string not in renames:
            continue
        before = toks[i - 1].string if i else ""
        after = toks[i + 1].string if i + 1 < len(toks) else ""
        if before == "." or (after == "=" and before in ("(", ",")):
            continue
        edits.append((tok.start, tok.end, renames[tok.string]))
    lines = text.splitlines(keepends=True)
    for (row, col), (_, end), new in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[end:]
    return "".join(lines)


def free_names(tree):
    """Module-level names a module's functions read without binding them."""
    free = set()
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            free |= _loads(node)
            continue
        args = node.args
        every = [
            *args.posonlyargs,
            *args.args,
            *args.kwonlyargs,
            *([args.vararg] if args.vararg else []),
            *([args.kwarg] if args.kwarg else []),
        ]
        local = {a.arg for a in every}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                local.add(sub.id)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                local |= {(a.asname or a.name).split(".")[0] for a in sub.names}
            elif isinstance(sub, ast.ExceptHandler) and sub.name:
                local.add(sub.name)
            elif isinstance(sub, ast.FunctionDef) and sub is not node:
                local.add(sub.name)  # (a nested def: the Numba forms' implementations)
            elif isinstance(sub, ast.arg):
                local.add(sub.arg)  # (a nested def's or a lambda's parameter)
        free |= set().union(*(_loads(s) for s in node.body)) - local
        outer = list(args.defaults) + [d for d in args.kw_defaults if d is not None]
        outer += [a.annotation for a in every if a.annotation is not None]
        outer += [node.returns] if node.returns is not None else []
        outer += node.decorator_list
        for expr in outer:
            free |= _loads(expr)
    return free


def _loads(node):
    """Names `node` reads, including those inside string annotations."""
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
            names.add(sub.id)
        elif (
            isinstance(sub, ast.arg)
            and isinstance(sub.annotation, ast.Constant)
            and isinstance(sub.annotation.value, str)
        ):
            try:  # a string annotation: linters resolve its names too
                names |= _loads(ast.parse(sub.annotation.value, mode="eval"))
            except SyntaxError:
                pass
    return names
