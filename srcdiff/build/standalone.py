"""What `srcdiff show` prints: generated code that runs when pasted into a file.

Unlike a built module (module.py), which copies srcdiff's runtime helpers so that it
runs without srcdiff, shown code imports them (`from srcdiff.runtime import ...`),
and it says where everything else it reads comes from: the modules it uses
(`import math`, `import numpy as np`) and, with a comment naming the file, the
globals of the user's module (`from mlp import W`).  It passes `ruff check` with the
default rules, like a built module.
"""

from __future__ import annotations

import ast
import builtins
import os
import sys
import sysconfig
import textwrap
import types

from .imports import import_block
from .module import literal
from .source import drop_unused_bindings, free_names, split_defs


def standalone_text(gen, module, path, notes=()):
    """The text of Generated `gen` as a module of its own.

    `module` is the user's module (its globals are imported from it by its name),
    `path` its file as the user named it, `notes` comment lines to put first (what was
    assumed about the arguments, say)."""
    text = drop_unused_bindings(gen.text)
    defined = {name for name, _ in split_defs(text)}
    names, consts, comments, user_globals = {}, [], [], []
    for name in sorted(free_names(ast.parse(text)) - defined):
        if name in gen.bindings and getattr(builtins, name, None) is gen.bindings[name]:
            continue  # float, len: a builtin needs no import
        if name in gen.bindings:
            key = _binding_key(gen.bindings[name])
        elif name in gen.globals:
            value = gen.globals[name]
            if isinstance(value, types.ModuleType):
                key = ("module", value.__name__)
            else:
                key = ("from", module.__name__, name)
                user_globals.append(name)
        elif hasattr(builtins, name):
            continue
        else:
            comments.append(f"{name}: not defined in {path}; define it before running this")
            continue
        if key[0] == "const":
            consts.append(f"{name} = {key[1]}")
        else:
            names[name] = key
    if user_globals:
        what = "a global" if len(user_globals) == 1 else "globals"
        comments.insert(0, f"{', '.join(user_globals)}: {what} of {path}{_where(module, path)}")
    head = [_wrapped(n) for n in [*notes, *comments]]
    blocks = ["\n".join(head)] if head else []
    blocks += [b for b in (_imports(names, module.__name__), "\n".join(consts)) if b]
    blocks.append(text)
    return "\n\n\n".join(b.rstrip("\n") for b in blocks) + "\n"


def _imports(names, user_module):
    """The import block: the standard library and NumPy, then srcdiff, then the user's
    module, each after an `# isort: split` line (whether a linter counts srcdiff or the
    user's module as first- or third-party depends on where it runs)."""
    user = user_module.split(".")[0]
    order = {"srcdiff": 1, user: 2}
    groups = [{}, {}, {}]
    for name, key in names.items():
        top = key[1].split(".")[0]
        groups[order.get(top, 2 if _is_users(top) else 0)][name] = key
    blocks = [import_block(g, lambda dotted: False) for g in groups if g]
    return "\n\n# isort: split\n".join(blocks)


def _is_users(top: str) -> bool:
    """Whether the module `top` is the user's own (another file beside theirs, whose
    helper the code calls), not installed: the standard library and installed packages
    live under the interpreter's paths; a linter counts anything else as first-party."""
    found = sys.modules.get(top)
    file = getattr(found, "__file__", None)
    if file is None:
        return False  # built in (math, sys)
    file = os.path.realpath(file)
    installed = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    return not any(file.startswith(os.path.realpath(p) + os.sep) for p in installed)


def _binding_key(obj):
    """How shown code gets an object generated code is bound to: an import, or a literal."""
    if isinstance(obj, types.ModuleType):
        return ("module", obj.__name__)
    module = getattr(obj, "__module__", None) or ""
    if module.startswith("srcdiff.runtime."):
        module = "srcdiff.runtime"  # the package re-exports every helper
    text = literal(obj)
    if text is not None:
        return ("const", text)
    qual = getattr(obj, "__qualname__", "")
    return ("from", module, qual)


def _where(module, path):
    """How the import of the user's module finds it: from which folder."""
    folder = os.path.dirname(os.path.abspath(getattr(module, "__file__", None) or path))
    for _ in module.__name__.split(".")[1:]:
        folder = os.path.dirname(folder)  # a package's modules import from its root
    if folder == os.getcwd():
        return f" (imported as {module.__name__}: run this in the current folder)"
    shown = os.path.relpath(folder)
    return (
        f" (imported as {module.__name__}: run this with {shown} on sys.path, e.g. "
        f"PYTHONPATH={shown})"
    )


def _wrapped(note):
    """A comment, wrapped at 88 columns; a note of several lines keeps them."""
    if "\n" in note:
        return "\n".join(_wrapped(line) for line in note.split("\n"))
    return "\n".join(
        textwrap.wrap(
            note,
            88,
            initial_indent="# ",
            subsequent_indent="#   ",
            break_on_hyphens=False,
            break_long_words=False,
        )
    )
