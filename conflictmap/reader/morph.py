"""Cyrillic words in their dictionary form, for finding declined place names.

Russian and Ukrainian decline place names: «Покровска», «Покровську», «в Димитрове»,
«Гуляйполем», «населенные пункты Ровное, Рог и Гнатовка». The morphological analyser
pymorphy3 (with the ``pymorphy3-dicts-ru`` and ``pymorphy3-dicts-uk`` dictionaries, and
its suffix-based guesser for words the dictionaries lack) gives each word its
nominative forms: the nominative of the same gender and number first («Ровного» ->
«ровное», «Желанного Первого» -> «желанное первое»), then the lemma, except for
adjectives: a place named by an adjective keeps its gender in every case, so «Грузьке»
is never the masculine «Грузький»; and a place is never addressed, so vocative readings
are left out. The reader looks
those forms up among the gazetteer's name keys. Forms are cached per word.
"""

from __future__ import annotations

import threading
from functools import lru_cache

_lock = threading.Lock()
_analysers: dict[str, object] = {}
MAX_PARSES = 6


def analyser(lang: str):
    """The pymorphy3 analyser for ``ru`` or ``uk`` (loaded once, about 0.1 s)."""
    with _lock:
        found = _analysers.get(lang)
        if found is None:
            import pymorphy3

            found = _analysers[lang] = pymorphy3.MorphAnalyzer(lang=lang)
        return found


def looks_ukrainian_word(word: str) -> bool:
    """True for a word with a letter only Ukrainian has (і ї є ґ)."""
    return any(ch in "іїєґІЇЄҐ" for ch in word)


@lru_cache(maxsize=200_000)
def nominatives(word: str, lang: str, locative: bool = True) -> tuple[str, ...]:
    """Lower-case forms of a Cyrillic word: itself, then its nominatives, likeliest first.
    With ``locative=False`` (no preposition before the word or its list) locative
    readings are left out: «звільнили Зверове» is no locative of «Зверов».

    >>> nominatives("Покровска", "ru"), nominatives("Гуляйполем", "uk")
    (('покровска', 'покровск'), ('гуляйполем', 'гуляйполе'))
    """
    low = word.lower()
    out = [low]
    for p in analyser(lang).parse(low)[:MAX_PARSES]:
        if p.tag.case == "voct":
            continue  # nobody reports a place in the vocative: «Зверове» is not «Зверів»
        if not locative and p.tag.case in ("loct", "loc1", "loc2"):
            continue  # the locative stands after a preposition («в Димитрове») only
        inflected = p.inflect({"nomn"})
        lemma = () if "ADJF" in p.tag else (p.normal_form,)
        for form in ((inflected.word,) if inflected else ()) + lemma:
            if form not in out:
                out.append(form)
    return tuple(out)


@lru_cache(maxsize=200_000)
def is_geographic(word: str, lang: str) -> bool:
    """True when the word may be a place name: the analyser does not know it, knows it
    as one (Russian marks place names ``Geox``), or, for Ukrainian, whose dictionary has
    no such mark, knows it as a noun."""
    a = analyser(lang)
    low = word.lower()
    if not a.word_is_known(low):
        return True
    tags = [str(p.tag) for p in a.parse(low)[:MAX_PARSES]]
    if lang == "uk":
        return tags[0].startswith("NOUN") and not any(
            g in tags[0] for g in ("Surn", "Name", "Patr")
        )
    return any("Geox" in t for t in tags)
