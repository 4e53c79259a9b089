"""Small helpers that generated code may call.

Generated code calls these only where plain arithmetic can't say it
(summing a broadcast cotangent back to an input's shape, a guarded
logarithm).  `srcdiff build` copies the ones a module uses into it, so
built modules need no srcdiff at run time: keep each self-contained.
"""

import array
import math

import numpy as np

__all__ = [
    "add_at",
    "add_each",
    "batch_like",
    "batch_rank",
    "broadcast_like",
    "check_distinct",
    "check_scalar",
    "derivative_error",
    "finite_derivative",
    "float_stack",
    "like",
    "owned",
    "pow_dbase",
    "pow_dexp",
    "psi",
    "repeat_for",
    "scalar_like",
    "seq_insert",
    "seq_push",
    "seq_rest",
    "seq_zeros",
    "stop_gradient",
    "stored_in",
    "unbroadcast",
    "zeros_each",
    "zeros_like",
    "zeros_of",
]


#: `float_stack`'s list/array threshold: below this many floats a list (a push and a
#: pop cost ~10 ns a value there against ~45 ns through `array('d')`, and at most
#: ~1 MB is held: 32 bytes a value), from it on `array('d')` (8 bytes a value)
FLOAT_STACK_LIST_BELOW = 2**15


def float_stack(*values, size=None):
    """The stack for the floats the main function pushes: `array('d')` (8 bytes a
    value; a list holds each as a slot and an object, 32 bytes) when every value is a
    Python float -- the code was proven to push only floats then -- else a list, which
    keeps an int, complex or NumPy value exactly as it was. `size`, where the code knows
    how many floats it will push at most (a loop over a range), picks the list below
    `FLOAT_STACK_LIST_BELOW`: faster, and small enough that 32 bytes a value don't matter."""
    if size is not None and size < FLOAT_STACK_LIST_BELOW:
        return []
    for value in values:
        if type(value) is not float:
            return []
    return array.array("d")


def unbroadcast(g, x):
    """Sum cotangent `g` down to the shape of `x` (undoing NumPy broadcasting)."""
    shape = np.shape(x)
    gshape = np.shape(g)
    if gshape == shape or not gshape:
        return g  # a 0-d g is a zero made explicit, or x is 0-d too: it adds as it is
    if not shape:
        return np.sum(g)
    full = np.broadcast_shapes(gshape, shape)
    if full != gshape:  # g comes from a zero made explicit (0.0 * y): give it the full shape
        g = np.broadcast_to(g, full)
        gshape = full
    extra = len(gshape) - len(shape)
    if extra > 0:
        g = np.sum(g, axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    return np.reshape(g, shape) if np.shape(g) != shape else g


def batch_like(t, x):
    """Batched tangent `t` (k directions on its leading axis) broadcast to k times the
    shape of value `x`, as a read-only view: batched tangent code (compiler/batch.py)
    keeps every tangent at exactly (k,) + its value's shape, so a reduction or an index
    of it never sees a stretched axis of length 1.  Nothing writes into tangents there."""
    shape = np.shape(t)[:1] + np.shape(x)
    if np.shape(t) == shape:
        return t
    return np.broadcast_to(t, shape)


def batch_rank(value, rank):
    """Batched tangent code (compiler/batch.py) was made for a global or closure value
    of this rank; rebound since to another rank, it would broadcast against the batch
    axis differently, so the pass is refused (a ValueError: the caller then makes one
    pass per element, which reads the value as it is)."""
    if np.ndim(value) != rank:
        raise ValueError(f"a value of rank {np.ndim(value)} where batched code expects {rank}")


def broadcast_like(t, x):
    """Tangent `t` broadcast to the shape of value `x` (forward mode: a tangent has its
    value's shape, also where only a smaller operand of a broadcasting operation varies)."""
    shape = np.shape(x)
    if np.shape(t) == shape:
        return t
    return np.broadcast_to(t, shape).copy()


def pow_dbase(x, y):
    """d(x**y)/dx = y * x**(y - 1), and 0 where y == 0: x**0 is 1 everywhere, at x = 0
    too (the plain formula would give 0 * inf there)."""
    if not (isinstance(x, np.ndarray) or isinstance(y, np.ndarray)):
        return y * x ** (y - 1) if y else 0.0 * x
    with np.errstate(divide="ignore", invalid="ignore"):
        d = y * np.power(x, np.subtract(y, 1))
    zero = np.equal(y, 0)
    return np.where(zero, 0.0 * x, d) if np.any(zero) else d


def pow_dexp(out, x):
    """d(x**y)/dy = x**y * log(x), taken as 0 where x == 0 (the limit for y > 0)."""
    if isinstance(x, np.ndarray) or isinstance(out, np.ndarray):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x == 0, 0.0, out * np.log(np.where(x == 0, 1.0, x)))
    if x > 0:
        return out * math.log(x)
    return 0.0 if x == 0 else math.nan


