"""The functions of Tangent's test suite (google/tangent ``tests/functions.py``).

Tangent's conftest runs every function on a grid of arguments: scalars ``a``,
``b``, ``c`` from -2 to 2, an integer ``n`` in 1..3, vectors ``x`` of sizes 3,
5 and 10, square matrices ``sqm`` of (1, 1) and (5, 5).  Here each function is
one case per point of a smaller grid (all ten scalars for one-scalar
functions, a few points otherwise), written as plain Python and NumPy.

Translated with changes (see each case's note): Tangent's own stack
primitives become a Python list, the ``np.arctan(b, a)`` typo of
``cart2polar`` becomes ``np.arctan2``, functions returning a tuple are called
from ``f``, which sums the components with weights, and dict arguments are
built inside ``f`` (only numbers, arrays and lists are differentiated).
Left out: the TensorFlow functions (``tfe_*``, ``_trace_mul``), and
``inlining_contextmanager`` (Tangent's ``insert_grad_of``).
"""

from __future__ import annotations

import itertools

import numpy as np

from .cases import SuiteCase, frozen, module, rng_for, shape_tag

CASES = []
SCALARS = (-2.0, -1.5, -1.0, -0.5, -0.1, 0.1, 0.5, 1.0, 1.5, 2.0)
FEW = (-1.5, 0.5, 2.0)


def points(**axes):
    """The grid: every combination of the given values (name -> values)."""
    keys = list(axes)
    return [dict(zip(keys, vals)) for vals in itertools.product(*(axes[k] for k in keys))]


def vectors(*sizes):
    return [("x", size) for size in sizes]


def _tag(v):
    if isinstance(v, np.ndarray):
        return shape_tag(v.shape)
    if isinstance(v, tuple) and v[:1] == ("shape",):
        return shape_tag(v[1] if isinstance(v[1], tuple) else (v[1],))
    return repr(v)


def case(name, text, grid, wrt=None, entry=None, note=""):
    """One case per point of `grid` (dicts of argument values, in signature order).

    Array values may be given as ("shape", n) / ("shape", (n, m)): drawn from a
    generator seeded by the case name."""
    for point in grid:
        variant = ",".join(f"{k}={_tag(v)}" for k, v in point.items())
        full = f"tangent/functions.py::{name}[{variant}]"
        rng = rng_for(full)
        values = {
            k: (rng.standard_normal(v[1]) if isinstance(v, tuple) and v[:1] == ("shape",) else v)
            for k, v in point.items()
        }
        diff = (
            wrt
            if wrt is not None
            else tuple(
                k
                for k, v in values.items()
                if not isinstance(v, (int, bool)) or isinstance(v, float)
            )
        )
        CASES.append(
            SuiteCase(
                full,
                module(text),
                frozen(values),
                tuple(diff),
                f"tangent tests/functions.py::{name}",
                note=note,
                entry=entry or name,
            )
        )


def vec(n):
    return ("shape", n)


A = points(a=SCALARS)
AB = points(a=FEW, b=FEW)
# a == b is a kink of the `a > b` branches where central differences average the two
# one-sided slopes (and agree at both step sizes): off the diagonal only
AB_OFF = [p for p in AB if p["a"] != p["b"]]
ABC = [
    {"a": a, "b": b, "c": c}
    for a, b, c in [(-1.5, 0.5, 2.0), (0.5, 2.0, -1.0), (2.0, -0.1, 1.5), (-1.0, -2.0, 0.1)]
]
AN = points(a=(-1.5, -0.5, 0.5, 1.5), n=(1, 2, 3))
X = points(x=[vec(3), vec(5), vec(10)])

