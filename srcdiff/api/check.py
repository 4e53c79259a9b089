"""Finite-difference checking of generated derivatives: `check_grad` and its report.

The finite differences are `srcdiff.runtime.fd.numeric_grad`, the one
implementation srcdiff has (see that module for the method and why it lives in
the runtime layer); `numeric_grad` is re-exported here.  `srcdiff check` calls
`check_grad`, and the tests `srcdiff build --emit-tests` writes carry a copy of
`numeric_grad`.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..errors import GradientCheckError
from ..runtime.fd import numeric_grad
from . import callables
from .pytrees import Flattened, has_containers

__all__ = ["CheckReport", "CheckRow", "check_grad", "format_table", "numeric_grad"]


class CheckRow(NamedTuple):
    """One compared derivative entry (a scalar parameter, or one element of an array)."""

    parameter: str  # "x", or "w[1, 0]" for an element
    analytic: float  # srcdiff's derivative
    numeric: float  # finite differences'
    abs_error: float
    rel_error: float  # abs_error / |numeric| (inf if numeric is 0 and they differ)
    ok: bool  # abs_error <= atol + rtol * |numeric|


COLUMNS = ("parameter", "analytic", "numeric", "abs error", "rel error", "status")


@dataclass
class CheckReport:
    """The comparison `check_grad` made: one row per derivative entry.

    `str(report)` is a text table, `report._repr_html_()` the same table as
    HTML (Jupyter shows it), `repr(report)` one line.  check_grad returns the
    report when every entry agrees; otherwise it raises GradientCheckError,
    whose `report` attribute is the failing report.
    """

    function: str
    rows: list  # of CheckRow
    rtol: float
    atol: float

    MAX_ROWS = 40  # tables show the rows furthest out of tolerance beyond this many

    @property
    def passed(self):
        return all(row.ok for row in self.rows)

    @property
    def failures(self):
        """The parameters (or elements) whose derivatives disagree."""
        return [row.parameter for row in self.rows if not row.ok]

    @property
    def max_abs_error(self):
        return max((row.abs_error for row in self.rows), default=0.0)

    @property
    def max_rel_error(self):
        return max((row.rel_error for row in self.rows), default=0.0)

    def status(self):
        return "passed" if self.passed else f"FAILED for {', '.join(self.failures)}"

    def summary(self):
        return (
            f"gradient check of {self.function}: {self.status()} "
            f"(rtol={self.rtol:g}, atol={self.atol:g}); max abs error "
            f"{self.max_abs_error:.3g}, max rel error {self.max_rel_error:.3g}"
        )

    def shown_rows(self):
        """The rows a table shows: all, or the MAX_ROWS furthest out of tolerance (in
        their order), so that failures are always among them."""
        if len(self.rows) <= self.MAX_ROWS:
            return list(self.rows)
        order = sorted(
            range(len(self.rows)), key=lambda k: self._excess(self.rows[k]), reverse=True
        )
        return [self.rows[k] for k in sorted(order[: self.MAX_ROWS])]

    def _excess(self, row):
        """The error as a multiple of the tolerance (inf for NaN or a zero tolerance)."""
        bound = self.atol + self.rtol * abs(row.numeric)
        if bound > 0 and not math.isnan(row.abs_error):
            return row.abs_error / bound
        return math.inf

    def _omitted(self):
        left = len(self.rows) - len(self.shown_rows())
        return (
            (
                f"({left} of {len(self.rows)} entries not shown: the table has the "
                f"{self.MAX_ROWS} furthest out of tolerance)"
            )
            if left
            else ""
        )

    def table(self):
        """The text table (without the summary line)."""
        return "\n".join(
            [format_table(self.shown_rows())] + ([self._omitted()] if self._omitted() else [])
        )

    def __str__(self):
        return f"{self.summary()}\n{self.table()}"

    def __repr__(self):
        return (
            f"<CheckReport {self.function}: {self.status()}, {len(self.rows)} "
            f"entr{'y' if len(self.rows) == 1 else 'ies'}, max abs error "
            f"{self.max_abs_error:.3g}>"
        )

    def _repr_html_(self):
        esc = html.escape
        head = "".join(f"<th>{esc(c)}</th>" for c in COLUMNS)
        body = []
        for row in self.shown_rows():
            style = "" if row.ok else ' style="color: #b00020; font-weight: bold"'
            cells = (
                [f"<td>{esc(row.parameter)}</td>"]
                + [f'<td style="text-align: right">{esc(text)}</td>' for text in _cells(row)[1:-1]]
                + [f"<td>{'ok' if row.ok else 'FAIL'}</td>"]
            )
            body.append(f"<tr{style}>{''.join(cells)}</tr>")
        foot = (
            f'<tr><td colspan="{len(COLUMNS)}">{esc(self._omitted())}</td></tr>'
            if self._omitted()
            else ""
        )
        return (
            f'<table class="srcdiff-check-report">'
            f"<caption>{esc(self.summary())}</caption>"
            f"<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}{foot}</tbody></table>"
        )


def _cells(row):
    return (
        row.parameter,
        f"{row.analytic:.15g}",
        f"{row.numeric:.15g}",
        f"{row.abs_error:.3g}",
        f"{row.rel_error:.3g}",
        "ok" if row.ok else "FAIL",
    )


def format_table(rows):
    """A text table of CheckRows, one line each."""
    widths = (max([12] + [len(r.parameter) for r in rows]), 22, 22, 10, 10, 6)
    header = " ".join(
        f"{c:<{w}}" if k == 0 else f"{c:>{w}}" for k, (c, w) in enumerate(zip(COLUMNS, widths))
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            " ".join(
                f"{c:<{w}}" if k == 0 else f"{c:>{w}}"
                for k, (c, w) in enumerate(zip(_cells(row), widths))
            )
        )
    return "\n".join(lines)


def _bind(func, args, keywords=None):
    import inspect

    bound = inspect.signature(func).bind(*args, **(keywords or {}))
    bound.apply_defaults()
    return tuple(bound.arguments.values())


def _relabel(flat, label):
    """params_w[1] -> params['w'][1]."""
    name, _, rest = label.partition("[")
    return flat.label(name) + ("[" + rest if rest else "")


@callables.reads_lambdas
def check_grad(func, *args, wrt=0, rtol=1e-5, atol=1e-7, **kwargs):
    """Compare srcdiff's gradient of `func` at `args` (and `kwargs`, which keyword-only
    parameters need) with central differences.

    An entry agrees when |analytic - numeric| <= atol + rtol * |numeric|.
    Returns a CheckReport when all agree; raises GradientCheckError (whose
    message tables analytic against numeric values, and whose `report` is the
    CheckReport) otherwise.
    """
    from .callables import instance, unwrap
    from .gradients import grad
    from .requests import keyword_only, parameters, parse_wrt, positional

    bound = unwrap(func)
    objects: frozenset = frozenset()
    if bound is not None:  # a bound method or partial: its plain function at these values
        names, _ = bound.names(wrt)
        values = _bind(bound.func, bound.args + tuple(args), {**bound.keywords, **kwargs})
        func, args, objects = bound.func, values, bound.objects
        wrt = tuple(names)
    elif kwargs:  # every parameter by position from here on, keyword-only ones last
        args = _bind(func, args, kwargs)
    params = parameters(func)
    names, _ = parse_wrt(func, wrt, params)
    objects = objects or instance(func, params, args)
    if objects or has_containers(args):  # the flat view's leaves, rows labelled params['w'][i]
        flat = Flattened(func, _bind(func, args), objects)
        report = check_grad(
            flat.view.func, *flat.flat_values, wrt=flat.flat_wrt(names), rtol=rtol, atol=atol
        )
        report.rows = [r._replace(parameter=_relabel(flat, r.parameter)) for r in report.rows]
        report.function = getattr(func, "__name__", repr(func))
        return report
    kwonly = keyword_only(func)
    npos = len(params) - len(kwonly)
    named = dict(zip(kwonly, args[npos:]))
    analytic = grad(func, wrt=tuple(names))(*args[:npos], **named)
    rows = []
    for name, a in zip(names, analytic):
        index = params.index(name)
        n = numeric_grad(positional(func), tuple(args), index)
        a_arr, n_arr = np.asarray(a, float), np.asarray(n, float)
        for pos in np.ndindex(n_arr.shape):
            label = f"{name}[{', '.join(map(str, pos))}]" if pos else name
            av = float(a_arr[pos]) if a_arr.shape == n_arr.shape else math.nan
            nv = float(n_arr[pos])
            err = abs(av - nv)
            rel = err / abs(nv) if nv != 0 else (0.0 if err == 0 else math.inf)
            rows.append(CheckRow(label, av, nv, err, rel, bool(err <= atol + rtol * abs(nv))))
    report = CheckReport(getattr(func, "__name__", repr(func)), rows, rtol, atol)
    if not report.passed:
        raise GradientCheckError(
            f"gradient of {report.function} disagrees with finite differences for "
            f"{', '.join(report.failures)} (rtol={rtol}, atol={atol}):\n" + report.table(),
            report=report,
            hint="if the function is not smooth at this point (abs, max, a branch edge), "
            "check at another point",
        )
    return report
