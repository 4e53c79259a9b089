"""The helpers generated code calls: `core` (scalars, broadcasting, adjoint
bookkeeping), `arrays` (what NumPy's derivative templates need) and `special` (what
the SciPy rules' templates need; NumPy only); `spellings`: NumPy calls as the Numba
backend spells them (`reduce_axis`).

Imports nothing from srcdiff (except error classes, lazily, when srcdiff is
installed): `srcdiff build` copies the helpers a module uses into it.  Every helper
is re-exported here, so printed code can say `from srcdiff.runtime import ...`.

`fd` (finite differences, `numeric_grad`) is not called by generated code: it is
here to be copied the same way, into the tests `srcdiff build --emit-tests` writes,
and is not re-exported.
"""

from . import arrays, checkpoints, core, gathers, linalg, lists, special, spellings
from .arrays import *  # noqa: F403
from .checkpoints import *  # noqa: F403
from .core import *  # noqa: F403
from .gathers import *  # noqa: F403
from .linalg import *  # noqa: F403
from .lists import *  # noqa: F403
from .special import *  # noqa: F403
from .spellings import *  # noqa: F403

__all__ = sorted(
    set(core.__all__)
    | set(arrays.__all__)
    | set(checkpoints.__all__)
    | set(gathers.__all__)
    | set(linalg.__all__)
    | set(lists.__all__)
    | set(special.__all__)
    | set(spellings.__all__)
)