def psi(n, x):
    """The polygamma function of order `n` of a number `x` (digamma for n = 0).

    math.gamma's and math.lgamma's derivatives are gamma * digamma and digamma, and
    srcdiff's core does not depend on SciPy.  The recurrence
    psi(n, x) = psi(n, x + 1) - (-1)**n * n! / x**(n + 1) moves x to 20 or beyond,
    where the asymptotic series (Bernoulli numbers up to B14) is exact to rounding.
    """
    x = float(x)
    if x <= 0 and x == math.floor(x):
        return math.nan  # a pole; gamma and lgamma themselves raise there
    if n == 0 and x < 0:  # reflection: psi(x) = psi(1 - x) - pi / tan(pi x)
        return psi(0, 1.0 - x) - math.pi / math.tan(math.pi * x)
    shift = 0.0
    sign = -1.0 if n % 2 == 0 else 1.0  # (-1)**(n + 1)
    while x < 20.0:
        shift += sign * math.factorial(n) / x ** (n + 1)
        x += 1.0
    bernoulli = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)
    if n == 0:
        series = math.log(x) - 0.5 / x
        for k, b in enumerate(bernoulli, start=1):
            series -= b / (2 * k * x ** (2 * k))
        return shift + series
    series = math.factorial(n - 1) / x**n + math.factorial(n) / (2 * x ** (n + 1))
    for k, b in enumerate(bernoulli, start=1):
        series += b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k) * x ** (2 * k + n))
    return shift + sign * series


def zeros_like(x):
    """A zero adjoint shaped like `x` (floats, arrays, lists and tuples of them)."""
    if isinstance(x, np.ndarray) and x.dtype == object:  # a sequence's adjoint, ragged:
        out = np.empty(x.shape, dtype=object)  # still objects, each a zero of its item's
        for i, v in np.ndenumerate(x):  # shape (np.zeros_like would hold the int 0; a
            out[i] = zeros_like(v)  # stacked array would not add to the object form)
        return out
    if isinstance(x, np.ndarray):
        return np.zeros_like(x, dtype=np.result_type(x.dtype, np.float32))
    if isinstance(x, (list, tuple)):  # adjoints of lists are arrays (they add)
        return seq_zeros(x)
    if isinstance(x, range):  # a loop's iterable, pushed for the backward sweep
        return np.zeros(len(x))
    return 0.0


def zeros_each(xs):
    """The zero adjoint of a list used as a stack: one zero per item it holds now, so a
    reversed append takes off the adjoint of the item it put on, even where items
    stayed on the list at the end (`[x, y]` with only `y` popped).  None is the placeholder
    of a name not bound yet (a list made afresh in each pass of a loop, restored to what
    it was before the first): no list, so no items."""
    return [] if xs is None else [zeros_like(v) for v in xs]


def seq_zeros(x):
    """The zero adjoint of a list or tuple: an array indexed like it -- floats for numbers,
    stacked for arrays of one shape, an array of objects (each a zero array) otherwise.
    Adjoints add elementwise and index like the sequence, whichever it is."""
    shapes = {np.shape(v) for v in x}
    if len(shapes) <= 1:
        shape = shapes.pop() if shapes else ()
        dtypes = [v.dtype for v in x if isinstance(v, np.ndarray)]
        dtype = np.result_type(*dtypes, np.float32) if dtypes else float
        return np.zeros((len(x),) + shape, dtype=dtype)
    out = np.empty(len(x), dtype=object)
    for i, v in enumerate(x):
        out[i] = zeros_like(v) if isinstance(v, np.ndarray) else 0.0
    return out


def seq_push(d, g):
    """The adjoint of a list with one more item, `g`, at its end: the reverse of a pop
    from a list whose adjoint is an array indexed like it (one row per item)."""
    return _with_row(np.asarray(d), g, len(d))


def seq_insert(d, g, at):
    """The adjoint of a list with one more item, `g`, where `xs.pop(at)` took it from:
    the reverse of that pop from a list whose adjoint is an array indexed like it."""
    d = np.asarray(d)
    n = len(d) + 1  # the list's length before the pop
    if not -n <= at < n:
        raise IndexError("pop index out of range")
    return _with_row(d, g, at % n)


