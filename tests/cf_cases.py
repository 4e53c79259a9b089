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
        y = x**3
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
    y = x**3
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
        s = s + x**i
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


# === accumulators =================================================================================


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


# === helpers ======================================================================================


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
        s = s + a**i
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


# === tuple unpacking and swaps ====================================================================


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


# === wrt subsets ==================================================================================


def wrt_subset(x, y, z):
    return x * y * z + math.sin(y) * z


def wrt_reassigned_other(x, y):
    y = y * x
    x = x + y
    return x * y


# === more mixtures ================================================================================


def h_noop(a):
    b = a * 2.0
    return None


def h_kwonly(a, *, k=2.0):
    return a * k


def h_while_ret(a, n):
    i = 0
    while i < n:
        a = a * 1.2
        if a > 2:
            return a * a
        i += 1
    return a


def h_sumsq(xs):
    s = 0.0
    for v in xs:
        s += v * v
    return s


def h_rec_list(xs, i):
    if i == len(xs):
        return 0.0
    return xs[i] * xs[i] + h_rec_list(xs, i + 1)


def h_rec_product(a, n):
    if n <= 1:
        return a
    r = a * h_rec_product(a + 1.0, n - 1)
    return r


def helper_tuple_index(x):
    return h_pair(x)[0] * 2.0


def helper_tuple_index_loop(x):
    y = x
    for i in range(3):
        y = h_pair(y)[1] * 0.5
    return y


def helper_pair_in_loop(x):
    s = x
    for i in range(3):
        p, q = h_pair(s)
        s = p * 0.1 + q
    return s


def helper_pair_in_loop_break(x):
    s = 0.0
    for i in range(4):
        p, q = h_pair(x * i)
        if p > 2:
            break
        s += q
    return s + x


def helper_rebind_pair(x):
    a, b = h_pair(x)
    a, b = h_pair(b)
    return a * b


def helper_triple_chain(x, y):
    a, b, c = h_triple(x, y)
    d, e, f = h_triple(a, c)
    return d + f + b * 0.0


def helper_noop_statement(x):
    h_noop(x)
    return x * 3.0


def helper_kwonly(x):
    return h_kwonly(x) + h_kwonly(x, k=x)


def helper_while_return(x, k):
    return h_while_ret(x, k) + h_while_ret(x * 0.5, k)


def helper_called_in_loop_varying(x, n):
    s = 0.0
    for i in range(n):
        s = s + h_while_ret(x, i)
    return s


def helper_list_arg(xs):
    return h_sumsq(xs) + h_sumsq([1.0, 2.0])


def recursion_list(xs):
    return h_rec_list(xs, 0)


def recursion_product(x, n):
    return h_rec_product(x, n)


def main_with_default(x, n=3):
    s = 0.0
    for i in range(n):
        s += x**2
    return s


def main_keywords(x):
    return h_kw_target(x) + h_kw_target(x, x) + h_kw_target(y=x, x=x)


def h_kw_target(x, y=2.0):
    return x * y


def acc_branch_self_loop(x, n):
    s = 0.0
    for i in range(n):
        if x * i > 1:
            s += s * x
        else:
            s -= x * i
        s += 1.0
    return s


def acc_all_ops_loop(x):
    t = 0.0
    for i in range(3):
        t += x
        t -= 0.5 * x
        t *= 1.5
        t /= 1.1
    return t


def acc_alias(x):
    y = x
    y += 1.0
    z = y
    z *= z
    return z + y + x


def chained_assign(x, y):
    a = b = x * y
    a += x
    return a * b


def max_min_loop(x, y):
    r = max(x, y) * min(x, y)
    for i in range(3):
        r = max(r, x * i)
    return r


def argmax_loop(xs, w):
    best = xs[0]
    for v in xs:
        if v * w > best:
            best = v * w
    return best


def range_negative_literal(x):
    s = x
    for i in range(2, -3, -1):
        s = s * x + i
    return s


def ifexp_in_loop(x, n):
    r = 0.0
    for i in range(n):
        r = x if i % 2 == 0 else r * x
    return r


def ifexp_chain(x):
    return math.sin(x) if x > 0 else math.cos(x) if x > -1 else math.exp(x)


def ifexp_self(x, y):
    z = x
    z = z + y if z > 0 else z - y
    return z * z


def while_true_mult(x):
    s = 1.0
    i = 0
    while True:
        i += 1
        s *= x
        if i >= 4:
            break
    return s


def while_for_continue(x):
    s = 0.0
    while x > 0.1:
        for j in range(3):
            if j == 1:
                continue
            s += x * j
        x = x * 0.5
    return s


def while_count_div(x):
    count = 0
    while x < 100:
        x = x * x + 1.0
        count += 1
    return x / count


def while_continue_dec(x):
    s = 0.0
    n = 5
    while n > 0:
        n -= 1
        if n == 2:
            continue
        s += x * n
    return s


