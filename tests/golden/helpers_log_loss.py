# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/helpers.py, log_loss; reverse mode with respect to w1, w2, b
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
def log_loss_grad(w1, w2, b):
    """Gradient of log_loss with respect to w1, w2, b (reverse mode)."""
    # forward sweep
    label = None
    p = None
    _stack = []
    data = [(0.5, 1.0, 1.0), (-1.0, 0.3, 0.0), (2.0, -0.5, 1.0)]
    iters1 = range(len(data))
    for i1 in iters1:
        t1 = data[i1]
        if len(t1) != 3:
            raise ValueError('wrong number of values to unpack (expected 3)')
        x1 = t1[0]
        x2 = t1[1]
        _stack.append(label)
        label = t1[2]
        _stack.append(p)
        p = neuron_fwd(_stack, x1, x2, w1, w2, b)
    # backward sweep
    # line 21: return loss / len(data)
    dloss = 1.0 / len(data)
    # line 18: for x1, x2, label in data:
    db = 0.0
    dw1 = 0.0
    dw2 = 0.0
    for i1 in reversed(iters1):
        t4 = 1.0 - p
        # line 20: loss -= label * math.log(p) + (1.0 - label) * math.log(1.0 - p)
        dt7 = -dloss
        dp = -dt7 * (1.0 - label) / t4
        dp = dp + dt7 * label / p
        # line 19: p = neuron(x1, x2, w1, w2, b)
        g1, g2, g3 = neuron_bwd(_stack, dp, w1, w2, b)
        dw1 = dw1 + g1
        dw2 = dw2 + g2
        db = db + g3
        p = _stack.pop()
        label: float = _stack.pop()
    return dw1, dw2, db


def neuron_fwd(_stack, x1, x2, w1, w2, b):
    """Forward sweep of neuron: its value, saving what the backward sweep needs."""
    out = sigmoid_fwd(_stack, w1 * x1 + w2 * x2 + b)
    _stack.append((x1, x2))
    return out


def neuron_bwd(_stack, dout, w1, w2, b):
    """Backward sweep of neuron: adjoints of w1, w2, b."""
    x1, x2 = _stack.pop()
    x1: float
    x2: float
    # line 11: return sigmoid(w1 * x1 + w2 * x2 + b)
    dt4 = sigmoid_bwd(_stack, dout)
    db = dt4
    dw2 = dt4 * x2
    dw1 = dt4 * x1
    return dw1, dw2, db


def sigmoid_fwd(_stack, z):
    """Forward sweep of sigmoid: its value, saving what the backward sweep needs."""
    t2 = math.exp(-z)
    t3 = 1.0 + t2
    out = 1.0 / t3
    _stack.append((t2, t3, out))
    return out


def sigmoid_bwd(_stack, dout):
    """Backward sweep of sigmoid: adjoints of z."""
    t2, t3, out = _stack.pop()
    # line 7: return 1.0 / (1.0 + math.exp(-z))
    dt3 = dout * (-out / t3)
    dt1 = dt3 * t2
    dz = -dt1
    return dz
