"""Rules for `scipy.signal.convolve` (N-dimensional, modes 'full', 'same', 'valid').

Imported by the rule table once `scipy.signal` is in sys.modules (rules/__init__.py).
Convolution is bilinear: the tangent is the convolution with the tangent in place of
its argument.  'same' and 'valid' are centred parts of the full result
(runtime/special.py `centered`), so a cotangent is first put back in place in a full
one (`embed_centered`); the cotangent of in1 is then the full cotangent correlated
with in2 -- convolve(G, flip(in2), 'valid'), of in1's shape -- and the same for in2.
"""

import numpy as np
from scipy import signal

from ..runtime import special as rs
from .core import RULES, Rule, make_rule

NS = {"np": np, "signal": signal, **{name: getattr(rs, name) for name in rs.__all__}}

#: Every rule this module registers, in order (tests walk it).
REGISTERED: list[Rule] = []

_FULL = "embed_centered(g, full_shape(in1, in2))"
REGISTERED.append(
    make_rule(
        signal.convolve,
        "in1, in2, mode='full', method='auto'",
        jvp={
            "in1": "signal.convolve(t, in2, mode, method)",
            "in2": "signal.convolve(in1, t, mode, method)",
        },
        vjp={
            "in1": f"signal.convolve({_FULL}, np.flip(in2), 'valid', method)",
            "in2": f"signal.convolve({_FULL}, np.flip(in1), 'valid', method)",
        },
        namespace=NS,
        result="array",
        label="scipy.signal.convolve",
    )
)
RULES.add(REGISTERED[-1])
