"""Which language a report is written in: ``en``, ``ru`` or ``uk``.

A cheap rule that is reliable on news copy: a text that is mostly Latin letters is
English; a Cyrillic text is Ukrainian or Russian by the letters only one of them has
(і ї є ґ against ы э ъ ё) and by its most frequent short words (та, що, від, як, у
against и, что, от, как, в). Place names and quoted words of the other language move
the counts little, since every ordinary word of the text votes.
"""

from __future__ import annotations

import re

LANGUAGES = ("en", "ru", "uk")

_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+")
_NUMERAL_ENDING = re.compile(r"\d+\s*-\s*[^\W\d_]{1,3}\b")
_UK_LETTERS = frozenset("іїєґ")
_RU_LETTERS = frozenset("ыэъё")
_UK_WORDS = frozenset(
    "та що від як це його її їх також які який яка було були буде між після "
    "щодо вже ще під році україни українські наших захисників й і".split()
)
_RU_WORDS = frozenset(
    "и что от как это его их также которые который которая было были будет между после "
    "уже еще под время году россии российские был".split()
)


def detect_language(text: str) -> str:
    """``en``, ``ru`` or ``uk`` for a report's text.

    >>> detect_language("Russian forces captured the village, the ministry said.")
    'en'
    >>> detect_language("Подразделения освободили населенный пункт, сообщили в Минобороны.")
    'ru'
    >>> detect_language("Сили оборони утримують позиції в місті, повідомили в Генштабі.")
    'uk'
    """
    sample = text[:4000]
    latin = len(_LATIN.findall(sample))
    cyrillic = len(_CYRILLIC.findall(sample))
    if not cyrillic or cyrillic < 0.3 * (latin + cyrillic):
        return "en"
    low = sample.lower()
    uk = sum(low.count(ch) for ch in _UK_LETTERS)
    ru = sum(low.count(ch) for ch in _RU_LETTERS)
    # «102-й», «3-го»: endings of numerals, not words
    for word in _WORD.findall(_NUMERAL_ENDING.sub(" ", low)):
        if word in _UK_WORDS:
            uk += 2
        elif word in _RU_WORDS:
            ru += 2
    return "uk" if uk > ru else "ru"
