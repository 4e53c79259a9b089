"""Rules for `scipy.stats.norm`: pdf, logpdf, cdf, logcdf, sf, logsf in x, loc and scale.

Imported by the rule table once `scipy.stats` is in sys.modules (rules/__init__.py).
`stats.norm` is an object (an instance of a distribution class), and `stats.norm.pdf`
a bound method: a call resolves to it (compiler/source.py resolves a method of an
object a module holds when the table has a rule for it), and the table is keyed by
it (bound methods compare equal when they bind the same function to the same
object).  Frozen distributions (`stats.norm(0, 1).pdf`) have no rule.

With z = (x - loc) / scale, every function is elementwise in (x, loc, scale) and
d/dloc = -d/dx, d/dscale = -z d/dx; the partials in x:

* logpdf: -z / scale;  pdf: -z pdf / scale;
* cdf: pdf / scale = exp(-z^2 / 2) / (sqrt(2 pi) scale);  sf: its negative;
* logcdf: exp(-z^2 / 2 - logcdf) / (sqrt(2 pi) scale), finite in the far tail where
  pdf and cdf both underflow;  logsf: the same with -z.
"""

import math

import numpy as np
from scipy import stats

from .core import RULES, Rule, make_rule

NS = {"np": np, "math": math}

#: Every rule this module registers, in order (tests walk it).
REGISTERED: list[Rule] = []

_Z = "((x - loc) / scale)"
_SQ2PI = "math.sqrt(2 * math.pi)"
_DX = {
    "logpdf": f"-{_Z} / scale",
    "pdf": f"-{_Z} * out / scale",
    "cdf": f"np.exp(-0.5 * {_Z} ** 2) / ({_SQ2PI} * scale)",
    "sf": f"-np.exp(-0.5 * {_Z} ** 2) / ({_SQ2PI} * scale)",
    "logcdf": f"np.exp(-0.5 * {_Z} ** 2 - out) / ({_SQ2PI} * scale)",
    "logsf": f"-np.exp(-0.5 * {_Z} ** 2 - out) / ({_SQ2PI} * scale)",
}
_DSCALE = {  # -z d/dx, with logpdf's and pdf's -1 / scale from the normalisation
    "logpdf": f"({_Z} ** 2 - 1) / scale",
    "pdf": f"({_Z} ** 2 - 1) * out / scale",
}

for _name, _dx in _DX.items():
    _rule = make_rule(
        getattr(stats.norm, _name),
        "x, loc=0, scale=1",
        partials={
            "x": _dx,
            "loc": f"-({_dx})",
            "scale": _DSCALE.get(_name, f"-{_Z} * ({_dx})"),
        },
        namespace=NS,
        label=f"scipy.stats.norm.{_name}",
    )
    REGISTERED.append(_rule)
    RULES.add(_rule)
