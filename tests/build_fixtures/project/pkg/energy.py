"""A module whose top level must not run under `srcdiff build --no-import`.

With BUILD_FIXTURE_EXPLODE set, importing it raises: the static build must
still succeed (and equal the importing build made without the variable).
"""

import math
import os

from . import helpers as h
from .helpers import scale

if os.environ.get("BUILD_FIXTURE_EXPLODE"):
    raise RuntimeError("module-level code of pkg.energy ran")

OFFSET = 2 * 0.25 + 1
RATE = OFFSET ** 2 / 4


def compute():
    return 3.0


UNKNOWN = compute()


def energy(x, y):
    """Reads a project import, an aliased project module, math and a constant."""
    return scale(x) * math.sin(y) + RATE * x + h.square(y)


def needs_unknown(x):
    """UNKNOWN is bound by a call: --no-import can't decide it."""
    return x * UNKNOWN
