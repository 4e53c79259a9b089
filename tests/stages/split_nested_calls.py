"""split: an assignment with nested calls becomes three-address ops, one primitive each;
inactive operands (constants, the loop counter) stay inline.

Rewrite the expected part with `python tests/regen_stages.py`.
"""
import math

# wrt: x, y


def f(x, y, n):
    z = math.sin(x * y + math.exp(-x)) / (1.0 + y ** 2)
    for i in range(n):
        z = z + math.log(z * i + 1.0)
    return z


# --- expected
# def f(x, y, n):
#     z = math.sin(x * y + math.exp(-x)) / (1.0 + y ** 2)
#         -> t1 = x * y         # rule *; active: x, y
#         -> t2 = -x            # rule unary -; active: x
#         -> t3 = math.exp(t2)  # rule math.exp; active: t2
#         -> t4 = t1 + t3       # rule +; active: t1, t3
#         -> t5 = math.sin(t4)  # rule math.sin; active: t4
#         -> t6 = y ** 2        # rule **; active: y
#         -> t7 = 1.0 + t6      # rule +; active: t6
#         -> z = t5 / t7        # rule /; active: t5, t7
#     for i in range(n):
#         z = z + math.log(z * i + 1.0)
#             -> t8 = z * i          # rule *; active: z
#             -> t9 = t8 + 1.0       # rule +; active: t8
#             -> t10 = math.log(t9)  # rule math.log; active: t9
#             -> z = z + t10         # rule +; active: z, t10
#     return z
