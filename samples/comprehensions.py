"""Losses written the way people write Python: a generator inside sum, a comprehension
with an `if`. srcdiff rewrites each into the loop one would write by hand."""


def poly(c, x):
    """c[0] + c[1] x + c[2] x**2 + ..., as a generator summed."""
    return sum(c[k] * x**k for k in range(len(c)))


def hinge(w, xs):
    """The hinge losses of the points a line misclassifies, from a list comprehension."""
    losses = [1.0 - w * x for x in xs if w * x < 1.0]
    return sum(losses)


if __name__ == "__main__":
    import srcdiff

    print("d poly / d x:", srcdiff.grad(poly, wrt="x")([1.0, 2.0, 3.0], 0.5))
    print("d hinge / d w:", srcdiff.grad(hinge)(0.5, [1.0, 3.0, -1.0]))
