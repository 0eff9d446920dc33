"""Data in other formats: the calendar feed, JSON, CSV and vCard, out and in."""
