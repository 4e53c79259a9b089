"""Checkpointed loops (compiler/reverse/checkpoint.py, `grad(f, checkpoint=S)`): the
gradient equals the plain gradient (to rounding) and finite differences, for every
number of snapshots; the tape is one segment's; what cannot be checkpointed is refused."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from fdiff import fd_grad

import srcdiff
from srcdiff.errors import SrcDiffError, UnsupportedSyntaxError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pendulum(theta0, damping, omega0, g, dt, n):
    th = theta0
    om = omega0
    decay = math.exp(-damping * dt)
    for i in range(n):
        acc = -g * math.sin(th)
        th = th + dt * om
        om = om * decay + dt * acc
    return 0.5 * om * om + g * (1.0 - math.cos(th))


def array_state(x, w, n):
    y = x
    for i in range(n):
        y = np.tanh(w * y) + 0.1 * x
    return np.sum(y * y)


def assigns_into(x, n):
    y = np.zeros(3)
    y[0] = x[0]
    for i in range(n):
        y[i % 3] = np.sin(y[(i + 1) % 3]) + x[i % 3]
        y = y * 1.01
    return np.sum(y**2)


def nested(x, n, m):
    s = x
    for i in range(n):
        for j in range(m):
            s = s + 0.1 * math.sin(s * (j + 1))
        s = s * 0.9
    return s


def step(s, c):
    return s + c * math.cos(s)


def calls_helper(x, c, n):
    s = x
    for i in range(n):
        s = step(s, c)
    return s * s


def shrinking(x, tol):
    s = x
    k = 0
    while s > tol:
        s = s * 0.9 - 0.01 * math.sin(s)
        k = k + 1
    return s * x + k


def shrinking_or_stop(x, tol):
    s = x
    k = 0
    while s > tol:
        s = s * 0.9 - 0.01 * math.sin(s * x)
        k = k + 1
        if k > 7:
            break
    return s * x + k


def read_before_loop(x, n):
    v = math.sin(x)
    w = v * v
    for i in range(n):
        v = x * 0.5
        w = w + v * math.cos(w)
    return w


def early_exit(x, n):
    s = x
    for i in range(n):
        s = s * 1.1
        if s > 10.0:
            break
    return s


def no_state(x, n):
    s = 0.0
    for i in range(n):
        t = x * i
        s = t * t
    return s


def loop_in_branch(x, n):
    s = x
    if x > 0:
        for i in range(n):
            s = s * 0.9 + 0.1 * math.sin(s)
    return s


def two_loops(x, n):
    s = x
    for i in range(n):
        s = s + 0.1 * math.cos(s)
    t = s
    for j in range(n + 2):
        if t > 0.5:
            t = t * s
        else:
            t = t + s * 0.5
    return t + i


def changed_after(x, n):
    c = x * 2
    s = x
    for i in range(n):
        s = math.sin(s * c)
    c = x * 3
    return s + c


def indexed(x, w):
    s = w
    for i in range(len(x)):
        s = s * math.tanh(x[i] * s)
    return s


def inner_break(x, n):
    s = x
    for i in range(n):
        for j in range(5):
            s = s * 1.2 + 0.01
            if s > 2.0:
                break
        s = s * 0.5
    return s


PENDULUM = (1.2, 0.3, 0.4, 9.81, 0.01)
SCHEMES = ["binomial", "uniform"]


@pytest.fixture(params=SCHEMES)
def scheme(request):
    """checkpoint= for S snapshots, under each scheme: scheme(S)."""
    return lambda snapshots: f"{request.param}:{snapshots}"


def _close(got, want, rtol=1e-12):
    """Equal to rounding: the same operations, in a different order of passes at most."""
    pairs = zip(got, want, strict=True) if isinstance(want, tuple) else [(got, want)]
    for a, b in pairs:
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-14)


@pytest.mark.parametrize("n", [0, 1, 2, 7, 30])
@pytest.mark.parametrize("snapshots", [1, 2, 3, 7, 30, 100])
def test_pendulum_equals_plain_gradient(n, snapshots, scheme):
    args = (*PENDULUM, n)
    plain = srcdiff.grad(pendulum, wrt=(0, 1, 2, 3))(*args)
    got = srcdiff.grad(pendulum, wrt=(0, 1, 2, 3), checkpoint=scheme(snapshots))(*args)
    _close(got, plain)


def test_pendulum_matches_finite_differences(scheme):
    args = (*PENDULUM, 50)
    got = srcdiff.grad(pendulum, wrt=(0, 1, 2), checkpoint=scheme(4))(*args)
    for i, g in enumerate(got):
        np.testing.assert_allclose(g, fd_grad(pendulum, args, i), rtol=1e-6)


def test_value_and_grad(scheme):
    args = (*PENDULUM, 23)
    value, grads = srcdiff.value_and_grad(pendulum, wrt=(0, 1), checkpoint=scheme(5))(*args)
    assert value == pendulum(*args)
    _close(grads, srcdiff.grad(pendulum, wrt=(0, 1))(*args))


@pytest.mark.parametrize("snapshots", [1, 3, 4, 50])
def test_array_state(snapshots, scheme):
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=4), rng.normal(size=4)
    got = srcdiff.grad(array_state, wrt=(0, 1), checkpoint=scheme(snapshots))(x, w, 10)
    want = srcdiff.grad(array_state, wrt=(0, 1))(x, w, 10)
    _close(got, want)
    np.testing.assert_allclose(got[0], fd_grad(array_state, (x, w, 10), 0), rtol=1e-6)


@pytest.mark.parametrize("snapshots", [1, 2, 4, 11])
def test_array_assigned_into_is_copied_in_snapshots(snapshots, scheme):
    x = np.array([0.3, -0.2, 0.5])
    got = srcdiff.grad(assigns_into, checkpoint=scheme(snapshots))(x, 10)
    _close(got, srcdiff.grad(assigns_into)(x, 10))
    np.testing.assert_allclose(got, fd_grad(assigns_into, (x, 10), 0), rtol=1e-6)
    assert list(x) == [0.3, -0.2, 0.5]


@pytest.mark.parametrize("snapshots", [1, 2, 5])
def test_nested_loops_checkpoint_the_outer(snapshots, scheme):
    args = (0.7, 6, 3)
    got = srcdiff.grad(nested, checkpoint=scheme(snapshots))(*args)
    _close(got, srcdiff.grad(nested)(*args))
    np.testing.assert_allclose(got, fd_grad(nested, args, 0), rtol=1e-6)


@pytest.mark.parametrize("snapshots", [1, 3, 8])
def test_loop_calling_a_helper(snapshots, scheme):
    args = (0.4, 0.2, 9)
    got = srcdiff.grad(calls_helper, wrt=(0, 1), checkpoint=scheme(snapshots))(*args)
    _close(got, srcdiff.grad(calls_helper, wrt=(0, 1))(*args))
    np.testing.assert_allclose(got[1], fd_grad(calls_helper, args, 1), rtol=1e-6)


@pytest.mark.parametrize("snapshots", [1, 2, 3, 4, 10, 100])
@pytest.mark.parametrize("start", [0.05, 0.5, 3.0, 40.0])
def test_while_loop(snapshots, start, scheme):
    got = srcdiff.grad(shrinking, checkpoint=scheme(snapshots))(start, 0.1)
    _close(got, srcdiff.grad(shrinking)(start, 0.1))


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (loop_in_branch, (0.7, 9)),
        (two_loops, (0.3, 7)),
        (changed_after, (0.4, 8)),
        (indexed, (np.array([0.5, -0.3, 0.8, 0.1, 0.9]), 0.7)),
        (inner_break, (0.9, 6)),
    ],
)
@pytest.mark.parametrize("snapshots", [1, 2, 3])
def test_more_loop_shapes(func, args, snapshots, scheme):
    wrt = tuple(i for i, a in enumerate(args) if not isinstance(a, int))
    got = srcdiff.grad(func, wrt=wrt, checkpoint=scheme(snapshots))(*args)
    want = srcdiff.grad(func, wrt=wrt)(*args)
    _close(got, want)
    for k, i in enumerate(wrt):
        np.testing.assert_allclose(got[k], fd_grad(func, args, i), rtol=1e-6)


def test_variable_read_before_the_loop_is_in_the_snapshot(scheme):
    """`v` is overwritten without being read in the body, but the backward sweep of
    `w = v * v` needs the value from before the loop."""
    for snapshots in (1, 2, 3):
        got = srcdiff.grad(read_before_loop, checkpoint=scheme(snapshots))(0.8, 5)
        _close(got, srcdiff.grad(read_before_loop)(0.8, 5))
    np.testing.assert_allclose(got, fd_grad(read_before_loop, (0.8, 5), 0), rtol=1e-6)


@pytest.mark.parametrize("snapshots", [1, 2, 5])
def test_loop_without_carried_state(snapshots, scheme):
    """Nothing to snapshot: each pass computes everything it reads."""
    got = srcdiff.grad(no_state, checkpoint=scheme(snapshots))(0.3, 6)
    _close(got, srcdiff.grad(no_state)(0.3, 6))


def test_tape_of_uniform_scheme_is_one_segment():
    """The backward sweep's tape never holds more than one segment of passes."""
    text = srcdiff.source(pendulum, wrt=(0, 1), at=(*PENDULUM, 100), checkpoint="uniform:10")
    assert "snapshots1.append((om, th))" in text
    depth, snaps = _max_depths(pendulum, (*PENDULUM, 1000), checkpoint="uniform:10")
    assert depth <= 2 * 100  # two pushes per pass, 100 passes per segment
    assert snaps <= 10
    assert _max_depths(pendulum, (*PENDULUM, 1000), checkpoint=None)[0] == 2 * 1000


