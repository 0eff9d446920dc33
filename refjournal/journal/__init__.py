"""Read, validate and model the journal: notes on disk in, a `Journal` and its problems out."""
