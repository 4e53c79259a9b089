"""The reference example: f(x, y) = x**2*y + y + 2.

At (3, 4): f = 42, df/dx = 2xy = 24, df/dy = x**2 + 1 = 10.
"""


def f(x, y):
    return x**2 * y + y + 2


if __name__ == "__main__":
    import srcdiff

    print("f(3, 4) =", f(3.0, 4.0))
    print("grad f(3, 4) =", srcdiff.grad(f, wrt=("x", "y"))(3.0, 4.0))
    print()
    print(srcdiff.source(f, wrt=("x", "y")))
