"""Russian spellings of Ukrainian place names, and Ukrainian ones of Russian, by rule.

The register of Ukraine's settlements (KATOTTG) spells every name in Ukrainian; Russian
sources write the same village in Russian: Новоселидівка is «Новоселидовка», Іллінка
«Ильинка», Дальнє «Дальнее», Рівне «Ровное». The two spellings follow regular letter
and ending correspondences, which this module applies in both directions:

========================  =============================================
Ukrainian                 Russian
========================  =============================================
-е, -є (neuter endings)   -ое, -ее (Рівне ~ Ровное, Дальнє ~ Дальнее)
-ий, -ій                  -ый, -ий
-а of an adjective        -ая (Нова Полтавка ~ Новая Полтавка)
-івка, -ївка              -овка, -евка (Новоселидівка ~ Новоселидовка)
-ськ, -цьк                -ск, -цк (Торецьк ~ Торецк)
і                         и, е, о (Іллінка ~ Ильинка, Новосілка ~ Новоселка)
ї, є                      и, е; after an apostrophe ьи, ье (Мар'їнка ~ Марьинка)
и                         и, ы (Рибне ~ Рыбное)
е at the start            е, э (Енергодар ~ Энергодар)
лл, нн, чч... + vowel     ль, нь, чь + vowel (Іллінка ~ Ильинка, Заріччя ~ Заречье)
========================  =============================================

Each choice has a cost; spellings are kept cheapest first, and the Russian
morphological dictionary (pymorphy3 with pymorphy3-dicts-ru) lifts the words it knows
(«ровное», «зеленый») above made-up ones («ривное», «зелений»). The Ukrainian
dictionary (pymorphy3-dicts-uk) tells adjectives («Нова», «Велика») from nouns.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

MAX_COST = 1.6
KNOWN_BONUS = 0.6
PER_WORD = 4
PER_NAME = 6

_CONSONANTS = set("бвгґджзклмнпрстфхцчшщ")

# Stems whose Russian and Ukrainian forms differ beyond the letter rules (Russian,
# Ukrainian), lower case: Новоалександровка ~ Новоолександрівка, Песчаное ~ Піщане.
LEXICON = (
    ("александр", "олександр"),
    ("никола", "микола"),
    ("владимир", "володимир"),
    ("колодезь", "колодязь"),
    ("первое", "перше"),
    ("первомайск", "первомайськ"),
    ("песчан", "піщан"),
    ("солен", "солон"),
    ("черн", "чорн"),
    ("красн", "красн"),
    ("гор", "гір"),
    ("зск", "зьк"),
    ("ическое", "ічне"),
    ("ичное", "ічне"),
    ("ическ", "ічн"),
)
_DOUBLE = re.compile(r"([лнтдсзчжшц])\1(?=[іяюєї])")


@lru_cache(maxsize=2)
def _analyser(lang: str):
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=200_000)
def _known_russian(word: str) -> bool:
    """True when the Russian dictionary knows ``word`` as it is written (any form)."""
    if len(word) < 3:
        return False
    return any(p.is_known and p.word == word for p in _analyser("ru").parse(word)[:3])


@lru_cache(maxsize=50_000)
def _ukrainian_adjective(word: str) -> bool:
    parses = _analyser("uk").parse(word)[:4]
    return any(p.is_known and "ADJF" in p.tag and "femn" in p.tag for p in parses)


def _options_uk_to_ru(word: str, adjective: bool) -> list[list[tuple[str, float]]]:
    """Per position of ``word`` (lower case Ukrainian), the Russian pieces it may become."""
    slots: list[list[tuple[str, float]]] = []
    tail: list[list[tuple[str, float]]] = []
    w = word
    # Endings first: they decide more than any single letter.
    if w.endswith(("ївка", "іївка")):
        w, tail = w[:-4], [[("евка", 0.0), ("иевка", 1.0)]]
    elif w.endswith("івка"):
        w, tail = w[:-4], [[("овка", 0.0), ("евка", 0.4), ("ивка", 1.0)]]
    elif w.endswith(("ське", "цьке")):
        w, tail = w[:-4], [[(w[-4] + "кое", 0.0)]]
    elif w.endswith(("ськ", "цьк")):
        w, tail = w[:-3], [[(w[-3] + "к", 0.0)]]
    elif re.search(r"([бвгджзклмнпрстфхцчшщ])\1я$", w):
        w, tail = w[:-3], [[(w[-3] + "ье", 0.0), (w[-3:], 0.8)]]
    elif w.endswith("є"):
        w, tail = w[:-1], [[("ее", 0.0), ("ье", 0.8), ("е", 1.0)]]
    elif w.endswith("ічне"):
        w, tail = w[:-4], [[("ическое", 0.0), ("ичное", 0.5)]]
    elif len(w) > 3 and w.endswith("е") and w[-2] in _CONSONANTS and w[-3] in "иіое":
        w, tail = w[:-1], [[("ое", 0.0), ("о", 0.3), ("ее", 0.8)]]
    elif len(w) > 2 and w.endswith("е") and w[-2] in _CONSONANTS:
        w, tail = w[:-1], [[("ое", 0.0), ("ее", 0.8), ("е", 1.0)]]
    elif w.endswith("ий"):
        hushing = len(w) > 2 and w[-3] in "кгхжшчщ"
        w, tail = (
            w[:-2],
            [
                [("ий", 0.0), ("ой", 0.5), ("ый", 1.0)]
                if hushing
                else [("ый", 0.0), ("ой", 0.5), ("ий", 0.6)]
            ],
        )
    elif w.endswith("ій"):
        w, tail = w[:-2], [[("ий", 0.0), ("ей", 0.8)]]
    elif adjective and w.endswith("а"):
        w, tail = w[:-1], [[("ая", 0.0), ("а", 0.8)]]
    elif w.endswith("ів"):
        w, tail = w[:-2], [[("ов", 0.0), ("ев", 0.6), ("ьков", 0.8), ("ив", 1.0)]]
    w = _DOUBLE.sub(lambda m: m.group(1) + "\x01", w)
    i = 0
    while i < len(w):
        ch = w[i]
        nxt = w[i + 1] if i + 1 < len(w) else ""
        if ch == "\x01":  # the second of a doubled consonant before a soft vowel
            slots.append([("ь", 0.0), (w[i - 1], 0.5)])
        elif ch == "'" and not nxt:
            slots.append([("ь", 0.0)])  # Юр'ївка ~ Юрьевка: the ending took the vowel
        elif ch == "'":
            soft = {"ї": "и", "є": "е", "я": "я", "ю": "ю"}.get(nxt)
            if soft:
                slots.append([("ь" + soft, 0.0), (soft, 0.3), ("ъ" + soft, 0.8)])
                i += 1
            # an apostrophe before anything else is dropped
        elif ch == "і":
            slots.append([("и", 0.0), ("е", 0.5), ("о", 0.9)])
        elif ch == "ї":
            slots.append([("и", 0.2), ("е", 0.4), ("йи", 1.0)])
        elif ch == "є":
            slots.append([("е", 0.0), ("ье", 1.0)])
        elif ch == "и":
            slots.append([("и", 0.0), ("ы", 0.6)])
        elif ch == "е" and i == 0:
            slots.append([("е", 0.0), ("э", 0.8)])
        elif ch == "ґ":
            slots.append([("г", 0.0)])
        else:
            slots.append([(ch, 0.0)])
        i += 1
    return slots + tail


def _word_variants(word: str, adjective: bool, limit: int) -> list[tuple[str, float]]:
    forms = [word] + [word.replace(uk, ru, 1) for ru, uk in LEXICON if uk in word and ru != uk]
    ranked: dict[str, float] = {}
    for form in forms:
        for text, cost in _letter_variants(form, adjective, limit):
            if text not in ranked or cost < ranked[text]:
                ranked[text] = cost
    return sorted(ranked.items(), key=lambda tc: (tc[1], tc[0]))[:limit]


def _letter_variants(word: str, adjective: bool, limit: int) -> list[tuple[str, float]]:
    slots = _options_uk_to_ru(word, adjective)
    # Keep the product small: positions with a single option cost nothing.
    scored: dict[str, float] = {}
    for combo in _bounded_product(slots, MAX_COST):
        text = "".join(piece for piece, _ in combo)
        cost = sum(c for _, c in combo)
        if text not in scored or cost < scored[text]:
            scored[text] = cost
    ranked = sorted(
        ((t, c - (KNOWN_BONUS if _known_russian(t) else 0.0)) for t, c in scored.items()),
        key=lambda tc: (tc[1], tc[0]),
    )
    return ranked[:limit]


def _bounded_product(slots, max_cost):
    """Every choice of one option per slot whose total cost stays within ``max_cost``."""
    out = [((), 0.0)]
    for options in slots:
        grown = []
        for combo, cost in out:
            for piece, c in options:
                if cost + c <= max_cost:
                    grown.append((combo + ((piece, c),), cost + c))
        out = grown
        if len(out) > 4000:  # a very long name: keep the cheapest
            out.sort(key=lambda cc: cc[1])
            out = out[:4000]
    return [combo for combo, _ in out]


_WORD = re.compile(r"[^\s\-]+|[\s\-]+")


def _restore_case(pattern: str, text: str) -> str:
    return text[:1].upper() + text[1:] if pattern[:1].isupper() else text


def russian_spellings(name: str, *, limit: int = PER_NAME) -> list[str]:
    """Russian spellings of a Ukrainian place name, likeliest first (without ``name``).

    >>> russian_spellings("Новоселидівка")[0]
    'Новоселидовка'
    >>> "Ильинка" in russian_spellings("Іллінка")
    True
    >>> "Дальнее" in russian_spellings("Дальнє"), "Ровное" in russian_spellings("Рівне")
    (True, True)
    >>> russian_spellings("Зелений Гай")[0]
    'Зеленый Гай'
    """
    parts = _WORD.findall(name.replace("’", "'").replace("ʼ", "'"))
    words = [p for p in parts if not p.isspace() and p != "-"]
    per_word = []
    for part in parts:
        if part.isspace() or set(part) <= {"-", " "}:
            per_word.append([(part, 0.0)])
            continue
        low = part.lower()
        adjective = len(words) > 1 and part is not words[-1] and _ukrainian_adjective(low)
        variants = _word_variants(low, adjective, PER_WORD)
        per_word.append([(_restore_case(part, t), c) for t, c in variants])
    combos = []
    for combo in product(*per_word):
        combos.append(("".join(t for t, _ in combo), sum(c for _, c in combo)))
    combos.sort(key=lambda tc: (tc[1], tc[0]))
    out = []
    for text, _ in combos:
        if text != name and text not in out:
            out.append(text)
        if len(out) >= limit:
            break
    return out


def _options_ru_to_uk(word: str, lexical: str = "") -> list[list[tuple[str, float]]]:
    slots: list[list[tuple[str, float]]] = []
    tail: list[list[tuple[str, float]]] = []
    w = word.replace("ё", "е")
    if w.endswith("евка"):
        w, tail = w[:-4], [[("ївка", 0.0), ("івка", 0.3), ("евка", 1.0)]]
    elif w.endswith("овка"):
        w, tail = w[:-4], [[("івка", 0.0), ("овка", 0.6)]]
    elif w.endswith(("ское", "цкое")):
        w, tail = w[:-4], [[(w[-4] + "ьке", 0.0)]]
    elif w.endswith(("ск", "цк")) and len(w) > 3:
        w, tail = w[:-2], [[(w[-2] + "ьк", 0.0), (w[-2] + "к", 0.8)]]
    elif w.endswith("ье"):
        w, tail = w[:-2], [[("\x02я", 0.0), ("'я", 0.8)]]
    elif len(w) > 3 and w.endswith(("ино", "ово", "ево")):
        w, tail = w[:-1], [[("е", 0.0), ("о", 0.8)]]
    elif w.endswith(("ое", "ее")):
        w, tail = (
            w[:-2],
            [[("е", 0.0), ("є", 0.3)] if w.endswith("ое") else [("є", 0.0), ("е", 0.3)]],
        )
    elif w.endswith(("ый", "ий", "ой")):
        w, tail = w[:-2], [[("ий", 0.0), ("ій", 0.6)]]
    elif w.endswith("ая"):
        w, tail = w[:-2], [[("а", 0.0)]]
    elif w.endswith(("ов", "ев")) and len(w) > 3:
        w, tail = w[:-2], [[("ів", 0.0), (w[-2:], 0.6)]]
    if w.endswith("ь") and tail and tail[0][0][0].startswith("ї"):
        w = w[:-1] + "'"  # Юрьевка ~ Юр'ївка
    i = 0
    while i < len(w):
        ch = w[i]
        nxt = w[i + 1] if i + 1 < len(w) else ""
        if ch == "\x03":
            slots.append([(lexical, 0.0)])
        elif ch == "ь" and nxt in "иеяю" and nxt:
            prev = w[i - 1] if i else ""
            soft = {"и": "і", "е": "є", "я": "я", "ю": "ю"}[nxt]
            if prev in "лнтдсзчжшц" and prev:
                slots.append([(prev + soft, 0.0), ("'" + {"и": "ї"}.get(nxt, soft), 0.5)])
            else:
                slots.append([("'" + {"и": "ї"}.get(nxt, soft), 0.0)])
            i += 2
            continue
        elif ch == "ъ":
            slots.append([("'", 0.0)])
        elif ch == "ы":
            slots.append([("и", 0.0)])
        elif ch == "э":
            slots.append([("е", 0.0)])
        elif ch == "и":
            slots.append([("и", 0.0), ("і", 0.0)] if i else [("і", 0.0), ("и", 0.5)])
        elif ch == "е":
            slots.append(
                [("є", 0.3), ("е", 0.5)] if i == 0 else [("е", 0.0), ("і", 0.6), ("є", 0.8)]
            )
        elif (
            ch == "о"
            and nxt in _CONSONANTS
            and nxt
            and (i + 2 == len(w) or w[i + 2] in _CONSONANTS)
        ):
            slots.append([("о", 0.0), ("і", 0.9)])
        else:
            slots.append([(ch, 0.0)])
        i += 1
    slots += tail
    # "ье" at the end becomes a doubled consonant and я (Заречье ~ Заріччя)
    return slots


@lru_cache(maxsize=20_000)
def ukrainian_spellings(name: str, *, limit: int = 64) -> list[str]:
    """Ukrainian spellings a Russian place name may stand for, cheapest first, lower case.

    Many are not real names: look them up in the gazetteer and keep the ones it knows.

    >>> "новоселидівка" in ukrainian_spellings("Новоселидовка")
    True
    >>> "іллінка" in ukrainian_spellings("Ильинка"), "дальнє" in ukrainian_spellings("Дальнее")
    (True, True)
    """
    words = [w for w in re.split(r"[\s\-]+", name.lower().replace("ё", "е")) if w]
    per_word = []
    for w in words:
        scored: dict[str, float] = {}
        forms = [(w, "")] + [
            (w.replace(ru, "\x03", 1), uk) for ru, uk in LEXICON if ru in w and ru != uk
        ]
        combos = [
            c for form, uk in forms for c in _bounded_product(_options_ru_to_uk(form, uk), MAX_COST)
        ]
        for combo in combos:
            text = "".join(p for p, _ in combo)
            text = re.sub(r"(.)\x02", r"\1\1", text)
            cost = sum(c for _, c in combo)
            if text not in scored or cost < scored[text]:
                scored[text] = cost
        per_word.append(sorted(scored.items(), key=lambda tc: (tc[1], tc[0]))[:16])
    combos = [
        (" ".join(t for t, _ in combo), sum(c for _, c in combo)) for combo in product(*per_word)
    ]
    combos.sort(key=lambda tc: (tc[1], tc[0]))
    return [t for t, _ in combos[:limit]]
