# Found by hand (code written as users write it, 2026-12-07): a silent wrong value in
# reverse mode.  Was: the cotangents of the arrays np.stack / np.concatenate / np.dstack
# joined came back as a Python list, and a list joined twice (before and after an
# append) had its adjoint accumulated with `+`, which joined the two lists rather than
# adding them: `drows + stack_vjp(...)` four long for two rows, the rows' gradients
# read from the wrong end (26 for 29 in the first entry here; forward mode was right).
# They now come back as a list's adjoint is held in generated code, an array indexed
# like the list (runtime.rows_of).
import numpy as np


def f(v, a):
    rows = [v[0] * 2.0, v[1]]
    m = np.stack(rows)
    rows.append(v[2] * v[0])
    m2 = np.stack(rows, axis=1)
    parts = [a, v[0, :1]]
    c = np.concatenate(parts)
    parts.append(a * 2.0)
    d = np.concatenate(parts)
    layers = [v[:, :1], v[:, 1:]]
    e = np.dstack(layers)
    layers.append(v[:, :1] * a[0])
    e2 = np.dstack(layers)
    return (
        np.sum(m**2)
        + np.sum(np.tanh(m2))
        + np.sum(c**2)
        + np.sum(d**3)
        + np.sum(e * e)
        + np.sum(np.sin(e2))
    )


ARGS = {
    "v": np.array([[0.3, -0.7], [1.1, 0.4], [-0.5, 0.9]]),
    "a": np.array([0.6, -0.2]),
}
WRT = ("v", "a")
HESSIAN = True
EXPECT = "ok"
