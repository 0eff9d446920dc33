"""Publish a built site privately: deploy to a git branch, hosting recipes, encryption."""
