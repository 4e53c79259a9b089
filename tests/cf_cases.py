"""Functions exercising control flow and subroutines, for tests/test_control_flow.py.

Module-level `def`s only: srcdiff reads their source.
"""

import math
from math import exp, sin

import cf_helpers
import cf_helpers as ch
from cf_helpers import smooth as sm


# === if / elif / else ===============================================================


def if_simple(x):
    if x > 1:
        y = x * x
    else:
        y = -3.0 * x
    return y


def if_elif_else(x):
    if x < -1:
        y = x ** 3
    elif x < 1:
        y = math.sin(x)
    else:
        y = math.exp(x)
    return y


def if_nested(x, y):
    if x > 0:
        if y > 0:
            r = x * y
        else:
            r = x - y
    else:
        if y > 0:
            r = x * x * y
        else:
            r = y * y
    return r


def if_no_else(x):
    y = x
    if x > 2:
        y = y * x
    return y * 3.0


def if_one_branch_pass(x, y):
    r = x
    if y > 0:
        r = r * y
    else:
        pass
    return r + y


def if_reassign_param(x):
    if x > 0:
        x = x * x
    return x + 1.0


def if_on_computed(x):
    y = x * x
    if y > 4:
        z = y * x
    else:
        z = y + x
    return z


def if_two_vars(x, y):
    if x > y:
        a = x
        b = y
    else:
        a = y
        b = x
    return a * a + b


def if_deep_elif(x):
    if x < 0:
        r = -x
    elif x < 1:
        if x < 0.5:
            r = x * 2.0
        else:
            r = x * x
    elif x < 2:
        r = math.log(x) + x
    else:
        r = math.sqrt(x)
    return r * x


# === conditional expressions ==========================================================


def ifexp_simple(x):
    return x * x if x > 0 else -x


def ifexp_nested(x):
    return x if x > 2 else (x * x if x > 0 else x * x * x)


def ifexp_in_expr(x, y):
    return (x if x > y else y) * x + (y * y if y < 0 else y)


def ifexp_in_call(x):
    return math.sin(x if x > 0 else -x)


def ifexp_in_condition(x):
    if (x if x > 0 else -x) > 1:
        r = x * x
    else:
        r = x
    return r


def ifexp_assign(x, y):
    z = x * y if x < y else x + y
    return z * z


# === and / or / not / chained comparisons ===========================================


def cond_and(x, y):
    if x > 0 and y > 0:
        r = x * y
    else:
        r = x + y
    return r


def cond_or(x, y):
    if x > 1 or y < -1:
        r = x * x * y
    else:
        r = y
    return r


def cond_not(x):
    if not x > 0:
        r = -x * x
    else:
        r = x * x * x
    return r


def cond_chain(x):
    if 0 < x < 2:
        r = x * x
    else:
        r = 4.0 * x
    return r


def cond_chain3(x, y):
    if -1 < x <= y < 3:
        r = x * y
    else:
        r = x - y
    return r


def cond_mixed(x, y, n):
    if (n > 2 and x > 0) or not (y < 0):
        r = x * y
    else:
        r = x / y
    return r


def while_and(x):
    while x < 10 and x > 0:
        x = x * 2.0
    return x


# === early return ===================================================================


def ret_early_if(x):
    if x < 0:
        return -x * x
    y = x * 3.0
    return y * x


def ret_in_elif(x):
    if x < 0:
        return x
    elif x < 1:
        return x * x
    y = x ** 3
    return y


def ret_in_loop(x, n):
    for i in range(n):
        x = x * 1.1
        if x > 5:
            return x * x
    return x


def ret_in_nested_loop(x):
    for i in range(4):
        for j in range(3):
            x = x + 0.1 * x * j
            if x > 3:
                return x * i
    return x


def ret_in_while(x):
    while True:
        x = x * 1.5
        if x > 10:
            return x + 1.0


def ret_in_else(x):
    if x > 1:
        y = x
    else:
        return x * x * x
    return y * y


def ret_both_branches(x):
    if x > 0:
        return math.sqrt(x)
    else:
        return x * x