def _with_row(d, g, pos):
    """`d` with `g` as a row at `pos`.  An empty list's adjoint (`seq_zeros([])`, of shape
    (0,)) has no row to say its items' shape: the row is `g`'s own (`g` was broadcast to
    a row of shape (), which an array item can't be).  An item of a shape the rows can't
    take makes the rows objects, as seq_zeros makes them for items of several shapes."""
    if d.dtype != object:
        if d.shape == (0,):
            row = np.asarray(g)
            return np.array([row], dtype=np.result_type(row.dtype, np.float32))
        row = np.asarray(g, dtype=np.result_type(d.dtype, float))
        try:
            row = np.broadcast_to(row, d.shape[1:])
        except ValueError:
            rows = np.empty(len(d), dtype=object)
            for i in range(len(d)):
                rows[i] = d[i]
            d = rows
        else:
            return np.concatenate([d[:pos], row[None], d[pos:]])
    out = np.empty(len(d) + 1, dtype=object)
    out[:pos] = d[:pos]
    out[pos] = g
    out[pos + 1 :] = d[pos:]
    return out


def seq_rest(g, at):
    """The indices of `g`'s rows other than row `at` (a pop's index): what remains."""
    n = len(g)
    return np.delete(np.arange(n), at % n)


def zeros_of(x):
    """A zero cotangent in the structure of `x`: tuples and lists element by element."""
    if isinstance(x, (tuple, list)):
        return type(x)(zeros_of(v) for v in x)
    return zeros_like(x)


def like(g, x):
    """Adjoint `g` in the form of `x`: zeros materialised, sequences as their own type."""
    if isinstance(x, (list, tuple)):
        if any(isinstance(v, np.ndarray) for v in x):  # a sequence of arrays (a local)
            if isinstance(g, (list, tuple)):  # already one per element (maybe ragged)
                return g
            return seq_zeros(x) + g if np.ndim(g) == 0 else g
        g = np.broadcast_to(g, (len(x),)) if np.ndim(g) == 0 else g
        return type(x)(float(v) for v in g)
    if isinstance(x, np.ndarray) and np.shape(g) != x.shape:
        return np.zeros_like(x) + g
    if isinstance(x, np.ndarray) and not isinstance(g, np.ndarray):  # a 0-d array's
        return np.asarray(np.zeros_like(x) + g)  # adjoint after arithmetic: a NumPy scalar
    return g


def owned(g, x):
    """A new array shaped like `x` holding `g`, which adjoint code may update in place
    (0-d for a NumPy scalar: `a[None]` indexes one, and its adjoint is updated so)."""
    if isinstance(x, (np.ndarray, np.generic)):
        out = np.zeros(np.shape(x), dtype=np.result_type(x.dtype, np.float32))
        out[...] = g
        return out
    if isinstance(x, (list, tuple)):
        out = seq_zeros(x)
        if out.dtype == object:
            # (g one adjoint per item: a list or tuple of them, maybe ragged -- an array
            # and a float -- which np.ndim can't read; or one value for every item)
            each = isinstance(g, (list, tuple)) or np.ndim(g) != 0
            for i in range(len(out)):
                out[i] = out[i] + (g[i] if each else g)
        else:
            out[...] = g
        return out
    return g


def add_at(dx, x, index, g):
    """dx[index] += g, allocating dx like `x` on first use.  Returns dx.

    `dx` is either None/0.0 (no adjoint yet) or an array this adjoint owns.
    Repeated integer indices accumulate (np.add.at semantics).
    """
    if not isinstance(dx, np.ndarray):
        earlier = dx  # None, or a contribution that is a number (a NumPy scalar's adjoint)
        if isinstance(x, (np.ndarray, np.generic)):  # a NumPy scalar indexes as 0-d: a[None]
            dx = np.zeros(np.shape(x), dtype=np.result_type(x.dtype, np.float32))
        else:
            dx = seq_zeros(x)
        if earlier is not None:
            dx += earlier
    if (
        isinstance(index, np.ndarray)
        or (isinstance(index, tuple) and any(isinstance(i, (np.ndarray, list)) for i in index))
        or isinstance(index, list)
    ):
        np.add.at(dx, index, g)
    else:
        dx[index] += g
    return dx


