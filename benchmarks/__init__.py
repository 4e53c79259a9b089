"""Speed benchmarks for srcdiff (see README.md); a package so `benchmarks.common` always resolves here."""
