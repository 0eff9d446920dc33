"""Give first: whose need could another contact answer, and whom to introduce to whom.

Each contact's current need (the latest `needs:` of a meeting with them alone, else the
`needs` of their note) is matched against what everyone else offers (`offers`, `skills`,
`role`, `company`, `tags`) with BM25, the ranking search engines use, over the journal's
own words: lower case, without accents, stop words left out, each word stemmed
(snowballstemmer, the stemmer Sphinx and most Python search tools use), and the words the
field uses for one trade made one term (`solicitor`, `lawyers`: SYNONYMS, extended with
`synonyms:` in refjournal.yaml). A need that names a trade is answered only by those who
practise it; one that names none, by the best matches of its words. The text score is
then weighed by the relationship (a referral partner, someone who gave you more than you
gave them, someone met lately, someone you never gave to), and no pair is made that was
introduced already, nor a contact for their own need. A pure function of the journal and
a day.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import snowballstemmer

from ..model import Contact, Journal
from ..slug import fold_name

# Words of one trade, as clients and the people who refer them write them. The first of
# each group names it. Users add their own with `synonyms:` in refjournal.yaml.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("solicitor", "lawyer", "attorney", "legal", "law", "conveyancer", "conveyancing"),
    ("accountant", "accounting", "accountancy", "accounts", "bookkeeper", "bookkeeping",
     "books", "tax", "vat", "payroll"),
    ("insurance", "insurer", "cover", "indemnity", "liability", "broker"),
    ("mortgage", "lender", "lending", "loan", "finance", "funding", "refinancing"),
    ("landlord", "letting", "lettings", "tenant", "tenancy"),
    ("property", "premises", "estate", "realtor"),
    ("surveyor", "survey", "valuation", "dilapidations"),
    ("builder", "construction", "contractor", "refurbishment", "fit-out", "renovation"),
    ("plumber", "plumbing", "heating", "boiler"),
    ("electrician", "electrical", "wiring", "rewiring", "eicr"),
    ("roofer", "roofing", "roof"),
    ("computer", "network", "cloud", "cyber", "software", "tech", "ict"),
    ("website", "web", "developer", "seo", "online"),
    ("marketing", "advertising", "branding", "brand", "pr", "social"),
    ("designer", "design", "graphic"),
    ("photographer", "photography", "photos", "photo", "video", "videographer",
     "headshots"),
    ("printer", "printing", "print", "signage", "signs"),
    ("recruiter", "recruitment", "hiring", "hire", "staffing", "headhunter"),
    ("hr", "personnel", "employment"),
    ("coach", "coaching", "mentor", "mentoring", "training"),
    ("cleaner", "cleaning", "janitorial"),
    ("caterer", "catering"),
    ("architect", "architecture"),
    ("financial", "adviser", "advisor", "pension", "pensions", "wealth", "investment"),
)
# Words that say nothing of a trade: left out of the match like `the` and `for`.
STOP_WORDS = frozenset((
    "a", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can", "could",
    "do", "does", "for", "from", "has", "have", "he", "her", "him", "his", "how", "i",
    "if", "in", "into", "is", "it", "its", "just", "like", "may", "me", "more", "most",
    "my", "need", "needs", "new", "no", "not", "of", "on", "one", "or", "our", "out",
    "over", "own", "so", "some", "such", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "to", "too", "up", "us", "very", "was",
    "we", "were", "what", "when", "where", "which", "who", "whom", "why", "will", "with",
    "would", "you", "your", "looking", "wants", "want", "someone", "somebody", "anyone",
    "good", "best", "great", "reliable", "help", "helps", "introduction", "introductions",
    "intro", "client", "clients", "customer", "customers", "business", "businesses",
    "company", "companies", "firm", "firms", "small", "local", "whose", "look", "due",
    "across", "city", "town", "area", "people", "owner", "owners",
))
K1, B = 1.5, 0.75  # BM25's usual constants
# The relationship, as a share added to the text's score.
PARTNER, GIVE_BACK, RECENT, NEVER_GIVEN = 0.3, 0.3, 0.15, 0.1
RECENT_DAYS = 90
PER_NEED = 3  # candidates kept for each need
FIRST = 12  # the best candidates looked at first, before sorting them all
COMMON_FROM = 50  # documents from which a word in most of them no longer counts
# A candidate is kept when its text scores at least this share of the best for the need.
RELATIVE = 0.5


@dataclass(frozen=True)
class Suggestion:
    for_: str  # the contact with the need
    candidate: str  # the one who could answer it
    need: str
    reason: str
    score: float
    matched: tuple[str, ...]  # the need's words that matched

    def as_json(self) -> dict[str, object]:
        return {"for": self.for_, "candidate": self.candidate, "need": self.need,
                "reason": self.reason, "score": self.score, "matched": list(self.matched)}


@dataclass(frozen=True)
class Unanswered:
    """A need nobody in the journal offers yet: whom to look for at the next event."""

    for_: str
    need: str

    def as_json(self) -> dict[str, object]:
        return {"for": self.for_, "need": self.need,
                "reason": "nobody in your journal offers this yet"}


@dataclass(frozen=True)
class Suggestions:
    suggestions: tuple[Suggestion, ...]  # best first
    unanswered: tuple[Unanswered, ...]

    def for_contact(self, slug: str) -> tuple[Suggestion, ...]:
        return tuple(s for s in self.suggestions if s.for_ == slug)

    def as_json(self) -> dict[str, object]:
        return {"suggestions": [s.as_json() for s in self.suggestions],
                "unanswered": [u.as_json() for u in self.unanswered]}


class Words:
    """A text as the terms it is matched by, and back to the words it was written in."""

    def __init__(self, synonyms: Sequence[Sequence[str]] = ()) -> None:
        self.group: dict[str, str] = {}
        for group in (*SYNONYMS, *synonyms):
            words = [w for w in (" ".join(fold_name(g).split()) for g in group) if w]
            if not words:
                continue
            name = f"~{words[0]}"
            for word in words:
                self.group.setdefault(word, name)

    def terms(self, text: str) -> list[tuple[str, str]]:
        """(term, word as written) for each word that counts."""
        out = []
        for word in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", fold_name(text)):
            if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
                continue
            out.append((self._term(word), word))
        return out

    def _term(self, word: str) -> str:
        """A trade's group for a word of it, as written or in the plural; else the stem.
        (By the word, not the stem: `booking` and `books` share the stem `book`.)"""
        for form in (word, word[:-1] if word.endswith("s") else "",
                     word[:-2] if word.endswith("es") else ""):
            if form in self.group:
                return self.group[form]
        return _stem(word)


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 16)  # words repeat, in a journal and from one build to the next
def _stem(word: str) -> str:
    """The word's stem, on the word alone: kept across builds (serve), not per `Words`,
    which a cache on the method would keep alive for ever."""
    return str(_STEMMER.stemWord(word))


def current_needs(journal: Journal, today: dt.date) -> dict[str, tuple[str, ...]]:
    """Each contact's needs now: those said in the latest meeting with them alone that
    says any (on or before today), else the `needs` of their note."""
    needs: dict[str, tuple[str, ...]] = {
        slug: (c.needs,) for slug, c in journal.contacts.items() if c.needs.strip()}
    for meeting in journal.held(today):  # by date: the latest wins
        if meeting.needs and len(meeting.contacts) == 1:
            needs[meeting.contacts[0]] = meeting.needs
    return needs


@dataclass(frozen=True)
class Asked:
    """All that `suggest` reads of a journal and a day: equal inputs give equal suggestions,
    so a process that builds again and again (serve) asks again only when one changed."""

    today: dt.date
    synonyms: tuple[tuple[str, ...], ...]
    people: Mapping[str, Contact]  # the active contacts: candidates, and who may need
    needs: tuple[tuple[str, tuple[str, ...]], ...]  # (slug, needs now), by slug
    introduced: frozenset[frozenset[str]]  # pairs introduced already
    gave: Mapping[str, int]  # referrals given to each of `people`, and got from them
    got: Mapping[str, int]
    last_contact: Mapping[str, dt.date | None]


def asked(journal: Journal, today: dt.date, gave: Mapping[str, int],
          got: Mapping[str, int], last_contact: Mapping[str, dt.date | None]) -> Asked:
    people = {slug: c for slug, c in journal.contacts.items() if _active(c)}
    return Asked(today, journal.config.synonyms, people,
                 tuple(sorted((slug, needs) for slug, needs
                              in current_needs(journal, today).items() if slug in people)),
                 frozenset(_introduced(journal)),
                 {slug: gave.get(slug, 0) for slug in people},
                 {slug: got.get(slug, 0) for slug in people},
                 {slug: last_contact.get(slug) for slug in people})


@dataclass
class Memo:
    """The last suggestions made, and what they were made from (see `Asked`)."""

    inputs: Asked | None = None
    made: Suggestions | None = None


def suggest(inputs: Asked, memo: Memo | None = None) -> Suggestions:
    """Every suggestion, best first; and the needs nobody offers. With a `memo` of the
    last call, made again only when the inputs changed."""
    if memo is not None and memo.made is not None and memo.inputs == inputs:
        return memo.made
    made = _suggest(inputs)
    if memo is not None:
        memo.inputs, memo.made = inputs, made
    return made


def _suggest(inputs: Asked) -> Suggestions:
    words = Words(inputs.synonyms)
    people = inputs.people
    index = _Index({slug: words.terms(_offer(c)) for slug, c in people.items()})
    introduced = inputs.introduced
    weights = {slug: _weight(c, inputs.gave[slug], inputs.got[slug],
                             inputs.last_contact[slug], inputs.today)
               for slug, c in people.items()}
    found: list[Suggestion] = []
    unanswered: list[Unanswered] = []
    memo: dict[tuple[str, ...], _Ranked] = {}  # needs repeat: each is ranked once
    for slug, needs in inputs.needs:
        for need in needs:
            terms = words.terms(need)
            ranked = _ranked(index, tuple(t for t, _ in terms), weights, memo)

            def allowed(candidate: str, slug: str = slug) -> bool:
                return candidate != slug and frozenset((slug, candidate)) not in introduced

            best = next((score for score, c in ranked.by_text if allowed(c)), 0.0)
            kept: list[tuple[float, str, set[str]]] = []
            for first in (True, False):
                kept = [(-score, candidate, hits) for score, candidate, text, hits
                        in ranked.by_weight(first) if text >= RELATIVE * best
                        and allowed(candidate)][:PER_NEED]
                if len(kept) == PER_NEED or len(ranked.scored) <= FIRST:
                    break
            for score, candidate, hits in kept:  # words said only for those kept
                matched = tuple(dict.fromkeys(w for t, w in terms if t in hits))
                found.append(Suggestion(slug, candidate, need, _reason(
                    people[candidate], people[slug], need, matched), score, matched))
            if not kept:
                unanswered.append(Unanswered(slug, need))
    found.sort(key=lambda s: (-s.score, s.for_, s.candidate, s.need))
    return Suggestions(tuple(found), tuple(unanswered))


@dataclass
class _Ranked:
    """The candidates for a need's words, best first by the weighed score, and by the
    text's score alone (for the relative cut). Most needs keep one of their first few:
    those are sorted out first, and the rest only for a need that skips them all."""

    scored: list[tuple[float, str, float, set[str]]]  # (-score, candidate, text, hits)
    by_text: list[tuple[float, str]]  # the best few (text score, candidate), best first

    @cached_property
    def first(self) -> list[tuple[float, str, float, set[str]]]:
        return heapq.nsmallest(FIRST, self.scored)

    @cached_property
    def ordered(self) -> list[tuple[float, str, float, set[str]]]:
        return sorted(self.scored)

    def by_weight(self, first: bool) -> list[tuple[float, str, float, set[str]]]:
        return self.first if first else self.ordered


def _ranked(index: _Index, terms: tuple[str, ...], weights: Mapping[str, float],
            memo: dict[tuple[str, ...], _Ranked]) -> _Ranked:
    """A need that names a trade ("a bookkeeper", "an electrician") is answered by those
    who practise it; a need that names none ("cafes and shops") by the best matches of
    its words."""
    known = memo.get(terms)
    if known is None:
        trades = {t for t in terms if t.startswith("~")}
        matches = [m for m in index.rank(terms) if not trades or m[2] & trades]
        known = memo[terms] = _Ranked(
            [(-round(score * weights[c], 3), c, score, hits) for c, score, hits in matches],
            heapq.nlargest(4, ((score, c) for c, score, _ in matches)))
    return known


class _Index:
    """BM25 over the offer documents, by an inverted index: a need's score is summed over
    the documents that hold one of its terms, not over every document."""

    def __init__(self, documents: Mapping[str, list[tuple[str, str]]]) -> None:
        length = {slug: len(terms) for slug, terms in documents.items()}
        average = max(sum(length.values()) / len(length), 1e-9) if length else 1.0
        count = len(documents)
        counts: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for slug, terms in documents.items():
            for term, n in Counter(t for t, _ in terms).items():
                counts[term].append((slug, n))
        # Each term's score in each document, made once: a need only adds them up.
        self.postings: dict[str, list[tuple[str, float]]] = {}
        for term, posting in counts.items():
            idf = math.log(1 + (count - len(posting) + 0.5) / (len(posting) + 0.5))
            self.postings[term] = [
                (slug, idf * n * (K1 + 1) / (n + K1 * (1 - B + B * length[slug] / average)))
                for slug, n in posting]
        self.known: dict[tuple[str, ...], list[tuple[str, float, set[str]]]] = {}
        # A word in more than half the documents of a big journal is left out of the sum.
        self.common = count // 2 if count >= COMMON_FROM else count

    def rank(self, query: Iterable[str]) -> list[tuple[str, float, set[str]]]:
        """(document, score, the terms it matched) for each document that holds one; the
        same words asked again (needs repeat) are answered from the last time."""
        terms = tuple(dict.fromkeys(query))
        known = self.known.get(terms)
        if known is not None:
            return known
        scores: dict[str, float] = defaultdict(float)
        hits: dict[str, set[str]] = defaultdict(set)
        for term in terms:
            posting = self.postings.get(term, ())
            if len(posting) > self.common:
                continue  # in most documents: it tells them apart by next to nothing
            for slug, score in posting:
                scores[slug] += score
                hits[slug].add(term)
        ranked = [(slug, score, hits[slug]) for slug, score in scores.items() if score > 0]
        self.known[terms] = ranked
        return ranked


def _active(contact: Contact) -> bool:
    return not (contact.unresolved or contact.archived or contact.paused)


def _offer(contact: Contact) -> str:
    """What a contact offers, in words: the note's `offers`, and (counted twice: it says
    what they do, where `offers` may say whom they could send you) `skills`, `role`,
    `company` and `tags`."""
    trade = " ".join((*contact.skills, contact.role, contact.company, *contact.tags))
    return " ".join((contact.offers, trade, trade))


def _introduced(journal: Journal) -> set[frozenset[str]]:
    """Pairs already introduced: an introduction exchange naming both."""
    pairs: set[frozenset[str]] = set()
    for ex in journal.exchanges:
        if ex.type == "introduction":
            people = ex.contacts
            pairs.update(frozenset((a, b)) for a in people for b in people if a != b)
    return pairs


def _weight(candidate: Contact, gave: int, got: int, last: dt.date | None,
            today: dt.date) -> float:
    """1, plus a share for each thing that makes giving to them right now."""
    weight = 1.0
    if candidate.referral_partner:
        weight += PARTNER
    if got > gave:
        weight += GIVE_BACK  # they gave you more than you gave them
    if last is not None and (today - last).days <= RECENT_DAYS:
        weight += RECENT
    if gave == 0:
        weight += NEVER_GIVEN
    return weight


def _reason(candidate: Contact, needing: Contact, need: str, matched: tuple[str, ...]) -> str:
    offers = candidate.offers or ", ".join(p for p in (candidate.role, candidate.company) if p)
    said = f" (both speak of {', '.join(matched)})" if matched else ""
    return f"{candidate.name} offers {_short(offers)}; {needing.name} needs {_short(need)}{said}"


@lru_cache(maxsize=1 << 12)  # offers and needs repeat: each is cut once
def _short(text: str, most: int = 120) -> str:
    """The text to follow "offers" or "needs": a sentence's capital made small (not a
    name's: "Harbour Gin"), cut at a word."""
    words = " ".join(text.split()).rstrip(".").split(" ")
    if (len(words[0]) == 1 or words[0][1:].islower()) and (
            len(words) == 1 or not words[1][:1].isupper()):
        words[0] = words[0][:1].lower() + words[0][1:]
    text = " ".join(words)
    return text if len(text) <= most else text[:most].rsplit(" ", 1)[0] + "…"
