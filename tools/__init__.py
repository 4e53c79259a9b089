"""Developer tools that are not part of the installed package (the random-program tester)."""
