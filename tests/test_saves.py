"""What reverse mode saves (reverse/saves.py): only values its backward sweep reads back,
helpers' backward sweeps taking the caller's unchanged numbers, cheap temporaries
computed again -- each checked against finite differences and forward mode, and in the
generated code."""

from __future__ import annotations

import numpy as np
import pytest
import save_cases as sc

import srcdiff

CASES = [
    (sc.integrate, (9.81, 1.2, 0.1, 0.01, 30), (0, 1, 2)),
    (sc.read_at_end, (0.7, 6), (0,)),
    (sc.read_in_every_pass, (0.7, 6), (0,)),
    (sc.two_sites, (0.4, 1.3, 5), (0, 1)),
    (sc.negated, (0.6, 1.7, 7), (0, 1)),
    (sc.branch_then_read, (0.3, 7), (0,)),
    (sc.while_loop, (0.9,), (0,)),
    (sc.first_touch, (0.3, 4), (0,)),
    (sc.first_touch, (0.3, 0), (0,)),
    (sc.nested_helpers, (0.4, 0.7), (0, 1)),
    (sc.recursive, (0.4, 0.7), (0, 1)),
    (sc.with_keywords, (0.4, 0.7), (0, 1)),
    (sc.reassigned_later, (0.4, 0.7), (0, 1)),
    (sc.branch_call, (0.4, 0.3, 6), (0, 1)),
    (sc.rk4_like, (9.81, 1.2, 0.1, 0.01, 9), (0, 1, 2)),
    (sc.divided_again, (0.6, 1.7, 7), (0, 1)),
]


@pytest.mark.parametrize("f, args, wrt", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_gradient_matches_finite_differences_and_forward_mode(f, args, wrt):
    srcdiff.check_grad(f, *args, wrt=wrt, rtol=1e-6)
    rev = srcdiff.grad(f, wrt=wrt)(*args)
    fwd = srcdiff.grad(f, wrt=wrt, mode="forward")(*args)
    np.testing.assert_allclose(rev, fwd, rtol=1e-12)


@pytest.mark.parametrize("f, args, wrt", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_hessian_through_the_generated_gradient(f, args, wrt):
    """Forward over reverse reads the generated code: its pushes and pops too."""
    h = np.asarray(srcdiff.hessian(f, wrt=wrt[0])(*args), float)
    step = 1e-5
    lo, hi = list(args), list(args)
    lo[wrt[0]] -= step
    hi[wrt[0]] += step
    g = srcdiff.grad(f, wrt=wrt[0])
    np.testing.assert_allclose(h, (g(*hi) - g(*lo)) / (2 * step), rtol=1e-5, atol=1e-7)


def _source(f, args, wrt):
    return srcdiff.source(f, wrt=wrt, at=args)


def test_a_value_read_only_after_the_loop_is_not_pushed():
    text = _source(sc.read_at_end, (0.7, 6), (0,))
    assert "_stack" not in text
    text = _source(sc.read_in_every_pass, (0.7, 6), (0,))
    # (y is a float: it goes on the float tape, compiler/reverse/float_tape.py)
    assert text.count("_stack.append(y)") + text.count("_floats.append(y)") == 1


def test_the_caller_pushes_nothing_its_helper_saves():
    text = _source(sc.integrate, (9.81, 1.2, 0.1, 0.01, 30), (0, 1, 2))
    main = text[: text.index("def step_fwd")]
    assert "_stack.append" not in main and "_floats.append" not in main
    # g and dt never change: passed to the backward sweep, not pushed
    assert "def step_bwd(_stack, dout1, dout2, dt, g):" in text or "dt, g)" in text
    fwd = text[text.index("def step_fwd") : text.index("def step_bwd")]
    assert "append(g)" not in fwd and "append(dt)" not in fwd


def test_one_push_is_one_float_in_the_main_function():
    """The main function pushes values one by one; a helper packs its saves into one
    tuple a call (test_packed.py), none of them discarded on the way back."""
    text = _source(sc.integrate, (9.81, 1.2, 0.1, 0.01, 30), (0, 1, 2))
    main = text[: text.index("\ndef step_fwd")]
    assert "append((" not in main and ", _ = " not in text and "_, " not in text


def test_a_helper_called_with_changing_and_unchanging_arguments():
    text = _source(sc.two_sites, (0.4, 1.3, 5), (0, 1))
    # y changes in the loop: that specialisation keeps z itself; x and c are passed
    assert "scaled_bwd(_stack, dy, c)" in text
    assert "scaled_bwd_2(_stack, 1.0, x, c)" in text or "(_stack, 1.0, x, c)" in text


def test_negation_of_a_parameter_is_computed_again():
    text = _source(sc.negated, (0.6, 1.7, 7), (0, 1))
    fwd = text[: text.index("# backward sweep")]
    bwd = text[text.index("# backward sweep") :]
    negation = next(line.split("=")[0].strip() for line in bwd.splitlines() if "= -k" in line)
    assert f"_stack.append({negation})" not in fwd and f"_floats.append({negation})" not in fwd


def test_a_helpers_negated_parameter_is_computed_again():
    text = _source(sc.integrate, (9.81, 1.2, 0.1, 0.01, 30), (0, 1, 2))
    bwd = text[text.index("def step_bwd") :]
    assert "= -g" in bwd


def test_a_pass_that_assigns_an_adjoint_first_needs_no_zero_in_the_loop():
    text = _source(sc.first_touch, (0.3, 4), (0,))
    loop = text[text.index("for i in reversed") :]
    body = loop[: loop.index("\n    d")]  # up to the first statement after the loop
    assert "dacc = 0.0" not in body and "dacc = dacc +" not in body


def test_sums_of_values_the_backward_sweep_pops_are_computed_again():
    text = _source(sc.rk4_like, (9.81, 1.2, 0.1, 0.01, 9), (0, 1, 2))
    fwd = text[text.index("def rk4_like_step_fwd") : text.index("def rk4_like_step_bwd")]
    bwd = text[text.index("def rk4_like_step_bwd") :]
    lines = [line.strip() for line in fwd.splitlines()]
    pushed = {line[len("_stack.append(") : -1] for line in lines if "append" in line}
    again = [s for s in map(str.strip, bwd.splitlines()) if s.startswith("t") and "th +" in s]
    assert {line.split(" = ")[1] for line in again} == {"th + dt * k2t", "th + 0.5 * dt * om"}
    assert not {line.split(" = ")[0] for line in again} & pushed, fwd


def test_a_division_is_pushed_not_computed_again():
    text = _source(sc.divided_again, (0.6, 1.7, 7), (0, 1))
    fwd = text[: text.index("# backward sweep")]
    assert "/ k" in fwd and ("_stack.append(t" in fwd or "_floats.append(t" in fwd)
