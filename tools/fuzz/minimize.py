"""Delta debugging for failing programs: the smallest program that fails the same way.

Greedy and syntax-directed: repeatedly try to drop a statement, inline a
branch or loop body, drop a helper, drop a parameter, or replace an
expression by one of its parts or by a constant; keep the change when the
oracle still reports the same failure (`Verdict.signature`).  Coarse steps
come first, so most of the program goes in a few checks.
"""

from __future__ import annotations

import ast
import copy
import os
from dataclasses import replace

import numpy as np

from .oracle import check

_BODIES = ("body", "orelse")


def is_transform(check):
    """A check of tools/fuzz/transforms.py (jvp, vjp, jacobian, other Hessian modes)?"""
    return check.split(" ")[0] in (
        "jvp",
        "vjp",
        "vjp-shape",
        "jacobian",
        "has_aux",
        "has_aux-shape",
    ) or check.startswith("hessian ")


def _modes(verdict):
    if is_transform(verdict.check):  # reverse mode (and the Hessian) it is compared with
        return ("reverse", "hessian", "transforms")
    for other in ("symbolic", "numba"):  # the check itself, and reverse mode it compares with
        if verdict.check in (other, other + "-shape"):
            return ("reverse", other)
    if verdict.check == "hessian":
        return ("reverse", "hessian")
    if verdict.check in ("forward", "forward-shape", "both"):
        return ("reverse", "forward")
    if (
        verdict.check in ("value", "reverse-shape")
        or verdict.status == "crash"
        and verdict.check == "reverse"
    ):
        return ("reverse",)
    if verdict.check == "reverse":
        return ("reverse", "fd")
    return ("reverse", "forward", "fd", "hessian")


def _statement_lists(tree):
    """(owner, field) for every statement list of the module."""
    for node in ast.walk(tree):
        for field in _BODIES:
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                yield node, field


def _candidates(tree):
    """Smaller variants of `tree` (new trees), coarse ones first."""
    lists = list(_statement_lists(tree))
    # 1. drop whole helpers, then statements (not the final return of a function)
    for k, node in enumerate(tree.body):
        if isinstance(node, ast.FunctionDef) and node.name != "f":
            new = copy.deepcopy(tree)
            del new.body[k]
            yield new
    for li, (owner, field) in enumerate(lists):
        stmts = getattr(owner, field)
        for i in range(len(stmts)):
            if isinstance(owner, ast.FunctionDef) and i == len(stmts) - 1:
                continue
            if (
                isinstance(owner, ast.Module)
                and isinstance(stmts[i], ast.FunctionDef)
                and stmts[i].name == "f"
            ):
                continue
            new = copy.deepcopy(tree)
            new_owner, _ = list(_statement_lists(new))[li]
            body = getattr(new_owner, field)
            del body[i]
            if not body:
                body.append(ast.Pass())
            yield new
    # 2. inline a compound statement's body or else-branch; drop an else
    for li, (owner, field) in enumerate(lists):
        stmts = getattr(owner, field)
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, (ast.If, ast.For, ast.While)):
                for part in ("body", "orelse"):
                    if getattr(stmt, part):
                        new = copy.deepcopy(tree)
                        new_owner, _ = list(_statement_lists(new))[li]
                        body = getattr(new_owner, field)
                        body[i : i + 1] = getattr(body[i], part)
                        yield new
                if isinstance(stmt, ast.If) and stmt.orelse:
                    new = copy.deepcopy(tree)
                    new_owner, _ = list(_statement_lists(new))[li]
                    getattr(new_owner, field)[i].orelse = []
                    yield new
    # 3. expressions: a part of them, or a constant
    exprs = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.expr) and not isinstance(getattr(n, "ctx", None), (ast.Store, ast.Del))
    ]
    for k, node in enumerate(exprs):
        replacements = []
        if not (isinstance(node, ast.Constant)):
            replacements.append(ast.Constant(1.0))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr) and not isinstance(child, (ast.Slice,)):
                replacements.append(child)
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, float)
            and node.value not in (0.0, 1.0)
        ):
            replacements.append(ast.Constant(1.0))
        for rep in replacements:
            new = copy.deepcopy(tree)
            target = [
                n
                for n in ast.walk(new)
                if isinstance(n, ast.expr)
                and not isinstance(getattr(n, "ctx", None), (ast.Store, ast.Del))
            ][k]
            rep_copy = copy.deepcopy(rep)
            if _replace(new, target, rep_copy):
                yield new


