"""Lists as values (tests/test_list_values.py): built with append and extend, read by
index, slice, len and loops, popped, made by list comprehensions, lists of arrays."""

from __future__ import annotations

import math

import numpy as np


def read_between_appends(x):
    acc = []
    acc.append(x)
    y = acc[-1] * 2  # read while acc has one item: acc[-1] is x
    acc.append(x**2)
    return y + acc[1] * 3


def recurrence(x):
    xs = [x]
    for _ in range(4):
        xs.append(xs[-1] * x + 0.5)
    return xs[-1] + sum(xs[1:])


def appended_then_sliced(x):
    acc = []
    for i in range(3):
        acc.append(x * i)
    return sum(acc[1:]) + len(acc) * acc[-1]


def extend_pop_index(x):
    acc = []
    for i in range(3):
        acc.append(x * i)
    acc.extend([x**2, x**3])
    last = acc.pop()
    return sum(acc[1:]) + last * len(acc) + acc[-1]


def list_comp_powers(x):
    ps = [x**k for k in range(4)]
    return ps[1] * ps[3] + ps[-1] + len(ps)


def list_of_arrays(w):
    out = []
    for k in range(3):
        out.append(np.sin(w * k))
    out.extend([w**2])
    last = out.pop()
    return np.sum(out[-1] * last) + np.sum(np.array([np.sum(v) for v in out]))


def comp_of_arrays(w):
    rows = [np.sin(w * k) for k in range(3) if k != 1]
    return np.sum(np.array([np.sum(r) for r in rows]) ** 2) + np.sum(rows[0] * rows[-1])


def array_of_scalars(x, y):
    v = np.array([x, y, x * y])
    return np.sum(v**2)


def stack_only(x):
    s = []
    for i in range(3):
        s.append(x * (i + 1))
    total = 0.0
    for _ in range(3):
        v = s.pop()
        total = total * x + v
    return total


def _first_sq(xs):
    return xs[0] * xs[0] + xs[1]


def helper_reads_appended(w):
    # the list built by append is passed to a helper that reads it by index
    items = []
    items.append(w * 2.0)
    items.append(np.sin(w))
    return np.sum(_first_sq(items))


def helper_reads_a_copy(w):
    # the rewrite the refusal of helper_reads_appended suggests
    items = []
    items.append(w * 2.0)
    items.append(np.sin(w))
    return np.sum(_first_sq(items[:]))


def items_left_after_pop(x, y):
    # one item stays on the list: its adjoint stack must start with a zero for it
    # (was a crash in reverse mode, pop from an empty list)
    s = [y for k in range(3) if k != 1]
    v = s.pop()
    return x * v + 2.0 * x


def appended_through_a_copy(x, y):
    # built from y alone, then x's item appended under the list's second name:
    # differentiated with respect to x only, forward mode lost it (0.0)
    s = [y for k in range(3)]
    t = s
    t.append(math.sin(x))
    return sum(c * c for c in t)


def two_names_for_one_list(x, y):
    # changed through t, read through s: refused in reverse mode (one adjoint would have
    # to serve both names; was a crash); forward mode shares the tangent list
    s = [y for k in range(2)]
    t = s
    t.append(math.sin(x))
    return sum(c * c for c in s)


def one_name_for_the_list(x, y):
    # the rewrite two_names_for_one_list's refusal suggests
    s = [y for k in range(2)]
    s.append(math.sin(x))
    return sum(c * c for c in s)


def conditional_item_reads_the_loop(x, y):
    # the condition reads the comprehension's own name: it was lifted out of the loop,
    # where `k` is the outer one (a crash, or a wrong value where an outer k exists)
    k = 5
    s = [(y if k > 0.5 else x * x) for k in range(3)]
    return sum(s) * k


# -- list.extend of a sequence that is not a display (it was refused) --------------------
def extended_by_a_list(x):
    xs = [x, 2.0 * x]
    ys = [x * x, np.sin(x)]
    xs.extend(ys)
    return xs[0] * xs[3] + xs[2] * xs[1]


def extended_by_itself(x):  # list.extend(itself) doubles it once
    xs = [x, x * x]
    xs.extend(xs)
    return len(xs) * xs[3] + xs[0] * xs[2]


def extended_by_a_comprehension_and_an_array(w):
    xs = []
    xs.extend(w)
    xs.extend([v * v for v in w[::-1]])
    return xs[0] * xs[-1] + xs[1] * xs[2]


def extended_in_a_loop(x, y):
    acc = [y]
    for i in range(3):
        acc.extend([x * i, acc[-1] * y])
        acc.extend(acc[-2:])
    return sum(acc) + acc[4] * acc[-1]


def display_reads_the_list(x, y):
    # the display is evaluated before extend: acc[-1] is y (it was read after appending
    # x, a silent wrong derivative: (0.3, 0.7) for (0.0, 0.6))
    acc = [y]
    acc.extend([x, acc[-1] * y])
    return acc[2]


def read_at_its_length_while_growing(x):
    # the backward sweep computed len(xs) - 1 again from the final list (an IndexError
    # past the adjoint's end); the index is named where it is read
    xs = [x]
    for i in range(2):
        xs.append(xs[len(xs) - 1] * x)
    ys = [x]
    y = ys[len(ys) - 1] * 2.0
    ys.append(y)
    ys.append(3.0 * x)
    return xs[-1] + ys[1] * sum(xs[: len(xs) - 1])


def list_of_an_array_as_a_queue(w):
    """`list(x)` of an array (was refused: "no derivative rule for list", whose hint
    was register_rule(list, ...)): the comprehension it equals, a list built by appends."""
    xs = list(w)
    s = 0.0
    while len(xs) > 1:
        a = xs.pop()
        b = xs.pop(0)
        xs.append(a * b + 0.1)
        s = s + a - b
    return s + xs[0] * sum(list(w))


def list_of_a_list_then_appended(a, b):
    xs = list([a, b * a])
    xs.append(xs[0] * b)
    return xs[-1] * xs[1] + len(list(range(3))) * a


def list_copy_in_a_loop(a, b):
    """`l6 = list(l3)` made afresh in a loop (the random-program tester's form, which
    crashed with 'operands could not be broadcast' while list(...) was built into a
    temporary bound to l6: one list under two names): appended to l6 itself."""
    s = 0.0
    for i in range(2):
        l3 = [a * a]
        l3.extend([b + k for k in range(2)])
        l6 = list(l3)
        l6.append(l6[0] * (i - 2.0))
        s = s + sum(c * c for c in l6) * b
    return s


def array_of_a_list_grown_later(w):
    """np.array(l) read before `l.append(...)` (fuzz seed 9800012): the partial of
    np.array reads the list's shape, and the backward sweep read the grown list ('cannot
    reshape array of size 12 into shape (4,4)'). It reads a copy saved at the append."""
    l3 = [np.tanh(w), w * 2.0, w * w]
    t = np.sum(np.array(l3) ** 2)
    l3.append(w + 1.0)
    return t + np.sum(l3[-1] * w)


def stack_of_a_list_grown_later(w):
    """The same through np.stack (its partial takes one row per item of the list)."""
    l3 = [np.sin(w), w * 3.0]
    t = np.sum(np.stack(l3) * w)
    l3.append(w * w)
    return t + np.sum(l3[2] * l3[0])
