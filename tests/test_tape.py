"""srcdiff.GradientTape (api/tape.py): TensorFlow's tape shape; the `with` block is read
from its file, turned into a function of the sources and differentiated by srcdiff.grad.
Values are checked against finite differences (tests/fdiff.py) and exact where they must be."""

import math
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian

import srcdiff
from srcdiff.errors import SourceUnavailableError, SrcDiffError, TapeError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _ruff():
    return [sys.executable, "-m", "ruff"]


def test_the_seed_snippet_gives_exactly_24_and_10():
    x, y = 3.0, 4.0
    with srcdiff.GradientTape() as tape:
        f = x**2 * y + y + 2
    grads = tape.gradient(f, [x, y])
    assert grads == [24.0, 10.0]
    assert type(grads) is list and all(type(g) is float for g in grads)


def test_structures_of_sources_are_kept():
    x, y = 0.7, -1.3
    with srcdiff.GradientTape(persistent=True) as tape:
        f = math.sin(x) * y + x * x
    assert isinstance(tape.gradient(f, (x, y)), tuple)
    single = tape.gradient(f, x)
    assert isinstance(single, float)
    assert single == pytest.approx(math.cos(x) * y + 2 * x, rel=1e-14)
    dy, dx = tape.gradient(f, [y, x])  # the order asked for
    assert dy == pytest.approx(math.sin(x), rel=1e-14) and dx == single
    assert tape.gradient("f", ["x"]) == [single]  # names as strings


def block_function(a, b):
    """What the tape's block computes, for finite differences."""
    return np.sum(np.tanh(a * b) ** 2) + np.sum(a) * 0.5


def test_arrays_against_finite_differences():
    a = np.array([0.3, -0.2, 0.9])
    b = np.array([1.1, 0.4, -0.6])
    before = (a.copy(), b.copy())
    with srcdiff.GradientTape() as tape:
        loss = np.sum(np.tanh(a * b) ** 2) + np.sum(a) * 0.5
    da, db = tape.gradient(loss, [a, b])
    assert_close(da, fd_grad(block_function, (a, b), 0), rtol=1e-6)
    assert_close(db, fd_grad(block_function, (a, b), 1), rtol=1e-6)
    assert da.shape == a.shape and db.shape == b.shape
    np.testing.assert_array_equal(a, before[0])  # never mutated
    np.testing.assert_array_equal(b, before[1])


def test_free_names_loops_and_a_nested_helper_call():
    def helper(u, k):
        return u * math.exp(-k * u)

    k = 0.25
    x = 1.7
    with srcdiff.GradientTape() as tape:
        total = 0.0
        for i in range(3):
            total = total + helper(x, k) * (i + 1)
    (dx,) = tape.gradient(total, [x])

    def f(x):
        return sum(helper(x, k) * (i + 1) for i in range(3))

    assert dx == pytest.approx(fd_grad(f, (x,), 0), rel=1e-8)
    assert dx == pytest.approx(6 * math.exp(-k * x) * (1 - k * x), rel=1e-13)


def test_a_name_read_before_the_block_assigns_it_has_its_value_at_entry():
    x = 2.0
    acc = 1.0
    with srcdiff.GradientTape() as tape:
        acc = acc + x**3
    assert acc == 9.0
    assert tape.gradient(acc, x) == 12.0


def test_persistent_semantics():
    x = 3.0
    with srcdiff.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) == 6.0
    with pytest.raises(TapeError, match="non-persistent GradientTape") as info:
        tape.gradient(y, x)
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, SrcDiffError)
    with srcdiff.GradientTape(persistent=True) as again:
        y = x * x
        z = y * x
    assert again.gradient(y, x) == 6.0
    assert again.gradient(z, x) == 27.0
    assert again.gradient(z, x) == 27.0


def test_jacobian_against_finite_differences():
    w = np.array([0.5, -1.0, 2.0])
    s = 1.5
    with srcdiff.GradientTape(persistent=True) as tape:
        out = np.sin(w) * s + w**2
    jac = tape.jacobian(out, w)
    assert jac.shape == (3, 3)
    assert_close(jac, fd_jacobian(lambda w, s: np.sin(w) * s + w**2, (w, s), 0), rtol=1e-6)
    js = tape.jacobian(out, [s])[0]
    assert_close(js, np.sin(w), rtol=1e-12)
    # a non-scalar target's gradient is the gradient of its sum, as in TensorFlow
    assert_close(tape.gradient(out, w), np.diag(jac), rtol=1e-12)
    weights = np.array([1.0, 0.0, 2.0])
    assert_close(tape.gradient(out, w, output_gradients=weights), weights @ jac, rtol=1e-12)


