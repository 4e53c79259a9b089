"""optimize: a temporary read once goes back into its reader, unless something between
changes what it reads (t2, as x is reassigned); the stack push between does not block.

Rewrite the expected part with `python tests/regen_stages.py`.
"""
import math

# adjoints: dx, dt3
# temps: t1, t2, t3


def forward(x, y, stack):
    t1 = math.exp(x)
    t2 = x * y
    stack.append(t1)
    t3 = t1 + 1.0
    x = x * 2.0
    out = t3 * t2 * x
    return out


# --- expected
# after propagate: (unchanged)
# after eliminate_dead: (unchanged)
# after fold_single_use:
# def forward(x, y, stack):
#     t1 = math.exp(x)
#     t2 = x * y
#     stack.append(t1)
#     x = x * 2.0
#     out = (t1 + 1.0) * t2 * x
#     return out
