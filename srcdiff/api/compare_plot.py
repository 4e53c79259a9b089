"""The picture of a comparison: finite differences' error against step size.

Log-log axes show the V: on the right the truncation error falls with h (slope 1 for
forward differences, 2 for central ones), on the left rounding error grows as eps / h.
Forward and reverse mode don't take a step, so their errors are horizontal lines; an
error of exactly 0 has no place on a log axis, so it is drawn at a floor and the legend
says so.

matplotlib is optional (`pip install "srcdiff[plot]"`) and imported only here, when a
plot is asked for.  The figure is drawn with matplotlib's object API on an Agg canvas,
not pyplot, so no global backend or figure state of the caller's session changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..errors import MissingDependencyError
from .differences import TEXTBOOK, TEXTBOOK_NAME

STYLE = {"forward mode": ("tab:green", "--"), "reverse mode": ("tab:red", ":")}


def error_plot(
    path: str,
    scales: Sequence[float],
    errors: Mapping[str, np.ndarray],
    lines: Mapping[str, float],
    title: str,
    floor: float = 1e-17,
) -> str:
    """Write a PNG at `path`: `errors[scheme]` (relative error at each step of `scales`)
    as curves, `lines` (method -> relative error) as horizontal lines; errors below
    `floor` are drawn at it.  Returns `path`."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependencyError(
            "plotting the comparison needs matplotlib, which is not installed",
            hint='pip install "srcdiff[plot]" (or pip install matplotlib)',
        ) from None
    figure = Figure(figsize=(7.0, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    h = np.asarray(scales, dtype=float)
    clipped = False
    for scheme, marker in (("forward", "o"), ("central", "s")):
        err = np.asarray(errors[scheme], dtype=float)
        clipped |= bool(np.any(err < floor))
        axes.loglog(h, np.maximum(err, floor), marker=marker, label=f"{scheme} differences")
        axes.axvline(TEXTBOOK[scheme], color="0.6", linewidth=0.8, linestyle="-.")
        axes.annotate(
            f"{TEXTBOOK_NAME[scheme]}",
            (TEXTBOOK[scheme], floor),
            textcoords="offset points",
            xytext=(3, 3),
            fontsize=8,
            color="0.4",
        )
    for method, level in lines.items():
        color, style = STYLE.get(method, ("black", "-"))
        label = f"{method}: {level:.2g}" if level else f"{method}: 0"
        if level < floor:
            label += f" (drawn at {floor:g})"
        axes.axhline(float(max(level, floor)), color=color, linestyle=style, label=label)
    axes.set_xlabel("step h / max(1, |x|)")
    axes.set_ylabel(
        "relative error" + (f" (values below {floor:g} drawn at it)" if clipped else "")
    )
    axes.set_title(title, fontsize=10)
    axes.grid(True, which="major", linewidth=0.4, alpha=0.6)
    axes.legend(fontsize=8, loc="best")
    figure.tight_layout()
    figure.savefig(path, format="png", metadata={"Software": None})
    return path
