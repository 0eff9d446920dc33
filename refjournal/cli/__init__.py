"""The command line: each command parses its options and calls one function of the pipeline.

`main` is the group; the commands register on it when their modules are imported here.
`run` is the program: `main`, then out of the process at once.
"""

import atexit
import contextlib
import os
import sys

from . import figures, notes, site  # noqa: F401 - they register their commands on `main`
from .base import main

__all__ = ["main", "run"]


def run() -> None:
    """The `refjournal` program (and `python -m refjournal.cli`): `main`, then the process
    ends without tearing the interpreter down.

    A build leaves millions of objects behind, some of them in cycles, and Python's
    shutdown frees them one by one: 1.8 s after a cold build of 11,000 notes, 0.4 s after
    a one-note edit (docs/performance.md). Every file a command writes is closed by then.
    What is registered to run at exit still runs (the workers' pool, temporary folders,
    logging), the output is flushed, and the exit status is the one `main` gave."""
    try:
        main()  # standalone: it always ends in SystemExit
    except SystemExit as done:
        status = _status(done.code)
    else:  # pragma: no cover - click's standalone mode never returns
        status = 0
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`)
            stream.flush()
    os._exit(status)


def _status(code: object) -> int:
    """The exit status of `sys.exit(code)`: None is 0, a number itself, anything else is
    printed to stderr, and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(OSError, ValueError):
        print(code, file=sys.stderr)
    return 1
