"""srcdiff: source-to-source automatic differentiation for Python and NumPy.

Reads a function's source and writes a new Python function that computes
its derivatives -- no tape, no tracing at run time.

    >>> import srcdiff
    >>> def f(x, y):
    ...     return x**2 * y + y + 2
    >>> srcdiff.grad(f, wrt=("x", "y"))(3.0, 4.0)   # doctest: +SKIP
    (24.0, 10.0)
"""

from .api.check import check_grad
from .api.compare import compare
from .api.gradients import grad, source, value_and_grad
from .api.symbolic import symbolic
from .api.tape import GradientTape
from .api.transforms import hessian, hvp, jacobian, jvp, vjp
from .errors import (
    ArgumentError,
    BackendError,
    DomainError,
    GradientCheckError,
    MissingDependencyError,
    NonScalarOutputError,
    NoRuleError,
    NotPicklableError,
    NotSymbolicError,
    SourceUnavailableError,
    SrcDiffError,
    TapeError,
    UnsupportedSyntaxError,
    WrtError,
)
from .rules import register_rule
from .runtime.core import stop_gradient
from .runtime.trees import (
    register_pytree_node,
    tree_flatten,
    tree_leaves,
    tree_map,
    tree_unflatten,
)
from .version import __version__

__all__ = [
    "grad",
    "value_and_grad",
    "source",
    "check_grad",
    "compare",
    "register_rule",
    "jvp",
    "vjp",
    "jacobian",
    "hessian",
    "hvp",
    "stop_gradient",
    "symbolic",
    "GradientTape",
    "register_pytree_node",
    "tree_flatten",
    "tree_unflatten",
    "tree_leaves",
    "tree_map",
    "SrcDiffError",
    "UnsupportedSyntaxError",
    "NoRuleError",
    "WrtError",
    "SourceUnavailableError",
    "NotPicklableError",
    "NotSymbolicError",
    "NonScalarOutputError",
    "ArgumentError",
    "DomainError",
    "GradientCheckError",
    "BackendError",
    "MissingDependencyError",
    "TapeError",
    "__version__",
]
