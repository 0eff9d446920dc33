"""The live preview: watch the journal, build on each edit, serve the site with live reload."""