def test_unconnected_sources_are_none_or_zero():
    x, y = 2.0, 5.0
    with srcdiff.GradientTape(persistent=True) as tape:
        f = x * 3.0
    assert tape.gradient(f, [x, y]) == [3.0, None]
    assert tape.gradient(f, [x, y], unconnected_gradients="zero") == [3.0, 0.0]


def test_watch_settles_which_name_a_shared_value_means():
    x = 2.5
    alias = x  # one object, two names
    with srcdiff.GradientTape() as tape:
        tape.watch("x")
        f = x * alias
    # both names hold the value and the block reads both: ambiguous without watch
    assert tape.gradient(f, x) == 2.5


def test_a_value_held_by_several_names_is_refused_with_advice():
    x = 2.5
    alias = x
    with srcdiff.GradientTape(persistent=True) as tape:
        f = x * alias
    with pytest.raises(TapeError, match=r"several variables \(alias, x\)") as info:
        tape.gradient(f, x)
    assert "tape.gradient(target, ['alias', ...])" in str(info.value)
    assert tape.gradient(f, "alias") == 2.5  # the name, as the hint says


def test_a_value_bound_to_no_name_is_refused():
    x = 3.0
    with srcdiff.GradientTape(persistent=True) as tape:
        f = x * x
    with pytest.raises(TapeError, match="not a variable of the frame"):
        tape.gradient(f, 3.5)
    with pytest.raises(TapeError, match="target of tape.gradient is not a variable"):
        tape.gradient(f + 1.0, x)


def test_a_block_that_assigns_a_source_is_refused():
    x = 1.0
    with srcdiff.GradientTape() as tape:
        x = x + 1.0
        f = x * x
    with pytest.raises(TapeError, match="assigns 'x', a source") as info:
        tape.gradient(f, x)
    assert "test_tape.py:" in str(info.value)


def test_gradient_inside_the_block_is_refused():
    x = 1.0
    with srcdiff.GradientTape() as tape:
        f = x * 2.0
        with pytest.raises(TapeError, match="inside the tape's `with` block"):
            tape.gradient(f, x)


def test_a_block_using_its_tape_is_refused_at_the_line():
    x = 1.0
    with srcdiff.GradientTape(persistent=True) as outer:
        with srcdiff.GradientTape() as inner:
            f = x * x
        g = inner.gradient(f, x)
    with pytest.raises(TapeError, match="uses a GradientTape") as info:
        outer.gradient(g, x)
    assert re.search(r"test_tape\.py:\d+:\d+: ", str(info.value))
    assert "^" in str(info.value) and "srcdiff.hessian" in str(info.value)


total_scale = 2.0


def reads_a_global(u):
    return u * total_scale


def test_a_helper_reading_a_source_as_a_closure_value_is_refused():
    x = 1.5

    def helper(u):
        return u * x  # x read from the closure, not passed

    with srcdiff.GradientTape() as tape:
        f = helper(2.0) + x
    with pytest.raises(TapeError, match="reads 'x', a source of the gradient") as info:
        tape.gradient(f, x)
    assert "pass x to helper as an argument" in str(info.value)


def test_a_helper_reading_another_global_is_fine():
    x = 1.5
    with srcdiff.GradientTape() as tape:
        f = reads_a_global(x) ** 2
    assert tape.gradient(f, x) == 2 * (x * total_scale) * total_scale


def test_unsupported_code_in_the_block_is_reported_at_the_users_line():
    x = np.array([1.0, 2.0])
    with srcdiff.GradientTape() as tape:
        f = float(np.sum(np.i0(x)))
    with pytest.raises(SrcDiffError) as info:
        tape.gradient(f, x)
    text = str(info.value)
    assert "test_tape.py:" in text and "np.i0(x)" in text and "^" in text


def test_no_source_file_is_the_usual_error():
    code = (
        "import srcdiff\n"
        "x = 2.0\n"
        "with srcdiff.GradientTape() as tape:\n"
        "    f = x * x\n"
        "tape.gradient(f, x)\n"
    )
    with pytest.raises(SourceUnavailableError, match="GradientTape block at <string>:3") as info:
        exec(compile(code, "<string>", "exec"), {})
    assert "no source to read" in str(info.value)