# -- basics ---------------------------------------------------------------------------------
case("id_", "def id_(a):\n    return a\n", A)
case("unary_sub", "def unary_sub(a):\n    return -a\n", A)
case("sum_", "def sum_(x):\n    return np.sum(x)\n", X)
case("cast_sum_", "def cast_sum_(x):\n    return np.sum(np.array(x))\n", X)
case(
    "overwrite_call",
    """
def overwrite_call(x):
    x = np.sum(x)
    x = x * x
    return x
""",
    X,
)
case("tanh", "def tanh(a):\n    return np.tanh(a)\n", A)
case("identity_assign", "def identity_assign(a):\n    b = a\n    return b\n", A)
case("increment", "def increment(a):\n    return a + 1\n", A)
case("saxpy", "def saxpy(a, b, c):\n    return a * b + c\n", ABC)
case("mul", "def mul(a, b):\n    return a * b\n", AB)
case("add", "def add(a, b):\n    return a + b\n", AB)
case(
    "saxpy_call",
    """
def mul(a, b):
    return a * b


def add(a, b):
    return a + b


def saxpy_call(a, b, c):
    return add(mul(a, b), c)
""",
    ABC,
)
case(
    "saxpy_anf",
    """
def saxpy_anf(a, b, c):
    t1 = a * b
    t2 = t1 + c
    return t2
""",
    ABC,
)
case(
    "saxpy_overwrite",
    """
def saxpy_overwrite(a, b, c):
    t = a * b
    t = t + c
    return t
""",
    ABC,
)
case("gradname_aliasing", "def gradname_aliasing(a):\n    da = a * a\n    return da\n", A)
case(
    "overwrite_if",
    """
def overwrite_if(a):
    if a > 0:
        a = a * 3.0
    else:
        a = a * 2.0
    return a
""",
    A,
)
for _op, _sym in (("mul", "*"), ("div", "/"), ("sub", "-"), ("add", "+")):
    case(f"test_binop_{_op}1", f"def test_binop_{_op}1(a):\n    return a {_sym} 3.0\n", A)
    case(f"test_binop_{_op}2", f"def test_binop_{_op}2(a):\n    return 3.0 {_sym} a\n", A)
    case(f"test_binop_{_op}3", f"def test_binop_{_op}3(a):\n    return a {_sym} a\n", A)

# -- branches -------------------------------------------------------------------------------
case(
    "nested_if",
    """
def nested_if(a):
    if a > 0:
        if a < 10:
            a = a * a
    else:
        a = 3.0 * a
    return a
""",
    A + [{"a": 12.0}],
)
case(
    "multiarg_if",
    """
def multiarg_if(a):
    if a * a / 3.0 > 0:
        b = 3.0
    else:
        b = 4.0
    a = a * b
    if a < b - a * b:
        a = a * a
    elif a > b + 3.0 * a:
        if a / 2.0 < 0:
            a = a / b
        else:
            a = a * b
    else:
        a = -a
    return a
""",
    A,
)
case("fn_multiply", "def fn_multiply(a):\n    return np.multiply(a, 3.0)\n", A)
case(
    "fn_multiple_return",
    """
def fn_multiple_return(a):
    return 2 * a, a


def f(a):
    u, v = fn_multiple_return(a)
    return u + 0.7 * v
""",
    A,
    entry="f",
    note="returns a tuple: f sums its parts with weights",
)
case(
    "test_anf_list",
    """
def test_anf_list(a):
    b = [1, a * a, 2]
    return np.sum(b)
""",
    A,
)
case(
    "test_deep_anf_list",
    """
def test_deep_anf_list(x):
    b = [1, x[0] * x[1] * x[2], 3]
    return np.sum(b)
""",
    X,
)
case(
    "test_subscript1",
    """
def test_subscript1(x):
    a = x[0]
    b = x[1]
    return a * b
""",
    X,
)
case(
    "test_subscript2",
    """
def test_subscript2(x):
    a = x[0]
    b = x[1]
    x[0] = a * b
    return np.sum(x)
""",
    X,
    note="changes its argument in place",
)
case(
    "test_subscript3",
    """
def test_subscript3(x):
    y = x ** 2.0
    x[0] = y[1] * y[2]
    return np.sum(x * y)
""",
    X,
    note="changes its argument in place",
)
case(
    "test_list_and_subscript",
    """
def test_list_and_subscript(a):
    x = [1.0, a, 3.0]
    return x[0] * x[1]
""",
    A,
)
case(
    "test_implicit_indexing",
    """
def test_implicit_indexing(x):
    res = 0.0
    for a in x:
        res += a
    return res
""",
    X,
)
case(
    "serial_if",
    """
def serial_if(a):
    if a > 0:
        a = a * a
    a = a + a
    if a < 0:
        a = 3.0 * a
    return a
""",
    A,
)
case(
    "multivar_if",
    """
def multivar_if(a, b):
    if a > b:
        a = a * a
    else:
        a = a * b
    return a
""",
    AB_OFF,
)

