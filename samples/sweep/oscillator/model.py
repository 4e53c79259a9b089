"""The model `srcdiff build` differentiates: how far a damped oscillator, integrated
with Euler steps, is from observed positions.

Everything it reads comes in as arguments (no module globals), so the built module,
oscillator/model_grad.py, imports NumPy alone: a worker needs nothing else.
"""

import numpy as np


def misfit(k, c, observed, dt):
    """Mean squared distance between x(t) of x'' = -k x - c x' (x(0) = 1, x'(0) = 0)
    and `observed`, sampled every `dt`."""
    x = 1.0
    v = 0.0
    total = 0.0
    for i in range(len(observed)):
        a = -k * x - c * v
        x = x + dt * v
        v = v + dt * a
        total = total + (x - observed[i]) ** 2
    return total / len(observed)


def observations(n=2000, dt=0.005, k=4.0, c=0.3, noise=0.01, seed=0):
    """Positions of the oscillator with stiffness k and damping c, plus noise."""
    rng = np.random.default_rng(seed)
    x, v = 1.0, 0.0
    out = np.empty(n)
    for i in range(n):
        x, v = x + dt * v, v + dt * (-k * x - c * v)
        out[i] = x
    return out + noise * rng.standard_normal(n)
