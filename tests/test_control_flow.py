"""Reverse mode through control flow and subroutines.

Every function in tests/cf_cases.py is checked against central finite
differences with ``srcdiff.check_grad`` and, where the derivative is easy to
derive by hand, against that formula (computed from the inputs).  Points are
chosen away from branch edges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cf_cases as cf
import numpy as np
import pytest

import srcdiff


@dataclass
class C:
    func: object
    points: list  # argument tuples
    wrt: object = 0
    expected: object = None  # (*args) -> gradient (tuple for a tuple wrt)
    rtol: float = 1e-10
    id: str = field(default="")


def _tanh_prime(x):
    return 1.0 - math.tanh(x) ** 2


def _doublings(x, limit=10.0, factor=2.0):
    k = 0
    while x * factor**k < limit:
        k += 1
    return k


def _chain(x0, steps, step, dstep):
    """Derivative of `steps` applications of `step`, by the chain rule."""
    d, x = 1.0, x0
    for k in range(steps):
        d *= dstep(x, k)
        x = step(x, k)
    return d


def _prod_rule(x, n):
    # d/dx prod_{i=1..n} (x + i) = sum_j prod_{i != j} (x + i)
    return sum(math.prod(x + i for i in range(1, n + 1) if i != j) for j in range(1, n + 1))


def _affine_expected(x, y, c, n):
    dx = y**n
    dc = sum(y**k for k in range(n))
    dy = (
        n * x * y ** (n - 1) + c * (n * y ** (n - 1) * (y - 1) - (y**n - 1)) / (y - 1) ** 2
        if n > 0
        else 0.0
    )
    return (dx, dy, dc)


def _ret_in_loop_expected(x, n):
    for k in range(1, n + 1):
        if x * 1.1**k > 5:
            return 2 * x * 1.21**k
    return 1.1**n


def _first_k(pred, start=1):
    k = start
    while not pred(k):
        k += 1
    return k


def _h_early_prime(a):
    if a < 0:
        return -1.0
    for k in range(1, 4):
        if a * 1.1**k > 3:
            return 2 * a * 1.1 ** (2 * k)
    return 1.1**3


def _rec_halve_prime(x):
    d, scale = 0.0, 1.0
    while x * scale >= 1:
        d += scale
        scale /= 2.0
    return d + 2 * x * scale * scale


CASES = [
    # --- if / elif / else
    C(cf.if_simple, [(1.5,), (0.5,), (-2.0,)], expected=lambda x: 2 * x if x > 1 else -3.0),
    C(
        cf.if_elif_else,
        [(-2.0,), (0.3,), (1.5,)],
        expected=lambda x: 3 * x * x if x < -1 else (math.cos(x) if x < 1 else math.exp(x)),
    ),
    C(
        cf.if_nested,
        [(1.2, 0.7), (1.2, -0.7), (-1.2, 0.7), (-1.2, -0.7)],
        wrt=("x", "y"),
        expected=lambda x, y: (
            ((y, x) if y > 0 else (1.0, -1.0))
            if x > 0
            else ((2 * x * y, x * x) if y > 0 else (0.0, 2 * y))
        ),
    ),
    C(cf.if_no_else, [(3.0,), (1.0,)], expected=lambda x: 6 * x if x > 2 else 3.0),
    C(
        cf.if_one_branch_pass,
        [(1.3, 0.7), (1.3, -0.7)],
        wrt=("x", "y"),
        expected=lambda x, y: (y, x + 1) if y > 0 else (1.0, 1.0),
    ),
    C(cf.if_reassign_param, [(1.3,), (-0.5,)], expected=lambda x: 2 * x if x > 0 else 1.0),
    C(
        cf.if_on_computed,
        [(3.0,), (1.0,), (-2.5,)],
        expected=lambda x: 3 * x * x if x * x > 4 else 2 * x + 1,
    ),
    C(
        cf.if_two_vars,
        [(2.0, 1.0), (1.0, 2.0)],
        wrt=("x", "y"),
        expected=lambda x, y: (2 * x, 1.0) if x > y else (1.0, 2 * y),
    ),
    C(
        cf.if_deep_elif,
        [(-1.0,), (0.3,), (0.7,), (1.5,), (3.0,)],
        expected=lambda x: (
            -2 * x
            if x < 0
            else 4 * x
            if x < 0.5
            else 3 * x * x
            if x < 1
            else math.log(x) + 1 + 2 * x
            if x < 2
            else 1.5 * math.sqrt(x)
        ),
    ),
    # --- conditional expressions
    C(cf.ifexp_simple, [(1.3,), (-0.5,)], expected=lambda x: 2 * x if x > 0 else -1.0),
    C(
        cf.ifexp_nested,
        [(3.0,), (1.0,), (-1.0,)],
        expected=lambda x: 1.0 if x > 2 else (2 * x if x > 0 else 3 * x * x),
    ),
    C(
        cf.ifexp_in_expr,
        [(2.0, 1.0), (1.0, 2.0), (1.0, -0.5)],
        wrt=("x", "y"),
        expected=lambda x, y: (
            2 * x if x > y else y,
            (0.0 if x > y else x) + (2 * y if y < 0 else 1.0),
        ),
    ),
    C(
        cf.ifexp_in_call,
        [(1.3,), (-0.5,)],
        expected=lambda x: math.cos(x) if x > 0 else -math.cos(x),
    ),
    C(
        cf.ifexp_in_condition,
        [(1.5,), (-1.5,), (0.5,)],
        expected=lambda x: 2 * x if abs(x) > 1 else 1.0,
    ),
    C(
        cf.ifexp_assign,
        [(1.0, 2.0), (2.0, 1.0)],
        wrt=("x", "y"),
        expected=lambda x, y: (
            (2 * x * y * y, 2 * x * y * x) if x < y else (2 * (x + y), 2 * (x + y))
        ),
    ),
    # --- and / or / not / chained comparisons
    C(
        cf.cond_and,
        [(1.0, 2.0), (1.0, -2.0), (-1.0, 2.0)],
        wrt=("x", "y"),
        expected=lambda x, y: (y, x) if x > 0 and y > 0 else (1.0, 1.0),
    ),
    C(
        cf.cond_or,
        [(2.0, 0.5), (0.5, -2.0), (0.5, 0.5)],
        wrt=("x", "y"),
        expected=lambda x, y: (2 * x * y, x * x) if x > 1 or y < -1 else (0.0, 1.0),
    ),
    C(cf.cond_not, [(-1.0,), (1.0,)], expected=lambda x: -2 * x if x <= 0 else 3 * x * x),
    C(cf.cond_chain, [(1.0,), (3.0,), (-1.0,)], expected=lambda x: 2 * x if 0 < x < 2 else 4.0),
    C(
        cf.cond_chain3,
        [(0.5, 1.0), (1.0, 0.5), (0.5, 4.0)],
        wrt=("x", "y"),
        expected=lambda x, y: (y, x) if -1 < x <= y < 3 else (1.0, -1.0),
    ),
    C(
        cf.cond_mixed,
        [(1.0, -2.0, 3), (1.0, -2.0, 1), (1.0, 2.0, 1)],
        wrt=("x", "y"),
        expected=lambda x, y, n: (
            (y, x) if (n > 2 and x > 0) or not (y < 0) else (1 / y, -x / (y * y))
        ),
    ),
    C(cf.while_and, [(0.7,), (-1.0,)], expected=lambda x: 2.0 ** _doublings(x) if x > 0 else 1.0),
    # --- early return
    C(cf.ret_early_if, [(-1.0,), (1.0,)], expected=lambda x: -2 * x if x < 0 else 6 * x),
    C(
        cf.ret_in_elif,
        [(-1.0,), (0.5,), (2.0,)],
        expected=lambda x: 1.0 if x < 0 else (2 * x if x < 1 else 3 * x * x),
    ),
    C(cf.ret_in_loop, [(1.0, 3), (4.8, 3), (3.0, 10)], expected=_ret_in_loop_expected),
    C(cf.ret_in_nested_loop, [(0.5,), (2.0,), (2.9,)]),
    C(
        cf.ret_in_while,
        [(1.0,), (11.0,)],
        expected=lambda x: 1.5 ** _first_k(lambda k: x * 1.5**k > 10),
    ),
    C(cf.ret_in_else, [(2.0,), (0.5,)], expected=lambda x: 2 * x if x > 1 else 3 * x * x),
    C(
        cf.ret_both_branches,
        [(2.0,), (-1.0,)],
        expected=lambda x: 0.5 / math.sqrt(x) if x > 0 else 2 * x,
    ),
    C(cf.ret_after_loop_flag, [(1.0, 4), (3.0, 5), (0.5, 0)]),
    # --- for over range with run-time bounds
    C(
        cf.range_stop,
        [(1.3, 5), (0.7, 0), (-0.5, 3)],
        expected=lambda x, n: sum(i * x ** (i - 1) for i in range(1, n)),
    ),
    C(
        cf.range_start_stop,
        [(1.3, 2, 6), (1.3, 5, 2), (1.3, -3, 1)],
        expected=lambda x, a, b: math.prod(1 + 0.1 * i for i in range(a, b)),
    ),
    C(
        cf.range_step,
        [(1.3, 10, 0, -3), (1.3, 0, 10, 4), (1.3, 0, 10, -2)],
        expected=lambda x, a, b, c: 2 * x * sum(range(a, b, c)),
    ),
    C(
        cf.range_empty,
        [(1.3, 0), (1.3, 3), (1.3, -2)],
        expected=lambda x, n: 2 * (max(n, 0) + 1) * x ** max(n, 0),
    ),
    C(cf.range_negative_product, [(0.5, 4), (0.5, 0), (-0.3, 2)], expected=_prod_rule),
    C(
        cf.range_len_index,
        [([1.0, -2.0, 0.5],), ([0.3],)],
        expected=lambda xs: [2 * v * (i + 1) for i, v in enumerate(xs)],
    ),
    # --- for over sequences, enumerate, zip
    C(
        cf.for_list,
        [([1.0, -2.0, 0.5], 0.7), ([], 0.7)],
        wrt=("xs", "w"),
        expected=lambda xs, w: ([2 * v * w for v in xs], sum(v * v for v in xs)),
    ),
    C(cf.for_tuple_literal, [(1.3,), (-0.4,)], expected=lambda x: 12 * x),
    C(
        cf.for_list_of_active,
        [(1.3, -0.4)],
        wrt=("x", "y"),
        expected=lambda x, y: (2 * x + 2 * x * y * y, 2 * y + 2 * x * x * y),
    ),
    C(
        cf.for_enumerate,
        [([1.0, -2.0, 0.5], 0.7)],
        wrt=("xs", "w"),
        expected=lambda xs, w: (
            [i * w for i in range(len(xs))],
            sum(i * v for i, v in enumerate(xs)),
        ),
    ),
    C(
        cf.for_zip,
        [([1.0, -2.0, 0.5], [0.3, 0.4, 0.5]), ([1.0, -2.0, 0.5], [0.3, 0.4])],
        wrt=("xs", "ys"),
        expected=lambda xs, ys: (
            [ys[i] if i < len(ys) else 0.0 for i in range(len(xs))],
            [xs[i] for i in range(len(ys))],
        ),
    ),
    C(
        cf.for_zip3,
        [([1.0, -2.0, 0.5], [0.3, 0.4, 0.5], 0.7)],
        wrt=("xs", "ys", "w"),
        expected=lambda xs, ys, w: (
            [b * c * w for b, c in zip(ys, [1, 2, 3])],
            [a * c * w for a, c in zip(xs, [1, 2, 3])],
            sum(a * b * c for a, b, c in zip(xs, ys, [1, 2, 3])),
        ),
    ),
    C(cf.for_tuple_param, [((1.5, -0.5, 2.0), 0.7)], wrt=("t", "x")),
    # --- nested loops
    C(
        cf.nested_range,
        [(1.1, 3, 4), (0.9, 0, 3), (0.9, 2, 1)],
        expected=lambda x, n, m: sum(
            (i + j) * x ** (i + j - 1) for i in range(n) for j in range(m) if i + j > 0
        ),
    ),
    C(
        cf.nested_triangular,
        [(1.3, 4), (1.3, 1)],
        expected=lambda x, n: sum(i * (i - 1) / 2 * 1.5 ** (n - i) for i in range(n)),
    ),
    C(
        cf.nested_lists,
        [([1.0, -2.0], [0.3, 0.4, 0.5])],
        wrt=("xs", "ys"),
        expected=lambda xs, ys: ([sum(b * b for b in ys)] * len(xs), [2 * b * sum(xs) for b in ys]),
    ),
    C(
        cf.nested_carried,
        [(0.3, 2), (1.1, 3)],
        expected=lambda x, n: _chain(
            x, 2 * n, lambda v, k: math.sin(v) + v, lambda v, k: math.cos(v) + 1
        ),
    ),
    # --- while loops
    C(cf.while_simple, [(1.1,), (12.0,)], expected=lambda x: 1.5 ** _doublings(x, 10, 1.5)),
    C(
        cf.while_counter,
        [(0.3, 3), (0.3, 0)],
        expected=lambda x, n: _chain(
            x, n, lambda v, k: math.sin(v) + v, lambda v, k: math.cos(v) + 1
        ),
    ),
    C(cf.while_newton, [(2.0,), (9.0,)], expected=lambda a: 0.5 / math.sqrt(a), rtol=1e-6),
    C(
        cf.while_true_break,
        [(1.5,), (6.0,)],
        expected=lambda x: _chain(
            x,
            _first_k(lambda k: _chain_val(x, k) > 5),
            lambda v, k: v * v + 0.1,
            lambda v, k: 2 * v,
        ),
    ),
    # --- break / continue
    C(
        cf.break_fixed,
        [(0.3,), (-0.6,)],
        expected=lambda x: _chain(
            x, 3, lambda v, k: v * math.cos(v), lambda v, k: math.cos(v) - v * math.sin(v)
        ),
    ),
    C(
        cf.continue_fixed,
        [(0.3,), (-0.6,)],
        expected=lambda x: _chain(x, 2, lambda v, k: v + math.sin(v), lambda v, k: 1 + math.cos(v)),
    ),
    C(
        cf.break_data,
        [(1.0, 10), (1.0, 3), (5.0, 4)],
        expected=lambda x, n: 2 * 1.3 ** min(n, _first_k(lambda k: x * 1.3**k > 4)),
    ),
    C(
        cf.continue_data,
        [([1.0, -2.0, 0.5, -0.1], 0.7)],
        wrt=("xs", "w"),
        expected=lambda xs, w: ([w if v >= 0 else 0.0 for v in xs], sum(v for v in xs if v >= 0)),
    ),
    C(cf.break_inner, [(0.3,), (-2.0,)], expected=lambda x: 1.1**6),
    C(cf.break_and_continue, [(1.0, 5), (2.1, 8), (0.5, 1)]),
    C(
        cf.while_continue,
        [(0.3,), (2.0,)],
        expected=lambda x: _chain(x, 3, lambda v, k: v + math.sin(v), lambda v, k: 1 + math.cos(v)),
    ),
    C(
        cf.while_break_continue,
        [(1.0,), (9.0,)],
        expected=lambda x: 1.2 ** _first_k(lambda k: x * 1.2**k > 8),
    ),
    # --- loop-carried reassignment
    C(
        cf.carried_affine,
        [(0.5, 1.3, 0.2, 4), (0.5, 0.7, -0.3, 0), (-1.5, 0.9, 2.0, 3)],
        wrt=("x", "y", "c"),
        expected=_affine_expected,
    ),
    C(cf.carried_pair, [(0.5, 1.0, 2.0, 4), (1.2, -0.5, 0.3, 1)], wrt=("x", "a", "b")),
    C(cf.carried_two_step, [(0.3, 3), (-0.6, 5)]),
    # --- accumulators
    C(cf.acc_top, [(1.3,), (-0.4,)], expected=lambda x: 3 * x * x - 4 * x),
    C(
        cf.acc_divide,
        [(1.3, 0.7), (-0.4, 2.0)],
        wrt=("x", "y"),
        expected=lambda x, y: (
            2 * (x * y / (y + 1)) * y / (y + 1),
            2 * (x * y / (y + 1)) * x / (y + 1) ** 2,
        ),
    ),
    C(
        cf.acc_branches,
        [(1.0, 2.0), (1.0, 0.5), (-1.0, 2.0)],
        wrt=("x", "y"),
        expected=lambda x, y: (
            ((y * y, 2 * x * y) if y > 1 else (y, x + 1))
            if x > 0
            else ((-y * y, -2 * x * y) if y > 1 else (-y, 1 - x))
        ),
    ),
    C(
        cf.acc_nested_loops,
        [(1.3, 3, 4), (1.3, 2, 0)],
        expected=lambda x, n, m: sum(i * m * (m - 1) / 2 * 1.5 ** (n - i) for i in range(n)),
    ),
    C(
        cf.acc_self_ref,
        [(1.3,), (-0.4,)],
        expected=lambda x: 2 * (x + x * x) * (1 + 2 * x) * (1 - x) - (x + x * x) ** 2,
    ),
    C(cf.acc_self_loop, [(0.3, 5), (0.3, 0)], expected=lambda x, n: n * (1 + x) ** (n - 1)),
    C(
        cf.acc_in_while,
        [(3.0,), (1.5,)],
        expected=lambda x: (
            _first_k(lambda k: x**k >= 100) * x ** (_first_k(lambda k: x**k >= 100) - 1)
        ),
    ),
    C(
        cf.acc_on_params,
        [(1.3, 0.7), (-0.4, 2.0)],
        wrt=("x", "y"),
        expected=lambda x, y: (
            2 * (x + y) * (y - 2 * (x + y) ** 2),
            2 * (x + y) * (y - 2 * (x + y) ** 2) + (x + y) ** 2,
        ),
    ),
    C(cf.acc_square_repeat, [(1.1, 3), (0.9, 0)], expected=lambda x, n: 2**n * x ** (2**n - 1)),
    C(
        cf.acc_branch_in_loop,
        [([1.0, -2.0, 0.5, -0.1], 0.7)],
        wrt=("xs", "w"),
        expected=lambda xs, w: (
            [0.9 ** (len(xs) - k) * (w if v > 0 else -2 * v) for k, v in enumerate(xs)],
            sum(v * 0.9 ** (len(xs) - k) for k, v in enumerate(xs) if v > 0),
        ),
    ),
    # --- integers, booleans, len, loop indices: no derivative
    C(cf.int_index, [(1.3, 3), (1.3, 0)], expected=lambda x, n: 2.0 * n),
    C(cf.bool_flag, [(1.5,), (0.5,)], expected=lambda x: 2 * x + 1 if x > 1 else 1.0),
    C(
        cf.len_scale,
        [([1.0, -2.0, 0.5], 0.7)],
        wrt=("xs", "x"),
        expected=lambda xs, x: ([1.0] + [0.0] * (len(xs) - 1), float(len(xs))),
    ),
    C(cf.int_conversion, [(2.7,), (-1.5,)], expected=lambda x: float(int(x))),
    C(cf.loop_index_mix, [(1.3, 4)], expected=lambda x, n: 2.0),
    C(cf.while_count, [(1.3,), (0.7,)], expected=lambda x: float(_first_k(lambda i: x * i >= 5))),
    # --- helpers
    C(cf.helper_chain, [(1.3,), (-0.4,)], expected=lambda x: 6 * x + 1),
    C(
        cf.helper_same_many,
        [(1.3, -0.4)],
        wrt=("x", "y"),
        expected=lambda x, y: (2 * x + 2 * x * y * y, 2 * y + 2 * x * x * y),
    ),
    C(cf.helper_kwargs, [(1.3, -0.4)], wrt=("x", "y"), expected=lambda x, y: (y, x + 3.0)),
    C(cf.helper_defaults, [(1.3,), (-0.4,)], expected=lambda x: 10 * x + 3.5),
    C(
        cf.helper_other_module,
        [(1.3,), (-0.4,)],
        expected=lambda x: 3 * (math.tanh(x) + x * _tanh_prime(x)) + 6 * x,
    ),
    C(
        cf.helper_from_import,
        [(1.3,), (-0.4,)],
        expected=lambda x: (
            (math.tanh(x) + x * _tanh_prime(x)) * math.sin(x)
            + math.tanh(x) * x * math.cos(x)
            + math.exp(x)
        ),
    ),
    C(
        cf.helper_other_module_branchy,
        [(0.5,), (-2.0,), (3.0,)],
        expected=lambda x: 3 * x if -1 <= x <= 2 else x,
    ),
    C(
        cf.helper_other_module_list,
        [([1.0, -2.0, 0.5], 0.7)],
        wrt=("xs", "w"),
        expected=lambda xs, w: ([w * w] * len(xs), 2 * w * sum(xs)),
    ),
    C(
        cf.helper_in_loop,
        [(0.5, 4), (1.5, 3)],
        expected=lambda x, n: _chain(
            x, n, lambda v, k: (v * v * 0.1 * k + v) * 0.5, lambda v, k: 0.5 * (2 * v * 0.1 * k + 1)
        ),
    ),
    C(cf.helper_in_branch, [(1.5,), (0.5,)], expected=lambda x: 2 * x if x > 1 else 3 * x * x + 1),
    C(cf.helper_multi_return, [(1.3,), (-0.4,)], expected=lambda x: 3 * x * x + 2 * x),
    C(
        cf.helper_multi_return_unused,
        [(1.3, -0.4)],
        wrt=("x", "y"),
        expected=lambda x, y: (y * math.exp(x) + x * y * math.exp(x), x * math.exp(x)),
    ),
    C(cf.helper_early_return, [(-1.0,), (1.0,), (2.5,)], expected=lambda x: 2 * _h_early_prime(x)),
    C(
        cf.helper_loop,
        [(1.3, 3), (0.4, 0)],
        expected=lambda x, n: (
            sum(i * x ** (i - 1) for i in range(1, n))
            + sum(2 * i * (2 * x) ** (i - 1) for i in range(1, n + 1))
        ),
    ),
    C(cf.helper_modify_param, [(1.3,), (-0.4,)], expected=lambda x: 4 * (2 * x + 1) + 1),
    C(cf.recursion_int, [(1.3, 4), (1.3, 0)], expected=lambda x, n: n * x ** (n - 1) if n else 0.0),
    C(cf.recursion_data, [(0.5,), (3.0,), (10.0,)], expected=_rec_halve_prime),
    C(cf.recursion_mutual, [(0.5, 3), (0.5, 4), (1.2, 0)]),
    C(cf.helper_nested_calls, [(1.3,), (-0.4,)], expected=lambda x: 6.25 * x**3),
    # --- more mixtures
    C(cf.helper_tuple_index, [(0.5,), (-1.3,)], expected=lambda x: 4 * x),
    C(cf.helper_tuple_index_loop, [(0.7,)], expected=lambda x: 0.125),
    C(cf.helper_pair_in_loop, [(0.5,), (-0.3,)]),
    C(cf.helper_pair_in_loop_break, [(0.7,), (0.3,)]),
    C(
        cf.helper_rebind_pair,
        [(0.7,), (-1.6,)],
        expected=lambda x: 2 * (x + 1) * (x + 2) + (x + 1) ** 2,
    ),
    C(
        cf.helper_triple_chain,
        [(0.7, 1.3)],
        wrt=("x", "y"),
        # a, b, c = xy, x - y, e^x;  d + f = a c + e^a = xy e^x + e^(xy)
        expected=lambda x, y: (
            y * math.exp(x) + x * y * math.exp(x) + y * math.exp(x * y),
            x * math.exp(x) + x * math.exp(x * y),
        ),
    ),
    C(cf.helper_noop_statement, [(0.5,)], expected=lambda x: 3.0),
    C(cf.helper_kwonly, [(0.5,)], expected=lambda x: 2 + 2 * x),
    C(cf.helper_while_return, [(0.5, 3), (1.9, 3), (1.0, 0)]),
    C(cf.helper_called_in_loop_varying, [(0.5, 4), (1.9, 3)]),
    C(cf.helper_list_arg, [([1.0, -2.0, 0.5],)], expected=lambda xs: [2 * v for v in xs]),
    C(cf.recursion_list, [([1.0, -2.0, 0.5],), ([],)], expected=lambda xs: [2 * v for v in xs]),
    C(
        cf.recursion_product,
        [(0.7, 3), (0.7, 1)],
        expected=lambda x, n: sum(math.prod(x + k for k in range(n) if k != j) for j in range(n)),
    ),
    C(cf.main_with_default, [(0.7,), (0.7, 2)], expected=lambda x, n=3: 2 * n * x),
    C(cf.main_keywords, [(0.7,)], expected=lambda x: 2 + 4 * x),
    C(cf.acc_branch_self_loop, [(0.7, 4), (0.3, 3)]),
    C(cf.acc_all_ops_loop, [(0.7,)], expected=lambda x: _acc_all_ops_coeff()),
    C(cf.acc_alias, [(0.5,), (-2.0,)], expected=lambda x: 2 * (x + 1) + 2),
    C(
        cf.chained_assign,
        [(0.7, 1.3)],
        wrt=("x", "y"),
        expected=lambda x, y: ((y + 1) * x * y + (x * y + x) * y, x * x * y + (x * y + x) * x),
    ),
    C(cf.max_min_loop, [(1.5, 0.5), (0.5, 1.5)], wrt=("x", "y")),
    C(cf.argmax_loop, [([1.0, 3.0, 2.0], 0.5), ([3.0, 1.0], 0.5)], wrt=("xs", "w")),
    C(cf.range_negative_literal, [(0.7,), (-1.2,)]),
    C(cf.ifexp_in_loop, [(0.7, 5), (0.7, 2)]),
    C(
        cf.ifexp_chain,
        [(0.7,), (-0.7,), (-1.7,)],
        expected=lambda x: math.cos(x) if x > 0 else -math.sin(x) if x > -1 else math.exp(x),
    ),
    C(
        cf.ifexp_self,
        [(0.7, 0.2), (-0.7, 0.2)],
        wrt=("x", "y"),
        expected=lambda x, y: (2 * (x + y), 2 * (x + y)) if x > 0 else (2 * (x - y), -2 * (x - y)),
    ),
    C(cf.while_true_mult, [(0.7,)], expected=lambda x: 4 * x**3),
    C(cf.while_for_continue, [(1.0,), (0.05,)]),
    C(cf.while_count_div, [(1.5,), (5.0,)]),
    C(cf.while_continue_dec, [(0.7,)], expected=lambda x: 8.0),
    C(cf.nested_break_continue, [(0.7,)]),
    C(cf.ret_in_loop_counter, [(0.7,), (0.05,)]),
    C(cf.ret_in_loop_fallthrough, [(0.7,)], expected=lambda x: 3.0),
    C(
        cf.ret_complex_condition,
        [(1.0, 2.0), (3.0, -2.0), (-0.5, 2.0), (-2.0, 2.0)],
        wrt=("x", "y"),
        expected=lambda x, y: (
            (y, x) if x > 0 and (y > 0 or x > 2) else ((1.0, 1.0) if not x < -1 else (1.0, -1.0))
        ),
    ),
    C(
        cf.swap_in_branch,
        [(2.0, 1.0), (1.0, 2.0)],
        wrt=("x", "y"),
        expected=lambda x, y: (2 * x * y, x * x) if x > y else (y * y, 2 * x * y),
    ),
    C(cf.swap_repeated, [(0.5, 2.0)], wrt=("x", "y"), expected=lambda x, y: (2 * x * y, x * x)),
    C(cf.loop_var_after_loop, [(0.7, 3)], expected=lambda x, n: 2 * (n - 1) * x),
    C(
        cf.loop_target_shadows_param,
        [([1.0, 2.0], 0.5)],
        wrt=("xs", "x"),
        expected=lambda xs, x: ([0.0] * (len(xs) - 1) + [2.0], 0.0),
    ),
    C(cf.two_loops, [(0.7, 3), (0.7, 0)], expected=lambda x, n: n * (n + 1) * x**n),
    C(
        cf.elif_no_else,
        [(0.7,), (-0.5,), (-2.0,)],
        expected=lambda x: 2.0 if x > 0 else (4 * x if x < -1 else 0.0),
    ),
    C(cf.cond_not_value, [(0.5,)], expected=lambda x: 2 * x),
    C(
        cf.chained_cmp_params,
        [(1.5, 1.0, 2.0), (2.5, 1.0, 2.0)],
        wrt=("x", "a", "b"),
        expected=lambda x, a, b: (2 * x, 0.0, 0.0) if a < x < b else (1.0, 0.0, 0.0),
    ),
    C(cf.unary_chain, [(0.7,)], expected=lambda x: -2 * x),
    C(cf.abs_branch, [(0.5,), (-0.5,)], expected=lambda x: 2 * x if x > 0 else 4 * x),
    # --- integer-initialised accumulators, integer overwrites
    C(cf.int_init_for, [(0.7,)], expected=lambda x: 3.0),
    C(cf.int_init_aug, [(0.7,)], expected=lambda x: 2 * x),
    C(cf.int_init_branch, [(0.7,), (-0.7,)], expected=lambda x: 1.0 if x > 0 else 0.0),
    C(cf.int_init_while, [(0.7, 3), (0.7, 0)], expected=lambda x, n: float(n)),
    C(cf.int_overwrites_active, [(0.7,)], expected=lambda x: 3.0),
    C(cf.int_init_product, [(0.7,)], expected=lambda x: 3 * x * x),
    C(cf.int_in_empty_loop, [(0.7,)], expected=lambda x: 1.0),
    # --- helpers in conditions and loop bounds, constants, tree recursion
    C(cf.recursion_tree, [(0.7,), (-1.1,)], expected=lambda x: 2.75),
    C(cf.helper_in_ifexp, [(0.7,), (-0.7,)], expected=lambda x: 2 * x if x > 0 else 4 * x),
    C(cf.helper_in_condition, [(0.9,), (0.2,)], expected=lambda x: 3.0 if x * x > 0.5 else 2 * x),
    C(
        cf.helper_in_while_condition,
        [(0.7,), (4.0,)],
        expected=lambda x: 1.5 ** (_first_k(lambda k: (x * 1.5**k) ** 2 + 0.5 >= 10, 0)),
    ),
    C(
        cf.helper_in_range_bound,
        [(1.7,), (2.3,)],
        expected=lambda x: float(sum(range(int(x * x + 0.5)))),
    ),
    C(
        cf.module_constants,
        [(0.7,)],
        expected=lambda x: math.pi + 2 * cf.K * x + 4 * x**3 - 0.5 * (x + 1) ** -1.5,
    ),
    C(cf.helper_on_accumulator, [(0.7, 0.4)], wrt=("x", "y")),
    C(cf.alias_then_rebind, [(0.7,)], expected=lambda x: 4 * x),
    C(cf.loop_temp_overwritten, [(0.7,)], expected=lambda x: 3.0),
    C(
        cf.while_reverse_index,
        [([1.0, 2.0, 3.0],)],
        expected=lambda xs: [0.5**i for i in range(len(xs))],
    ),
    C(
        cf.helper_composed,
        [(0.7,)],
        # h(u) = u^2 + 1/2, h'(u) = 2u: f' = 2 h(h(x)) * 2 h(x) * 2x
        expected=lambda x: 8 * ((x * x + 0.5) ** 2 + 0.5) * (x * x + 0.5) * x,
    ),
    C(cf.helper_in_max, [(0.7, 0.4), (2.0, 3.0)], wrt=("x", "y")),
    C(cf.nested_continue_return_helper, [(0.7,), (2.7,)]),
    # --- tuple unpacking and swaps
    C(cf.swap, [(1.3, -0.4)], wrt=("x", "y"), expected=lambda x, y: (y * y, 2 * x * y)),
    C(cf.swap_loop, [(1.3, 0.7, 3), (1.3, 0.7, 0)], wrt=("x", "y")),
    C(cf.unpack_tuple_var, [(1.3, -0.4)], wrt=("x", "y"), expected=lambda x, y: (2 * y, 2 * x)),
    C(
        cf.rotate3,
        [(1.3, -0.4, 0.8)],
        wrt=("x", "y", "z"),
        expected=lambda x, y, z: (3 * x * x * y * z * z, x**3 * z * z, 2 * x**3 * y * z),
    ),
    C(cf.unpack_list_param, [([1.3, -0.4, 0.8],)], expected=lambda xs: [xs[1], xs[0], 2 * xs[2]]),
    # --- wrt subsets
    C(
        cf.wrt_subset,
        [(1.3, -0.4, 0.8)],
        wrt=("x", "z"),
        expected=lambda x, y, z: (y * z, x * y + math.sin(y)),
        id="wrt_subset-xz",
    ),
    C(
        cf.wrt_subset,
        [(1.3, -0.4, 0.8)],
        wrt="y",
        expected=lambda x, y, z: x * z + math.cos(y) * z,
        id="wrt_subset-y",
    ),
    C(
        cf.wrt_subset,
        [(1.3, -0.4, 0.8)],
        wrt=-1,
        expected=lambda x, y, z: x * y + math.sin(y),
        id="wrt_subset-minus1",
    ),
    C(
        cf.wrt_subset,
        [(1.3, -0.4, 0.8)],
        wrt=("z", "x"),
        expected=lambda x, y, z: (x * y + math.sin(y), y * z),
        id="wrt_subset-zx",
    ),
    C(
        cf.wrt_reassigned_other,
        [(1.3, -0.4)],
        wrt="x",
        expected=lambda x, y: 2 * x * y + 2 * x * y * y,
        id="wrt_reassigned-x",
    ),
    C(
        cf.wrt_reassigned_other,
        [(1.3, -0.4)],
        wrt="y",
        expected=lambda x, y: x * x + 2 * x * x * y,
        id="wrt_reassigned-y",
    ),
    # --- regressions: a helper assigned back to its own argument, in a loop; two targets
    C(cf.loop_helper_self_assign, [(1.1, 0.8), (0.9, -0.6)], wrt=("a", "k")),
    C(cf.loop_helper_self_assign, [(1.1, 0.8)], wrt="a", id="loop_helper_self_assign-a"),
    C(cf.loop_helper_two_targets, [(0.3, 0.2, 0.1), (-0.5, 0.4, 0.3)], wrt=("a", "b", "k")),
    C(cf.loop_helper_two_targets, [(0.3, 0.2, 0.1)], wrt="b", id="loop_helper_two_targets-b"),
]


def _acc_all_ops_coeff():
    c = 0.0
    for _ in range(3):
        c = (c + 0.5) * 1.5 / 1.1
    return c


def _chain_val(x, k):
    for _ in range(k):
        x = x * x + 0.1
    return x


def _case_id(case):
    return case.id or case.func.__name__


def _params():
    out = []
    for case in CASES:
        for args in case.points:
            out.append(pytest.param(case, args, id=f"{_case_id(case)}{_fmt(args)}"))
    return out


def _fmt(args):
    return "(" + ",".join(str(a) for a in args) + ")"


def _copy(args):
    return tuple(list(a) if isinstance(a, list) else a for a in args)


def _assert_close(got, want, rtol, path="grad"):
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list, np.ndarray)), (
            f"{path}: expected a sequence, got {got!r}"
        )
        assert len(got) == len(want), f"{path}: {got!r} vs {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            _assert_close(g, w, rtol, f"{path}[{i}]")
        return
    assert np.ndim(got) == 0, f"{path}: expected a scalar, got {got!r}"
    assert isinstance(got, float), f"{path}: expected a float, got {type(got).__name__} {got!r}"
    assert abs(float(got) - want) <= 1e-12 + rtol * abs(want), (
        f"{path}: srcdiff {got!r}, expected {want!r}"
    )


def test_case_table_is_large_enough():
    funcs = {c.func for c in CASES}
    assert len(funcs) >= 60
    defined = {
        f
        for name, f in vars(cf).items()
        if callable(f)
        and getattr(f, "__module__", None) == cf.__name__
        and not name.startswith("h_")
    }
    assert defined <= funcs, sorted(f.__name__ for f in defined - funcs)


@pytest.mark.parametrize("case, args", _params())
def test_check_grad(case, args):
    srcdiff.check_grad(case.func, *_copy(args), wrt=case.wrt)


@pytest.mark.parametrize("case, args", [p for p in _params() if p.values[0].expected is not None])
def test_expected_formula(case, args):
    got = srcdiff.grad(case.func, wrt=case.wrt)(*_copy(args))
    want = case.expected(*args)
    if isinstance(case.wrt, (tuple, list)):
        assert isinstance(got, tuple) and len(got) == len(case.wrt), got
    _assert_close(got, want, case.rtol)


@pytest.mark.parametrize("case, args", _params())
def test_value_and_grad_and_inputs_untouched(case, args):
    call_args = _copy(args)
    value, g = srcdiff.value_and_grad(case.func, wrt=case.wrt)(*call_args)
    assert call_args == _copy(args), "the generated code modified its inputs"
    g2 = srcdiff.grad(case.func, wrt=case.wrt)(*_copy(args))
    _assert_close(g, g2 if not isinstance(g2, np.ndarray) else list(g2), 1e-14)
    want = case.func(*_copy(args))
    assert value == pytest.approx(want, rel=1e-14, abs=1e-300), (
        f"value_and_grad returned value {value!r}; {case.func.__name__}{_fmt(args)} = {want!r}"
    )
