"""Tiny module-level wrappers, one per scalar primitive, for tests/test_rules_scalar.py.

srcdiff reads source, so every wrapper is a real `def` in a real file.
Each wrapper's parameters are named after the rule's parameters.
"""

import math
import sys

from srcdiff.runtime import core as runtime

# --- operators -----------------------------------------------------------------


def op_add(x, y):
    return x + y


def op_sub(x, y):
    return x - y


def op_mult(x, y):
    return x * y


def op_div(x, y):
    return x / y


def op_pow(x, y):
    return x**y


def op_mod(x, y):
    return x % y


def op_usub(x):
    return -x


def op_uadd(x):
    return +x


def op_floordiv(x, y):
    return x // y


# operators with a constant operand (int and float constants)


def op_pow_int3(x):
    return x**3


def op_pow_half(x):
    return x**0.5


def op_pow_neg2(x):
    return x**-2


def op_rpow_2(x):
    return 2**x


def op_rdiv_3(x):
    return 3.0 / x


def op_div_3(x):
    return x / 3


def op_rsub_1(x):
    return 1 - x


def op_mod_const(x):
    return x % 1.5


def op_rmod_const(x):
    return 7.0 % x


def op_usub_nested(x):
    return -(-x * x)


# --- math ------------------------------------------------------------------------


def math_sin(x):
    return math.sin(x)


def math_cos(x):
    return math.cos(x)


def math_tan(x):
    return math.tan(x)


def math_asin(x):
    return math.asin(x)


def math_acos(x):
    return math.acos(x)


def math_atan(x):
    return math.atan(x)


def math_atan2(y, x):
    return math.atan2(y, x)


def math_sinh(x):
    return math.sinh(x)


def math_cosh(x):
    return math.cosh(x)


def math_tanh(x):
    return math.tanh(x)


def math_asinh(x):
    return math.asinh(x)


def math_acosh(x):
    return math.acosh(x)


def math_atanh(x):
    return math.atanh(x)


def math_exp(x):
    return math.exp(x)


def math_expm1(x):
    return math.expm1(x)


if sys.version_info >= (3, 11):

    def math_exp2(x):
        return math.exp2(x)

    def math_cbrt(x):
        return math.cbrt(x)


def math_log(x):
    return math.log(x)


def math_log_base(x, base):
    return math.log(x, base)


def math_log2(x):
    return math.log2(x)


def math_log10(x):
    return math.log10(x)


def math_log1p(x):
    return math.log1p(x)


def math_sqrt(x):
    return math.sqrt(x)


def math_pow(x, y):
    return math.pow(x, y)


def math_hypot(x, y):
    return math.hypot(x, y)


def math_fsum(x, y, z):  # (fsum takes one list: its items are expressions in x, y, z)
    return math.fsum([x, y * z, x * x, 0.5])


def math_erf(x):
    return math.erf(x)


def math_erfc(x):
    return math.erfc(x)


def math_fabs(x):
    return math.fabs(x)


def math_copysign(x, y):
    return math.copysign(x, y)


def math_degrees(x):
    return math.degrees(x)


def math_radians(x):
    return math.radians(x)


# --- builtins ----------------------------------------------------------------------


def bi_abs(x):
    return abs(x)


def bi_float(x):
    return float(x)


def bi_pow(x, y):
    return pow(x, y)


def bi_max(x, y):
    return max(x, y)


def bi_divmod(x, y):
    q, r = divmod(x, y)  # (the quotient times x: its zero derivative shows)
    return r + 3.0 * q * x


def bi_min(x, y):
    return min(x, y)


def bi_max3(x, y, z):
    return max(x, y, z)


def bi_min3(x, y, z):
    return min(x, y, z)


def bi_max4(x, y, z, w):
    return max(x, y, z, w)


def bi_min4(x, y, z, w):
    return min(x, y, z, w)


# --- srcdiff's scalar runtime helper (differentiable, for higher derivatives) ------------


def rt_pow_dexp(p, x):
    return runtime.pow_dexp(p, x)


# --- nondifferentiable primitives: the result carries no derivative ------------------


def nd_floor(x):
    return math.floor(x)


def nd_floor_times(x):
    k = math.floor(x)
    return k * x


def nd_ceil(x):
    return math.ceil(x)


def nd_ceil_times(x):
    k = math.ceil(x)
    return k * x


def nd_trunc(x):
    return math.trunc(x)


def nd_trunc_times(x):
    k = math.trunc(x)
    return k * x


def nd_isnan(x):
    return math.isnan(x)


def nd_isnan_times(x):
    k = math.isnan(x)
    return k * x + x


def nd_isinf(x):
    return math.isinf(x)


def nd_isinf_times(x):
    k = math.isinf(x)
    return k * x + x


def nd_isfinite(x):
    return math.isfinite(x)


def nd_isfinite_times(x):
    k = math.isfinite(x)
    return k * x


def nd_floordiv(x):
    return x // 1.5


def nd_floordiv_times(x):
    k = x // 1.5
    return k * x


def nd_len(x, xs):
    return len(xs)


def nd_len_times(x, xs):
    n = len(xs)
    return n * x


def nd_int(x):
    return int(x)


def nd_int_times(x):
    k = int(x)
    return k * x


def nd_round(x):
    return round(x)


def nd_round_times(x):
    k = round(x)
    return k * x


def nd_bool(x):
    return bool(x)


def nd_bool_times(x):
    k = bool(x)
    return k * x


def nd_range(x):
    s = 0.0
    for i in range(int(x)):
        s = s + i
    return s


def nd_range_times(x):
    s = 0.0
    for i in range(int(x)):
        s = s + i * x
    return s


def math_gamma(x):
    return math.gamma(x)


def math_lgamma(x):
    return math.lgamma(x)


def math_fmod(x, y):
    return math.fmod(x, y)


def math_remainder(x, y):
    return math.remainder(x, y)


def math_ldexp(x, i):
    return math.ldexp(x, i)


def rt_psi(n, x):
    return runtime.psi(n, x)


def nd_any(x):
    return any([x > 1.0, x < -5.0])


def nd_any_times(x):
    k = any([x > 1.0, x < -5.0])
    return k * x


def nd_all(x):
    return all([x > 1.0, x < 5.0])


def nd_all_times(x):
    k = all([x > 1.0, x < 5.0])
    return k * x


def nd_isinstance(x):
    return isinstance(x, float)


def nd_isinstance_times(x):
    k = isinstance(x, float)
    return k * x


def nd_callable(x):
    return callable(x)


def nd_callable_times(x):
    k = callable(x)
    return k * x + x
