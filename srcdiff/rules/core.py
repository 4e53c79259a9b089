"""The rule table: one entry per primitive, serving both modes.

A rule is data.  For each differentiable parameter it holds two templates,
written as Python expressions:

* ``jvp``: the tangent this parameter contributes to the output, in terms
  of the parameters, ``out`` (the primal result) and ``t`` (the
  parameter's tangent);
* ``vjp``: the cotangent this parameter receives, in terms of the
  parameters, ``out`` and ``g`` (the output's cotangent).

Elementwise primitives are declared by their partial derivatives only;
both templates are derived from the one partial (``t * p`` and ``g * p``),
so forward and reverse mode cannot drift apart.  Linear and structural
primitives (sums, reshapes, dot products) give the linear map and its
transpose explicitly.  Every other name in a template denotes the object
it names in the module that registered the rule (``math``, ``np``, a
runtime helper, a user's own function) and is bound in generated code.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import keyword
import re
import sys
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

#: Names with a fixed meaning inside templates.
TEMPLATE_NAMES = frozenset({"out", "g", "t"})


@dataclass
class Rule:
    """Derivative rule of one primitive for one call signature."""

    func: object
    params: tuple  # parameter names, in positional order
    defaults: dict  # optional parameter -> default (a Python value)
    jvp: dict  # parameter -> template source
    vjp: dict  # parameter -> template source
    namespace: dict  # free template names -> objects
    elementwise: bool = False  # broadcasts: cotangents are summed back to input shape
    array_variant: Rule | None = None  # templates to use when an operand is an array
    result: str = "same"  # kind of the result: "same" (like its operands), "scalar", "array"
    label: str = ""
    zero: tuple = ()  # parameters read only for their shape or value: no derivative
    # parameters whose memory the result may share (views: np.reshape's `a`); () means
    # the result is always a new array, None that it may share any argument's
    shares: tuple | None = ()
    mutates: tuple = ()  # parameters the function changes in place (runtime.add_at's acc)
    # its value is a tuple of results (np.linalg.lstsq): each parameter's jvp is a tuple of
    # tangents, one per result, so several parameters' terms add per result (add_each),
    # whether the call is unpacked or indexed (`lstsq(a, b)[0]`)
    several: bool = False
    # (mode, ranks of the parameters in order) -> parameter -> template: what a person
    # writes once the ranks are known (`g @ y.T` for matmul_da(g, x, y) of matrices);
    # valid for every shape of those ranks
    by_rank: dict = field(default_factory=dict)
    # (mode, param, {parameter: constant argument}, {parameter: rank}) -> template text
    # or None: what a person writes for constant arguments (np.sum's axis and keepdims)
    by_constants: Callable | None = None
    _parsed: dict = field(default_factory=dict, repr=False)

    @property
    def differentiable(self):
        return bool(self.vjp)

    def template(self, mode, param, ranks=None, constants=None):
        """Parsed template for `param` in `mode` ("jvp" or "vjp"); `ranks` (of the
        parameters, in order, None where unknown) and `constants` (parameter -> the
        constant the call passes) may select a spelling for them."""
        spelled = self._spelling(mode, param, ranks, constants)
        key = (mode, param, spelled)
        if key not in self._parsed:
            text = spelled or (self.jvp if mode == "jvp" else self.vjp)[param]
            self._parsed[key] = ast.parse(text, mode="eval").body
        return self._parsed[key]

    def _spelling(self, mode, param, ranks, constants):
        spelled = self.by_rank.get((mode, ranks), {}).get(param) if ranks else None
        if spelled is None and self.by_constants is not None and constants is not None:
            by_param = dict(zip(self.params, ranks or ()))
            spelled = self.by_constants(mode, param, constants, by_param)
        return spelled

    def uses(self, mode, param, ranks=None, constants=None):
        """Names a template reads (those of the rule's namespace get bound)."""
        key = ("uses", mode, param, self._spelling(mode, param, ranks, constants))
        if key not in self._parsed:
            tree = self.template(mode, param, ranks, constants)
            self._parsed[key] = frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
        return set(self._parsed[key])

    def bind(self, args, keywords):
        """Map call arguments (AST nodes) to parameter names, or None if they don't fit."""
        if len(args) > len(self.params):
            return None
        bound = dict(zip(self.params, args))
        for name, value in keywords:
            if name not in self.params or name in bound:
                return None
            bound[name] = value
        for p in self.params:
            if p not in bound and p not in self.defaults:
                return None
        return bound


class RuleTable:
    """Primitive (object or AST operator class) -> list of rules, one per signature.

    `version` counts changes; it is part of every cache key for generated code, so code
    generated before a rule was registered is not used after it.  Objects holding code
    outside those caches (the functions `grad` returns) `subscribe` and are told of a
    change (`rules_changed()`), so their calls need no version check.

    A family of rules for an optional library (SciPy) is registered lazily, by
    `when_imported`: the first lookup or version read after the library's module is
    in `sys.modules` imports the rule module.  Any object of that library was looked
    up only after its module was imported, so no lookup misses a rule, and
    `import srcdiff` never imports the library."""

    def __init__(self):
        self._rules = {}
        self._version = 0
        self._pending: list[tuple[str, str]] = []  # (library module, rule module) not loaded
        self._subscribers = weakref.WeakSet()
        # register_rule's replacements of rules srcdiff ships, {label: the new rule as
        # text}: a derivative sent to another process checks that the same replacements
        # are made there (api/pickling.py); without them it would silently differ
        self.overrides: dict[str, str] = {}
        self._user: set = set()  # keys of the primitives register_rule gave rules

    @property
    def version(self):
        """Counts changes; reading it first registers the families now importable, so a
        cache key taken before a derivation is not outdated by the lookups made in it."""
        if self._pending:
            self._load_pending()
        return self._version

    def when_imported(self, library, rules_module):
        """Import `rules_module` (which registers rules for `library`) once `library`
        is in sys.modules; at once if it already is."""
        self._pending.append((library, rules_module))
        self._load_pending()

    def _load_pending(self):
        ready = [p for p in self._pending if p[0] in sys.modules]
        if not ready:
            return
        self._pending = [p for p in self._pending if p not in ready]
        for _, rules_module in ready:
            importlib.import_module(rules_module)

    def subscribe(self, obj):
        self._subscribers.add(obj)

    def add(self, rule):
        self._version += 1
        for obj in list(self._subscribers):
            obj.rules_changed()
        key = _key(rule.func)
        self._rules.setdefault(key, [])
        # A new rule for an existing signature replaces it (user overrides).
        self._rules[key] = [r for r in self._rules[key] if r.params != rule.params] + [rule]

    def add_user_rule(self, rule, text):
        """`add` for register_rule: a rule replacing one srcdiff ships is remembered."""
        key = _key(rule.func)
        if self.lookup(rule.func) and key not in self._user:
            self.overrides[rule.label] = text
        self._user.add(key)
        self.add(rule)

    def lookup(self, func):
        if self._pending:
            self._load_pending()
        try:
            return self._rules.get(_key(func), [])
        except TypeError:  # unhashable callables have no rules
            return []

    def __contains__(self, func):
        return bool(self.lookup(func))

    def all(self):
        if self._pending:
            self._load_pending()
        return [r for rules in self._rules.values() for r in rules]


def _key(func):
    # ufuncs and builtins hash fine; bound methods compare by (self, func)
    return func


RULES = RuleTable()


def _split_params(spec):
    """`spec` split at its top-level commas (a default may be a tuple: `axes=(0, 1)`)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(spec):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            parts.append(spec[start:i])
            start = i + 1
    parts.append(spec[start:])
    return [p.strip() for p in parts if p.strip()]


def _parse_params(spec):
    params, defaults = [], {}
    for part in _split_params(spec):
        if "=" in part:
            name, default = (s.strip() for s in part.split("=", 1))
            defaults[name] = ast.literal_eval(default)
            params.append(name)
        else:
            params.append(part)
    return tuple(params), defaults


_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")  # string literals name nothing
_IDENT = re.compile(r"(?<![.\w])[A-Za-z_]\w*\b(?!\s*=(?!=))")  # not attributes, not keywords=


def _free_names(templates):
    """Names a template reads (not attributes, not keywords).  A regex, not ast.parse:
    this runs for every rule at import time, and templates are parsed lazily."""
    names = set()
    for text in templates:
        text = _STRING.sub("''", text)
        names.update(n for n in _IDENT.findall(text) if not keyword.iskeyword(n))
    return names


def _resolve_namespace(templates, params, namespace):
    free = _free_names(templates) - set(params) - TEMPLATE_NAMES
    missing = sorted(n for n in free if n not in namespace)
    if missing:
        raise NameError(f"derivative template uses undefined name(s): {', '.join(missing)}")
    return {n: namespace[n] for n in free}


def make_rule(
    func,
    params,
    *,
    jvp=None,
    vjp=None,
    partials=None,
    namespace=None,
    elementwise=None,
    array=None,
    result="same",
    label="",
    zero=(),
    by_rank=None,
    by_constants=None,
):
    """Build a Rule from templates (see module docstring); does not register it.
    `by_rank`: {ranks: {"jvp"/"vjp": {param: template}}}, spellings for known ranks."""
    params, defaults = _parse_params(params) if isinstance(params, str) else (tuple(params), {})
    jvp, vjp = dict(jvp or {}), dict(vjp or {})
    if partials:
        for p, d in partials.items():
            jvp[p] = f"t * ({d})"
            vjp[p] = f"g * ({d})"
        if elementwise is None:
            elementwise = True
    unknown = (set(jvp) | set(vjp)) - set(params)
    if unknown:
        raise ValueError(f"rule for {func!r}: no parameter named {sorted(unknown)}")
    if set(jvp) != set(vjp):
        raise ValueError(
            f"rule for {func!r}: jvp and vjp must cover the same parameters "
            f"(jvp: {sorted(jvp)}, vjp: {sorted(vjp)})"
        )
    spelled = {
        (mode, tuple(ranks)): dict(templates)
        for ranks, modes in (by_rank or {}).items()
        for mode, templates in modes.items()
    }
    for (mode, _), templates in spelled.items():
        if mode not in ("jvp", "vjp") or not set(templates) <= set(vjp):
            raise ValueError(f"rule for {func!r}: by_rank spells {mode} of {sorted(templates)}")
    texts = [*jvp.values(), *vjp.values(), *(t for d in spelled.values() for t in d.values())]
    ns = _resolve_namespace(texts, params, namespace or {})
    rule = Rule(
        func,
        params,
        defaults,
        jvp,
        vjp,
        ns,
        bool(elementwise),
        None,
        result,
        label or _label(func),
        tuple(zero.split(", ") if isinstance(zero, str) else zero),
        by_rank=spelled,
        by_constants=by_constants,
    )
    if array is not None:
        rule.array_variant = make_rule(
            func,
            params if isinstance(params, str) else ", ".join(params),
            partials=array,
            namespace=namespace,
            elementwise=True,
            result=result,
            label=label,
        )
        rule.array_variant.defaults = defaults
    return rule


def nondiff_rule(func, result="same", label=""):
    """A primitive whose output carries no derivative (floor, comparisons, len, ...)."""
    return Rule(func, (), {}, {}, {}, {}, False, None, result, label or _label(func))


def _label(func):
    if isinstance(func, type) and issubclass(func, ast.AST):
        return _OP_SYMBOLS.get(func, func.__name__)
    mod = getattr(func, "__module__", None) or ""
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", repr(func))
    if mod in ("builtins", ""):
        return name
    mod = {"numpy": "np", "math": "math"}.get(mod, mod)
    return f"{mod}.{name}"


_OP_SYMBOLS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.USub: "unary -",
    ast.UAdd: "unary +",
}


def register_rule(
    func, params=None, *, partials=None, jvp=None, vjp=None, namespace=None, elementwise=None
):
    """Register (or override) the derivative of `func`; public API.

    Give either ``partials`` (for a function whose inputs and output are
    scalars or broadcast elementwise: one partial derivative per
    parameter) or both ``jvp`` and ``vjp`` templates.  Templates are
    Python expressions in the parameters, ``out`` (the result), ``t``
    (a tangent) and ``g`` (a cotangent); any other name is looked up
    in `namespace`, by default the caller's module globals (builtins such
    as ``len`` are always there).  The rule is
    used wherever `func` is called, and shown inlined in generated code::

        srcdiff.register_rule(scipy.special.erf, "x",
                              partials={"x": "2 / sqrt(pi) * exp(-x**2)"},
                              namespace={"sqrt": math.sqrt, "pi": math.pi, "exp": math.exp})
    """
    if params is None:
        params = list(inspect.signature(func).parameters)
    if namespace is None:
        frame = inspect.currentframe().f_back
        namespace = frame.f_globals
    # builtins (len, abs, ...) are there as in any Python expression, whichever namespace
    namespace = {**vars(__import__("builtins")), **namespace}
    rule = make_rule(
        func,
        params,
        partials=partials,
        jvp=jvp,
        vjp=vjp,
        namespace=namespace,
        elementwise=elementwise,
    )
    if not isinstance(func, __import__("numpy").ufunc):
        rule.shares = None  # a function we can't read may return a view of an argument
    RULES.add_user_rule(rule, repr((params, partials, jvp, vjp, elementwise)))
    return rule
