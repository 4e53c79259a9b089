# Found while fixing known bug (i) of round three, 2026-12-04: a silent wrong gradient
# (3.0 for 6.0 at x = 1.5).  Was: a value popped off a list is of unknown kind, and the
# join of unknown with the int `y = 0` had is int, which carries no derivative: y * x
# was differentiated as if y were a constant.  A pop of a differentiated user list into a
# name that held an int is now of the array kind (analysis._pops_user_list).
import numpy as np


def f(x, v):
    y = 0
    st = []
    st.append(x * 2.0)
    st.append(np.sin(v) * x)
    z = st.pop()
    y = st.pop()
    return y * x + np.sum(z * v)


ARGS = {"x": 1.5, "v": np.array([0.3, -0.8])}
WRT = ("x", "v")
HESSIAN = True
EXPECT = "ok"
