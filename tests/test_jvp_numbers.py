"""jvp's cached tangent code for Python numbers (api/transforms._number_jvp): taken when
the primals along a tangent are floats and the others are Python numbers such as a step
count or a flag; the code is specialised to types (and to the value of a flag an `if`
reads: api/static_args.py), so other values of the same types reuse it and give their
own derivatives, and other types take the general path."""

import pytest
from fdiff import fd_directional

import srcdiff
from srcdiff.api import requests


def stepped(x, v, n, damped):
    for _ in range(n):
        if damped:
            v = v - 0.1 * v
        x = x + 0.01 * v * x
    return x


def reference(n, damped):
    return fd_directional(lambda x, v: stepped(x, v, n, damped), (1.2, 0.3), (1.0, 0.5))


@pytest.mark.parametrize("n, damped", [(3, True), (7, False), (1, True), (0, False)])
def test_each_step_count_and_flag_gets_its_own_derivative(n, damped):
    srcdiff.jvp(stepped, (1.2, 0.3, 5, True), (1.0, 0.5, None, None))  # cached for ints
    value, tangent = srcdiff.jvp(stepped, (1.2, 0.3, n, damped), (1.0, 0.5, None, None))
    assert value == stepped(1.2, 0.3, n, damped)
    assert tangent == pytest.approx(reference(n, damped), rel=1e-7)


def test_the_cached_code_is_reused_for_numbers(monkeypatch):
    """(a step count sent every call through the specialisation lookup: RK4's public jvp
    ran at 2.6x the function where its tangent code ran at 2.3x).  The flag decides a
    branch, so its code is made for the flag's value: the first call gives the value."""
    srcdiff.jvp(stepped, (1.2, 0.3, 4, False), (1.0, 0.5, None, None))
    lookups = []
    compiled = requests.Specializer.compiled
    monkeypatch.setattr(
        requests.Specializer,
        "compiled",
        lambda self, args: lookups.append(1) or compiled(self, args),
    )
    for n in (2, 9):
        srcdiff.jvp(stepped, (1.2, 0.3, n, False), (1.0, 0.5, None, None))
    assert lookups == []


def test_another_type_takes_the_general_path():
    srcdiff.jvp(stepped, (1.2, 0.3, 4, True), (1.0, 0.5, None, None))
    _, tangent = srcdiff.jvp(stepped, (1.2, 0.3, 4, 1), (1.0, 0.5, None, None))
    assert tangent == pytest.approx(reference(4, True), rel=1e-7)
    _, tangent = srcdiff.jvp(stepped, (1.2, 0.3, 4, 0.0), (1.0, 0.5, None, None))
    assert tangent == pytest.approx(reference(4, False), rel=1e-7)
    with pytest.raises(TypeError):  # as stepped itself raises: range(4.0)
        srcdiff.jvp(stepped, (1.2, 0.3, 4.0, True), (1.0, 0.5, None, None))