def check_scalar(out, name):
    """Raise if a function given to `grad` returned something other than a scalar."""
    if np.ndim(out) != 0:
        message = (
            f"grad needs {name} to return a scalar; it returned shape {np.shape(out)}. "
            "Use srcdiff.jacobian for the full derivative, or srcdiff.vjp to pull back "
            "a cotangent."
        )
        try:  # inside srcdiff, a SrcDiffError; in a built module, a plain ValueError
            from srcdiff.errors import NonScalarOutputError
        except ImportError:
            raise ValueError(message) from None
        raise NonScalarOutputError(message)


def stop_gradient(x):
    """`x` itself; srcdiff treats its derivative as zero (like jax.lax.stop_gradient)."""
    return x


def stored_in(t, y):
    """Derivative `t` of a value stored into array `y` (`y[i] = v`).  NumPy casts the value
    to y's dtype: an integer or boolean array truncates it, a piecewise constant step that
    keeps none of its derivative (as int() does); a float array keeps all of it."""
    if isinstance(y, np.ndarray) and y.dtype.kind in "biu":
        return np.zeros(np.shape(t)) if np.ndim(t) else 0.0
    return t


def scalar_like(g, x):
    """Cotangent `g` of scalar `x` as a scalar of x's type (not a 0-d array)."""
    if isinstance(x, np.floating):
        return type(x)(g)
    return float(g)


def add_each(a, b):
    """Elementwise sum of two equally long sequences of tangents."""
    return [x + y for x, y in zip(a, b)]


def repeat_for(g, seq):
    """The cotangents of the items of `seq` summed into one value with cotangent `g`
    (math.fsum's vjp): each item gets `g`, in the form a sequence's adjoint has in
    generated code (seq_zeros: a list would be joined, not added, where `seq` is read
    twice)."""
    return seq_zeros(seq) + g


def check_distinct(index, where=None, text=None):
    """Raise if an index assignment `y[index] = v` would write one element twice; `where`
    is the assignment's place in the user's code (`"model.py:12:5"`) and `text` that
    line, for a message with a caret like srcdiff's other errors."""
    parts = index if isinstance(index, tuple) else (index,)
    arrays = [np.asarray(p) for p in parts if isinstance(p, (np.ndarray, list))]
    if not arrays or all(a.dtype == bool for a in arrays):
        return
    flat = np.broadcast_arrays(*[a for a in arrays if a.dtype != bool])
    keys = np.stack([a.ravel() for a in flat], axis=-1)
    if len(np.unique(keys, axis=0)) != len(keys):
        message = (
            "an index assignment y[index] = v writes some element more than once: NumPy "
            "keeps one of the values, and srcdiff can't tell which"
        )
        if where:
            message = f"{where}: {message}" + _caret_lines(where, text)
        hint = (
            "use distinct indices, or accumulate one index at a time: for k in "
            "range(len(i)): y[i[k]] += v[k], or np.add.at(y, i, v), which adds repeats up"
        )
        _raise("UnsupportedSyntaxError", ValueError, message, hint)


def _caret_lines(where, text):
    """The user's line and a caret under the column `where` ends with, as srcdiff's
    errors show them (errors.SrcDiffError._format); nothing without the text."""
    if text is None:
        return ""
    col = int(where.rsplit(":", 1)[1]) - 1
    return f"\n    {text}\n    {' ' * col}^"


def finite_derivative(value, func_name, names):
    """`value`, the derivative a built module returns, when every number in it is a finite
    real number; else an error naming the parameter (`names`: one per part of `value`, or
    one naming all of it). A built module runs without srcdiff.grad's check, which refuses
    an infinite, nan or complex derivative (a real operation can make a complex number in
    Python: `(-1.0) ** 0.5`); this is that check, in the module. Python floats and tuples
    of them take the first branches (a subtraction a float: inf - inf and nan are nan)."""
    if type(value) is float:
        if value - value == 0.0:
            return value
    elif type(value) is tuple:
        for part in value:
            if type(part) is not float or part - part != 0.0:
                break
        else:
            return value
    parts = value if len(names) > 1 else (value,)
    for name, part in zip(names, parts):
        problem = _not_finite_real(part)
        if problem:
            _refuse_derivative(problem, func_name, name)
    return value


def _not_finite_real(value):
    """What is wrong with the first number in `value` (numbers, arrays, and tuples,
    lists, dicts and dataclasses of them) that is not a finite real one: "complex" or
    "not finite"; "" when nothing is."""
    if isinstance(value, (complex, np.complexfloating)):
        return "complex"
    if isinstance(value, (float, np.floating)):
        return "" if np.isfinite(value) else "not finite"
    if isinstance(value, np.ndarray):
        kind = value.dtype.kind
        if kind == "f":
            return "" if np.isfinite(value).all() else "not finite"
        if kind == "c":
            return "complex"
        items = value.flat if kind == "O" else ()  # (ints and bools are finite)
    elif isinstance(value, dict):
        items = value.values()
    elif isinstance(value, (tuple, list)):
        items = value
    else:
        fields = getattr(value, "__dataclass_fields__", None) or ()
        items = [getattr(value, f) for f in fields]
    problems = [p for p in map(_not_finite_real, items) if p]
    return "complex" if "complex" in problems else problems[0] if problems else ""


