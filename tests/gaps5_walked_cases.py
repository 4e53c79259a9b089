"""Functions for test_walked_arguments.py: sets, dicts and dict views a caller passes to
a helper that walks them (the helper walks its parameter by position)."""

WEIGHTS = {0: 5.0, 1: 7.0}  # a module's dict: walked, its keys 0 and 1
FACTORS = frozenset([1.0, 2.0])


def weighted(s, x):
    t = 0.0
    for k in s:
        t = t + k * x
    return t


def summed(s, x):
    return sum(k * x * x for k in s) / len(s)


def set_display(x):
    return weighted({1.0, 2.0}, x)


def set_call(x):
    return weighted(set([1.0, 2.0, 4.0]), x)


def set_named(x):
    s = {1.0, 3.0}
    return summed(s, x)


def set_keyword(x):
    return weighted(x=x, s={2.0, 3.0})


def global_frozenset(x):
    return weighted(FACTORS, x)


def global_dict(x):
    return weighted(WEIGHTS, x)  # keys 0, 1: the values 5, 7 were walked (d/dx 12, not 1)


def dict_keys(x):
    return weighted(WEIGHTS.keys(), x)


def dict_values(x):
    return weighted(WEIGHTS.values(), x)


def local_dict_values(x):
    d = {1.0: 2.0, 3.0: 4.0}
    return weighted(d.values(), x)


def weighted_unless(s, x):
    t = 0.0
    for k in s:
        t = t + k * x
    if 3.0 in s | {9.0}:  # a set operation: a tuple would not do
        t = t * 2.0
    return t


def set_used_otherwise(x):
    return weighted_unless({1.0, 3.0}, x)


def weighted_unless_fixed(s, x):
    t = 0.0
    for k in tuple(s):  # the hint, followed
        t = t + k * x
    if 3.0 in s | {9.0}:
        t = t * 2.0
    return t


def set_used_otherwise_fixed(x):
    return weighted_unless_fixed({1.0, 3.0}, x)


def iterator_passed(x):
    return weighted(map(float, [1, 2]), x)


def weighted_fixed(s, x):
    t = 0.0
    for k in tuple(s):
        t = t + k * x
    return t


def iterator_passed_fixed(x):
    return weighted_fixed(map(float, [1, 2]), x)
