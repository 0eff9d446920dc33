"""Render the derived figures as the site's pages and write them to disk."""