def nested_break_continue(x):
    s = 0.0
    for i in range(3):
        for j in range(3):
            if j > i:
                break
            if (i + j) % 2 == 1:
                continue
            s += x ** (i + j)
    return s


def ret_in_loop_counter(x):
    acc = 0.0
    k = 0
    for i in range(10):
        k = k + 1
        acc = acc + x * k
        if acc > 5:
            return acc * k
    return acc


def ret_in_loop_fallthrough(x):
    s = 0.0
    for i in range(5):
        if i > 2:
            return s
        s += x * i
    return -1.0


def ret_complex_condition(x, y):
    if x > 0 and (y > 0 or x > 2):
        return x * y
    elif not (x < -1):
        return x + y
    return x - y


def swap_in_branch(x, y):
    if x > y:
        x, y = y, x
    return x * y * y


def swap_repeated(x, y):
    a = x
    b = y
    for i in range(3):
        a, b = b, a
    return a * b * b


def loop_var_after_loop(x, n):
    for i in range(n):
        y = x * i
    return y * x + i


def loop_target_shadows_param(xs, x):
    for x in xs:
        x = x * 2.0
    return x


def two_loops(x, n):
    t = 0.0
    for i in range(n):
        t = t + x
    for j in range(n):
        t = t * x
    return t


def elif_no_else(x):
    z = 0.0
    if x > 0:
        z = x
    elif x < -1:
        z = x * x
    return z * 2.0


def cond_not_value(x):
    if not x:
        return 0.0
    return x * x


def chained_cmp_params(x, a, b):
    if a < x < b:
        r = x * x
    else:
        r = x
    return r


def unary_chain(x):
    y = -x
    y = +y
    y = -(y**2)
    return y


def abs_branch(x):
    y = abs(x) * x
    if y > 0:
        return y
    return -y * 2.0


# === integer-initialised accumulators and integer overwrites ======================================


def int_init_for(x):
    s = 0
    for i in range(3):
        s = s + x * i
    return s


def int_init_aug(x):
    s = 0
    s += x
    return s * x


def int_init_branch(x):
    r = 0
    if x > 0:
        r = x
    return r


def int_init_while(x, n):
    s = 0
    i = 0
    while i < n:
        s += x
        i += 1
    return s


def int_overwrites_active(x):
    y = x
    y = 3
    return y * x


def int_init_product(x):
    a = 1
    for i in range(3):
        a = a * x
    return a


def int_in_empty_loop(x):
    y = x
    for i in range(0):
        y = 7
    return y


# === helpers inside conditions, loop bounds, constants, tree recursion ============================

K = 2.5


def h_tree(a, n):
    if n <= 1:
        return a
    return h_tree(a, n - 1) + h_tree(a * 0.5, n - 2)


def h_sq_half(a):
    return a * a + 0.5


def recursion_tree(x):
    return h_tree(x, 4)


def helper_in_ifexp(x):
    return h_sq_half(x) if x > 0 else h_sq_half(-x) * 2.0


def helper_in_condition(x):
    if h_sq_half(x) > 1:
        return x * 3.0
    return x * x


def helper_in_while_condition(x):
    while h_sq_half(x) < 10:
        x = x * 1.5
    return x


def helper_in_range_bound(x):
    s = 0.0
    for i in range(int(h_sq_half(x))):
        s += x * i
    return s


def module_constants(x):
    return math.pi * x + K * x * x + x**2**2 + (x + 1) ** -0.5


def helper_on_accumulator(x, y):
    s = 0.0
    for i in range(3):
        if i == 0:
            s += h_sq_half(x)
        elif i == 1:
            s += h_sq_half(y) * s
        else:
            s *= h_sq_half(s)
    return s


def alias_then_rebind(x):
    a = x
    b = a
    a = a * 2.0
    return a * b


def loop_temp_overwritten(x):
    s = 0.0
    for i in range(3):
        t = x * i
        s += t
        t = 100.0
    return s + t


def while_reverse_index(xs):
    n = len(xs)
    s = 0.0
    i = n - 1
    while i >= 0:
        s = s * 0.5 + xs[i]
        i -= 1
    return s


def helper_composed(x):
    return h_sq_half(h_sq_half(h_sq_half(x)))


def helper_in_max(x, y):
    return max(h_sq_half(x), h_sq_half(y), x * y)


def nested_continue_return_helper(x):
    y = 0.0
    for i in range(3):
        for j in range(3):
            if i == j:
                continue
            y += h_sq_half(x * (i - j))
            if y > 50:
                return y
    return y


# === regressions: helper calls in loops (stack order) ======================================


def h_sq_k(a, k):
    return a * a * k


def loop_helper_self_assign(a, k):
    for i in range(3):
        a = h_sq_k(a, k)
    return a * a


def h_step2(a, b, k):
    return a + k * b * b, b - k * a


def loop_helper_two_targets(a, b, k):
    for i in range(4):
        a, b = h_step2(a, b, k)
    return a * b + a * a
