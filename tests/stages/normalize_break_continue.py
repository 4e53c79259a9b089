"""normalize: `continue` and `break` become flags; the only jump left is a final
`if flag: break`.

Rewrite the expected part with `python tests/regen_stages.py`.
"""


def f(x, n):
    s = 0.0
    for i in range(n):
        if i == 3:
            continue
        if s > 10.0:
            break
        s = s + x * i
    return s


# --- expected
# def f(x, n):
#     s = 0.0
#     _break1 = False
#     for i in range(n):
#         _continue1 = False
#         if i == 3:
#             _continue1 = True
#         if not _continue1:
#             if s > 10.0:
#                 _break1 = True
#             if not _break1:
#                 s = s + x * i
#         if _break1:
#             break
#     return s
