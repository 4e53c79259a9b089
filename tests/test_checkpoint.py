"""Checkpointed loops (compiler/reverse/checkpoint.py, `grad(f, checkpoint=S)`): the
gradient equals the plain gradient (to rounding) and finite differences, for every
number of snapshots; the tape is one segment's; what cannot be checkpointed is refused."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fdiff import fd_grad

import srcdiff
from srcdiff.errors import SrcDiffError, UnsupportedSyntaxError


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


PENDULUM = (1.2, 0.3, 0.4, 9.81, 0.01)


def _close(got, want, rtol=1e-12):
    for a, b in zip(np.atleast_1d(got), np.atleast_1d(want)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-14)


@pytest.mark.parametrize("n", [0, 1, 2, 7, 30])
@pytest.mark.parametrize("snapshots", [1, 2, 3, 7, 30, 100])
def test_pendulum_equals_plain_gradient(n, snapshots):
    args = (*PENDULUM, n)
    plain = srcdiff.grad(pendulum, wrt=(0, 1, 2, 3))(*args)
    got = srcdiff.grad(pendulum, wrt=(0, 1, 2, 3), checkpoint=snapshots)(*args)
    _close(got, plain)


def test_pendulum_matches_finite_differences():
    args = (*PENDULUM, 50)
    got = srcdiff.grad(pendulum, wrt=(0, 1, 2), checkpoint=4)(*args)
    for i, g in enumerate(got):
        np.testing.assert_allclose(g, fd_grad(pendulum, args, i), rtol=1e-6)


def test_value_and_grad():
    args = (*PENDULUM, 23)
    value, grads = srcdiff.value_and_grad(pendulum, wrt=(0, 1), checkpoint=5)(*args)
    assert value == pendulum(*args)
    _close(grads, srcdiff.grad(pendulum, wrt=(0, 1))(*args))


@pytest.mark.parametrize("snapshots", [1, 3, 4, 50])
def test_array_state(snapshots):
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=4), rng.normal(size=4)
    got = srcdiff.grad(array_state, wrt=(0, 1), checkpoint=snapshots)(x, w, 10)
    want = srcdiff.grad(array_state, wrt=(0, 1))(x, w, 10)
    _close(got, want)
    np.testing.assert_allclose(got[0], fd_grad(array_state, (x, w, 10), 0), rtol=1e-6)


@pytest.mark.parametrize("snapshots", [1, 2, 4, 11])
def test_array_assigned_into_is_copied_in_snapshots(snapshots):
    x = np.array([0.3, -0.2, 0.5])
    got = srcdiff.grad(assigns_into, checkpoint=snapshots)(x, 10)
    _close(got, srcdiff.grad(assigns_into)(x, 10))
    np.testing.assert_allclose(got, fd_grad(assigns_into, (x, 10), 0), rtol=1e-6)
    assert list(x) == [0.3, -0.2, 0.5]


@pytest.mark.parametrize("snapshots", [1, 2, 5])
def test_nested_loops_checkpoint_the_outer(snapshots):
    args = (0.7, 6, 3)
    got = srcdiff.grad(nested, checkpoint=snapshots)(*args)
    _close(got, srcdiff.grad(nested)(*args))
    np.testing.assert_allclose(got, fd_grad(nested, args, 0), rtol=1e-6)


@pytest.mark.parametrize("snapshots", [1, 3, 8])
def test_loop_calling_a_helper(snapshots):
    args = (0.4, 0.2, 9)
    got = srcdiff.grad(calls_helper, wrt=(0, 1), checkpoint=snapshots)(*args)
    _close(got, srcdiff.grad(calls_helper, wrt=(0, 1))(*args))
    np.testing.assert_allclose(got[1], fd_grad(calls_helper, args, 1), rtol=1e-6)


@pytest.mark.parametrize("snapshots", [1, 2, 3, 4, 10, 100])
@pytest.mark.parametrize("start", [0.05, 0.5, 3.0, 40.0])
def test_while_loop(snapshots, start):
    got = srcdiff.grad(shrinking, checkpoint=snapshots)(start, 0.1)
    _close(got, srcdiff.grad(shrinking)(start, 0.1))


def test_variable_read_before_the_loop_is_in_the_snapshot():
    """`v` is overwritten without being read in the body, but the backward sweep of
    `w = v * v` needs the value from before the loop."""
    for snapshots in (1, 2, 3):
        got = srcdiff.grad(read_before_loop, checkpoint=snapshots)(0.8, 5)
        _close(got, srcdiff.grad(read_before_loop)(0.8, 5))
    np.testing.assert_allclose(got, fd_grad(read_before_loop, (0.8, 5), 0), rtol=1e-6)


def test_tape_is_one_segment():
    """The backward sweep's tape never holds more than one segment of passes."""
    text = srcdiff.source(pendulum, wrt=(0, 1), at=(*PENDULUM, 100), checkpoint=10)
    assert "snapshots1.append((om, th))" in text
    depth = _max_stack_depth(pendulum, (*PENDULUM, 1000), checkpoint=10)
    assert depth <= 2 * 100  # two pushes per pass, 100 passes per segment
    assert _max_stack_depth(pendulum, (*PENDULUM, 1000), checkpoint=None) == 2 * 1000


def _max_stack_depth(func, args, checkpoint):
    """The largest `_stack` the generated gradient holds, by a list that records it."""
    generated, _ = srcdiff.api.gradients.generated(func, wrt=(0, 1), at=args, checkpoint=checkpoint)

    class Tape(list):
        deepest = 0

        def append(self, value):
            super().append(value)
            Tape.deepest = max(Tape.deepest, len(self))

    text = generated.text.replace("_stack = []", "_stack = Tape()")
    namespace = {**func.__globals__, **generated.bindings, "Tape": Tape}
    exec(compile(text, "<checkpoint test>", "exec"), namespace)
    namespace[generated.entry](*args)
    return Tape.deepest


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


def test_loop_with_early_exit_is_refused():
    with pytest.raises(UnsupportedSyntaxError) as info:
        srcdiff.grad(early_exit, checkpoint=3)(1.0, 50)
    message = str(info.value)
    assert "cannot checkpoint this for loop" in message
    assert "test_checkpoint.py" in message and "for i in range(n):" in message
    assert "without checkpoint=" in message
    assert srcdiff.grad(early_exit)(1.0, 50) == pytest.approx(1.1**25)


@pytest.mark.parametrize("bad", [0, -2, 2.5, True, "10"])
def test_bad_checkpoint_is_refused(bad):
    with pytest.raises(SrcDiffError, match="checkpoint must be"):
        srcdiff.grad(pendulum, checkpoint=bad)


def test_forward_mode_refuses_checkpoint():
    with pytest.raises(SrcDiffError, match="reverse mode"):
        srcdiff.grad(pendulum, mode="forward", checkpoint=10)
