"""refjournal: plain-text notes about contacts and meetings, built into a private site."""

__version__ = "0.1.0"
