"""normalize: a return inside a loop sets a flag and leaves the loop; the code after the
loop runs only if the flag is not set.

Rewrite the expected part with `python tests/regen_stages.py`.
"""


def f(x, n):
    for i in range(n):
        x = x * 0.5
        if x < 0.1:
            return x + i
    x = x * x
    return x


# --- expected
# def f(x, n):
#     _returned1 = False
#     out = None
#     for i in range(n):
#         x = x * 0.5
#         if x < 0.1:
#             out = x + i
#             _returned1 = True
#         if _returned1:
#             break
#     if not _returned1:
#         x = x * x
#         out = x
#         _returned1 = True
#     return out
