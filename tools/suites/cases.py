"""The case record and the helpers the suite modules build their cases with.

A case's function always reduces to a scalar with fixed, non-uniform weights
(``np.sum(out * W)`` with ``W = np.linspace(0.5, 2.0, n).reshape(shape)``), so
the cotangent flowing into the function under test is not all ones.  The
weights' shape is found by evaluating the call once when the case is built.
"""

from __future__ import annotations

import copy
import functools
import itertools
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

ALL_MODES = ("reverse", "forward", "fd", "hessian")


@dataclass(frozen=True)
class SuiteCase:
    name: str  # "<suite>/<file>::<test>[<variant>]"
    source: str  # module text defining `f`
    args: Callable[[], dict]  # builds fresh arguments, in signature order
    wrt: tuple  # parameters to differentiate
    origin: str  # what upstream test this translates
    modes: tuple = ALL_MODES  # oracle checks that apply
    note: str = ""  # why the case is the way it is
    entry: str = "f"  # the function to differentiate

    def oracle_case(self, hessian=False):
        from tools.fuzz.oracle import Case

        return Case(self.source, self.args(), tuple(self.wrt), entry=self.entry, hessian=hessian)


def frozen(values):
    """An args builder returning deep copies of fixed values."""
    return functools.partial(copy.deepcopy, dict(values))


def rng_for(key):
    """A generator seeded by a case's name: values don't move when cases are added."""
    return np.random.default_rng(zlib.crc32(key.encode()))


# -- argument generators ---------------------------------------------------------------
@dataclass(frozen=True)
class Gen:
    """An argument made from random numbers when the case is built."""

    tag: str
    make: Callable = field(compare=False)

    def __call__(self, rng):
        return self.make(rng)


def shape_tag(shape):
    return "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def R(*shape):
    """Standard normal values (a Python float for no shape), like autograd's npr.randn."""

    def make(rng):
        return float(rng.standard_normal()) if not shape else rng.standard_normal(shape)

    return Gen(shape_tag(shape) if shape else "float", make)


def U(lo, hi, *shape):
    """Uniform values in [lo, hi]."""

    def make(rng):
        v = lo + (hi - lo) * rng.random(shape)  # hi < lo is allowed, as in autograd
        return float(v) if not shape else v

    return Gen(shape_tag(shape) if shape else "float", make)


def T(lims, *shape, at=None):
    """autograd's transform(lims, rand(shape)): uniform in lims; `at` fixes a scalar's position."""
    lo, hi = lims
    if at is not None:
        value = at * (hi - lo) + lo
        return Gen("float", lambda rng: value)
    return U(lo, hi, *shape)


def G(tag, make):
    """Any other generator: make(rng) -> value."""
    return Gen(tag, make)


def C(value, tag=None):
    """A fixed value (passed as an argument)."""
    return Gen(tag or repr(value), lambda rng: copy.deepcopy(value))


def tag_of(value):
    if isinstance(value, Gen):
        return value.tag
    if isinstance(value, (list, tuple)) and any(isinstance(v, Gen) for v in value):
        inner = ",".join(tag_of(v) for v in value)
        return (
            f"[{inner}]"
            if isinstance(value, list)
            else f"({inner},)"
            if len(value) == 1
            else f"({inner})"
        )
    return repr(value)


# -- source text -------------------------------------------------------------------------------
_IMPORTS = [
    ("special.", "from scipy import special"),
    ("stats.", "from scipy import stats"),
    ("sla.", "import scipy.linalg as sla"),
    ("signal.", "from scipy import signal"),
    ("math.", "import math"),
    ("operator.", "import operator"),
]


def header(text):
    """Import lines for the modules `text` uses (numpy always)."""
    lines = [imp for prefix, imp in _IMPORTS if prefix in text and imp.startswith("import")]
    lines.append("import numpy as np")
    lines += [imp for prefix, imp in _IMPORTS if prefix in text and imp.startswith("from")]
    return "\n".join(sorted(lines, key=lambda s: (s.startswith("from"), s)))


def weights_text(name, shape, index=0):
    """`name = ...`: fixed non-uniform weights of `shape` (a float for shape ()).

    Each output of a tuple gets different weights (`index`), so a gradient
    routed to the wrong output of the same shape is noticed."""
    n = int(np.prod(shape, dtype=int))
    lo, hi = 0.5 + 0.25 * index, 2.0 + 0.5 * index
    if shape == ():
        return f"{name} = {1.25 + 0.5 * index}"
    return f"{name} = np.linspace({lo}, {hi}, {n}).reshape({tuple(shape)!r})"


def _namespace():
    import math
    import operator

    import scipy.linalg as sla
    from scipy import signal, special, stats

    return {
        "np": np,
        "special": special,
        "stats": stats,
        "sla": sla,
        "signal": signal,
        "math": math,
        "operator": operator,
    }


def _leaves(out, prefix="out"):
    """[(expression, shape)] for an output that may be a tuple/list of arrays."""
    if isinstance(out, (list, tuple)) and not (out and isinstance(out[0], (float, int))):
        leaves = []
        for i, o in enumerate(out):
            leaves += _leaves(o, f"{prefix}[{i}]")
        return leaves
    return [(prefix, np.shape(out))]


