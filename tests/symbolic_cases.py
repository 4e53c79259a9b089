"""Scalar functions for tests/test_symbolic.py: each in symbolic mode against reverse
mode, forward mode and finite differences.  CASES: (function, point, wrt); the points
stay away from branch boundaries and kinks."""

import math

SCALE = 0.75  # a module-level number the functions read


def seed(x, y):
    return x**2 * y + y + 2


def trig(x, y):
    return math.sin(x) * math.cos(y) + math.tan(x * y)


def inverse_trig(x, y):
    return math.asin(x) + math.acos(y) + math.atan(x / y) + math.atan2(y, x)


def exp_log(x, y):
    return math.exp(x) * math.log(y) + math.log(x, 3) + math.log2(y) + math.log10(x * y)


def roots(x, y):
    return math.sqrt(x * y) + math.hypot(x, y) + x**0.5


def small_steps(x):
    return math.expm1(x) + math.log1p(x)


def hyperbolic(x, y):
    return math.sinh(x) + math.cosh(y) * math.tanh(x * y)


def inverse_hyperbolic(x, y):
    return math.asinh(x) + math.acosh(y) + math.atanh(x / 2)


def error_functions(x):
    return math.erf(x) * math.erfc(x / 2)


def absolute(x, y):
    return abs(x - y) + math.fabs(x) * y + pow(x, 3)


def powers(x, y):
    return x**3 - 2 * x**-2 + x**y + 3.0**x


def quotient(x, y):
    return (x + 1) / (y * y + 1) - 1 / (x * y)


def angles(x):
    return math.sin(math.radians(x)) + math.degrees(x) / 100 + math.pi * x + math.e


def square(a):
    return a * a


def weighted(a, b=2.0, *, scale=1.0):
    return scale * (a * b + math.sin(a))


def helpers(x, y):
    return square(x) + square(x + y) + weighted(x, y) + weighted(y, scale=0.5)


def chained(x, y):
    return weighted(square(x), b=square(y))


def branch(x, y):
    if x > y:
        z = x * y
    else:
        z = x + y
    return z * x


def elif_chain(x):
    if x < -1.0:
        r = -x
    elif x < 1.0:
        r = x**2
    else:
        r = math.exp(x - 1)
    return r * 2


def conditional_expression(x, y):
    return (x if x > 0.5 else y) * y + (math.sin(x) if y < 0 else math.cos(x))


def boolean_condition(x, y):
    if x > 0 and y > 0 or x < -2:
        return x * y
    return x - y


def extremes(x, y):
    return max(x, y) * min(x, 2 * y) + max(x, y, 0.5)


def unrolled(x, y):
    s = 0.0
    for i in range(4):
        s += x**i * y
    return s


def nested_loops(x):
    s = x
    for i in range(3):
        for j in range(2):
            s = s * x + i - j
    return s


def early_exit(x):
    s = 1.0
    for i in range(10):
        if i == 3:
            break
        s = s * x + 1
    return s


def over_values(x, y, z):
    total = 0.0
    for v in (x, y, z):
        total = total + v * v
    return total


def generator_sum(x, y):
    return sum(x * k + y for k in range(5))


def branch_in_loop(x):
    s = x
    for _ in range(3):
        if s > 1.0:
            s = s / 2
        else:
            s = s * 3
    return s


def swap(x, y):
    a, b = x, y
    for _ in range(3):
        a, b = b, a * b
    return a + b


def module_constant(x):
    return SCALE * x**2


def early_return(x, y):
    if x > 2.0:
        return x * y
    return x * x


def power(x, n):
    return 1.0 if n == 0 else x * power(x, n - 1)


def recursion(x):
    return power(x, 4)


def integer_argument(x, n):
    return x**n + n * x


CASES = [
    (seed, (3.0, 4.0), ("x", "y")),
    (trig, (0.4, 0.9), ("x", "y")),
    (inverse_trig, (0.3, 0.6), ("x", "y")),
    (exp_log, (0.7, 1.8), ("x", "y")),
    (roots, (1.3, 2.1), ("x", "y")),
    (small_steps, (0.2,), ("x",)),
    (hyperbolic, (0.5, -0.8), ("x", "y")),
    (inverse_hyperbolic, (0.6, 1.7), ("x", "y")),
    (error_functions, (0.45,), ("x",)),
    (absolute, (0.8, 1.9), ("x", "y")),
    (absolute, (-0.8, -1.9), ("x", "y")),
    (powers, (1.2, 0.7), ("x", "y")),
    (quotient, (0.9, -1.3), ("x", "y")),
    (angles, (0.7,), ("x",)),
    (helpers, (0.3, 1.1), ("x", "y")),
    (chained, (0.6, 1.4), ("x", "y")),
    (branch, (2.0, 1.0), ("x", "y")),
    (branch, (1.0, 2.0), ("x", "y")),
    (elif_chain, (-2.0,), ("x",)),
    (elif_chain, (0.3,), ("x",)),
    (elif_chain, (1.5,), ("x",)),
    (conditional_expression, (0.8, -0.4), ("x", "y")),
    (conditional_expression, (0.2, 0.4), ("x", "y")),
    (boolean_condition, (0.5, 0.5), ("x", "y")),
    (boolean_condition, (-3.0, 0.5), ("x", "y")),
    (boolean_condition, (-1.0, 0.5), ("x", "y")),
    (extremes, (0.3, 0.9), ("x", "y")),
    (extremes, (1.7, 0.4), ("x", "y")),
    (unrolled, (1.1, 0.7), ("x", "y")),
    (nested_loops, (0.9,), ("x",)),
    (early_exit, (1.3,), ("x",)),
    (over_values, (0.3, -1.2, 2.0), ("x", "y", "z")),
    (generator_sum, (0.4, 1.5), ("x", "y")),
    (branch_in_loop, (0.7,), ("x",)),
    (branch_in_loop, (2.5,), ("x",)),
    (swap, (1.1, 0.9), ("x", "y")),
    (module_constant, (1.3,), ("x",)),
    (early_return, (3.0, 0.5), ("x", "y")),
    (early_return, (1.0, 0.5), ("x", "y")),
    (recursion, (1.2,), ("x",)),
    (integer_argument, (1.3, 3), ("x",)),
]


def pair(x, y):
    """A tuple-valued function, for Jacobians."""
    return x * y, math.sin(x) + y**2, max(x, y)


JACOBIAN_CASES = [
    (pair, (0.4, 1.3), ("x", "y")),
    (pair, (1.4, 0.3), ("x",)),
    (seed, (3.0, 4.0), ("x", "y")),
]