def ret_after_loop_flag(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
        if s > 10:
            s = s * 0.5
            return s + x
        s = s * 1.01
    s = s - x
    return s


# === for over range with run-time bounds ================================================


def range_stop(x, n):
    s = 0.0
    for i in range(n):
        s = s + x ** i
    return s


def range_start_stop(x, a, b):
    for i in range(a, b):
        x = x * (1.0 + 0.1 * i)
    return x


def range_step(x, a, b, c):
    s = 0.0
    for i in range(a, b, c):
        s = s + x * x * i
    return s


def range_empty(x, n):
    s = x * 2.0
    for i in range(n):
        s = s * x
    return s


def range_negative_product(x, n):
    y = 1.0
    for i in range(n, 0, -1):
        y = y * (x + i)
    return y


def range_len_index(xs):
    s = 0.0
    for i in range(len(xs)):
        s = s + xs[i] * xs[i] * (i + 1)
    return s


# === for over sequences, enumerate, zip =============================================


def for_list(xs, w):
    s = 0.0
    for v in xs:
        s = s + v * w * v
    return s


def for_tuple_literal(x):
    s = 0.0
    for c in (1.0, 2.0, 3.0):
        s = s + c * x * x
    return s


def for_list_of_active(x, y):
    s = 0.0
    for v in [x, y, x * y]:
        s = s + v * v
    return s


def for_enumerate(xs, w):
    s = 0.0
    for i, v in enumerate(xs):
        s = s + i * v * w
    return s


def for_zip(xs, ys):
    s = 0.0
    for a, b in zip(xs, ys):
        s = s + a * b
    return s


def for_zip3(xs, ys, w):
    s = 0.0
    for a, b, c in zip(xs, ys, [1.0, 2.0, 3.0]):
        s = s + a * b * c * w
    return s


def for_tuple_param(t, x):
    s = x
    for v in t:
        s = s * v + x
    return s


# === nested loops ======================================================================


def nested_range(x, n, m):
    s = 0.0
    for i in range(n):
        for j in range(m):
            s = s + x ** (i + j)
    return s


def nested_triangular(x, n):
    s = 0.0
    for i in range(n):
        for j in range(i):
            s = s + x * j
        s = s * 1.5
    return s


def nested_lists(xs, ys):
    s = 0.0
    for a in xs:
        for b in ys:
            s = s + a * b * b
    return s


def nested_carried(x, n):
    for i in range(n):
        for j in range(2):
            x = math.sin(x) + x
    return x


# === while loops ========================================================================


def while_simple(x):
    while x < 10:
        x = x * 1.5
    return x


def while_counter(x, n):
    i = 0
    while i < n:
        x = math.sin(x) + x
        i += 1
    return x


def while_newton(a):
    x = a
    while abs(x * x - a) > 1e-13 * a:
        x = 0.5 * (x + a / x)
    return x


def while_true_break(x):
    while True:
        x = x * x + 0.1
        if x > 5:
            break
    return x


# === break / continue ========================================================================


def break_fixed(x):
    for i in range(5):
        if i == 3:
            break
        x = x * math.cos(x)
    return x


def continue_fixed(x):
    for i in range(5):
        if i % 2 == 0:
            continue
        x = x + math.sin(x)
    return x


def break_data(x, n):
    for i in range(n):
        x = x * 1.3
        if x > 4:
            break
    return x * 2.0


def continue_data(xs, w):
    s = 0.0
    for v in xs:
        if v < 0:
            continue
        s = s + v * w
    return s


def break_inner(x):
    for i in range(3):
        for j in range(5):
            if j > i:
                break
            x = x * 1.1 + j
    return x


def break_and_continue(x, n):
    s = 0.0
    for i in range(n):
        if i == 1:
            continue
        if s > 20:
            break
        s = s + x * x * i
    return s


def while_continue(x):
    i = 0
    while i < 6:
        i += 1
        if i % 2 == 0:
            continue
        x = x + math.sin(x)
    return x


def while_break_continue(x):
    i = 0
    while i < 100:
        i = i + 1
        if i < 3:
            continue
        x = x * 1.2
        if x > 8:
            break
    return x


# === loop-carried reassignment =================================================================


def carried_affine(x, y, c, n):
    for i in range(n):
        x = x * y + c
    return x


def carried_pair(x, a, b, n):
    for i in range(n):
        a, b = b, a + b * x
    return b


def carried_two_step(x, n):
    y = x
    for i in range(n):
        t = y * y
        y = t * 0.5 + x
    return y


# === accumulators ==================================================================================


def acc_top(x):
    s = x
    s += x * x
    s -= 3.0 * x
    s *= x
    return s


def acc_divide(x, y):
    s = x * y
    s /= y + 1.0
    s **= 2
    return s


def acc_branches(x, y):
    s = 0.0
    if x > 0:
        s += x * y
    else:
        s -= x * y
    if y > 1:
        s *= y
    else:
        s += y
    return s


def acc_nested_loops(x, n, m):
    s = 0.0
    for i in range(n):
        for j in range(m):
            s += x * i * j
        s *= 1.5
    return s


def acc_self_ref(x):
    s = x
    s += s * x
    s *= s
    s -= s * x
    return s


def acc_self_loop(x, n):
    s = 1.0
    for i in range(n):
        s += s * x
    return s


def acc_in_while(x):
    s = x
    while s < 100:
        s *= x
    return s


def acc_on_params(x, y):
    x += y
    x *= x
    y -= x
    return x * y


def acc_square_repeat(x, n):
    p = x
    for i in range(n):
        p *= p
    return p


def acc_branch_in_loop(xs, w):
    s = 0.0
    for v in xs:
        if v > 0:
            s += v * w
        else:
            s -= v * v
        s *= 0.9
    return s


# === integers, booleans, len, loop indices: no derivative ========================================


def int_index(x, n):
    k = n * 2
    s = x * k
    for i in range(k):
        s = s + i
    return s


def bool_flag(x):
    flag = float(x > 1)
    return flag * x * x + x


def len_scale(xs, x):
    n = len(xs)
    return x * n + xs[0]


def int_conversion(x):
    k = int(x)
    return x * k + k


def loop_index_mix(x, n):
    for i in range(n):
        x = x + i * 0.5
    return x * 2.0


def while_count(x):
    i = 0
    while x * i < 5:
        i += 1
    return x * i


# === helpers =========================================================================================


def h_sq(a):
    return a * a


def h_affine(a, b):
    return h_sq(a) * b + a


def h_chain(a):
    return h_affine(a, 2.0) + h_sq(a)


def h_scaled(a, factor=3.0):
    return a * factor


def h_poly(t, a=1.0, b=0.5):
    return a * t * t + b * t


def h_pair(a):
    return a * a, a + 1.0


def h_triple(a, b):
    return a * b, a - b, math.exp(a)


def h_early(a):
    if a < 0:
        return -a
    for i in range(3):
        a = a * 1.1
        if a > 3:
            return a * a
    return a


def h_loop(a, n):
    s = 0.0
    for i in range(n):
        s = s + a ** i
    return s


def h_modify_param(a):
    a = a * 2.0
    a = a + 1.0
    return a * a


def h_rec_pow(a, n):
    if n == 0:
        return 1.0
    return a * h_rec_pow(a, n - 1)


def h_rec_halve(a):
    if a < 1:
        return a * a
    return h_rec_halve(a / 2.0) + a


def h_even(a, n):
    if n == 0:
        return a
    return h_odd(a * 1.5, n - 1)


def h_odd(a, n):
    if n == 0:
        return a * a
    return h_even(a + 1.0, n - 1)


def helper_chain(x):
    return h_chain(x)


def helper_same_many(x, y):
    return h_sq(x) + h_sq(y) + h_sq(x * y)


def helper_kwargs(x, y):
    return h_scaled(x, factor=y) + h_scaled(y)


def helper_defaults(x):
    return h_poly(x) + h_poly(x, a=2.0, b=x) + h_poly(b=3.0, t=x)


def helper_other_module(x):
    return cf_helpers.smooth(x) + ch.nested(x)


def helper_from_import(x):
    return sm(x) * sin(x) + exp(x)


def helper_other_module_branchy(x):
    return ch.clamp_sq(x, -1.0, 2.0) + ch.inner(x, k=0.5)


def helper_other_module_list(xs, w):
    return ch.weighted_sum(xs, w) * w


def helper_in_loop(x, n):
    for i in range(n):
        x = h_affine(x, 0.1 * i) * 0.5
    return x


def helper_in_branch(x):
    if x > 1:
        r = h_sq(x)
    else:
        r = h_affine(x, x)
    return r


def helper_multi_return(x):
    p, q = h_pair(x)
    return p * q


def helper_multi_return_unused(x, y):
    a, b, c = h_triple(x, y)
    return a * c


def helper_early_return(x):
    return h_early(x) * 2.0


def helper_loop(x, n):
    return h_loop(x, n) + h_loop(x * 2.0, n + 1)


def helper_modify_param(x):
    return h_modify_param(x) + x


def recursion_int(x, n):
    return h_rec_pow(x, n)


def recursion_data(x):
    return h_rec_halve(x)


def recursion_mutual(x, n):
    return h_even(x, n)


def helper_nested_calls(x):
    return h_sq(h_sq(x) + h_sq(h_scaled(x, 0.5)))


# === tuple unpacking and swaps =======================================================================


def swap(x, y):
    a, b = x, y
    a, b = b, a
    return a * a * b


def swap_loop(x, y, n):
    for i in range(n):
        x, y = y, x * y
    return x + y


def unpack_tuple_var(x, y):
    t = (x, y * 2.0)
    a, b = t
    return a * b


def rotate3(x, y, z):
    a, b, c = x, y, z
    a, b, c = b, c, a
    return a * b * b * c * c * c


def unpack_list_param(xs):
    a, b, c = xs
    return a * b + c * c


# === wrt subsets ====================================================================================


def wrt_subset(x, y, z):
    return x * y * z + math.sin(y) * z


def wrt_reassigned_other(x, y):
    y = y * x
    x = x + y
    return x * y
