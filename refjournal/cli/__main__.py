"""`python -m refjournal.cli`."""

from . import main

main()
