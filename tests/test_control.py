"""compiler/control.py: control-flow templates filled with names, expressions and
statement lists."""

import ast

from srcdiff.compiler import control
from srcdiff.compiler.control import fill


def _text(stmts):
    return "\n".join(ast.unparse(s) for s in stmts)


def test_a_reversed_loop_is_the_code_it_reads_as():
    body = [ast.parse("dx = dx + dy * k").body[0]]
    out = fill(control.REVERSED_FOR_COUNTED, TARGET="k", ITERS="iters1", TRIPS="trips1", BODY=body)
    assert _text(out) == "for k in reversed(iters1[:trips1]):\n    dx = dx + dy * k"


def test_an_empty_body_is_pass_an_empty_else_is_dropped_and_origin_tags_the_first():
    test = ast.parse("x > 0", mode="eval").body
    out = fill(control.RECORDED_BRANCH, 7, COND="cond1", TEST=test, BODY=[], ORELSE=[])
    assert _text(out) == "cond1 = x > 0\nif cond1:\n    pass"
    assert out[0].srcline == 7 and not hasattr(out[1], "srcline")


def test_the_template_itself_is_not_changed_by_filling():
    fill(control.REPLAYED_WHILE, COUNTER="_", TRIPS="trips1", BODY=[ast.Pass()])
    again = fill(control.REPLAYED_WHILE, COUNTER="_i", TRIPS="trips2", BODY=[])
    assert _text(again) == "for _i in range(trips2):\n    pass"
