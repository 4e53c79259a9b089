"""Functions written the way people write Python, for tests/test_python_constructs.py:
reductions of generators and comprehensions, enumerate/zip, nested and starred
unpacking, the walrus operator, has_aux losses.

Module-level `def`s only: srcdiff reads their source.
"""

import math
import statistics

import numpy as np

# === sum / prod / max / min / any / all ===============================================


def sum_gen(x, n):
    return sum(x**k for k in range(n))


def fsum_gen(x, y):  # math.fsum: its rule, on the list the generator's items are built into
    return math.fsum(math.sin(x[i]) * y[j] for i in range(len(x)) for j in range(i + 1))


def fsum_list_comp_if(x):
    s = math.fsum([v * v for v in x if v > 0.5])
    return s * s


def fsum_scaled(x):
    return math.fsum(3.0 * v for v in x)


def fsum_of_list(x, y):
    xs = [x, x * y]
    xs.append(y * y)
    return math.fsum(xs) * math.fsum((x, 2.0))


def sum_gen_in_expr(w, x):
    return 0.5 * sum((w[i] * x[i]) ** 2 for i in range(len(x))) + 1.0


def sum_gen_if(w, x):
    s = sum(w[i] * x[i] for i in range(len(x)) if x[i] > 0)
    return s * s


def sum_list_comp(x):
    return sum([math.sin(v) * v for v in x])


def sum_start(x, c):
    return sum((v * v for v in x), c * c)


def sum_start_keyword(x, c):
    return sum([c * v for v in x], start=c)


def sum_nested_for(x):
    return sum(x[i] * x[j] for i in range(len(x)) for j in range(i, len(x)))


def sum_nested_sums(a):
    return sum(sum(a[i, j] * a[j, i] for j in range(3)) for i in range(3))


def sum_of_sequence(xs):
    return sum(xs) * xs[0]


W23 = np.linspace(0.5, 2.0, 6).reshape((2, 3))


def sum_of_array_list(x, y):
    # autograd's test_non_numpy_sum: the elements of [x, y] are arrays, not floats
    return np.sum(sum([x, y]) * W23)


def _accumulate(s):
    acc = 0
    for v in s:
        acc = acc + v
    return acc * W23


def sum_of_array_list_in_helper(x, y):
    return np.sum(_accumulate([x, y * x]))


def sum_of_display(x, y):
    return sum([x, x * y, y * y])


def sum_zip_gen(xs, ys):
    return sum(a * b for a, b in zip(xs, ys))


def sum_enumerate_gen(xs):
    return sum(k * v * v for k, v in enumerate(xs))


def sum_in_loop(x, n):
    total = 0.0
    for k in range(n):
        total = total + sum(x[i] ** (k + 1) for i in range(len(x)))
    return total


def sum_augmented(x):
    s = x[0]
    s += sum(v**3 for v in x)
    return s


def sum_var_clash(x):  # `k` outside the generator keeps its own value
    k = 2.0
    s = sum(x[k] ** 2 for k in range(len(x)))
    return s * k


def sum_reads_target(x):  # s is read inside: the sum is not accumulated in s
    s = x[0]
    s = sum(s * v for v in x)
    return s


def sum_ifexp_item(x):
    return sum(v * v if v > 0 else -v for v in x)


def sum_of_arrays(x):
    return np.sum(sum(x * k for k in range(3)))


def prod_gen(x):
    return math.prod(1.0 + v for v in x)


def max_gen(x):
    return max(x[i] * x[i] for i in range(len(x))) + x[0]


def min_list_comp(x):
    return min([math.sin(v) for v in x]) * x[1]


def max_default(x, n):
    return max((x[i] for i in range(n)), default=x[0] * 2.0)


def max_of_sequence(xs):
    return max(xs) * min(xs)


def any_all_conditions(x):
    if all(v > 0 for v in x):
        if any(x[i] > 1 for i in range(len(x))):
            return x[0] * x[1]
        return x[0] + x[1]
    return x[1]


def any_all_assigned(x):
    big = any(v > 1.0 for v in x)
    ok = all(v > -5.0 for v in x)
    y = x[0] * 3.0
    if big and ok:
        y = x[0] * x[1]
    return y


def count_gen(x):  # an integer count, used as one
    n = sum(1 for v in x if v > 0)
    return x[0] * n


# === enumerate / zip ==================================================================


def enumerate_zip(xs, ys):
    s = 0.0
    for i, (a, b) in enumerate(zip(xs, ys)):
        s = s + (i + 1) * a * b
    return s


def enumerate_start(xs):
    s = 0.0
    for k, v in enumerate(xs, start=1):
        s = s + v**k
    return s


def enumerate_start_positional(xs, n):
    s = 0.0
    for k, v in enumerate(xs, n + 1):
        s = s + k * v * v
    return s


