"""Functions that turn differentiated values into text (tests/test_text_values.py).

srcdiff reads source, so they live in a real file."""

import srcdiff


def str_of_value(x):
    s = str(x)
    return x * x + len(s)


def str_cut_off(x):
    s = str(srcdiff.stop_gradient(x))
    return x * x + 0.0 * len(s)


def float_of_str(x):
    return float(str(x)) * x


def fstring_value(x):
    s = f"{x:.6f}"
    return x * x + 0.0 * len(s)


def fstring_cut_off(x):
    s = f"{srcdiff.stop_gradient(x):.6f}"
    return x * x + 0.0 * len(s)


def float_of_fstring(x):
    return float(f"{x}") * x


def fstring_printed(x):
    print(f"x = {x:.3f}")
    return x * x
