"""A small regression network whose parameters are a nested dict, trained two ways: plain
gradient descent on the dict (srcdiff's gradient is a dict of the same shape), and
scipy.optimize.minimize on a flat vector made with srcdiff.tree_flatten."""

import numpy as np


def predict(params, x):
    """A tanh layer, then a linear one: `params["hidden"]["w"]`, ... read as leaves."""
    h = np.tanh(x @ params["hidden"]["w"] + params["hidden"]["b"])
    return h @ params["out"]["w"] + params["out"]["b"]


def loss(params, x, y):
    """Mean squared error plus a small L2 penalty on every weight matrix."""
    err = predict(params, x) - y
    penalty = sum(np.sum(layer["w"] ** 2) for layer in params.values())
    return np.mean(err**2) + 1e-3 * penalty


def unit_loss(params, x, y):
    """One linear unit's squared error (README shows its generated code)."""
    err = params["w"] * x + params["b"] - y
    return err * err


def init(n_in=2, n_hidden=8, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "hidden": {"w": rng.normal(scale=0.5, size=(n_in, n_hidden)), "b": np.zeros(n_hidden)},
        "out": {"w": rng.normal(scale=0.5, size=n_hidden), "b": 0.0},
    }


def make_data(n=64, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    return x, np.sin(2.0 * x[:, 0]) * x[:, 1]


def flat_view(params):
    """(vector of every leaf, function from such a vector back to a nested dict)."""
    import srcdiff

    leaves, treedef = srcdiff.tree_flatten(params)
    shapes = [np.shape(leaf) for leaf in leaves]
    sizes = [int(np.prod(s)) for s in shapes]

    def unflatten(vector):
        parts, start = [], 0
        for shape, size in zip(shapes, sizes):
            part = vector[start : start + size].reshape(shape)
            parts.append(float(part) if shape == () else part)
            start += size
        return srcdiff.tree_unflatten(treedef, parts)

    vector = np.concatenate([np.ravel(leaf) for leaf in leaves])
    return vector, unflatten


if __name__ == "__main__":
    import scipy.optimize

    import srcdiff

    x, y = make_data()
    step = srcdiff.value_and_grad(loss)

    print("gradient descent on the nested dict:")
    params = init()
    for it in range(201):
        value, g = step(params, x, y)  # g: {"hidden": {"w": ..., "b": ...}, "out": {...}}
        params = srcdiff.tree_map(lambda p, d: p - 0.3 * d, params, g)
        if it % 40 == 0:
            print(f"  step {it:3d}  loss {value:.5f}")

    print("scipy.optimize.minimize (L-BFGS-B) on the flattened parameters:")
    start, unflatten = flat_view(init())

    def fun(vector):
        value, g = step(unflatten(vector), x, y)
        return value, flat_view(g)[0]

    result = scipy.optimize.minimize(fun, start, jac=True, method="L-BFGS-B")
    print(f"  {result.nit} iterations  loss {result.fun:.5f}  converged: {result.success}")
