"""The four ways to a derivative, side by side: `srcdiff.compare` (`srcdiff compare`).

Three functions, three lessons:

* f, the reference example f(x, y) = x**2*y + y + 2 at (3, 4): df/dx = 24, df/dy = 10;
* wiggle(x) = exp(x) * sin(1 / x) at x = 0.3: smooth there, but curving fast, so
  finite differences' truncation error is large at big steps and rounding error at
  small ones (the V that `srcdiff compare ... --plot` draws);
* sum_of_squares(w) of 100 inputs: finite differences take 101 or 200 evaluations and
  forward mode 100 passes, reverse mode one forward and one backward pass.

Run it: python samples/four_methods.py
"""

import math

import numpy as np
from seed import f  # the reference example


def wiggle(x):
    return math.exp(x) * math.sin(1 / x)


def sum_of_squares(w):
    return np.sum(w**2)


if __name__ == "__main__":
    import srcdiff

    print(srcdiff.compare(f, 3.0, 4.0))
    print()
    print(srcdiff.compare(wiggle, 0.3))
    print()
    print(srcdiff.compare(sum_of_squares, np.linspace(-1.0, 1.0, 100)))