def _refuse_derivative(problem, func_name, name):
    message = f"the derivative of {func_name} with respect to {name} is {problem} here"
    if problem == "complex":
        hint = (
            "a real operation made a complex number: in Python, a ** b with a negative float "
            "a and a non-integer b is complex; keep the base positive where the function is "
            "evaluated (abs(a) ** b)"
        )
    else:
        hint = (
            "the function is not differentiable at this point (sqrt at 0, log at 0, a "
            "division by zero), or a value overflowed; try a nearby point, or guard the "
            "expression (np.where on the argument as well as on the result)"
        )
    _raise("DomainError", FloatingPointError, message, hint)


def _raise(error, fallback, message, hint):
    """Raise srcdiff's `error` (a class of srcdiff.errors) where srcdiff is installed, else
    the built-in `fallback` with the hint in its message: built modules carry this code and
    run without srcdiff."""
    raise _error(error, fallback, message, hint)


def _error(error, fallback, message, hint):
    """_raise's exception, not raised."""
    try:
        from srcdiff import errors
    except ImportError:
        return fallback(f"{message}\nhint: {hint}")
    return getattr(errors, error)(message, hint=hint)


def derivative_error(exc, module, func_name, args, kwargs=None, compiled=None):
    """What a built module's entry raises for the arithmetic error `exc` of its code
    (`0.0 ** -0.5`, `math.log` at 0), as srcdiff does in-process: the function's own error
    where `module.func_name` fails the same way at these arguments (f is not defined
    there; after compiled code, with any of the errors caught), a ValueError that is not
    a math domain error as it is (not the derivative's), else srcdiff's DomainError
    (FloatingPointError without srcdiff) naming the function and the line that failed
    (`compiled`: the Numba function it failed in, whose lines no traceback shows).  Runs
    only once something failed: the entry's `try` costs nothing on success."""
    # (compiled code may fail where Python's differs: log(0.0) is -inf in Numba)
    same = (ZeroDivisionError, OverflowError, ValueError) if compiled else type(exc)
    own = _own_error(same, (module, func_name), args, kwargs or {})
    if own is not None:
        return own
    if isinstance(exc, ValueError) and "math domain error" not in str(exc):
        return exc
    message = f"the derivative code of {func_name} raised {type(exc).__name__}: {exc}"
    where = f" in {compiled} (compiled by Numba)" if compiled else _failed_line(exc)
    hint = (
        "the function may not be differentiable at this point (sqrt or cbrt at 0, asin at 1, "
        "|x| ** 0.5 at 0); try a nearby point"
    )
    return _error("DomainError", FloatingPointError, message + where, hint)


def _own_error(same, where, args, kwargs):
    """The error of a type in `same` that function `where` = (module, name) raises itself
    at copies of `args`, else None (it runs, fails otherwise, or can't be imported: the
    derivative is at fault)."""
    import copy
    import importlib

    module, func_name = where
    try:
        func = getattr(importlib.import_module(module), func_name)
    except (ImportError, AttributeError):
        return None
    try:
        func(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    except same as own:
        return own
    except Exception:  # noqa: BLE001 - another failure: report the derivative's
        return None
    return None


def _failed_line(exc):
    """` at `<line>` (for line N: ...)`: the last line of the module `exc` was caught in
    (its traceback's first frame) that it passed through, and the user's line it is
    for; "" where that file's lines can't be read (Numba's compiled code)."""
    import linecache

    tb = exc.__traceback__
    if tb is None:
        return ""
    filename, lineno = tb.tb_frame.f_code.co_filename, tb.tb_lineno
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            lineno = tb.tb_lineno
        tb = tb.tb_next
    lines = linecache.getlines(filename)
    if not 0 < lineno <= len(lines):
        return ""
    origin = next(
        (
            ln.strip()[2:]
            for ln in reversed(lines[: lineno - 1])
            if ln.strip().startswith("# line ")
        ),
        None,
    )
    return f" at `{lines[lineno - 1].strip()}`" + (f" (for {origin})" if origin else "")
