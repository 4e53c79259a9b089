"""Refusals in a function given containers quote the leaves as the user wrote them
(`params["w"]`), not the flat view's parameter names (`params_w`, compiler/trees.py),
which the hint then asked the user to write (`w = params_w.copy()`)."""

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff

P = {"w": np.array([1.0, 2.0, 3.0]), "b": 0.5}
X = np.array([0.3, -0.5, 1.1])


def changes_a_leaf(params, x):
    w = params["w"]
    w[0] = 1.0
    return np.sum(w * x) + params["b"]


def changes_a_copy(params, x):  # the hint, followed
    w = params["w"].copy()
    w[0] = 1.0
    return np.sum(w * x) + params["b"]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_refusal_names_the_leaf_as_written_and_its_hint_works(mode):
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(changes_a_leaf, mode=mode)(P, X)
    text = str(err.value)
    assert "params_w" not in text
    assert 'changes its argument params["w"] in place' in text
    assert 'w = params["w"].copy()' in err.value.hint
    g = srcdiff.grad(changes_a_copy, mode=mode)(P, X)
    want = fd_grad(lambda w, b: changes_a_copy({"w": w, "b": b}, X), (P["w"], P["b"]), 0)
    assert_close(g["w"], want, 1e-7, 1e-9, "w")
    assert g["b"] == 1.0


def test_respelling_replaces_whole_names_only():
    from srcdiff.errors import _respelled

    spellings = {"params_w": 'params["w"]', "p_w": "p.w"}
    text = "'params_w' and params_w.copy(), not params_wide, xp_w or a.p_w; p_w"
    assert _respelled(text, spellings) == (
        'params["w"] and params["w"].copy(), not params_wide, xp_w or a.p_w; p.w'
    )
