"""srcdiff's differential random-program tester (see tools/fuzz/README.md)."""
