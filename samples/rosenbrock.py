"""N-dimensional Rosenbrock, minimized with SciPy using srcdiff's gradient and Hessian."""

import numpy as np


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


if __name__ == "__main__":
    import srcdiff

    x0 = np.full(10, -1.0)
    grad = srcdiff.grad(rosenbrock)
    print("f(x0) =", rosenbrock(x0), " |grad f(x0)| =", np.linalg.norm(grad(x0)))
    try:
        from scipy.optimize import minimize
    except ImportError:
        print("SciPy is not installed: skipping the minimization")
    else:
        result = minimize(rosenbrock, x0, jac=grad, method="BFGS")
        print("BFGS:", result.nit, "iterations, f =", result.fun)
        hessp = lambda x, v: srcdiff.hvp(rosenbrock, (x,), v)  # noqa: E731
        result = minimize(rosenbrock, x0, jac=grad, hessp=hessp, method="Newton-CG")
        print("Newton-CG with srcdiff.hvp:", result.nit, "iterations, f =", result.fun)
