"""Minimal programs from the soundness issue: each was silently wrong, crashed, or was
refused for no reason (tests/test_soundness.py).  srcdiff reads source, so every case
is a real `def` in a real file."""

import math

import numpy as np

# --- aliases and views changed in place --------------------------------------------------


def alias_then_inplace(x):
    y = x * 1.0
    z = y
    y += x  # NumPy: z sees this
    return np.sum(z)


def alias_then_rebind(x):  # the first hint: a new array, z keeps its old value
    y = x * 1.0
    z = y
    y = y + x
    return np.sum(z)


def alias_copied_then_inplace(x):  # the second hint: z a copy
    y = x * 1.0
    z = y.copy()
    y += x
    return np.sum(z)


def view_then_inplace(x):
    y = x.copy()
    z = y[1]
    y *= 3.0  # NumPy: z (a view of row 1) sees this
    return np.sum(z)


def view_copied_then_inplace(x):
    y = x.copy()
    z = y[1].copy()
    y *= 3.0
    return np.sum(z)


def int_alias_then_inplace(x, k):
    j = k
    k += 1  # k holds integers: NumPy changes j too
    return np.sum(x[j] ** 2)


def int_alias_copied_then_inplace(x, k):  # the hint: j a copy
    j = k.copy()
    k += 1
    return np.sum(x[j] ** 2)


def assign_into_int_argument(x, k):
    k[0] = 2  # the caller's index array
    return np.sum(x[k] ** 2)


def assign_into_int_argument_copied(x, k):  # the hint
    k = k.copy()
    k[0] = 2
    return np.sum(x[k] ** 2)


def loop_over_array_changed_in_place(x):
    total = 0.0
    for v in x:
        x -= 1.0  # the loop walks x, which this changes
        total = total + v
    return total


def helper_changes_argument(a):
    a *= 2.0
    return np.sum(a)


def caller_reads_changed_argument(x):
    y = x * 1.0
    s = helper_changes_argument(y)
    return s + np.sum(y)  # NumPy: y was doubled by the helper


def caller_rebinds_changed_argument(x):
    y = x * 1.0
    y2 = x * 3.0
    s = helper_changes_argument(y2)  # y2 is not read again: the change can't be seen
    return s + np.sum(y)


def previous_step_kept(x):
    """Not an alias: each pass allocates a new y (the recency of allocations)."""
    prev = np.zeros(3)
    for i in range(3):
        y = np.zeros(3)
        y[i] = prev[i] + x[i] * x[i]
        prev = y
    return np.sum(prev)


# --- forward mode: tangents have their value's shape ---------------------------------------


def scalar_broadcast_into_inplace(x):
    y = np.zeros(2)
    y += x[0]
    return np.sum(y)


def column_broadcast(x):
    return np.sum(np.ones(3) - x[:, None])


def scalar_tangent_into_matmul(x, w):
    y = x[0] * np.ones((3, 2))
    return np.sum(y @ w)


def scalar_tangent_indexed(x, w):
    return (np.prod(w) - x)[0]


# --- helpers at several call sites ----------------------------------------------------------


def mul(a, b):
    return a * b


def helper_two_sites_then_swap(x0, x1):
    v0 = mul(x1, x1)
    v1 = mul(x0, x0)
    v0, v1 = v1, v0
    return v1


def mul_add(a, b):
    return a * b, a + b


def tuple_helper_two_sites_then_swap(x0, x1):
    p, q = mul_add(x1, x0)
    r, s = mul_add(x0, x0)  # unused after the swap: its forward sweep came last
    p, r = r, p
    return r + q


def one(a, b):
    return 1.0


def shape_leak_between_sites(x, w):
    y1 = one(1.0, x)
    y0 = one(1.0, w[None, :])
    return y1


def pair(a):
    return a, a


def tuple_result_indexed(x):
    return np.sum(pair(x * 2.0)[1])


def scaled_pair(a, b=1.5):
    return a * b, a


def defaulted_tuple_helper(x0):
    p, q = scaled_pair(x0)
    return p * q


# --- every assignment resets the derivative ---------------------------------------------------


def constant_in_branch(x0, x1, x2):
    v0 = x0
    if x2 > 1.0:
        v0 = min(x1, x2)
    else:
        v0 = 2.0
    return v0


def constant_in_conditional_expression(x0, x1, x2):
    v0 = x0
    v0 = min(x1, x2) if x2 > 1.0 else 2.0
    return v0


# --- no rule means no derivative, never a constant ---------------------------------------------


def r_join(x):  # np.r_ of arrays is differentiated; with a directive string, refused
    return np.sum(np.r_["0,1", x, x] * np.arange(6.0))


def r_join_rewritten(x):  # the hint: np.concatenate
    return np.sum(np.concatenate([x, x]) * np.arange(6.0))


def c_join(x):
    return np.sum(np.c_["1", x, x])


def evaluated(x):
    return eval("x * x * 3.0")


