# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/helpers.py, log_loss; symbolic mode with respect to w1, w2, b
#    6 | def sigmoid(z):
#    7 |     return 1.0 / (1.0 + math.exp(-z))
#
#   10 | def neuron(x1, x2, w1, w2, b):
#   11 |     return sigmoid(w1 * x1 + w2 * x2 + b)
#
#   14 | def log_loss(w1, w2, b):
#   15 |     """Cross-entropy of a two-input neuron on three fixed points."""
#   16 |     data = [(0.5, 1.0, 1.0), (-1.0, 0.3, 0.0), (2.0, -0.5, 1.0)]
#   17 |     loss = 0.0
#   18 |     for x1, x2, label in data:
#   19 |         p = neuron(x1, x2, w1, w2, b)
#   20 |         loss -= label * math.log(p) + (1.0 - label) * math.log(1.0 - p)
#   21 |     return loss / len(data)
# --- check: run at each point, the generated code returns the `->` values
# w1 = 0.1
# w2 = -0.2
# b = 0.0
# -> dw1 = -0.526638
# -> dw2 = -0.0622085
# -> db = -0.167634
# --- generated
import math


def log_loss_grad(w1, w2, b):
    """Gradient of log_loss with respect to w1, w2, b (symbolic)."""
    t1 = math.exp(-b - 2 * w1 + 0.5 * w2)
    t2 = t1 / (t1 + 1)
    t3 = math.exp(-b - 0.5 * w1 - w2)
    t4 = t3 / (t3 + 1)
    t5 = math.exp(-b + w1 - 0.3 * w2)
    t6 = t5 + 1
    t7 = t5 / (t6 ** 2 * (1 - 1 / t6))
    t8 = 1 / 3 * t7
    t9 = 1 / 3 * t4
    dw1 = -2 / 3 * t2 - 1 / 6 * t4 - t8
    dw2 = 1 / 6 * t2 + 0.1 * t7 - t9
    db = -1 / 3 * t2 + t8 - t9
    return dw1, dw2, db