def test_tape_of_binomial_scheme_is_one_block():
    """At most S snapshots, and a tape of at most 32 passes."""
    depth, snaps = _max_depths(pendulum, (*PENDULUM, 5000), checkpoint=10)
    assert depth <= 2 * 32
    assert snaps <= 10


def _max_depths(func, args, checkpoint):
    """The largest `_stack` (or float tape, `_floats`) and snapshot list the generated
    gradient holds (by lists that record it)."""
    generated, _ = srcdiff.api.gradients.generated(func, wrt=(0, 1), at=args, checkpoint=checkpoint)

    class Tape(list):
        deepest = 0

        def append(self, value):
            super().append(value)
            type(self).deepest = max(type(self).deepest, len(self))

    class Snapshots(Tape):
        deepest = 0

    text = generated.text.replace("_stack = []", "_stack = Tape()")
    text = re.sub(r"_floats = float_stack\(.*", "_floats = Tape()", text)  # (to its end of line)
    text = text.replace("snapshots1 = []", "snapshots1 = Snapshots()")
    namespace = {**func.__globals__, **generated.bindings, "Tape": Tape, "Snapshots": Snapshots}
    exec(compile(text, "<checkpoint test>", "exec"), namespace)
    namespace[generated.entry](*args)
    return Tape.deepest, Snapshots.deepest


