# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: tests/golden_inputs.py, two_squares; reverse mode with respect to x, y
#   32 | def square(z):
#   33 |     return z * z
#
#   36 | def two_squares(x, y):
#   37 |     """A user helper called twice the same way: its derivative code is generated once."""
#   38 |     return square(x) + square(x * y)
# --- check: run at each point, the generated code returns the `->` values
# x = 0.7
# y = -1.5
# -> dx = 4.55
# -> dy = -1.47
# --- generated
def two_squares_grad(x, y):
    """Gradient of two_squares with respect to x, y (reverse mode)."""
    # forward sweep
    _stack = []
    square_fwd(_stack, x)
    square_fwd_2(_stack, x * y)
    # backward sweep
    # line 38: return square(x) + square(x * y)
    dt2 = square_bwd_2(_stack, 1.0)
    dx = dt2 * y
    dy = dt2 * x
    g1 = square_bwd(_stack, 1.0, x)
    dx = dx + g1
    return dx, dy


def square_fwd(_stack, z):
    """Forward sweep of square: its value, saving what the backward sweep needs."""
    out = z * z
    return out


def square_bwd(_stack, dout, z):
    """Backward sweep of square: adjoints of z."""
    # line 33: return z * z
    dz = dout * z + dout * z
    return dz


def square_fwd_2(_stack, z):
    """Forward sweep of square: its value, saving what the backward sweep needs."""
    out = z * z
    _stack.append(z)
    return out


def square_bwd_2(_stack, dout):
    """Backward sweep of square: adjoints of z."""
    z = _stack.pop()
    # line 33: return z * z
    dz = dout * z + dout * z
    return dz
