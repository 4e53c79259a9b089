"""What `srcdiff.compare` returns: one row per method, and how the comparison reads.

The report is the numbers first -- `report.rows` (MethodRow: the values, errors,
evaluations and time of each method), `report.exact`, `report.sweep` (every step's
finite differences) -- and three views of them: `str(report)` (a text table with the
lessons under it, what `srcdiff compare` prints), `report._repr_html_()` (the same in
a notebook), and `report.plot(path)` (the error against step size, as a PNG).  The
lessons are sentences computed from the measured figures, so they say what this run
found, not what the textbook predicts.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .differences import TEXTBOOK_NAME, Entry, Sweep

MAX_VALUE_COLUMNS = 4  # more entries than this: the table shows errors, not values
PLOT_FLOOR = 1e-17  # an error of 0 is drawn here on log axes
NO_TRUNCATION = 1e-12  # a relative error below this at the largest step: no truncation


@dataclass(frozen=True)
class MethodRow:
    """One method's derivative at the point, and what it cost.

    `values` has one float per entry (a number argument, or an array element, in the
    order of `Comparison.labels`); errors are against `Comparison.exact`: the largest
    absolute difference, and that divided by the largest exact magnitude.  A method that
    doesn't apply (symbolic mode of NumPy code) has `values` None and says why in
    `reason`."""

    name: str  # "central differences, best step", "reverse mode", ...
    method: str  # "symbolic", "forward differences", "central differences",
    #               "forward mode", "reverse mode"
    values: np.ndarray | None
    abs_error: float | None
    rel_error: float | None
    evaluations: int | None  # calls of f (finite differences) or passes (AD)
    cost: str  # how evaluations follows from n: "2n = 4"
    seconds: float | None  # time for the whole derivative (every entry)
    step: float | None = None  # finite differences: h / max(1, |x|)
    reason: str | None = None  # why the method doesn't apply
    reference: bool = False  # the exact values errors are measured against

    @property
    def available(self) -> bool:
        return self.values is not None

    @property
    def label(self) -> str:
        """The row's name in the table."""
        if self.step is None:
            return self.method + (" (reference)" if self.reference else "")
        short = self.method.replace(" differences", " diff.")
        if self.name.endswith("best step"):
            return f"{short}, best h={self.step:.0e}"
        textbook = TEXTBOOK_NAME["forward" if self.method.startswith("forward") else "central"]
        return f"{short}, h={textbook}"


