"""The seed's own example, as written: TensorFlow's GradientTape, answered by srcdiff.

The seed computes its gradient with

    x, y = tf.Variable(3.0), tf.Variable(4.0)
    with tf.GradientTape() as tape:
        f = x**2 * y + y + 2
    tape.gradient(f, [x, y])      # [24.0, 10.0]

With `srcdiff.GradientTape` plain floats and NumPy arrays play the variables' role.
Nothing is recorded while the block runs: srcdiff reads the `with` block's source, turns
it into a function of the sources, and differentiates that by source transformation.

Run it: python samples/tape.py
"""

import numpy as np

import srcdiff


def least_squares(w, b, inputs, targets):
    """A tape inside a function, on arrays; persistent, so it answers twice."""
    with srcdiff.GradientTape(persistent=True) as tape:
        residual = inputs @ w + b - targets
        loss = np.mean(residual**2)
    dw, db = tape.gradient(loss, (w, b))
    return loss, dw, db, tape.jacobian(residual, w)


if __name__ == "__main__":
    # the seed's snippet, at module level (the tape's frame is the module's)
    x, y = 3.0, 4.0
    with srcdiff.GradientTape() as tape:
        f = x**2 * y + y + 2
    print(tape.gradient(f, [x, y]))  # [24.0, 10.0]
    print(tape.source())

    rng = np.random.default_rng(0)
    inputs, targets = rng.normal(size=(4, 2)), rng.normal(size=4)
    loss, dw, db, jac = least_squares(np.array([0.5, -0.25]), 0.1, inputs, targets)
    print("loss", round(loss, 6), "dloss/dw", np.round(dw, 6), "dloss/db", round(db, 6))
    print("d residual / dw equals the inputs:", np.allclose(jac, inputs))
