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
from .api.transforms import hessian, hvp, jacobian, jvp, vjp
from .errors import (
    ArgumentError,
    DomainError,
    GradientCheckError,
    MissingDependencyError,
    NonScalarOutputError,
    NoRuleError,
    NotPicklableError,
    NotSymbolicError,
    SourceUnavailableError,
    SrcDiffError,
    UnsupportedSyntaxError,
    WrtError,
)
from .rules import register_rule
from .runtime.core import stop_gradient
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
    "MissingDependencyError",
    "__version__",
]
