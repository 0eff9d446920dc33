"""Slugs and folded names: how a file stem or a ref becomes a stable key."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
# Letters that NFKD does not decompose into ASCII but that people expect folded.
_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe",
                        "Œ": "OE", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th",
                        "Þ": "Th", "ı": "i"})


def ascii_fold(text: str) -> str:
    """Fold accents to ASCII: `José Núñez` -> `Jose Nunez`; other non-ASCII letters are dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    return decomposed.encode("ascii", "ignore").decode("ascii")


@functools.lru_cache(maxsize=1 << 16)  # refs repeat: the same names in thousands of notes
def slugify(text: str) -> str:
    """Lowercase, fold accents, turn every run of other characters into `-`, trim the ends.

    A name with no Latin letter or digit at all (`山田`) keeps its own letters rather than
    becoming an empty slug.
    """
    slug = _NON_ALNUM.sub("-", ascii_fold(text).lower()).strip("-")
    if not slug:
        slug = _NON_WORD.sub("-", text.casefold()).strip("-")
    return slug


@functools.lru_cache(maxsize=1 << 16)
def fold_name(text: str) -> str:
    """Key for case- and accent-insensitive name matching (spaces collapsed)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare.casefold()).strip()


def lookup(index: Mapping[str, str], text: str) -> str | None:
    """Find a contact's slug from a ref: its slug (any case), then a name or alias, then the
    slug of the text, then the path of the note.

    `index` maps slugs, `name_key()` of names and aliases and `note_key()` of the notes' paths
    to slugs (see the model stage).
    """
    slug = slugify(text)
    return (index.get(text.strip().lower()) or index.get(name_key(text))
            or (index.get(slug) if slug else None) or index.get(note_key(text)))


def note_key(text: str) -> str:
    """Index key of a contact note's path, as Obsidian writes links to it:
    `contacts/clients/acme.md`, `[[Contacts/Clients/Acme]]`, `clients/acme` -> the same."""
    path = text.strip().strip("/").casefold().removeprefix("contacts/").strip("/")
    return "note:" + path.removesuffix(".md")


def name_key(text: str) -> str:
    """Index key of a name; the prefix keeps names apart from slugs in one index."""
    return "name:" + fold_name(text)