def test_generated_code_is_deterministic():
    a = srcdiff.source(pendulum, wrt=(0, 1), at=(*PENDULUM, 10), checkpoint=7)
    b = srcdiff.source(pendulum, wrt=(0, 1), at=(*PENDULUM, 10), checkpoint=7)
    assert a == b
    assert a != srcdiff.source(pendulum, wrt=(0, 1), at=(*PENDULUM, 10))


def test_cache_tells_checkpointed_from_plain():
    args = (*PENDULUM, 10)
    plain = srcdiff.grad(pendulum).specialize(*args)
    checkpointed = srcdiff.grad(pendulum, checkpoint=3).specialize(*args)
    assert plain is not checkpointed
    assert "snapshots" not in srcdiff.grad(pendulum).source(*args)
    assert "snapshots" in srcdiff.grad(pendulum, checkpoint=3).source(*args)


@pytest.mark.parametrize("n", [0, 1, 10, 24, 25, 26, 50])
@pytest.mark.parametrize("snapshots", [1, 2, 3, 30])
def test_loop_leaving_early(n, snapshots, scheme):
    """1.1 ** 25 > 10: the loop breaks after its 25th pass (or ends before)."""
    got = srcdiff.grad(early_exit, checkpoint=scheme(snapshots))(1.0, n)
    _close(got, srcdiff.grad(early_exit)(1.0, n))
    assert got == pytest.approx(1.1 ** min(n, 25))


def test_while_loop_leaving_early(scheme):
    for snapshots in (1, 2, 5):
        got = srcdiff.grad(shrinking_or_stop, checkpoint=scheme(snapshots))(3.0, 0.1)
        _close(got, srcdiff.grad(shrinking_or_stop)(3.0, 0.1))
    np.testing.assert_allclose(got, fd_grad(shrinking_or_stop, (3.0, 0.1), 0), rtol=1e-6)


def test_loop_changing_a_list_is_refused():
    """Generated code as input: its loops push onto `_stack`, which a rerun can't redo."""
    args = (*PENDULUM, 5)
    generated = srcdiff.grad(pendulum).specialize(*args)
    with pytest.raises(UnsupportedSyntaxError) as info:
        srcdiff.grad(generated, checkpoint=3)(*args)
    message = str(info.value)
    assert "cannot checkpoint this for loop: it changes a list in place" in message
    assert "for i in iters1:" in message and "without checkpoint=" in message
    assert srcdiff.grad(generated)(*args) == pytest.approx(fd_grad(generated, args, 0), rel=1e-6)


def test_checkpoint_spellings():
    args = (*PENDULUM, 40)
    want = srcdiff.grad(pendulum)(*args)
    for spelling in (4, np.int64(4), "4", "binomial:4", "uniform:4"):
        _close(srcdiff.grad(pendulum, checkpoint=spelling)(*args), want)


