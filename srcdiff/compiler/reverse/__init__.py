"""Reverse mode (see function.py): `FunctionTransform` builds a function's forward and
backward sweeps, from forward_sweep.py, backward_sweep.py and saves.py."""

from .function import FunctionTransform

__all__ = ["FunctionTransform"]
