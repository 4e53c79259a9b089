"""Lists joined with `+` or rebound to another kind are refused with a hint, and the
rewrite each hint asks for is differentiated (both modes, against finite differences).
Lists the function builds and changes in place (`ys.insert`, `reverse`, `clear`, `xs[i] =
v`), refused with a hint until compiler/list_edits.py, are differentiated as written,
and agree with the rewrites those hints asked for."""

import list_hint_cases as C
import pytest
from fdiff import fd_grad

import srcdiff

CASES = [
    (C.joined, C.joined_followed, "joining lists or tuples with `+`", "in a loop, ys.append(y)"),
    (C.joined_lists, C.joined_lists_followed, "joining lists or tuples", "[*xs, *ys, c]"),
    (C.joined_tuples, C.joined_tuples_followed, "joining lists or tuples", "(t[0], t[1], c)"),
    (
        C.rebound_as_an_array,
        C.rebound_as_an_array_followed,
        "'ys' holds a list elsewhere and an array here",
        "ys_array = np.array(ys, float)",
    ),
    (
        C.comprehension_rebound_as_an_array,
        C.comprehension_rebound_as_an_array_followed,
        "'ys' holds a list elsewhere and an array here",
        "ys_array = np.array(ys)",
    ),
    (
        C.rebound_to_a_list_built_from_it,
        C.rebound_to_a_list_built_from_it_followed,
        "'xs' is bound here to a new list",
        "give the new list a name of its own (xs_new = ...)",
    ),
]


@pytest.mark.parametrize(("refused", "followed", "what", "advice"), CASES)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_refusal_names_the_construct_and_its_advice_works(
    refused, followed, what, advice, mode
):
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as info:
        srcdiff.grad(refused, mode=mode)(0.7)
    assert what in str(info.value) and advice in info.value.hint
    assert followed(0.7) == pytest.approx(refused(0.7))
    got = srcdiff.grad(followed, mode=mode)(0.7)
    assert got == pytest.approx(fd_grad(refused, (0.7,), 0), rel=1e-7)


# (refused before compiler/list_edits.py; each with the rewrite its hint asked for)
CHANGED_IN_PLACE = [
    (C.inserted, C.inserted_followed),
    (C.reversed_in_place, C.reversed_in_place_followed),
    (C.cleared, C.cleared_followed),
    (C.stored_at_a_constant, C.stored_at_a_constant_followed),
    (C.stored_at_a_variable, C.stored_at_a_variable_followed),
    (C.stored_in_a_loop, C.stored_in_a_loop_followed),
]


@pytest.mark.parametrize(("changed", "rewritten"), CHANGED_IN_PLACE)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_lists_changed_in_place_are_differentiated_as_written(changed, rewritten, mode):
    assert rewritten(0.7) == pytest.approx(changed(0.7))
    got = srcdiff.grad(changed, mode=mode)(0.7)
    assert got == pytest.approx(fd_grad(changed, (0.7,), 0), rel=1e-7)
    assert got == pytest.approx(srcdiff.grad(rewritten, mode=mode)(0.7), rel=1e-12)
