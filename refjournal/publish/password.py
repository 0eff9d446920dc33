"""How long a password for an encrypted site would hold against someone who tries guesses.

An encrypted site is public: anyone may copy its files and try passwords offline, for as
long as they like. zxcvbn (Dropbox's estimator) says how many guesses a password takes,
knowing common passwords, words, names, dates, keyboard patterns and the journal's own
words. Each guess costs the attacker one key derivation (PBKDF2-HMAC-SHA256, 600,000
rounds, see encrypt.py); `RATE` is what ten current graphics cards do a second.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from zxcvbn import zxcvbn

RATE = 150_000  # guesses a second: ~15,000 per high-end GPU at 600,000 rounds, ten GPUs
FLOOR = 12  # log10 of the guesses below which a password is refused (about 2.5 months)
GOOD = 14  # below this a password is accepted with a warning (about 20 years)
# zxcvbn's cost grows with length; past this many characters, only the start is measured.
MEASURED = 100


@dataclass(frozen=True)
class Strength:
    guesses_log10: float
    warning: str  # zxcvbn's, e.g. "This is a top-100 common password."
    suggestions: tuple[str, ...]

    @property
    def refused(self) -> bool:
        return self.guesses_log10 < FLOOR

    @property
    def weak(self) -> bool:
        return self.guesses_log10 < GOOD

    def time_to_guess(self) -> str:
        """How long the attacker of `RATE` takes on average, in words."""
        seconds = 10 ** self.guesses_log10 / RATE / 2
        for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("hours", 3600),
                           ("minutes", 60)):
            if seconds >= size:
                amount = seconds / size
                if unit == "years" and amount >= 1000:
                    return "more than a thousand years"
                return f"about {math.floor(amount)} {unit}" if amount >= 2 else \
                    f"about one {unit[:-1]}"
        return "less than a minute"


def strength(password: str, known: Iterable[str] = ()) -> Strength:
    """The strength of `password`; `known` are words an attacker would try first (the
    owner's name, the journal's title)."""
    inputs = [word for word in known if word]
    result = zxcvbn(password[:MEASURED], user_inputs=inputs)
    feedback = result.get("feedback", {})
    return Strength(float(result["guesses_log10"]), str(feedback.get("warning") or ""),
                    tuple(str(s) for s in feedback.get("suggestions", ())))


def advice(found: Strength) -> str:
    """What to tell the user about a weak password, in one paragraph."""
    said = f" ({found.warning.rstrip('.')})" if found.warning else ""
    return (f"the password is weak{said}: someone who copies the encrypted site could "
            f"guess it in {found.time_to_guess()} with ten graphics cards. Use a passphrase "
            "of five or more random words, or 16 or more random characters")
