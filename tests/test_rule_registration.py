"""Registering a rule takes effect everywhere, including in derivative functions that were
created (and specialised) before it: the rule table's version is part of every cache key,
and the functions `grad` returns are told of the change."""

import ast

import numpy as np
import pytest

import srcdiff


def _scaled(x):
    return 3.0 * x


srcdiff.register_rule(_scaled, "x", partials={"x": "3.0"})


def _uses_scaled(x):
    return _scaled(x) * x


def test_a_rule_registered_later_replaces_the_one_grad_was_specialised_with():
    g = srcdiff.grad(_uses_scaled)
    assert g(2.0) == pytest.approx(12.0)  # d/dx 3x*x = 6x
    assert g(np.float64(2.0)) == pytest.approx(12.0)
    srcdiff.register_rule(_scaled, "x", partials={"x": "5.0"})  # a different rule
    try:
        assert g(2.0) == pytest.approx(5.0 * 2.0 + 3.0 * 2.0)  # the new rule, same object
        vg = srcdiff.value_and_grad(_uses_scaled)
        assert vg(2.0)[1] == pytest.approx(16.0)
    finally:
        srcdiff.register_rule(_scaled, "x", partials={"x": "3.0"})
    assert g(2.0) == pytest.approx(12.0)


def test_spellings_by_rank_must_name_the_rule_s_own_vjps():
    from srcdiff.rules.core import make_rule

    def twice(x):
        return 2 * x

    rule = make_rule(
        twice, "x", jvp={"x": "2 * t"}, vjp={"x": "2 * g"}, by_rank={(1,): {"vjp": {"x": "g + g"}}}
    )
    assert ast.unparse(rule.template("vjp", "x", (1,))) == "g + g"
    assert ast.unparse(rule.template("vjp", "x", (2,))) == "2 * g"
    assert ast.unparse(rule.template("vjp", "x")) == "2 * g"
    for bad in ({(1,): {"vjp": {"y": "g"}}}, {(1,): {"hvp": {"x": "g"}}}):
        with pytest.raises(ValueError, match="by_rank"):
            make_rule(twice, "x", jvp={"x": "2 * t"}, vjp={"x": "2 * g"}, by_rank=bad)
    with pytest.raises(NameError, match="undefined"):
        make_rule(
            twice, "x", jvp={"x": "2 * t"}, vjp={"x": "2 * g"}, by_rank={(1,): {"vjp": {"x": "q"}}}
        )