def reversed_list_of_enumerate(xs):
    s = 0.0
    for i, v in reversed(list(enumerate(xs, start=1))):
        s = s * 0.5 + v * v * i
    return s


def reversed_list_of_zip(xs, ys):
    s = 0.0
    for a, b in reversed(list(zip(xs, ys))):
        s = s * a + b
    return s


def listed_pairs(xs, ys):
    s = 0.0
    for k, (a, b) in list(enumerate(zip(xs, ys))):
        s = s + k * a * b
    for a, b in tuple(zip(xs, ys)):
        s = s * a + b
    return s


def zip_three(xs, ys, zs):
    s = 0.0
    for a, b, c in zip(xs, ys, zs):
        s = s + a * b + c * a
    return s


def zip_to_one_name(xs, ys):
    s = 0.0
    for pair in zip(xs, ys):
        s = s + pair[0] * pair[1]
    return s


def enumerate_zip_one_name(xs, ys):
    s = 0.0
    for k, pair in enumerate(zip(xs, ys), 2):
        s = s + k * pair[0] * pair[1]
    return s


# === unpacking ========================================================================


def nested_unpack(x, y):
    (a, b), c = (x * y, x + y), y * y
    return a * b + c


def nested_unpack_swap(x, y):
    (a, b), c = (x, y), x * y
    (a, b), c = (b, c), a
    return a * b * b + c


def starred_first(x, y, z):
    first, *rest = x, y, z
    s = first
    for r in rest:
        s = s * r
    return s


def starred_last(x, y, z):
    *init, last = x, y, z
    return init[0] * init[1] + last**2


def starred_middle(x, y, z):
    a, *mid, b = x, y * y, z, x * z
    return a * b + mid[0] * mid[1]


# === the walrus operator ===============================================================


def walrus_in_expr(x):
    y = (t := x * x) + math.sin(t)
    return y * t


def walrus_in_condition(x, n):
    if (m := len(x)) > n:
        return x[0] * m
    return x[1] * x[0]


def walrus_in_return(x):
    return (s := x * 3.0) * s + s


def walrus_in_iterable(x):
    s = 0.0
    for v in (ys := x * 2.0):
        s = s + v * ys[0]
    return s


def walrus_in_ifexp_test(x):
    y = x if (c := x * 3.0) > 1 else c
    return y * c


def walrus_in_generator(x):  # binds y in the function, as Python does
    s = sum((y := x * k) for k in range(1, 4))
    return s * y


# === has_aux ===========================================================================


def loss_with_predictions(w, x):
    pred = np.tanh(x @ w)
    loss = np.sum(pred**2)
    return loss, pred


def loss_with_metrics(a, b):
    y = a * b
    for _ in range(3):
        y = y * a + 1.0
    return y, (a + y, 3)


def loss_with_overwritten_aux(w):
    h = w * 2.0
    out = np.sum(h * h)
    h = h + 1.0  # aux is the overwritten one
    return out, h


# === what stays refused =================================================================


def starred_of_sequence(x):  # (rest: a list of x's items, as Python's unpacking gives)
    first, *rest = x
    return first * rest[0] + sum(rest) * len(rest)


def starred_of_list_built(x, y):
    xs = []
    for k in range(4):
        xs.append(x ** (k + 1) * y)
    first, *mid, last = xs
    return first * mid[0] + mid[-1] * last + len(mid)


def starred_too_few(x):  # (ValueError, as Python raises)
    a, b, *rest = x
    return a * b


def refused_walrus_in_while(x):
    while (x := x * 2.0) < 10.0:
        pass
    return x


def refused_walrus_reads_first(x):
    y = x + (x := 2.0)
    return y


def refused_unpack_count(x, y):
    a, b = x, y, x
    return a * b


def refused_fmean_of_generator(x):  # (a library function without a rule, given a generator)
    return statistics.fmean(v * v for v in x)


def refused_zip_value(xs, ys):
    s = 0.0
    for (a, b), c in zip(zip(xs, ys), xs):
        s = s + a * b * c
    return s


def list_comp_value(x):  # (a list comprehension as a value: an append loop)
    ys = [v * v for v in x]
    return ys[0] + ys[-1] * len(ys)


# ... and the rewrites their hints suggest


def hinted_starred_sequence(x):
    first, rest = x[0], x[1:]
    return first * rest[0]


def hinted_fmean_of_generator(x):
    acc = 0.0
    for v in x:
        acc = acc + v * v
    return acc / len(x)


def hinted_zip_value(xs, ys):
    s = 0.0
    for a, b, c in zip(xs, ys, xs):
        s = s + a * b * c
    return s


# === local functions: lambdas and nested defs ==========================================


def lambda_called(x):
    sq = lambda v: v * v  # noqa: E731
    return sq(x) + sq(x + 1.0)


