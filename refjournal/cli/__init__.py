"""The command line: each command parses its options and calls one function of the pipeline.

`main` is the group; the commands register on it when their modules are imported here.
"""

from . import figures, notes, site  # noqa: F401 - they register their commands on `main`
from .base import main

__all__ = ["main"]
