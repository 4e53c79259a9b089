# Found by hand on autograd's variational_autoencoder example (2026-12-07): a crash in
# both modes.  Was: `a, b = h(x)` where h returns one value -- a list, an array, or a
# tuple it got from another call (`return split_half(v)`) -- called h's backward sweep
# with one cotangent per name where it takes one (TypeError from generated code), and
# forward mode unpacked too few tangents.  The value is now named and read by index,
# as `r = h(x); a, b = r` is; forward mode keeps the tangents of all the names (it
# dropped those of all but the last, as if they were temporaries).
import numpy as np


def split_half(v):
    d = np.shape(v)[-1] // 2
    return v[:, :d], v[:, d:]


def predict(w, x):
    return split_half(np.tanh(x @ w))


def pair_list(s):
    return [s, 2.0 * s]


def f(w, x, s):
    a, b = predict(w, x)
    p, q = pair_list(s)
    return np.sum(a * np.exp(b)) + p * q


ARGS = {
    "w": np.array([[0.3, -0.2, 0.5, 0.1], [0.4, 0.2, -0.6, 0.3], [-0.1, 0.7, 0.2, -0.4]]),
    "x": np.array([[0.5, -1.0, 0.3], [0.2, 0.8, -0.6]]),
    "s": 1.3,
}
WRT = ("w", "x", "s")
HESSIAN = True
EXPECT = "ok"
