# Found by hand on autograd's variational_autoencoder example (2026-12-07): refused.
# Was: any call with *args or **kwargs was refused, `rs.randn(*mean.shape)` too, where
# nothing spread has a derivative.  Such a call is now kept as it is, an inactive value;
# one that spreads a differentiated value is still refused.
import numpy as np


def f(m, log_s):
    eps = np.random.RandomState(0).randn(*m.shape)
    z = m + np.exp(log_s) * eps
    return np.sum(np.sum(z**2, axis=0) * np.ones(*m.shape[1:]))


ARGS = {"m": np.array([[0.3, -0.2], [0.5, 0.1], [0.4, -0.7]]), "log_s": -0.5}
WRT = ("m", "log_s")
HESSIAN = True
EXPECT = "ok"
