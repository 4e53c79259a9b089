import numpy as np


def total(x):
    return np.sum(x * x)


def per_column(x, w):
    return np.sum(np.sum(x * x, axis=0) * w)


def same_shapes(x):
    z = np.sin(x) * x + 2.0 * x
    return np.sum(z * z)


def may_broadcast(x, y):
    return np.sum(np.sin(x) * y)


def column_sums(x):
    return np.sum(x * x, axis=0)


def broadcast_row(x, b):
    return np.sum((x + b) ** 2)


def shifted(x):
    return np.sum(x[1:] * x[:-1])


def gather_twice(x, idx):
    return np.sum(x[idx] ** 2)


def view_then_write(x):
    y = np.zeros(4)
    y[:2] = x[:2] * 2.0
    y[2:] = x[2:] ** 2
    z = y[1:3]
    y[1] = 5.0
    return np.sum(z * y[1:3])


def copy_then_write(x):
    y = np.zeros(4)
    y[:2] = x[:2] * 2.0
    y[2:] = x[2:] ** 2
    z = y[1:3].copy()
    y[1] = 5.0
    return np.sum(z * y[1:3])


def alias_then_write(x):
    y = x * 1.0
    z = y
    y[0] = 2.0
    return np.sum(z * x)


def mask_write(x):
    y = x * 2.0
    y[y < 0] = 0.0
    return np.sum(y * x)


def rows(A):
    s = 0.0
    for row in A:
        s = s + np.sum(row * row) * row[0]
    return s


def fancy_write(x, idx):
    y = np.zeros(3)
    y[idx] = x
    return y[0] * 3.0 + y[1]


def accumulate_with_add_at(x, idx):
    y = np.zeros(3)
    np.add.at(y, idx, x)
    return y[0] * 3.0 + y[1]


def accumulate_in_a_loop(x, idx):
    y = np.zeros(3)
    for k in range(len(idx)):
        y[idx[k]] += x[k]
    return y[0] * 3.0 + y[1]


def mismatched_trims(x):
    return np.sum(x[1:] * x[2:3])


def product_loss(a, b):
    """A product of operands of any rank up to 2, weighted so the cotangent is not ones."""
    p = a @ b
    return np.sum(np.sin(p) * (1.0 + np.arange(np.size(p)).reshape(np.shape(p))))


def dot_loss(a, b):
    p = np.dot(a, b)
    return np.sum(np.cos(p))


def softmax_loss(x, w):
    """Shifts and normalisations by keepdims reductions keep x's shape."""
    shifted = x - np.max(x, axis=1, keepdims=True)
    logp = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return np.sum(logp * w)


def centred_loss(x):
    c = x - np.mean(x, axis=(0, -1), keepdims=True)
    return np.sum(c * c * np.arange(x.size).reshape(x.shape))


def shifted_or_constant(x, c):
    """In one branch the shifted array's adjoint is a shapeless zero."""
    y = x - np.max(x, axis=1, keepdims=True)
    if c > 0:
        out = np.sum(y * y)
    else:
        out = 1.0
    return out


def pick_per_row(p, labels):
    # each row gives up one element: the pairs (i, labels[i]) are distinct
    return np.sum(np.log(p[np.arange(p.shape[0]), labels]) * 1.5)


def pick_by_len(p, labels):
    return np.sum(p[np.arange(len(labels)), labels] ** 2)


def pick_twice(p, labels):
    # the same positions picked twice: the second adjoint adds to the first
    a = p[np.arange(p.shape[0]), labels]
    b = p[np.arange(p.shape[0]), labels]
    return np.sum(a * b)


def pick_grid(p, rows):
    # a 2-D index broadcasts the arange: positions repeat
    return np.sum(p[np.arange(p.shape[1]), rows] ** 2)


def pick_from(p, labels, start):
    return np.sum(p[np.arange(start, p.shape[0]), labels] ** 2)


def pick_rows(p, rows):
    return np.sum(p[rows, np.arange(p.shape[1])] ** 2)
