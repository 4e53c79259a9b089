"""Speed benchmarks for srcdiff (see README.md).

A package, so that `benchmarks.common` always resolves here.
"""
