"""compiler/optimize.py: dead-code elimination (liveness), copy propagation, folding."""

import ast
import gc
import textwrap

from srcdiff.compiler.gcpause import gc_paused
from srcdiff.compiler.optimize import eliminate_dead, fold_single_use, propagate


def _body(code):
    return ast.parse(textwrap.dedent(code)).body


def _text(stmts):
    return ast.unparse(ast.Module(body=stmts, type_ignores=[]))


def _dead(code, names, keep=()):
    return _text(eliminate_dead([_body(code)], set(names), {"math", "np"}, keep)[0])


def test_a_chain_of_dead_assignments_goes_in_one_pass():
    code = """
        da = x * 2
        db = da + 1
        dc = db * db
        return x
    """
    assert _dead(code, {"da", "db", "dc"}) == "return x"


def test_an_assignment_overwritten_before_it_is_read_is_dead():
    code = """
        dx = math.sin(y)
        dx = 2.0
        return dx
    """
    assert _dead(code, {"dx"}) == "dx = 2.0\nreturn dx"


def test_a_value_read_in_the_next_iteration_of_a_loop_is_live():
    code = """
        dx = 0.0
        for i in range(3):
            dy = dx * 2
            dx = math.cos(i)
        return dy
    """
    assert _dead(code, {"dx", "dy"}) == textwrap.dedent(code).strip()


def test_an_accumulator_nothing_reads_is_dropped_from_a_loop():
    code = """
        total = 0.0
        for i in range(3):
            total = total + math.log(i + 1)
            out = i * 2
        return out
    """
    expected = "for i in range(3):\n    out = i * 2\nreturn out"
    assert _dead(code, {"total", "out"}) == expected


def test_break_sees_what_is_live_after_the_loop_and_continue_the_head():
    code = """
        dx = 1.0
        while cond():
            da = dx + 1
            if stop():
                break
            dx = 2.0
            if skip():
                continue
        return da
    """
    assert _dead(code, {"dx", "da"}) == textwrap.dedent(code).strip()


def test_a_call_with_effects_stays_without_its_name():
    assert _dead("dx = push(y)\nreturn y", {"dx"}) == "push(y)\nreturn y"


def test_keep_names_are_live_at_the_end():
    assert _dead("dx = y + 1", {"dx"}, keep={"dx"}) == "dx = y + 1"


def test_an_if_whose_branches_are_dead_goes_and_one_with_a_dead_body_is_negated():
    assert _dead("if a > 0:\n    dx = 1.0\nreturn a", {"dx"}) == "return a"
    code = "if a > 0:\n    dx = 1.0\nelse:\n    dy = 2.0\nreturn dy"
    assert _dead(code, {"dx", "dy"}) == "if not a > 0:\n    dy = 2.0\nreturn dy"


def test_propagation_stops_where_either_side_is_reassigned():
    code = """
        dt1 = dout
        da = dt1 * x
        dout = 2.0
        db = dt1 * y
    """
    out = _text(propagate(_body(code), {"dt1", "da", "db", "dout"}))
    assert out == "dt1 = dout\nda = dout * x\ndout = 2.0\ndb = dt1 * y"


def test_folding_puts_a_single_use_back_unless_something_between_changes_its_reads():
    code = """
        t1 = x * 2
        t2 = y + 1
        y = 5
        z = t1 + t2
    """
    out = _text(fold_single_use(_body(code), {"t1", "t2"}, {"math"}))
    assert out == "t2 = y + 1\ny = 5\nz = x * 2 + t2"


def test_folding_far_apart_uses():
    lines = [f"t{i} = x * {i}" for i in range(200)]
    lines.append("z = " + " + ".join(f"t{i}" for i in range(200)))
    out = fold_single_use(_body("\n".join(lines)), {f"t{i}" for i in range(200)}, set())
    assert len(out) == 1
    namespace = {"x": 1.5}
    exec(compile(ast.Module(body=out, type_ignores=[]), "<t>", "exec"), namespace)
    assert namespace["z"] == sum(1.5 * i for i in range(200))


def test_gc_paused_restores_the_collector_and_nests():
    calls = []

    @gc_paused
    def inner():
        calls.append(gc.isenabled())

    @gc_paused
    def outer():
        inner()
        calls.append(gc.isenabled())

    assert gc.isenabled()
    outer()
    assert calls == [False, False] and gc.isenabled()
    gc.disable()
    try:
        outer()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_propagation_drops_an_assignment_of_a_name_to_itself():
    code = """
        dt3 = ds
        ds = ds
        dy = dt3 * 2
    """
    out = _text(propagate(_body(code), {"dt3", "ds", "dy"}))
    assert out == "dt3 = ds\ndy = ds * 2"