def reduced(params, body, result):
    """Module text: `def f(params): body...; return sum(result * W)`.

    `result` is the expression whose value is weighted; its value is found by
    running the body once with `params` (a dict name -> value)."""
    ns = _namespace()
    ns.update(copy.deepcopy(params))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. np.row_stack's deprecation
        for line in body:
            exec(line, ns)  # noqa: S102 - our own case text
        out = eval(result, ns)
    leaves = _leaves(out)
    lines = list(body)
    if len(leaves) == 1:
        wtext = [weights_text("W", leaves[0][1])]
        lines.append(f"return np.sum({result} * W)")
    else:
        wtext = [weights_text(f"W{i}", shape, i) for i, (_, shape) in enumerate(leaves)]
        lines.append(f"out = {result}")
        lines.append(
            "return " + " + ".join(f"np.sum({expr} * W{i})" for i, (expr, _) in enumerate(leaves))
        )
    code = "\n".join("    " + line for line in lines)
    text = f"def f({', '.join(params)}):\n{code}\n"
    return f"{header(text)}\n\n" + "\n".join(wtext) + f"\n\n\n{text}"


def module(text):
    """Module text from a function body written out by hand (imports added)."""
    text = text.strip("\n") + "\n"
    return f"{header(text)}\n\n\n{text}"


# -- combinations ---------------------------------------------------------------------------
_NAMES = "xyzuvpqrs"


def _render(value, names, params, wrt, rng, differentiate):
    """Call text for one positional option; Gens become parameters."""
    if isinstance(value, Gen):
        name = next(names)
        params[name] = value(rng)
        if differentiate:
            wrt.append(name)
        return name
    if isinstance(value, (list, tuple)) and any(isinstance(v, Gen) for v in value):
        items = [_render(v, names, params, wrt, rng, differentiate) for v in value]
        if isinstance(value, list):
            return "[" + ", ".join(items) + "]"
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return repr(value)


def kw_text(kwargs):
    return "".join(f", {k}={v!r}" for k, v in kwargs.items())


def product_kwargs(options):
    keys = list(options)
    return [dict(zip(keys, vals)) for vals in itertools.product(*(options[k] for k in keys))]


def call_case(
    file,
    test,
    func,
    positional,
    kwargs=None,
    *,
    argnum=(0,),
    wrap="{}",
    origin=None,
    valid=True,
    note="",
    modes=ALL_MODES,
    name=None,
):
    """One case: `np.sum(wrap(func(positional..., **kwargs)) * W)`.

    `positional` holds values (Gen -> a parameter, differentiated if its
    position is in `argnum`; anything else is written as a literal)."""
    kwargs = dict(kwargs or {})
    variant = ",".join(
        [tag_of(p) for p in positional] + [f"{k}={tag_of(v)}" for k, v in kwargs.items()]
    )
    case_name = name or f"{file}.py::{test}[{variant}]"
    rng = rng_for(case_name)
    names = iter(_NAMES)
    params, wrt = {}, []
    parts = [_render(p, names, params, wrt, rng, i in argnum) for i, p in enumerate(positional)]
    kw_parts = []
    for k, v in kwargs.items():
        if isinstance(v, Gen):
            params[k] = v(rng)
            kw_parts.append(f"{k}={k}")
        else:
            kw_parts.append(f"{k}={v!r}")
    if "{" in func:  # an operator template such as "{0} * {1}"
        call = func.format(*parts)
    else:
        call = f"{func}({', '.join(parts + kw_parts)})"
    expr = wrap.format(call)
    try:
        source = reduced(params, [], expr)
    except Exception:
        if valid:
            raise
        return None
    return SuiteCase(
        f"autograd/{case_name}",
        source,
        frozen(params),
        tuple(wrt),
        origin or f"autograd tests/{file}.py::{test}",
        modes,
        note,
    )


def combo(
    file, test, func, *arg_options, argnum=(0,), wrap="{}", note="", modes=ALL_MODES, **kw_options
):
    """autograd's combo_check: every product of positional and keyword options.

    Combinations NumPy itself rejects are dropped (autograd's lists only hold
    valid ones, with a few shape mismatches that its own tests would trip on)."""
    out = []
    for pos in itertools.product(*arg_options):
        for kwargs in product_kwargs(kw_options):
            case = call_case(
                file,
                test,
                func,
                list(pos),
                kwargs,
                argnum=argnum,
                wrap=wrap,
                valid=False,
                note=note,
                modes=modes,
            )
            if case is not None:
                out.append(case)
    return out


def body_case(
    file,
    test,
    params,
    body,
    result,
    *,
    wrt=None,
    variant="",
    note="",
    modes=ALL_MODES,
    project="autograd",
):
    """A case from function body lines; `result` is weighted and summed.

    params: name -> value or Gen, in signature order; wrt defaults to all."""
    name = f"{file}.py::{test}" + (f"[{variant}]" if variant else "")
    rng = rng_for(name)
    values = {k: (v(rng) if isinstance(v, Gen) else copy.deepcopy(v)) for k, v in params.items()}
    source = reduced(values, body, result)
    wrt = tuple(values) if wrt is None else tuple(wrt)
    return SuiteCase(
        f"{project}/{name}",
        source,
        frozen(values),
        wrt,
        f"{project} tests/{file}.py::{test}",
        modes,
        note,
    )


def hand(name, origin, source, params, wrt, *, note="", modes=ALL_MODES):
    """A case whose module text is written out by hand; params: name -> value or Gen."""
    rng = rng_for(name)
    values = {k: (v(rng) if isinstance(v, Gen) else v) for k, v in params.items()}
    return SuiteCase(name, source, frozen(values), tuple(wrt), origin, modes, note)


def dedupe(cases):
    """Drop later cases with the name of an earlier one (overlapping upstream lists)."""
    seen, out = set(), []
    for c in cases:
        if c.name not in seen:
            seen.add(c.name)
            out.append(c)
    return out
