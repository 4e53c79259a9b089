"""The package's structure, checked: layers, no import circles, no private names used
across modules.

Layers, top to bottom: the command line, the build tool, the API, the compiler, the rule
table, the runtime.  A module may import from its own layer and the ones below it;
`srcdiff.errors` and `srcdiff.version` may be imported from anywhere.  Imports inside
functions count too (they are how circles hide).
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "srcdiff"
LAYERS = [
    "srcdiff.cli",
    "srcdiff.build",
    "srcdiff.api",
    "srcdiff.compiler",
    "srcdiff.rules",
    "srcdiff.runtime",
]
ANYWHERE = {"srcdiff.errors", "srcdiff.version"}
TOP = {"srcdiff", "srcdiff.__main__"}  # the public facade and `python -m srcdiff`


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path):
    """(line, imported module, names) for every import of a srcdiff module in `path`."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "srcdiff":
                continue
            modules = {f"{target}.{a.name}" for a in node.names} & MODULES
            plain = [a.name for a in node.names if f"{target}.{a.name}" not in MODULES]
            found += [(node.lineno, m, []) for m in sorted(modules)]
            if plain:
                found.append((node.lineno, target, plain))
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, a.name, []) for a in node.names if a.name.split(".")[0] == "srcdiff"
            ]
    return found


FILES = sorted(PACKAGE.rglob("*.py"))
MODULES = {_module_name(p) for p in FILES}
GRAPH = {_module_name(p): _imports(p) for p in FILES}


def _layer(module):
    for i, prefix in enumerate(LAYERS):
        if module == prefix or module.startswith(prefix + "."):
            return i
    return None


def test_every_module_is_in_a_layer():
    loose = sorted(m for m in MODULES if _layer(m) is None and m not in ANYWHERE | TOP)
    assert not loose, f"modules outside the layers: {loose}"


def test_imports_go_down_the_layers():
    wrong = []
    for module, imports in GRAPH.items():
        if module in TOP or module in ANYWHERE:
            continue
        for line, target, _ in imports:
            if target in ANYWHERE:
                continue
            if target in TOP or _layer(target) < _layer(module):
                wrong.append(f"{module}:{line} imports {target}")
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


def test_no_import_circles():
    edges = {m: {t for _, t, _ in imps if t in MODULES and t != m} for m, imps in GRAPH.items()}
    # a package's __init__ importing its own modules is how packages work: not a circle
    for m in edges:
        if any(p.name == "__init__.py" and _module_name(p) == m for p in FILES):
            edges[m] = {t for t in edges[m] if not t.startswith(m + ".")}
    state, stack, circles = {}, [], []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for t in sorted(edges[m]):
            if state.get(t) == "open":
                circles.append(" -> ".join(stack[stack.index(t) :] + [t]))
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = "done"

    for m in sorted(edges):
        if m not in state:
            visit(m)
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_no_private_names_imported_across_modules():
    private = [
        f"{m}:{line} imports {', '.join(n for n in names if n.startswith('_'))} from {t}"
        for m, imps in GRAPH.items()
        for line, t, names in imps
        if any(n.startswith("_") and not n.startswith("__") for n in names)
    ]
    assert not private, "\n".join(private)


@pytest.mark.parametrize("module", sorted(LAYERS))
def test_each_layer_is_a_package(module):
    assert (PACKAGE.parent / module.replace(".", "/")).is_dir() or (
        PACKAGE.parent / (module.replace(".", "/") + ".py")
    ).is_file()