@dataclass
class Comparison:
    """The four ways to a derivative of one function at one point, side by side."""

    function: str
    point: dict[str, object]  # every parameter's value
    entries: list[Entry]  # the differentiated scalar inputs
    exact: np.ndarray  # the reference row's values
    reference: str  # the method the errors are measured against
    rows: list[MethodRow]
    sweep: Sweep
    function_seconds: float | None = None  # one call of f itself, for scale
    failures: list[str] = field(default_factory=list)  # where finite differences' f failed

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.entries]

    @property
    def n(self) -> int:
        """How many scalar inputs: the n of n + 1, 2n, n and 1 + 1."""
        return len(self.entries)

    def row(self, name: str) -> MethodRow:
        """The row called `name` ("reverse mode", "central differences, best step", ...)."""
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no row {name!r}; rows: {', '.join(r.name for r in self.rows)}")

    def errors_by_step(self, scheme: str) -> np.ndarray:
        """Relative error of `scheme` ("forward" or "central") at each of sweep.scales."""
        return self.sweep.errors(scheme, self.exact)

    def lessons(self) -> list[str]:
        """The comparison's lessons, one sentence each, from the measured figures."""
        return lessons(self)

    def plot(self, path: str) -> str:
        """Write the error against step size as a PNG at `path` (needs matplotlib:
        `pip install "srcdiff[plot]"`); returns `path`."""
        from .compare_plot import error_plot

        lines = {
            row.method: row.rel_error
            for row in self.rows
            if row.method in ("forward mode", "reverse mode") and row.rel_error is not None
        }
        return error_plot(
            path,
            self.sweep.scales,
            {s: self.errors_by_step(s) for s in ("forward", "central")},
            lines,
            title=f"{self.function} at {self.where()}: error against step size",
            floor=PLOT_FLOOR,
        )

    def where(self) -> str:
        """The point, as `x=3, y=4` (arrays by shape)."""
        return ", ".join(f"{k}={_short(v)}" for k, v in self.point.items())

    def heading(self) -> str:
        return (
            f"the four ways to a derivative of {self.function} at {self.where()} "
            f"(n = {self.n}; errors against {self.reference})"
        )

    def footnotes(self) -> list[str]:
        notes = [
            "h: the step relative to max(1, |x|); time: one whole derivative (every "
            "entry), best of 5 timed loops, code generation excluded"
        ]
        if self.failures:
            notes.append(
                f"finite differences: f failed at {len(self.failures)} of the points tried, "
                f"whose estimates are nan (first: {self.failures[0]})"
            )
        if self.n > MAX_VALUE_COLUMNS:
            notes.append(f"({self.n} entries: values not shown; report.rows[k].values has them)")
        return notes

    def table(self) -> str:
        """The text table, without heading and lessons."""
        cols = self.labels if self.n <= MAX_VALUE_COLUMNS else []
        cells = [
            [row.label]
            + (
                ([_value(v) for v in row.values] if cols else []) + _common(row)
                if row.values is not None
                else [f"n/a: {row.reason}"]
            )
            for row in self.rows
        ]
        header = ["method", *cols, "abs error", "rel error", "evaluations", "time"]
        full = [c for c in cells if len(c) == len(header)]
        widths = [max([len(header[k])] + [len(c[k]) for c in full]) for k in range(len(header))]
        widths[0] = max([widths[0]] + [len(c[0]) for c in cells])
        lines = [_line(header, widths), "-" * (sum(widths) + 2 * (len(widths) - 1))]
        for c in cells:  # a row that doesn't apply says why across the other columns
            lines.append(
                _line(c, widths) if len(c) == len(header) else f"{c[0]:<{widths[0]}}  {c[1]}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return "\n".join([self.heading(), self.table(), *self.footnotes(), "", *self.lessons()])

    def __repr__(self) -> str:
        best = min(
            (r for r in self.rows if r.rel_error is not None and not r.reference),
            key=lambda r: (r.rel_error, r.name),
            default=None,
        )
        return (
            f"<Comparison {self.function} at {self.where()}: {len(self.rows)} rows"
            + (f", closest to {self.reference}: {best.name}" if best else "")
            + ">"
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        cols = self.labels if self.n <= MAX_VALUE_COLUMNS else []
        header = ["method", *cols, "abs error", "rel error", "evaluations", "time"]
        head = "".join(f"<th>{esc(h)}</th>" for h in header)
        body = []
        for row in self.rows:
            if row.values is None:
                cells = (
                    f'<td>{esc(row.label)}</td><td colspan="{len(header) - 1}">'
                    + esc(f"n/a: {row.reason}")
                    + "</td>"
                )
            else:
                shown = [_value(v) for v in row.values] if cols else []
                cells = f"<td>{esc(row.label)}</td>" + "".join(
                    f'<td style="text-align: right">{esc(t)}</td>' for t in shown + _common(row)
                )
            body.append(f"<tr>{cells}</tr>")
        notes = "".join(f"<li>{esc(line)}</li>" for line in self.lessons())
        foot = "".join(f"<p><small>{esc(n)}</small></p>" for n in self.footnotes())
        return (
            '<div class="srcdiff-comparison">'
            f"<table><caption>{esc(self.heading())}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"{foot}<ul>{notes}</ul></div>"
        )


def lessons(report: Comparison) -> list[str]:
    """One line per method (and one on the step's V, one on speed), every figure in them
    measured in this comparison."""
    out = []
    exact = report.exact
    for row in report.rows:
        if row.method == "symbolic":
            if row.available:
                out.append(
                    f"symbolic: the closed form (SymPy), {_err_words(row)}; "
                    f"{row.cost} evaluation of the derivative formula, {_time(row.seconds)}"
                )
            else:
                out.append(
                    f"symbolic: n/a here ({row.reason}); errors are against {report.reference}"
                )
        elif row.name.endswith("best step"):
            scheme = "forward" if row.method.startswith("forward") else "central"
            textbook = report.row(f"{row.method}, {TEXTBOOK_NAME[scheme]} step")
            luck = " (its rounding errors happened to cancel)" if row.rel_error == 0 else ""
            out.append(
                f"{row.method}: best relative error {_e(row.rel_error)} at h = {row.step:.0e}"
                f"{luck}, "
                f"{_e(textbook.rel_error)} at the textbook h = {TEXTBOOK_NAME[scheme]} "
                f"= {textbook.step:.1e}; {row.cost} evaluations of f"
            )
        elif row.method in ("forward mode", "reverse mode") and row.available:
            how = (
                "one pass per input"
                if row.method == "forward mode"
                else "one forward and one backward pass, whatever n"
            )
            passes = "pass" if row.evaluations == 1 else "passes"
            out.append(f"{row.method}: {_err_words(row)}; {row.cost} {passes} ({how})")
        elif row.method in ("forward mode", "reverse mode"):
            out.append(f"{row.method}: n/a here ({row.reason})")
    scales = report.sweep.scales
    for scheme in ("forward", "central"):
        errs = report.errors_by_step(scheme)
        best = report.sweep.best(scheme, exact)
        tried = np.flatnonzero(np.isfinite(errs))  # the steps where f could be evaluated
        if not tried.size:
            out.append(
                f"{scheme} differences: no step gave an estimate of every entry "
                "(f failed: see the note above)"
            )
            continue
        first, last = int(tried[0]), int(tried[-1])
        large = f"{_e(errs[first])} at h = {scales[first]:.0e}"
        small = f"{_e(errs[last])} at h = {scales[last]:.0e}"
        if errs[first] <= NO_TRUNCATION:
            out.append(
                f"{scheme} differences: no truncation error to speak of here ({large}); "
                f"rounding error grows as h shrinks, to {small}"
            )
        elif best == last:
            out.append(f"{scheme} differences: truncation error {large} falls with h to {small}")
        else:
            out.append(
                f"{scheme} differences' V: relative error {large} (truncation), falling to "
                f"{_e(errs[best])} at h = {scales[best]:.0e}, back up to {small} (rounding)"
            )
    timed = sorted(
        (r for r in report.rows if r.seconds is not None and r.step is None),
        key=lambda r: r.seconds or 0.0,
    )
    fd = [r for r in report.rows if r.seconds is not None and r.step is not None]
    if timed:
        fastest = timed[0]
        others = timed[1:] + ([min(fd, key=lambda r: r.seconds or 0.0)] if fd else [])
        ratios = ", ".join(
            f"{r.method} {(r.seconds or 0.0) / (fastest.seconds or 1e-12):.1f}x" for r in others
        )
        own = report.function_seconds
        versus = (
            f" ({(fastest.seconds or 0.0) / own:.1f}x {report.function} itself, {_time(own)})"
            if own
            else ""
        )
        out.append(
            f"time per derivative: {fastest.method} fastest at {_time(fastest.seconds)}"
            + versus
            + (f"; {ratios} that" if ratios else "")
        )
    return out


def _err_words(row: MethodRow) -> str:
    if row.reference:
        return "the reference the errors are measured against"
    if row.rel_error == 0:
        return "relative error 0 (exact)"
    return (
        f"relative error {_e(row.rel_error)} (exact to rounding)"
        if (row.rel_error is not None and row.rel_error < 1e-12)
        else f"relative error {_e(row.rel_error)}"
    )


def _common(row: MethodRow) -> list[str]:
    return [
        _e(row.abs_error),
        _e(row.rel_error),
        row.cost,
        _time(row.seconds),
    ]


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(
        f"{c:<{w}}" if k == 0 else f"{c:>{w}}" for k, (c, w) in enumerate(zip(cells, widths))
    )


def _value(v: float) -> str:
    return f"{v:.15g}"


def _e(x: float | None) -> str:
    if x is None:
        return "-"
    if x == 0:
        return "0"
    return f"{x:.2g}"


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, factor in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= factor:
            return f"{seconds / factor:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _short(value: object) -> str:
    if isinstance(value, np.ndarray) and value.size > 4:
        return f"<array of shape {value.shape}>"
    if isinstance(value, np.ndarray):
        return np.array2string(value, separator=", ")
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return f"{value:g}"
    return repr(value)
