"""emit: backward-sweep statements get `# line N: ...` comments naming the user line they
differentiate (once per run of statements from the same line); comments start at the
statement marked @comments, so the forward sweep has none; sections get headings.

Rewrite the expected part with `python tests/regen_stages.py`.
"""
import math


def f(x, y):
    z = x * y
    return math.sin(z) + y


def f_grad(x, y):
    """Gradient of f with respect to x, y (reverse mode)."""
    z = x * y  # @line 11 @section forward sweep
    dz = math.cos(z)  # @line 12 @section backward sweep @comments
    dy = 1.0  # @line 12
    dx = dz * y  # @line 11
    dy = dy + dz * x  # @line 11
    return dx, dy


# --- expected
# def f_grad(x, y):
#     """Gradient of f with respect to x, y (reverse mode)."""
#     # forward sweep
#     z = x * y
#     # backward sweep
#     # line 12: return math.sin(z) + y
#     dz = math.cos(z)
#     dy = 1.0
#     # line 11: z = x * y
#     dx = dz * y
#     dy = dy + dz * x
#     return dx, dy