def lambda_closure(x, c):
    scale = lambda v: v * c + math.sin(v)  # noqa: E731
    c = c * 2.0  # read when called, as Python does
    return scale(x) * scale(x * x)


def lambda_two_params(x, y):
    f = lambda a, b: a * b + a  # noqa: E731
    return f(x, y) + f(y, x * 2.0)


def lambda_calls_lambda(x):
    sq = lambda v: v * v  # noqa: E731
    quad = lambda v: sq(sq(v))  # noqa: E731
    return quad(x) + sq(x)


def lambda_in_loop(x, n):
    step = lambda v, k: v * 0.9 + math.cos(v) / (k + 1)  # noqa: E731
    for k in range(n):
        x = step(x, k)
    return x


def lambda_in_generator(x):
    f = lambda v: v**3  # noqa: E731
    return sum(f(x[i]) for i in range(len(x)))


def lambda_in_condition(x):
    big = lambda v: v * v > 1.0  # noqa: E731
    if big(x):
        return x * 3.0
    return x * x


def lambda_returns_tuple(x, y):
    both = lambda a, b: (a + b, a * b)  # noqa: E731
    s, p = both(x, y)
    return s * p


def def_closure(x, c):
    def scaled(v):
        u = v * c
        return u * u + x

    return scaled(x) + scaled(2.0 * x)


def def_shadows_outer(x):
    u = x * 3.0

    def inner(v):
        u = v + 1.0  # its own u
        return u * u

    return inner(x) * u


def def_with_loop(x, n):
    def power(v):
        r = 1.0
        for _ in range(n):
            r = r * v
        return r

    return power(x) + power(x + 1.0)


def def_returns_tuple(x):
    def split(v):
        return v * v, math.exp(v)

    a, b = split(x)
    return a * b


def def_with_reductions(w, x):
    def dot(a, b):
        return sum(a[i] * b[i] for i in range(len(a)))

    return dot(w, x) * dot(w, w)


def refused_lambda_as_key(x):
    return max(x, 1.0, key=lambda v: -v)


def refused_recursive_def(x, n):
    def fact(v, k):
        if k == 0:
            return v
        return v * fact(v, k - 1)

    return fact(x, n)


def refused_local_as_value(x):
    f = lambda v: v * 2.0  # noqa: E731
    g = f
    return g(x)


def refused_lambda_default(x):
    f = lambda v, c=2.0: v * c  # noqa: E731
    return f(x)


def refused_mutual_lambdas(x):
    f = lambda v: g(v) * 2.0  # noqa: E731
    g = lambda v: f(v) + 1.0  # noqa: E731
    return f(x)


def hinted_recursive(v, k):
    if k == 0:
        return v
    return v * hinted_recursive(v, k - 1)


def hinted_recursive_def(x, n):
    return hinted_recursive(x, n)


def refused_nonlocal(x):
    total = x

    def add(v):
        nonlocal total
        total = total + v * v

    add(x)
    add(np.sin(x))
    return np.sum(total)


def hinted_nonlocal(x):  # the advice for refused_nonlocal, followed
    total = x

    def add(total, v):
        return total + v * v

    total = add(total, x)
    total = add(total, np.sin(x))
    return np.sum(total)


def refused_walrus_in_lambda(x):
    t = x * 5.0
    f = lambda v: (t := v * 2.0) + t  # noqa: E731, F841
    return f(x) * t


# *args / **kwargs passed through to a helper (the helper's view for each call's arguments)
def _scaled_product(a, b, scale=1.0):
    return scale * a * b


def _pass_through(x, *args, **kwargs):
    return _scaled_product(x, *args, **kwargs)


def _product_of_rest(x, *rest):
    total = x
    for r in rest:
        total = total * r
    return total + len(rest) + rest[0]


def varargs_passthrough(x, s):
    return _pass_through(x, s, scale=2.0) + _pass_through(x * s, x)


def varargs_reader(x, y):
    return _product_of_rest(x, y, x * y) + _product_of_rest(y, x)


def _keyworded(a, b=1.0, *, c=2.0):
    return a * b + math.sin(c * a)


def spread_displays(x, y):
    # (`h(*[a, b])` and `h(**{"b": ...})` were refused: "a call with *args or **kwargs")
    return (
        _product_of_rest(*[x, y])
        + _product_of_rest(*(y, x * 2.0), x)
        + _keyworded(*[x], **{"b": y, "c": x * y})
        + math.hypot(*[x, y])
    )


def isinstance_branch(x, n):  # (on facts that carry no derivative)
    if isinstance(n, int) and n > 1:
        return x**n
    return x * 2.0


def local_dict_items(w, x):
    weights = {"a": 1.5, "b": -0.5}
    s = 0.0
    for _, v in weights.items():
        s = s + v * w * x
    for v in weights.values():
        s = s + v * x**2
    return s * w
