"""`srcdiff build`: derivative modules on disk (see docs/build.md).

config (targets from the command line or [tool.srcdiff]) -> target (load each
function, generate its units) -> module (one self-contained module's text, with the
runtime helpers it calls copied in) -> header (hash for --check) -> tests (an
emitted pytest file).  `static` loads functions without importing their modules.
"""

from .command import add_build_command, main

__all__ = ["add_build_command", "main"]
