"""`refjournal.yaml`: the journal's settings, each with a default, into a `Config`.

A bad value is reported at its key's line and the key keeps its default, as in notes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..model import Config, Goals, Scorecard, Threshold
from ..problems import Problem
from . import fields
from .read import RawNote
from .validate import Checker

CONFIG_KEYS: Mapping[str, Callable[[Any], Any]] = {
    "owner": fields.text,
    "title": fields.text,
    "default_cadence": fields.cadence,
    "referral_check_days": fields.positive_int,
    "soon_days": fields.positive_int,
    "birthday_days": fields.positive_int,
    "reciprocity_days": fields.positive_int,
    "goals": lambda value: value,  # a mapping, read by _goals
    "allow_html": fields.boolean,
    "owner_email": fields.text_list,
    "repo_url": fields.web_address,
    "edit_branch": fields.text,
    "contact_prospect_days": fields.positive_int,
    "thank_days": fields.positive_int,
    "report_back_days": fields.positive_int,
    "loop_since": fields.date,
    "currency": fields.currency,
    "scorecard": lambda value: value,  # a mapping, read by _scorecard
    "synonyms": fields.synonyms,
    "offline": fields.boolean,
}
GOAL_KEYS = tuple(Goals.__dataclass_fields__)
# Each goal's kind of value: a count a week or a month, or an amount of money.
GOAL_VALUES: Mapping[str, Callable[[Any], Any]] = {
    key: fields.amount if key == "closed_business_per_month" else fields.count
    for key in GOAL_KEYS}
SCORECARD_INPUTS = tuple(key for key in Scorecard.__dataclass_fields__ if key != "months")


def validate_config(raw: RawNote | None) -> tuple[Config, list[Problem]]:
    """Turn `refjournal.yaml` into a Config; absent keys keep their defaults."""
    if raw is None:
        return Config(), []
    note = Checker(raw)
    meta = raw.meta
    note.unknown_keys(meta, CONFIG_KEYS, (), "refjournal.yaml")
    defaults = Config()
    values = {key: note.value(meta, (key,), convert, getattr(defaults, key))
              for key, convert in CONFIG_KEYS.items() if key not in ("goals", "scorecard")}
    return Config(**values, goals=_goals(note, meta.get("goals")),
                  scorecard=_scorecard(note, meta.get("scorecard"))), note.problems


def _mapping(note: Checker, raw: Any, path: tuple[str, ...], example: str
             ) -> Mapping[Any, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        note.report(path, f"`{'.'.join(path)}`: expected a mapping such as `{example}`, got "
                    f"{fields.show(raw)}")
        return None
    return raw


def _goals(note: Checker, raw: Any) -> Goals:
    """`goals:` is a mapping of whole numbers (and one amount); a missing or bad one keeps
    its default."""
    goals = _mapping(note, raw, ("goals",), "one_to_ones_per_week: 5")
    if goals is None:
        return Goals()
    note.unknown_keys(goals, GOAL_KEYS, ("goals",), "`goals`")
    defaults = Goals()
    return Goals(**{key: note.value(goals, ("goals", key), GOAL_VALUES[key],
                                    getattr(defaults, key)) for key in GOAL_KEYS})


def _scorecard(note: Checker, raw: Any) -> Scorecard:
    """`scorecard:` is `months:` and, for each input, `{green: N, amber: N}`; what is
    missing or bad keeps its default."""
    card = _mapping(note, raw, ("scorecard",), "visitors: {green: 2, amber: 1}")
    defaults = Scorecard()
    if card is None:
        return defaults
    note.unknown_keys(card, ("months", *SCORECARD_INPUTS), ("scorecard",), "`scorecard`")
    months = note.value(card, ("scorecard", "months"), fields.months, defaults.months)
    lights: dict[str, Threshold] = {}
    for key in SCORECARD_INPUTS:
        default: Threshold = getattr(defaults, key)
        given = _mapping(note, card.get(key), ("scorecard", key), "{green: 2, amber: 1}")
        if given is None:
            lights[key] = default
            continue
        path = ("scorecard", key)
        note.unknown_keys(given, ("green", "amber"), path, f"`scorecard.{key}`")
        green = note.value(given, (*path, "green"), fields.amount, default.green)
        amber = note.value(given, (*path, "amber"), fields.amount, default.amber)
        if amber > green:
            note.report(path, f"`scorecard.{key}`: `amber` ({amber:g}) is above `green` "
                        f"({green:g}); amber is the lower threshold")
            lights[key] = default
            continue
        lights[key] = Threshold(green, amber)
    return Scorecard(months=months, **lights)