@pytest.mark.parametrize("bad", [0, -2, 2.5, True, "ten", "revolve:3", "uniform:0"])
def test_bad_checkpoint_is_refused(bad):
    with pytest.raises(SrcDiffError, match="checkpoint must be"):
        srcdiff.grad(pendulum, checkpoint=bad)


def test_forward_mode_refuses_checkpoint():
    with pytest.raises(SrcDiffError, match="reverse mode"):
        srcdiff.grad(pendulum, mode="forward", checkpoint=10)


# -- srcdiff show and srcdiff build ------------------------------------------------------

LOOP_MODULE = """import math


def pendulum(theta0, damping, n):
    th = theta0
    om = 0.0
    for i in range(n):
        om = om - 0.01 * (9.81 * math.sin(th) + damping * om)
        th = th + 0.01 * om
    return th
"""

RUN_BUILT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import loop_grad
print(json.dumps([loop_grad.pendulum_grad(0.5, 0.3, 300), "srcdiff" in sys.modules]))
"""


def test_show_prints_checkpointed_code(capsys):
    from srcdiff import cli

    target = os.path.join(ROOT, "samples", "physics.py") + ":pendulum"
    assert cli.main(["show", target, "--wrt", "theta0,damping", "--checkpoint", "7"]) == 0
    out = capsys.readouterr().out
    assert "binomial_schedule(len(iters1), 7)" in out
    assert cli.main(["show", target, "--checkpoint", "uniform:7", "--color", "never"]) == 0
    assert "stride1 = max(1, -(-len(iters1) // 7))" in capsys.readouterr().out
    assert cli.main(["show", target, "--checkpoint", "none"]) == 2
    assert "checkpoint must be" in capsys.readouterr().err


@pytest.mark.parametrize("how", ["command line", "pyproject"])
def test_build_writes_a_checkpointed_module_that_runs_without_srcdiff(
    how, tmp_path, monkeypatch, capsys
):
    from srcdiff.build import command as build

    (tmp_path / "loop.py").write_text(LOOP_MODULE)
    argv = ["loop.py:pendulum", "--wrt", "theta0,damping", "--checkpoint", "4"]
    if how == "pyproject":
        (tmp_path / "pyproject.toml").write_text(
            '[[tool.srcdiff.targets]]\nfunction = "loop.py:pendulum"\n'
            'wrt = ["theta0", "damping"]\ncheckpoint = 4\n'
        )
        argv = []
    monkeypatch.chdir(tmp_path)
    assert build.main(["build", *argv]) == 0, capsys.readouterr()
    text = (tmp_path / "loop_grad.py").read_text()
    assert "checkpoint=binomial:4" in text  # in the header: --check sees a change
    assert "def binomial_schedule(passes, snapshots, from_start=False):" in text  # copied
    proc = subprocess.run(
        [sys.executable, "-I", "-c", RUN_BUILT, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    grads, srcdiff_loaded = json.loads(proc.stdout)
    assert not srcdiff_loaded
    sys.path.insert(0, str(tmp_path))
    try:
        import loop

        want = srcdiff.grad(loop.pendulum, wrt=(0, 1))(0.5, 0.3, 300)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("loop", None)
    _close(grads, want)


def test_build_refuses_a_bad_checkpoint(tmp_path, monkeypatch, capsys):
    from srcdiff.build import command as build

    (tmp_path / "loop.py").write_text(LOOP_MODULE)
    monkeypatch.chdir(tmp_path)
    assert build.main(["build", "loop.py:pendulum", "--checkpoint", "0"]) == 2
    assert "checkpoint must be at least 1" in capsys.readouterr().err


def test_random_programs_agree_with_the_plain_gradient():
    """tools/fuzz/checkpointed.py on fixed seeds: every program with a loop gets the
    plain gradient under each scheme (with 1 to 3 snapshots), or a refusal."""
    from tools.fuzz.checkpointed import check_seed

    verdicts = [check_seed(seed) for seed in range(5000000, 5000060)]
    assert [v for v in verdicts if v[0] not in ("ok", "refused", "skipped")] == []
    assert sum(v[0] == "ok" for v in verdicts) >= 20


def test_build_check_sees_a_changed_checkpoint(tmp_path, monkeypatch, capsys):
    from srcdiff.build import command as build

    (tmp_path / "loop.py").write_text(LOOP_MODULE)
    monkeypatch.chdir(tmp_path)
    assert build.main(["build", "loop.py:pendulum", "--checkpoint", "4"]) == 0
    assert build.main(["build", "loop.py:pendulum", "--checkpoint", "4", "--check"]) == 0
    for other in (["--checkpoint", "uniform:4"], ["--checkpoint", "5"], []):
        assert build.main(["build", "loop.py:pendulum", *other, "--check"]) == 1
        assert "mode or checkpoint" in capsys.readouterr().out