def _replace(tree, old, new):
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return True
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return True
    return False


def _param_drops(case, tree):
    f = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == case.entry)
    for i, arg in enumerate(f.args.args):
        if f.args.defaults:
            continue
        name = arg.arg
        wrt = tuple(w for w in case.wrt if w != name)
        if not wrt:
            continue
        new = copy.deepcopy(tree)
        nf = next(n for n in new.body if isinstance(n, ast.FunctionDef) and n.name == case.entry)
        del nf.args.args[i]
        args = {k: v for k, v in case.args.items() if k != name}
        # the name may still be read: give it its value as a module constant
        yield new, replace(case, source="", args=args, wrt=wrt)


def minimize(case, verdict, max_checks=3000, seconds=180):
    """(smallest case found, its verdict), within `max_checks` oracle calls / `seconds`."""
    import time

    deadline = time.monotonic() + seconds
    target = verdict.signature
    modes = _modes(verdict)
    best, best_verdict = case, verdict
    tree = ast.parse(case.source)
    checks = 0
    improved = True
    while improved and checks < max_checks:
        improved = False
        for new_tree, new_case in _param_drops(best, tree):
            checks += 1
            source = ast.unparse(ast.fix_missing_locations(new_tree)) + "\n"
            new_case.source = source
            v = check(new_case, modes, seconds=10)
            if v.signature == target:
                best, best_verdict, tree, improved = new_case, v, new_tree, True
                break
        if improved:
            continue
        for new_tree in _candidates(tree):
            checks += 1
            if checks >= max_checks or time.monotonic() > deadline:
                checks = max_checks
                break
            source = ast.unparse(ast.fix_missing_locations(new_tree)) + "\n"
            if len(source) >= len(best.source) and source != best.source:
                pass
            new_case = replace(best, source=source)
            v = check(new_case, modes, seconds=10)
            if v.signature == target:
                best, best_verdict, tree, improved = new_case, v, new_tree, True
                break
    best = replace(best, source=ast.unparse(tree) + "\n")
    return best, best_verdict


def value_repr(value):
    if isinstance(value, np.ndarray):
        dtype = "" if value.dtype == np.float64 else f", dtype=np.{value.dtype}"
        return f"np.array({value.tolist()!r}{dtype})"
    return repr(value)


def regression_text(case, verdict, seed=None, expect="ok"):
    """A regression file: the program, its arguments, and what the oracle must say."""
    first = verdict.detail.split("\n")[0][:160]
    head = [
        f"# Found by the random-program tester (seed {seed}): {verdict.status} in {verdict.check}."
        if seed is not None
        else f"# {verdict.status} in {verdict.check}.",
        f"# Was: {first}",
    ]
    args = ", ".join(f"{k!r}: {value_repr(v)}" for k, v in case.args.items())
    tail = [
        f"ARGS = {{{args}}}",
        f"WRT = {case.wrt!r}",
        f"HESSIAN = {case.hessian!r}",
        f"EXPECT = {expect!r}",
    ]
    if case.containers:
        tail.append(f"CONTAINERS = {case.containers!r}")
    extra = [m for m in ("symbolic", "numba") if verdict.check.split("-")[0] == m]
    extra += ["transforms"] if is_transform(verdict.check) else []
    if extra:  # the optional check that found it, beside the default ones
        tail.append(f"MODES = {('reverse', 'forward', 'fd', 'hessian', *extra)!r}")
    body = case.source.rstrip() + "\n"
    if "import numpy as np" not in body:
        body = "import numpy as np\n" + body
    return "\n".join(head) + "\n" + body + "\n\n" + "\n".join(tail) + "\n"


def write_regression(folder, seed, case, verdict, expect="ok"):
    path = os.path.join(folder, f"seed_{seed}.py")
    with open(path, "w") as fh:
        fh.write(regression_text(case, verdict, seed, expect))
    return path