# -- loops ---------------------------------------------------------------------------------
case(
    "serial_for",
    """
def serial_for(a, n):
    for i in range(n):
        a = a * a
    a = 2.0 * a
    for i in range(n + 1):
        a = a * 3.0
    return a
""",
    AN,
)
case(
    "serial_ifthenfor",
    """
def serial_ifthenfor(a, n):
    if a > 0:
        a = a * a
    a = 2.0 * a
    for i in range(n):
        a = a * a
    return a
""",
    AN,
)
case(
    "serial_forthenif",
    """
def serial_forthenif(a, n):
    for i in range(n):
        a = a * a
    a = 2.0 * a
    if a > 0:
        a = a * a
    return a
""",
    AN,
)
case(
    "devilish_nested_if",
    """
def devilish_nested_if(a):
    if a > 0:
        a = a * 3.0
        if a < 10:
            a = a * a
        else:
            a = a * 2.0
    return a
""",
    A,
)
case(
    "overwrite_ifelse",
    """
def overwrite_ifelse(a):
    if a > 0:
        a = a * 3.0
    elif 0 > a:
        a = a * 2.0
    else:
        a = 1.0 * a
    return a
""",
    A,
)
case("overwrite_arg", "def overwrite_arg(a):\n    a = a * 3.0\n    return a\n", A)
case(
    "overwrite_non_arg",
    """
def overwrite_non_arg(a):
    b = a
    b = b * 3.0
    return b
""",
    A,
)
case("third_pow", "def third_pow(a):\n    return a * a * a\n", A)
case("direct_third_pow", "def direct_third_pow(a):\n    return a ** 3\n", A)
case(
    "iter_third_pow1",
    """
def iter_third_pow1(a):
    out = 1
    for i in range(3):
        out = out * a
    return out
""",
    A,
)
case(
    "iter_third_pow2",
    """
def iter_third_pow2(a):
    out = a
    for i in range(3 - 1):
        out = out * a
    return out
""",
    A,
)
case(
    "iterpower_static",
    """
def iterpower_static(a):
    for i in range(3):
        a = a * a
    return a
""",
    A,
)
case(
    "iterpower",
    """
def iterpower(a, n):
    for i in range(n):
        a = a * a
    return a
""",
    AN,
)
case(
    "cond_iterpower1",
    """
def cond_iterpower1(a):
    for i in range(3):
        if a < 20:
            a = a * a
    return a
""",
    A,
)
case(
    "cond_iterpower2",
    """
def cond_iterpower2(a):
    if a < 20:
        for i in range(3):
            a = a * a
    return a
""",
    A,
)
case(
    "superfor_iterpower",
    """
def superfor_iterpower(a):
    for i in range(2):
        for j in range(3):
            a = a * a
    return a
""",
    points(a=(-1.0, -0.5, -0.1, 0.1, 0.5, 1.0)),
    note="a ** 64: the grid's |a| > 1 points overflow the finite differences' accuracy",
)
case(
    "super_iterpower",
    """
def super_iterpower(a):
    for i in range(3):
        a = a * a * a
    return a
""",
    points(a=(-1.5, -1.0, -0.5, -0.1, 0.1, 0.5, 1.0, 1.5)),
)

# -- NumPy ----------------------------------------------------------------------------------
case("numpy_sum", "def numpy_sum(x):\n    return np.sum(x)\n", X)
case("numpy_mean", "def numpy_mean(x):\n    return np.mean(x)\n", X)
case("numpy_exp", "def numpy_exp(a):\n    return np.exp(a)\n", A)
case("numpy_exp2", "def numpy_exp2(a):\n    return np.exp(np.exp(a))\n", A)
case(
    "numpy_sqrt",
    """
def numpy_sqrt(a):
    if a >= 0:
        r = np.sqrt(a)
    else:
        r = np.sqrt(-a)
    return r
""",
    A,
)
_INSIDE = points(a=tuple(v for v in SCALARS if abs(v) < 1))
for _fn, _grid in [
    ("cos", A),
    ("sin", A),
    ("tan", A),
    ("cosh", A),
    ("sinh", A),
    ("tanh", A),
    ("arccos", _INSIDE),
    ("arcsin", _INSIDE),
    ("arctan", A),
]:
    case(f"numpy_{_fn}", f"def numpy_{_fn}(a):\n    return np.{_fn}(a)\n", _grid)