def test_source_is_readable_ruff_clean_code(tmp_path):
    x, y = 3.0, 4.0
    with srcdiff.GradientTape() as tape:
        f = x**2 * y + y + 2
    tape.gradient(f, [x, y])
    text = tape.source()
    assert text.startswith("def f_grad(x, y):")
    assert "dx = y * 2 * x" in text and "return dx, dy" in text
    assert "# line " in text  # the user's line
    path = tmp_path / "tape_source.py"
    path.write_text(text)
    done = subprocess.run(
        [*_ruff(), "check", "--isolated", "--no-cache", "--ignore", "F821", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    namespace: dict = {}
    exec(compile(text, str(path), "exec"), namespace)  # runs as printed
    assert namespace["f_grad"](3.0, 4.0) == (24.0, 10.0)
    assert tape.source() == text  # deterministic


def test_source_before_any_gradient_asks_for_one():
    x = 3.0
    with srcdiff.GradientTape() as tape:
        f = x * x
    with pytest.raises(TapeError, match="none was computed yet"):
        tape.source()
    assert "def f_grad(x):" in tape.source(f, x)
    assert tape.gradient(f, x) == 6.0  # source() did not use the tape up


def test_the_sample_at_module_level_prints_24_and_10():
    done = subprocess.run(
        [sys.executable, os.path.join(ROOT, "samples", "tape.py")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "[24.0, 10.0]"
    assert "d residual / dw equals the inputs: True" in done.stdout


def test_the_sample_inside_a_function_against_finite_differences():
    sys.path.insert(0, os.path.join(ROOT, "samples"))
    try:
        import tape as sample
    finally:
        sys.path.pop(0)

    rng = np.random.default_rng(1)
    inputs, targets = rng.normal(size=(5, 2)), rng.normal(size=5)
    w, b = np.array([0.2, 0.7]), -0.3

    def loss_of(w, b):
        return np.mean((inputs @ w + b - targets) ** 2)

    loss, dw, db, jac = sample.least_squares(w, b, inputs, targets)
    assert loss == pytest.approx(loss_of(w, b), rel=1e-14)
    assert_close(dw, fd_grad(loss_of, (w, b), 0), rtol=1e-6)
    assert db == pytest.approx(fd_grad(loss_of, (w, b), 1), rel=1e-6)
    assert_close(jac, inputs, rtol=1e-12)


def test_readme_tape_snippet_prints_what_readme_shows(tmp_path):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    section = readme.split("### GradientTape", 1)[1]
    code, shown = re.findall(r"```(?:python|text)\n(.*?)```", section, re.DOTALL)[:2]
    script = tmp_path / "readme_tape.py"
    script.write_text(code)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == shown


def _tape_step(w, scale):
    with srcdiff.GradientTape() as tape:
        loss = np.sum(np.sin(w) * scale)
    return tape.gradient(loss, w)


def test_the_same_block_again_with_other_values_and_kinds():
    # the block's function and code are reused; data the block reads are parameters
    assert _tape_step(0.5, 2.0) == pytest.approx(2.0 * math.cos(0.5), rel=1e-14)
    assert _tape_step(0.5, 3.0) == pytest.approx(3.0 * math.cos(0.5), rel=1e-14)
    w = np.array([0.1, 0.2])
    assert_close(_tape_step(w, 3.0), 3.0 * np.cos(w), rtol=1e-14)
    scale = np.array([1.0, -2.0])
    assert_close(_tape_step(w, scale), scale * np.cos(w), rtol=1e-14)


def _with_local_helper(x, k):
    def helper(u):
        return u**k

    with srcdiff.GradientTape() as tape:
        f = helper(x) * 2.0
    return tape.gradient(f, x)


def test_a_local_helper_made_again_is_used_fresh():
    assert _with_local_helper(2.0, 3) == 24.0
    assert _with_local_helper(2.0, 2) == 8.0  # another helper object, another exponent


def test_names_read_keep_their_value_at_entry():
    x = 2.0
    c = 3.0
    with srcdiff.GradientTape() as tape:
        f = c * x * x
    c = 100.0  # changed after the block: the block read 3.0
    assert c == 100.0
    assert tape.gradient(f, x) == 12.0


def test_a_refused_request_does_not_use_up_the_tape():
    x = 2.5
    alias = x
    with srcdiff.GradientTape() as tape:
        f = x * alias
    with pytest.raises(TapeError, match="several variables"):
        tape.gradient(f, x)
    assert tape.gradient(f, ["x", "alias"]) == [2.5, 2.5]  # the advice, followed


def test_a_source_twice_and_a_named_source_the_block_does_not_read():
    x, y = 1.5, 4.0
    with srcdiff.GradientTape(persistent=True) as tape:
        f = x**3
    assert tape.gradient(f, [x, x]) == [6.75, 6.75]
    assert tape.gradient(f, ["x", "y"]) == [6.75, None]
    assert tape.jacobian(f, (x, y, x), unconnected_gradients="zero") == (6.75, 0.0, 6.75)


def test_forms_of_the_with_statement():
    x = 2.0
    with srcdiff.GradientTape() as one_line: f = x * x * x  # noqa: E701  # fmt: skip
    assert one_line.gradient(f, x) == 12.0
    tape = srcdiff.GradientTape()
    with tape:
        g = x * 5.0
    assert tape.gradient(g, x) == 5.0
    with srcdiff.GradientTape(
        persistent=True,
    ) as several_lines:
        h = x**4
    assert several_lines.gradient(h, x) == 32.0
    got = []
    for i in range(3):
        with srcdiff.GradientTape() as in_a_loop:
            k = x * i
        got.append(in_a_loop.gradient(k, x))
    assert got == [0.0, 1.0, 2.0]
    with pytest.raises(TapeError, match="already used in a `with` block"):
        with tape:
            pass


MODULE_LEVEL = """
import srcdiff

def reads_x(u):
    return u * x  # the module's x: the source itself

def reads_w(u):
    return u * w  # the module's w, not the function's

w = 10.0

def local_w(w):
    with srcdiff.GradientTape() as tape:
        f = reads_w(w) * w
    return tape.gradient(f, w)

x = 2.0
print(local_w(3.0))  # d/dw (10 * w * w) at 3
with srcdiff.GradientTape() as tape:
    f = x * x
print(tape.gradient(f, x))
with srcdiff.GradientTape() as tape:
    g = reads_x(x)
try:
    tape.gradient(g, x)
except srcdiff.TapeError as exc:
    print(exc)
"""


def test_module_level_tapes_and_helpers_reading_module_globals(tmp_path):
    script = tmp_path / "module_tape.py"
    script.write_text(MODULE_LEVEL)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["60.0", "4.0"]
    assert "reads_x (called in the tape's block) reads 'x', a source" in lines[2]
    assert "module_tape.py:22:" in lines[2]  # the `with` line
    assert "hint: pass x to reads_x as an argument" in done.stdout


def _poly_tape(x, mode, n, coeffs, params):
    with srcdiff.GradientTape() as tape:
        acc = 0.0
        for i in range(n):
            acc = acc + coeffs[i] * x**i
        if mode == "log":
            acc = math.log(acc)
        out = acc * params["scale"]
    return tape.gradient(out, x)


def test_the_block_reads_counts_strings_lists_and_dicts():
    coeffs, params = [1.0, 2.0, 3.0], {"scale": 2.0}
    # d/dx 2 * (1 + 2x + 3x^2) = 2 * (2 + 6x); of 2 * its log: 2 * (2 + 6x) / (1 + 2x + 3x^2)
    assert _poly_tape(0.5, "lin", 3, coeffs, params) == 10.0
    assert _poly_tape(0.5, "log", 3, coeffs, params) == pytest.approx(40 / 11, rel=1e-14)
    assert _poly_tape(0.5, "lin", 2, coeffs, params) == 4.0


class _Holder:
    def __init__(self, w):
        self.w = w


def test_a_source_read_through_a_container_a_view_or_an_attribute_is_refused():
    w = np.array([1.0, 2.0, 3.0])
    params = [w]
    view = w[1:]
    holder = _Holder(w)
    x = 1.5
    pair = (x, 2.0)
    with srcdiff.GradientTape(persistent=True) as listed:
        from_list = np.sum(params[0] ** 2)
    with pytest.raises(TapeError, match="reads 'params', which holds a source") as info:
        listed.gradient(from_list, w)
    assert "tape.gradient(target, [params])" in str(info.value)
    # the container itself as the source: its gradient has its structure
    (g,) = listed.gradient(from_list, [params])
    assert_close(g[0], 2 * w, rtol=1e-14)
    with srcdiff.GradientTape() as viewed:
        from_view = np.sum(view**2)
    with pytest.raises(TapeError, match="reads 'view', which holds a source"):
        viewed.gradient(from_view, w)
    with srcdiff.GradientTape() as attribute:
        from_attr = np.sum(holder.w)
    with pytest.raises(TapeError, match="reads 'holder', which holds a source"):
        attribute.gradient(from_attr, w)
    with srcdiff.GradientTape() as tupled:
        from_tuple = pair[0] * 3.0 + x
    with pytest.raises(TapeError, match="reads 'pair', which holds a source"):
        tupled.gradient(from_tuple, x)
    with srcdiff.GradientTape() as whole:
        direct = np.sum(w**2)
    with pytest.raises(TapeError, match="reads 'w', which holds a source"):
        whole.gradient(direct, view)  # part of w
