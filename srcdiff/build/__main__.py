"""`python -m srcdiff.build ...`: the same as `srcdiff build ...`."""

from .command import main

raise SystemExit(main())
