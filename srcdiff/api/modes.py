"""Which mode "auto" picks: jacobian's choice for each input, grad's and
value_and_grad's for each call (a gradient has one output element), one rule for both."""

from __future__ import annotations

import inspect

import numpy as np

from ..runtime.trees import tree_leaves

# A forward pass (one input direction) costs 0.4-0.5 of a backward pass (one output
# element) of the same function: benchmarks/bench_higher.py (a) measured 4.7 vs 13.1 us
# (tanh(A @ x)) and 17.2 vs 33.5 us (4 tanh layers), crossovers at n = 2-3 m.
FORWARD_PER_REVERSE = 2


def auto_mode(in_size, out_size):
    """The mode "auto" picks for a Jacobian of `out_size` x `in_size` elements: forward
    while its passes (one per input element) cost less than reverse mode's (one per
    output element), a forward pass costing 1 / FORWARD_PER_REVERSE of a backward one."""
    return "forward" if in_size < FORWARD_PER_REVERSE * out_size else "reverse"


def gradient_mode(func, names, args, kwargs):
    """`auto_mode` of a gradient (one output element) for a call of `func` with `args`:
    its input size is the number of values in the parameters `names` (leaves of
    containers counted one by one).  Reverse where the call does not bind them all (a
    bound method's object, wrong arguments: reverse mode then says what is wrong)."""
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return "reverse"
    bound.apply_defaults()
    if not all(name in bound.arguments for name in names):
        return "reverse"
    size = sum(int(np.size(leaf)) for name in names for leaf in tree_leaves(bound.arguments[name]))
    return auto_mode(size, 1)
