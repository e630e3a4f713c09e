"""Romanisation of Ukrainian and Russian Cyrillic place names.

Ukrainian uses the official national system of 2010 (Cabinet of Ministers
resolution 55), the one the news and road signs use: Слов'янськ -> Sloviansk,
Гуляйполе -> Huliaipole, Авдіївка -> Avdiivka. Russian uses a BGN/PCGN-style
system, the spelling Russian sources in English use: Угледар -> Ugledar,
Северск -> Seversk.
"""

from __future__ import annotations

import re
import unicodedata

UKRAINIAN_ONLY = set("іїєґІЇЄҐ")
RUSSIAN_ONLY = set("ыэёъЫЭЁЪ")
APOSTROPHES = "'’ʼ`”\u02bc\u2019"

_UK = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
}
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

_RU = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "і": "i",
    "ї": "yi",
    "є": "ye",
    "ґ": "g",
}
_RU_INITIAL = {"е": "ye"}


def is_cyrillic(text: str) -> bool:
    """True when every letter of ``text`` is Cyrillic."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all("CYRILLIC" in unicodedata.name(c, "") for c in letters)


def looks_ukrainian(text: str) -> bool:
    """True for Cyrillic with no letter that only Russian uses."""
    return is_cyrillic(text) and not (set(text) & RUSSIAN_ONLY)


def _romanise(text: str, table: dict, initial: dict, special) -> str:
    out = []
    # Drop stress marks (U+0301) and other combining accents; keep й and ї whole.
    text = unicodedata.normalize(
        "NFC",
        "".join(c for c in unicodedata.normalize("NFD", text.strip()) if c not in "\u0301\u0300"),
    )
    for i, ch in enumerate(text):
        if ch in APOSTROPHES:
            continue
        low = ch.lower()
        word_start = i == 0 or not text[i - 1].isalpha() and text[i - 1] not in APOSTROPHES
        piece = special(text, i, low)
        if piece is None:
            if word_start and low in initial:
                piece = initial[low]
            else:
                piece = table.get(low, ch if not low.isalpha() else "")
        if ch.isupper() and piece:
            piece = piece[0].upper() + piece[1:]
        out.append(piece)
    return "".join(out)


def _uk_special(text: str, i: int, low: str):
    # "зг" is written "zgh" so that it is not read as "ж" (Zghurivka).
    if low == "г" and i > 0 and text[i - 1].lower() == "з":
        return "gh"
    return None


def _ru_special(text: str, i: int, low: str):
    # "е" after a vowel, soft or hard sign is "ye" (Sokolovskoye, Podyachevo).
    if low == "е" and i > 0 and text[i - 1].lower() in "аеёиоуыэюяьъ":
        return "ye"
    return None


def romanise_ukrainian(text: str) -> str:
    """Romanise Ukrainian Cyrillic with the official 2010 national system.

    >>> romanise_ukrainian("Слов'янськ")
    'Sloviansk'
    >>> romanise_ukrainian("Гуляйполе")
    'Huliaipole'
    >>> romanise_ukrainian("Згурівка")
    'Zghurivka'
    """
    return _romanise(text, _UK, _UK_INITIAL, _uk_special)


def romanise_russian(text: str) -> str:
    """Romanise Russian Cyrillic as English-language Russian sources spell it.

    >>> romanise_russian("Угледар")
    'Ugledar'
    >>> romanise_russian("Часов Яр")
    'Chasov Yar'
    """
    return _romanise(text, _RU, _RU_INITIAL, _ru_special)


_RU_NEWS = {**_RU, "й": "i", "ё": "e"}
_UK_G = {**_UK, "г": "g"}


def news_variants(text: str) -> list[str]:
    """Other spellings English-language news uses for a Cyrillic name.

    Russian with й as "i" (Gulyaipole), and Ukrainian with г as "g" (Guliaipole).

    >>> sorted(news_variants("Гуляйполе"))
    ['Guliaipole', 'Gulyaipole']
    """
    out = {_romanise(text, _RU_NEWS, _RU_INITIAL, _ru_special)}
    if looks_ukrainian(text):
        out.add(_romanise(text, _UK_G, _UK_INITIAL, _uk_special))
    return sorted(out)  # sorted: the gazetteer file must not depend on hash order


_FOLD = str.maketrans({c: "" for c in APOSTROPHES})


def name_key(text: str) -> str:
    """Normalise a place name for lookup: case, accents, apostrophes, hyphens, spaces.

    >>> name_key("Kup”yans’k") == name_key("Kupyansk")
    True
    >>> name_key("Gulyay-Pole")
    'gulyay pole'
    """
    text = text.translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    # Keep Cyrillic й/ї as letters: only strip combining marks from Latin letters.
    kept = []
    for ch in decomposed:
        if unicodedata.combining(ch) and kept and kept[-1].isascii():
            continue
        kept.append(ch)
    text = unicodedata.normalize("NFC", "".join(kept)).lower()
    text = text.replace("ё", "е")
    text = re.sub(r"[-‐‑–—_.]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()