for _d in (1, 2, 3):
    case(
        f"numpy_atleast_{_d}d",
        f"def numpy_atleast_{_d}d(x):\n    return np.sum(np.atleast_{_d}d(x))\n",
        X + points(x=(-1.0, 0.5)),
    )


def _label():
    label = np.zeros(5)
    label[1] = 1
    return label


_rng = rng_for("tangent/logistic_regression")
case(
    "logistic_regression",
    """
def logistic_regression(input, label, W, b):
    h1 = np.dot(input, W) + b
    prediction = 0.5 * (np.tanh(h1) + 1)
    label_probabilities = prediction * label + (1 - prediction) * (1 - label)
    loss = -np.sum(np.log(label_probabilities))
    return loss
""",
    [
        {
            "input": _rng.random(3),
            "label": _label(),
            "W": _rng.standard_normal((3, 5)),
            "b": _rng.standard_normal(5),
        }
    ],
    wrt=("W", "b"),
)
case(
    "det",
    "def det(sqm):\n    return np.linalg.det(sqm)\n",
    [{"sqm": ("shape", (1, 1))}, {"sqm": ("shape", (5, 5))}],
)

# -- function calls --------------------------------------------------------------------------
_INNER = "def _inner_fn(a, b):\n    return a * b\n\n\n"
case("mul_with_call", _INNER + "def mul_with_call(a, b):\n    return _inner_fn(a, b)\n", AB)
case(
    "if_mul_with_call",
    _INNER
    + """def if_mul_with_call(a, b):
    if a > b:
        o = _inner_fn(a, b)
    else:
        o = _inner_fn(b, a)
    return o
""",
    AB_OFF,
)
case(
    "iterpower_with_call",
    _INNER
    + """def iterpower_with_call(a, n):
    for i in range(n):
        a = _inner_fn(a, a)
    return a
""",
    AN,
)
case(
    "nested_call",
    _INNER
    + """def mul_with_call(a, b):
    return _inner_fn(a, b)


def nested_call(a, b):
    return mul_with_call(a, b)
""",
    AB,
)
case(
    "iterpower_with_nested_def",
    """
def iterpower_with_nested_def(a, n):
    def _fn(a, n):
        return a * n

    for i in range(n):
        a = _fn(a, a)
    return a
""",
    AN,
)

# -- packing, dicts --------------------------------------------------------------------------
_TRIPLES = [(-1.5, 0.5, 2.0), (0.5, 2.0, -1.0)]
case(
    "unpacking_args_saxpy",
    """
def unpacking_args_saxpy(abc_packed_in_tuple):
    a, b, c = abc_packed_in_tuple
    return a * b + c
""",
    [{"abc_packed_in_tuple": t} for t in _TRIPLES]
    + [{"abc_packed_in_tuple": list(t)} for t in _TRIPLES],
)
case(
    "dict_wrapper",
    """
def dict_saxpy(val):
    return val['a'] * val['b'] + val['c']


def dict_wrapper(abc_packed_in_tuple):
    a, b, c = abc_packed_in_tuple
    return dict_saxpy(dict(a=a, b=b, c=c))
""",
    [{"abc_packed_in_tuple": t} for t in _TRIPLES],
)
case(
    "dict_saxpy",
    """
def dict_saxpy(val):
    return val['a'] * val['b'] + val['c']


def f(a, b, c):
    return dict_saxpy({'a': a, 'b': b, 'c': c})
""",
    ABC,
    entry="f",
    note="Tangent passes a dict; f builds it from three numbers",
)
case(
    "passthru_pack",
    """
def passthru_pack(a, b, c, i):
    x = a, b, c
    return x[i]
""",
    [{"a": -1.5, "b": 0.5, "c": 2.0, "i": i} for i in (0, 1, 2)],
    wrt=("a", "b", "c"),
)
case(
    "passthru_unpack",
    """
def passthru_unpack(abc_packed_in_tuple):
    a, b, c = abc_packed_in_tuple
    return a
""",
    [{"abc_packed_in_tuple": t} for t in _TRIPLES],
)
case(
    "nested_dict",
    """
def nested_dict(p):
    return p['i']['j'] * p['i']['k']


def f(j, k):
    return nested_dict(dict(i=dict(j=j, k=k)))
""",
    [{"j": 3.0, "k": 4.0}],
    entry="f",
    note="Tangent passes dict(i=dict(j=3.0, k=4.0)); f builds it",
)

