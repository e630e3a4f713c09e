"""What every language's cue module shares: actors, speeches, and how one is picked.

A cue module (:mod:`~conflictmap.reader.en`, :mod:`~conflictmap.reader.ru`,
:mod:`~conflictmap.reader.uk`) gives the pipeline in :mod:`~conflictmap.reader.extract`
its wording: the event and state rules over a sentence whose places are numbered
placeholders, the hedges, denials, the lexicon of sides and :func:`find_speeches`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A speaker or agent named in text: its side, a label, and where it stands."""

    side: str
    label: str
    start: int
    end: int
    specific: bool


@dataclass
class Speech:
    """A speech verb in a sentence, with the side and label of who speaks."""

    start: int
    end: int
    side: str | None
    label: str
    is_denial: bool


def pick(actors: list[Actor], first: bool) -> Actor | None:
    """The first (or last) specific actor, or else any actor."""
    specific = [a for a in actors if a.specific]
    pool = specific or actors
    if not pool:
        return None
    return pool[0] if first else pool[-1]
