"""normalize: for loops over a list (unpacking its tuples), over enumerate and over zip
become loops over range that index the sequences.

Rewrite the expected part with `python tests/regen_stages.py`.
"""


def f(w, xs, ys):
    data = [(0.5, 1.0), (-1.0, 0.3)]
    loss = 0.0
    for x, label in data:
        loss = loss + (w * x - label) ** 2
    for i, v in enumerate(xs):
        loss = loss + v * w * i
    for a, b in zip(xs, ys):
        loss = loss + a * b
    return loss


# --- expected
# def f(w, xs, ys):
#     data = [(0.5, 1.0), (-1.0, 0.3)]
#     loss = 0.0
#     for i1 in range(len(data)):
#         t1 = data[i1]
#         if len(t1) != 2:
#             raise ValueError('wrong number of values to unpack (expected 2)')
#         x = t1[0]
#         label = t1[1]
#         loss = loss + (w * x - label) ** 2
#     for i in range(len(xs)):
#         v = xs[i]
#         loss = loss + v * w * i
#     for i2 in range(min(len(xs), len(ys))):
#         a = xs[i2]
#         b = ys[i2]
#         loss = loss + a * b
#     return loss