# -- misc --------------------------------------------------------------------------------------
case(
    "cart2polar",
    """
def cart2polar(a, b):
    r = np.sqrt(a ** 2.0 + b ** 2.0)
    theta = np.arctan2(b, a)
    return r, theta


def f(a, b):
    r, theta = cart2polar(a, b)
    return r + 0.7 * theta
""",
    AB,
    entry="f",
    note="Tangent's np.arctan(b, a) is a typo for arctan2 (its comment says "
    "so); the tuple is summed with weights",
)
case(
    "listcomp",
    "def listcomp(x):\n    return np.sum([i * 3 for i in x])\n",
    X,
    note="Tangent names the argument a; it is iterated, so a vector here",
)
case(
    "while_big",
    """
def while_big(a):
    while np.abs(a) > 0.1:
        a = a * 0.5
    return a
""",
    A,
)
case(
    "active_subscript",
    """
def active_subscript(x):
    y = np.zeros_like(x)
    for i in range(len(x)):
        y[i] = x[i]
    return np.sum(y)
""",
    X,
)
case(
    "init_array_grad_maybe_active",
    """
def init_array_grad_maybe_active(x):
    h = np.zeros((len(x), 3))
    for t in range(len(h)):
        h[t] = x[t]
    return np.sum(h)
""",
    X,
)
case("slicing", "def slicing(x):\n    return np.sum(x[1:])\n", X)
_rng = rng_for("tangent/rnn")
case(
    "rnn",
    """
def rnn(inputs, W):
    h = np.zeros((4, 3))
    for t in range(3):
        h[t + 1] = np.dot(inputs[t], W) + h[t]
    return np.sum(h[1:])
""",
    [{"inputs": _rng.standard_normal((3, 2)), "W": _rng.standard_normal((2, 3))}],
)
case(
    "augassign",
    """
def augassign(a):
    x = a * a
    x *= x
    return x
""",
    A,
)
_rng = rng_for("tangent/bilinear")
case(
    "bilinear",
    """
def bilinear(x, h, U, W, b):
    y = np.dot(x, W)
    y = y + np.dot(h, U)
    y = y + b
    y = np.tanh(y)
    return np.sum(y)
""",
    [
        {
            "x": _rng.standard_normal((1, 3)),
            "h": _rng.standard_normal((1, 3)),
            "U": _rng.standard_normal((3, 3)),
            "W": _rng.standard_normal((3, 3)),
            "b": _rng.standard_normal((1, 3)),
        }
    ],
    wrt=("x", "h", "U", "W", "b"),
    note="Tangent differentiates x only; all five here",
)
_STACK = "Tangent's tangent.Stack/push/pop become a Python list's append/pop"
case(
    "stack_pushing",
    """
def stack_pushing(a):
    stack = []
    y = a * a
    stack.append(a)
    aa = stack.pop()
    z = y * aa
    z = z * aa
    return z
""",
    A,
    note=_STACK,
)
case(
    "gradgrad_pow",
    """
def gradgrad_pow(a, b):
    if a >= 0:
        a = a ** b
    else:
        a = (-a) ** b
    return a
""",
    AB,
)
case(
    "gradgrad_pow_twice",
    """
def gradgrad_pow_twice(a):
    a = a * a
    y = a * a
    return y
""",
    A,
)
case(
    "gradgrad_chain_of_mults",
    """
def gradgrad_chain_of_mults(a):
    b = a
    b = a * a
    c = b * b
    d = c * c
    return d
""",
    A,
)
case(
    "gradgrad_chain_of_multcalls",
    """
def mul(a, b):
    return a * b


def gradgrad_chain_of_multcalls(a):
    b = mul(a, a)
    c = mul(b, b)
    d = mul(c, c)
    return d
""",
    A,
)
case(
    "useless_stack_ops",
    """
def useless_stack_ops(a):
    _stack = []
    b = a * a
    _stack.append(b)
    b = _stack.pop()
    return a
""",
    A,
    note=_STACK,
)
case(
    "redefining_var_as_list",
    """
def redefining_var_as_list(a):
    _stack = []
    x = a
    _stack.append(x)
    x = [a]
    x = _stack.pop()
    return a
""",
    A,
    note=_STACK,
)
case("extended_slice", "def extended_slice(x):\n    return np.sum(x[::2, np.newaxis])\n", X)
