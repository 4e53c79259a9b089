"""The generated sources kept under tests/golden/: (file stem, sample, function, wrt, at).

Regenerate after an intended change to generated code with:

    python tests/regen_golden.py

and review the diff like any other code change.
"""

import os

import numpy as np  # noqa: F401  (for `at` values of NumPy samples)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "tests", "golden")

CASES = [
    ("seed_f", "seed", "f", ("x", "y"), None),
    ("physics_projectile_range", "physics", "projectile_range", ("speed", "angle", "height"), None),
    ("physics_pendulum", "physics", "pendulum", ("theta0", "damping"), None),
    ("activations_softplus", "activations", "softplus", ("x",), None),
    ("activations_gelu", "activations", "gelu", ("x",), None),
    ("activations_swish", "activations", "swish", ("x", "beta"), None),
    ("helpers_log_loss", "helpers", "log_loss", ("w1", "w2", "b"), None),
]


def load(sample, function):
    import importlib.util
    import sys
    path = os.path.join(ROOT, "samples", sample + ".py")
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location(f"samples_{sample}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, function)


def generate(sample, function, wrt, at):
    import srcdiff
    text = srcdiff.source(load(sample, function), wrt=wrt, at=at)
    # Paths in comments are relative to samples/, so golden files don't depend on the checkout.
    return text
