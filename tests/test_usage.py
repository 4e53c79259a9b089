"""What srcdiff assumes about parameters from how a function uses them (api/usage.py),
where no example arguments say: the kinds `srcdiff show` and `build` generate code for."""

import usage_cases as U

from srcdiff.api.requests import assumed_kinds, parameters
from srcdiff.api.usage import parameter_uses


def _kinds(func):
    return {p: k for p, (k, _) in assumed_kinds(func, parameters(func)).items()}


def test_counts_arrays_and_numbers():
    assert _kinds(U.len_is_not_a_count) == {"x": "array"}  # len(x): not a count
    assert parameter_uses(U.len_is_not_a_count)["x"] == ("array", "indexed")
    assert _kinds(U.through_a_local) == {"x": "array", "n": "int"}
    assert parameter_uses(U.through_a_local)["n"][1].startswith("assigned to m")
    assert _kinds(U.math_wins) == {"x": "scalar", "y": "array"}
    # np.float64(c) is a conversion (a type), not a NumPy function of an array
    assert _kinds(U.methods_and_attributes) == {
        "a": "array",
        "b": "array",
        "c": "scalar",
        "k": "int",
    }
    assert _kinds(U.zeros_shape) == {"x": "array", "n": "int"}
    assert _kinds(U.plain) == {"x": "scalar", "y": "scalar"}
    assert assumed_kinds(U.plain, ["x", "y"])["x"] == ("scalar", "not used as an array")
    assert _kinds(U.condition) == {"x": "scalar", "w": "array"}


def test_annotations_and_defaults_come_first():
    assert assumed_kinds(U.annotated, parameters(U.annotated)) == {
        "x": ("scalar", "annotated"),
        "v": ("array", "annotated"),
        "n": ("int", "annotated"),
        "items": ("seq", "annotated"),
    }


def test_the_items_of_a_display_an_indexing_helper_reads_are_not_arrays_for_it():
    assert _kinds(U.display_to_an_indexing_helper) == {"x": "scalar", "y": "scalar"}
