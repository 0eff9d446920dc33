"""`python -m refjournal.cli`."""

from . import run

run()
