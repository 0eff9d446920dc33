"""The incremental layer around the pipeline: what earlier runs made, and what to reuse."""