def copied_into(x):
    y = np.zeros(3)
    np.copyto(y, x)
    return np.sum(y)


# --- crashes ----------------------------------------------------------------------------------


def swaps_of_constants(x0):
    v0 = 2.0
    v1 = x0
    v1, v0 = (v0, v1)
    v1, v0 = (v1 * v1, v0)
    return v1


def where_of_equal_branches(x0, x1):
    acc = x0 + x1
    s = x0 * 2.0
    return s - np.where(acc > 0.7, s, s)


def power_zero(x):
    return x**0.0


def np_power_zero(x):
    return np.sum(np.power(x, 0.0) + x)


def polynomial(x):
    total = 0.0
    for k in range(4):
        total = total + (k + 1.0) * x**k
    return total


def cubic_with_default(x, k=2.0):
    return k * x**3


def unused_in_loop(x):
    for _ in range(3):
        v = x + -1
    return 1.0


def unused_join_in_loop(x):
    for t in [1.0, np.sum(x)]:
        v = np.stack([[t], (2,)]) + 1.0
    return np.sum(x)


def loop_rebinds_its_sequence(x):
    for v in x:
        x = v - x
    return np.sum(x)


def unused_helper_result(x):
    a = mul(x, 2.0)
    b = mul(a, 3.0)
    return a


def int_valued_then_sliced(s):
    if s > 0.5:
        s = 2  # s now holds an int, and so does the array made from it
    t = np.full(3, s)
    return np.sum(t[1:] * s)


def add_own_element(x):  # dx goes to x[0]'s adjoint too, then dx[0] += g
    x = x + x[0]
    return np.sum(x * x)


def add_own_masked_sum(x):  # the same through add_at (seed 106245)
    x += x**2 + np.sum(x[x > 0.0])
    return np.sum(x)


# --- fresh arrays are fresh ---------------------------------------------------------------------


def assign_into_where(x):
    y = np.where(x > 0.0, x, 0.5 * x)
    y[0] = x[1] * 3.0
    return np.sum(y * y)


def assign_into_concatenate(x):
    y = np.concatenate([x, x])
    y[1] = 2.0 * x[0]
    return np.sum(y * y)


def assign_into_cumsum(x):
    y = np.cumsum(x)
    y[-1] = math.pi * x[0]
    return np.sum(y * y)


def assign_into_fancy(x):
    y = x[np.array([2, 0, 1])]
    y[0] = x[0] * x[0]
    return np.sum(y * y)


# --- derivatives that are not finite ------------------------------------------------------------


def root(x):
    return math.sqrt(x)


def reciprocal(x):
    return 1.0 / x


# --- found by the random-program tester (seeds 101557, 102609, 105573) ---------------------
def test_changes_argument(a):
    a += 1.0
    return float(np.sum(a)) < 100.0


def while_test_changes_argument(x):
    k = 0
    while k < 2 and test_changes_argument(x):  # NumPy: each test adds 1 to x
        k += 1
    return np.sum(x * x)


def if_test_changes_argument_nobody_reads(x, w):
    if test_changes_argument(w):  # w is changed, and not read again
        return np.sum(x * 3.0)
    return np.sum(x)


def float_into_integer_array(x, n):
    y = np.full(4, n)  # n is an int: y holds integers
    y[0] = x.sum()  # NumPy truncates: no derivative
    y[1:3] = x[:2] * 2.0
    return np.sum(y) + x[3]


def dead_loop_variable_over_sqrt_at_zero(x):
    s = np.sqrt(x[0] - x[0])  # 0: its partial is inf, but nothing reads s's element
    for v in [s, x[1]]:
        pass
    return np.sum(x)


# --- a differentiated value stored into a list made with [0.0] * n ---------------------


def list_filled_by_index(x, n):
    ys = [0.0] * n
    for k in range(n):
        ys[k] = x**k
    total = 0.0
    for y in ys:
        total = total + y
    return total


def array_filled_by_index(x, n):  # the hint, followed
    ys = np.zeros(n)
    for k in range(n):
        ys[k] = x**k
    total = 0.0
    for y in ys:
        total = total + y
    return total


# --- a helper changing one argument in place that is also another argument -------------


def _bump_and_measure(a0, a1):
    a1 += 1.0
    return np.linalg.norm(a0)


def same_array_twice(w):
    return _bump_and_measure(w, a1=w)


def same_array_twice_copied(w):  # the hint, followed
    return _bump_and_measure(w, a1=np.copy(w))


def two_new_arrays(x):  # not the same array: not refused
    return _bump_and_measure(np.ones(3) * x, a1=np.ones(3))


def rows_times_their_reverse(X):
    """The adjoint of a row, `1.0 * t1` for t1 = r[::-1], then updated in place for the
    read r[::-1]: simplified to `dr = t1`, the update changed t1, a view of X (a wrong
    gradient, twice the right one, and the caller's X changed)."""
    return sum([np.dot(r, r[::-1]) for r in X])
