"""Derive what a networker needs from the journal: due follow-ups, balances and insights."""
