"""Write a synthetic journal in the v1 format, the same for the same arguments.

    python benchmarks/generate.py OUT --contacts 1000 --meetings 10000 --seed 1

Contacts have realistic front matter (company, role, tags, tier or cadence, needs, offers,
some birthdays and introductions); meetings name one to three contacts and carry
exchanges and follow-ups at about the rate a busy networker logs them. Bodies are 80-250
words of Markdown with a list, a link and wikilinks. Used by the benchmark and by the tests
that need a larger journal than one written inline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

END = dt.date(2026, 11, 24)
FIRST = ("Ada", "Bola", "Chen", "Dana", "Emeka", "Farah", "Gus", "Hana", "Ivan", "José",
         "Kemi", "Liam", "Maya", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Samir", "Tomás",
         "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë")
LAST = ("Okafor", "Raman", "Haddad", "Núñez", "Lindqvist", "Brennan", "Kowalski", "Tanaka",
        "Adeyemi", "Moreau", "Schmidt", "O'Neil", "Park", "Rossi", "Silva", "Walker")
TRADES = ("accountant", "architect", "florist", "roofer", "solicitor", "printer", "caterer",
          "web designer", "mortgage broker", "photographer", "electrician", "IT support")
TAGS = ("chapter", "chamber", "client", "supplier", "trades", "finance", "events", "tech")
KINDS = ("one-to-one", "coffee", "lunch", "call", "event", "email")
WORDS = ("referral", "client", "introduce", "follow", "quarter", "project", "budget", "warm",
         "proposal", "meeting", "office", "contract", "renewal", "network", "chapter", "visit",
         "family", "holiday", "team", "growth", "price", "quote", "supplier", "deadline",
         "the", "and", "with", "about", "next", "week", "they", "need", "asked", "good")


def generate(out: Path, contacts: int, meetings: int, seed: int = 1) -> Path:
    """Write the journal into `out` (created; existing notes with the same names replaced)."""
    rng = random.Random(seed)
    (out / "contacts").mkdir(parents=True, exist_ok=True)
    (out / "refjournal.yaml").write_text(
        "owner: Sam Generated\ntitle: Generated journal\ndefault_cadence: 3m\n", encoding="utf-8")
    span = max(365, meetings // 3)
    start = END - dt.timedelta(days=span)
    names = _names(rng, contacts)
    slugs = [_slug(name) for name in names]
    for index, name in enumerate(names):
        text = _contact(rng, name, slugs[:index], start)
        (out / "contacts" / f"{slugs[index]}.md").write_text(text, encoding="utf-8")
    used: set[str] = set()
    for index in range(meetings):
        day = start + dt.timedelta(days=rng.randrange(span + 14))  # a few are booked ahead
        people = rng.sample(range(contacts), k=min(contacts, rng.choice((1, 1, 1, 2, 3))))
        stem = f"{day.isoformat()}-{slugs[people[0]]}"
        while stem in used:
            stem += "-x"
        used.add(stem)
        folder = out / "meetings" / str(day.year)
        folder.mkdir(parents=True, exist_ok=True)
        text = _meeting(rng, day, [names[p] for p in people], names, index)
        (folder / f"{stem}.md").write_text(text, encoding="utf-8")
    return out


def _names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name in seen:
            name = f"{name} {len(names)}"
        seen.add(name)
        names.append(name)
    return names


def _slug(name: str) -> str:
    folded = name.replace("é", "e").replace("ú", "u").replace("á", "a").replace("ë", "e")
    return "-".join("".join(ch if ch.isalnum() else " " for ch in folded.lower()).split())


def _contact(rng: random.Random, name: str, earlier: list[str], start: dt.date) -> str:
    lines = ["---", f"name: {name}", f"company: {name.split()[1]} & Co",
             f"role: {rng.choice(TRADES)}",
             f"tags: [{', '.join(rng.sample(TAGS, k=rng.randint(1, 3)))}]",
             f"met: {start + dt.timedelta(days=rng.randrange(60))}"]
    if rng.random() < 0.7:
        lines.append(f"tier: {rng.choice(('inner', 'close', 'casual', 'keep-warm'))}")
    elif rng.random() < 0.5:
        lines.append(f"cadence: {rng.choice(('2w', '30', '3m', '6m'))}")
    lines.append(f"needs: introductions to {rng.choice(TRADES)}s and {rng.choice(TRADES)}s")
    lines.append(f"offers: {rng.choice(TRADES)} work for small firms")
    if rng.random() < 0.3:
        lines.append(f'birthday: "{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"')
    if earlier and rng.random() < 0.2:
        lines.append(f"introduced_by: {rng.choice(earlier)}")
    if rng.random() < 0.05:
        lines.append("referral_partner: true")
    lines.append("---")
    return "\n".join(lines) + "\n" + _body(rng, [name]) + "\n"


def _meeting(rng: random.Random, day: dt.date, people: list[str], everyone: list[str],
             index: int) -> str:
    kind = rng.choice(KINDS)
    lines = ["---", f"date: {day.isoformat()}", f"with: [{', '.join(people)}]",
             f"kind: {kind}", f"title: {kind.capitalize()} with {people[0]} #{index}"]
    if rng.random() < 0.35:
        lines += ["gave:", f"  - to: {rng.choice(people)}", "    type: referral",
                  f"    prospect: {rng.choice(LAST)} {rng.choice(TRADES)}",
                  f"    heat: {rng.randint(1, 5)}",
                  f"    status: {rng.choice(('open', 'won', 'lost', 'won'))}"]
        if rng.random() < 0.5:
            lines.append(f"    value: {rng.randrange(200, 20000, 50)}")
    if rng.random() < 0.3:
        lines += ["got:", f"  - from: {rng.choice(people)}",
                  f"    type: {rng.choice(('referral', 'introduction', 'info'))}",
                  f"    heat: {rng.choice(('cold', 'warm', 'hot'))}"]
    if rng.random() < 0.3:
        due = day + dt.timedelta(days=rng.randint(3, 30))
        lines += ["follow_ups:", f"  - due: {due.isoformat()}",
                  f"    what: Send the {rng.choice(WORDS)} {rng.choice(WORDS)} notes"]
        if rng.random() < 0.6:
            lines.append("    done: true")
    lines.append("---")
    return "\n".join(lines) + "\n" + _body(rng, people + [rng.choice(everyone)]) + "\n"


def _body(rng: random.Random, people: list[str]) -> str:
    """80-250 words: paragraphs, a list, a link and wikilinks to the people named."""
    target = rng.randint(80, 250)
    words = [rng.choice(WORDS) for _ in range(target)]
    words[0] = words[0].capitalize()
    cut = target // 2
    items = "\n".join(f"- {' '.join(rng.choice(WORDS) for _ in range(4))}" for _ in range(3))
    links = " and ".join(f"[[{person}]]" for person in people)
    return (f"{' '.join(words[:cut])}. Talked about {links}.\n\n{items}\n\n"
            f"{' '.join(words[cut:])}; see [the notes](https://example.com/n/{target}).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--meetings", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.contacts, args.meetings, args.seed)
    print(f"wrote {args.contacts} contacts and {args.meetings} meetings to {args.out}")


if __name__ == "__main__":
    main()