def test_folding_does_not_cross_an_assignment_into_an_array():
    code = """
        t1 = y[1:3]
        dt3 = dt1 * t2 + ds * t1
        y[1:3] = t3
        dy[1:3] = dt3
    """
    out = _text(fold_single_use(_body(code), {"dt3"}, set()))
    assert out == textwrap.dedent(code).strip()  # t1 may be a view of y: dt3 stays put


def test_a_for_loop_left_with_nothing_to_do_goes():
    code = """
        total = 0.0
        for i in range(n):
            total = total + x[i]
        return n
    """
    assert _dead(code, {"total"}) == "return n"
    kept = """
        for i in range(n):
            total = 1.0
        return i
    """  # the loop's counter is read after it
    assert _dead(kept, {"total"}) == "for i in range(n):\n    pass\nreturn i"


def test_a_user_variable_copied_by_arithmetic_stays_a_copy():
    """`y = x * 1.0` copies x: folding it to `y = x` would make y an alias, and
    `y[0] = v` would then change x (found by the random-program tester)."""
    stmts = ast.parse("y = x * 1.0\nz = x ** 1\ndy = dx * 1.0\nw = (x * 1.0) + y").body
    out = ast.unparse(ast.Module(propagate(stmts, {"dy", "dx"}), []))
    assert out.splitlines() == ["y = x * 1.0", "z = x ** 1", "dy = dx", "w = x + y"]


def _twice(head, tail, first, second, pure_first, pure_second):
    """Dead code over `tail` (names `first`, pure modules `pure_first`), then over `head`
    and what that left (names `second`, `pure_second`) with the facts shared, as
    derive.py runs it; and the second pass alone, with nothing shared."""
    from srcdiff.compiler.namefacts import NameFacts

    facts = NameFacts()
    kept = eliminate_dead([_body(tail)], set(first), pure_first, facts=facts)[0]
    shared = eliminate_dead([_body(head) + kept], set(second), pure_second, facts=facts)[0]
    kept = eliminate_dead([_body(tail)], set(first), pure_first)[0]
    alone = eliminate_dead([_body(head) + kept], set(second), pure_second)[0]
    return _text(shared), _text(alone)


def test_a_second_pass_reads_the_first_ones_result_where_it_would_remove_nothing_more():
    """The backward sweep's dead code is dropped first, then the whole function's: the
    second pass starts the forward part from the names live where the first pass's
    block began, and leaves that block as it is -- the result a full pass gives."""
    head = "t1 = x * y\nt2 = math.sin(t1)\nt3 = x + 1.0\n"
    tail = "da = t2 * 2.0\ndb = da * t1\ndc = db + 1.0\ndz = t3\nreturn (db, x)\n"
    shared, alone = _twice(
        head, tail, {"da", "db", "dc", "dz"}, {"t1", "t2", "t3"}, {"math"}, {"math"}
    )
    assert (
        shared
        == alone
        == "t1 = x * y\nt2 = math.sin(t1)\nda = t2 * 2.0\ndb = da * t1\nreturn (db, x)"
    )


def test_a_second_pass_reads_again_what_it_may_remove_that_the_first_kept():
    """A statement the first pass kept with its name dead -- not one of its names, or
    a call it didn't know to be pure -- is dead code to a second pass that removes more:
    that pass reads the whole block again."""
    head = "t1 = x * y\n"
    for tail in (
        "t2 = t1 * 2.0\nreturn x\n",  # (t2 is not the first pass's to remove)
        "da = m.f(t1) + 1.0\nreturn x\n",  # (m's functions are pure to the second pass)
        "t2 = g(t1)\nreturn x\n",  # (a call the second pass keeps as a statement)
    ):
        shared, alone = _twice(head, tail, {"da"}, {"da", "t1", "t2"}, set(), {"m"})
        assert shared == alone
        assert "t1 = x * y" not in shared or "g(t1)" in shared


def test_an_adjoint_changed_by_index_in_a_nested_block_stays_a_copy():
    """`dr = 1.0 * t1` stays a product (a copy) where `dr` is changed by index later --
    in a loop's body, an `else`, an exception handler: `dr = t1` would make the change
    reach t1 (a view of the caller's array, say)."""
    import numpy as np

    for block in (
        "for i in range(2):\n    dr[i] += g",
        "if g > 0:\n    pass\nelse:\n    dr[0] = g",
        "try:\n    pass\nexcept ValueError:\n    pass\nelse:\n    dr[1] += g",
        "try:\n    h = 1\nexcept ValueError:\n    dr[1] += g",
    ):
        code = f"dr = 1.0 * t1\n{block}\nreturn dr"
        body = propagate(_body(code), {"dr"})
        text = _text(body)
        assert text.startswith("dr = 1.0 * t1"), text
        t1 = np.array([1.0, 2.0, 3.0])
        namespace = {"t1": t1, "g": 5.0}
        exec(compile("def run():\n" + textwrap.indent(text, "    "), "<t>", "exec"), namespace)
        namespace["run"]()
        assert t1.tolist() == [1.0, 2.0, 3.0]
