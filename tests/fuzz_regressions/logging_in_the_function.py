# Found by hand (adversarial campaign adv4, 2026-12-07): refused, with a wrong hint.
# Was: `log.info("x=%s", x)` of a module's Logger was "srcdiff cannot differentiate
# through .info(), which may change log in place", hinting to build a list with
# append.  Now logging's calls (logging.info, a Logger's or LoggerAdapter's methods)
# are kept as print() is: they read the values to report them and change none.
import logging

import numpy as np

log = logging.getLogger("srcdiff.tests.adv4")
adapter = logging.LoggerAdapter(log, {})


def f(x):
    log.debug("x=%s", x)
    y = np.sum(x**2)
    logging.debug("y=%s", y)
    adapter.debug("twice %s", y * 2)
    log.log(logging.DEBUG, "first %s", x[0])
    return y * x[0]


ARGS = {"x": np.array([0.3, 0.5, -0.2])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"
