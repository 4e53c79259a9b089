"""How close srcdiff's generated NumPy gradients come to hand-written adjoints.

For the NumPy samples (logistic regression, the MLP, Rosenbrock) and a softmax
cross-entropy, at a small and a large size: runtime-helper calls in the generated
gradient (calls to names it imports from `srcdiff.runtime`), its lines of code
against a hand-written adjoint of the same function (statements only: no comments,
docstring or `del`), and the time of each against the function's own.

Run: ``python -m benchmarks.bench_readable [--quick]``.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "samples"))

from logistic import loss as logistic_loss  # noqa: E402
from mlp import mlp_loss  # noqa: E402
from rosenbrock import rosenbrock  # noqa: E402

import srcdiff  # noqa: E402
from benchmarks.common import header, markdown_table, rel_diff, time_calls  # noqa: E402


def softmax_xent(W, X, Y):
    logits = X @ W
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


# --- hand-written adjoints ---------------------------------------------------------------
def logistic_by_hand(w, b, X, y, lam):
    z = X @ w + b
    p = 1.0 / (1.0 + np.exp(-z))
    eps = 1e-12
    dterm = -1.0 / len(y)
    dp = dterm * (y / (p + eps) - (1.0 - y) / (1.0 - p + eps))
    dz = dp * p * (1.0 - p)
    return X.T @ dz + 2 * lam * w, np.sum(dz)


def mlp_by_hand(W1, b1, W2, b2, X, labels):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    e = np.exp(shifted)
    probs = e / np.sum(e, axis=1, keepdims=True)
    dlogits = probs
    dlogits[np.arange(X.shape[0]), labels] -= 1.0
    dlogits /= X.shape[0]
    dh = dlogits @ W2.T * (1 - h * h)
    return X.T @ dh, dh.sum(axis=0), h.T @ dlogits, dlogits.sum(axis=0)


def rosenbrock_by_hand(x):
    r = x[1:] - x[:-1] ** 2
    g = np.zeros_like(x)
    g[1:] = 200.0 * r
    g[:-1] += -400.0 * r * x[:-1] - 2.0 * (1.0 - x[:-1])
    return g


def softmax_xent_by_hand(W, X, Y):
    logits = X @ W
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    e = np.exp(shifted)
    probs = e / np.sum(e, axis=1, keepdims=True)
    dlogits = (probs * Y.sum(axis=1, keepdims=True) - Y) / X.shape[0]
    return X.T @ dlogits


# --- cases -------------------------------------------------------------------------------
def _mlp(batch):
    rng = np.random.default_rng(0)
    d, hidden, k = 20, 32, 4
    args = (
        rng.normal(size=(d, hidden)) / np.sqrt(d),
        rng.normal(size=hidden) * 0.1,
        rng.normal(size=(hidden, k)) / np.sqrt(hidden),
        rng.normal(size=k) * 0.1,
        rng.normal(size=(batch, d)),
        rng.integers(0, k, size=batch),
    )
    return f"MLP 20-32-4, batch {batch}", mlp_loss, mlp_by_hand, (0, 1, 2, 3), args


def _logistic(n):
    rng = np.random.default_rng(1)
    args = (rng.normal(size=5), 0.3, rng.normal(size=(n, 5)), rng.integers(0, 2, n) * 1.0, 0.01)
    return f"logistic, n={n}", logistic_loss, logistic_by_hand, (0, 1), args


def _rosenbrock(n):
    x = np.random.default_rng(2).normal(size=n)
    return f"Rosenbrock, N={n}", rosenbrock, rosenbrock_by_hand, 0, (x,)


def _softmax(batch):
    rng = np.random.default_rng(3)
    Y = np.eye(4)[rng.integers(0, 4, size=batch)]
    args = (rng.normal(size=(20, 4)), rng.normal(size=(batch, 20)), Y)
    return f"softmax cross-entropy, batch {batch}", softmax_xent, softmax_xent_by_hand, 0, args


def statements(fn_source):
    """Statements of the (first) function in a module's source, without docstring or del."""
    fn = next(n for n in ast.parse(fn_source).body if isinstance(n, ast.FunctionDef))
    count = 0
    for node in ast.walk(fn):
        if isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef, ast.Delete)):
            is_doc = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            count += not is_doc
    return count


def helper_calls(source):
    """Calls to names the module imports from srcdiff.runtime."""
    tree = ast.parse(source)
    names = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("srcdiff")
        for alias in node.names
    }
    return sum(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in names
        for n in ast.walk(tree)
    )


def hand_statements(fn):
    import inspect
    import textwrap

    return statements(textwrap.dedent(inspect.getsource(fn)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only, fewer repeats")
    opts = parser.parse_args(argv)
    cases = [_mlp(8), _logistic(8), _rosenbrock(10), _softmax(8)]
    if not opts.quick:
        cases += [_mlp(256), _logistic(10_000), _rosenbrock(100_000), _softmax(256)]
    header("Generated NumPy gradients against hand-written adjoints")
    rows = []
    for name, f, by_hand, wrt, args in cases:
        grad = srcdiff.grad(f, wrt=wrt)
        got, want = grad(*args), by_hand(*args)
        got = got if isinstance(got, tuple) else (got,)
        want = want if isinstance(want, tuple) else (want,)
        flat = lambda gs: np.concatenate([np.ravel(g) for g in gs])  # noqa: E731
        err = rel_diff(flat(got), flat(want))
        text = srcdiff.source(f, wrt=wrt, at=args)
        t_f, t_grad, t_hand = time_calls(
            [(f, args), (grad, args), (by_hand, args)], repeat=5 if opts.quick else 15
        )
        rows.append(
            [
                name,
                helper_calls(text),
                statements(text),
                hand_statements(by_hand),
                t_grad,
                t_hand,
                t_grad / t_f,
                t_grad / t_hand,
                f"{err:.0e}",
            ]
        )
    markdown_table(
        [
            "case",
            "runtime-helper calls",
            "generated statements",
            "hand-written statements",
            "gradient µs",
            "by hand µs",
            "gradient / f",
            "gradient / by hand",
            "max rel. diff",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
