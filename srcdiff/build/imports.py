"""The import block of a built module, laid out the way linters want it.

Built modules are checked in and linted with the rest of a project, so
their imports follow ruff's isort rule: sections, order within them, and
a long `from` import wrapped one name a line.
"""

from __future__ import annotations

import sys


def import_block(names, is_project):
    """Import statements laid out as ruff's isort rule (I001) wants them.

    Standard library, then third-party, each with `import x` before
    `from x import y`.  The project's own modules follow an `# isort: split`
    line: whether a linter counts them as first- or third-party depends on
    where it runs, and the split makes the block correct either way.
    """
    sections = {"stdlib": [], "third": [], "project": []}
    froms = {}
    for name, key in names.items():
        if key[0] == "module" and key[1].rpartition(".")[2] == name and "." in key[1]:
            key = ("from", key[1].rpartition(".")[0], name)  # `from a import b`, not `as b`
        if key[0] == "module":
            line = f"import {key[1]}" if key[1] == name else f"import {key[1]} as {name}"
            sections[_section(key[1], is_project)].append(((key[1].lower(), name), line))
        elif key[0] == "from":
            froms.setdefault(key[1], []).append(key[2] if key[2] == name else f"{key[2]} as {name}")
    for module, members in froms.items():
        members.sort(key=_member_order)
        line = f"from {module} import {', '.join(members)}"
        if len(line) > 88:
            line = f"from {module} import (\n" + "".join(f"    {m},\n" for m in members) + ")"
        sections[_section(module, is_project)].append(((module.lower(), "~from"), line))
    text = "\n\n".join(_ordered(sections[s]) for s in ("stdlib", "third") if sections[s])
    if sections["project"]:
        body = _ordered(sections["project"])
        text = f"{text}\n\n# isort: split\n{body}" if text else body
    return text


def _ordered(lines):
    """One section's lines: the `import x` lines, then the `from x import y`, each sorted."""
    straight = sorted(item for item in lines if item[0][1] != "~from")
    from_lines = sorted(item for item in lines if item[0][1] == "~from")
    return "\n".join(line for _, line in straight + from_lines)


def _section(module, is_project):
    """Which import section `module` goes in: "project", "stdlib" or "third"."""
    top = module.split(".")[0]
    if is_project(module):
        return "project"
    return "stdlib" if top in sys.stdlib_module_names else "third"


def _member_order(member):
    """isort's order-by-type: CONSTANTS, then Classes, then everything else."""
    name = member.split(" as ")[0]
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name.lower(), name)
