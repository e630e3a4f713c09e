"""First-level regions (oblasts) and the names the news uses for them.

GeoNames keys regions by country and ``admin1`` code; this module names them and
finds them in text ("Donetsk region", "Zaporizhzhia Oblast", "Kharkov"), so that a
mention can be disambiguated by the oblast named near it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# GeoNames admin1 codes for Ukraine, named with the official romanisation.
UKRAINE = {
    "01": "Cherkasy",
    "02": "Chernihiv",
    "03": "Chernivtsi",
    "04": "Dnipropetrovsk",
    "05": "Donetsk",
    "06": "Ivano-Frankivsk",
    "07": "Kharkiv",
    "08": "Kherson",
    "09": "Khmelnytskyi",
    "10": "Kirovohrad",
    "11": "Crimea",
    "12": "Kyiv City",
    "13": "Kyiv",
    "14": "Luhansk",
    "15": "Lviv",
    "16": "Mykolaiv",
    "17": "Odesa",
    "18": "Poltava",
    "19": "Rivne",
    "20": "Sevastopol",
    "21": "Sumy",
    "22": "Ternopil",
    "23": "Vinnytsia",
    "24": "Volyn",
    "25": "Zakarpattia",
    "26": "Zaporizhzhia",
    "27": "Zhytomyr",
}

# The regions of Russia and Belarus the news of this war names; others are named
# after their largest city when the gazetteer is built.
RUSSIA = {
    "09": "Belgorod",
    "10": "Bryansk",
    "38": "Krasnodar",
    "41": "Kursk",
    "47": "Moscow Oblast",
    "48": "Moscow",
    "61": "Rostov",
    "63": "Sakha",
    "66": "Saint Petersburg",
    "86": "Voronezh",
}
BELARUS = {
    "01": "Brest",
    "02": "Homiel",
    "03": "Hrodna",
    "04": "Minsk City",
    "05": "Minsk",
    "06": "Mahilyow",
    "07": "Vitebsk",
}
COUNTRY_REGIONS = {"UA": UKRAINE, "RU": RUSSIA, "BY": BELARUS}

# The first two digits of a KATOTTG code (the official register of Ukraine's
# settlements) and the oblast they stand for, named as in ``UKRAINE``.
KATOTTG_OBLASTS = {
    "01": "Crimea",
    "05": "Vinnytsia",
    "07": "Volyn",
    "12": "Dnipropetrovsk",
    "14": "Donetsk",
    "18": "Zhytomyr",
    "21": "Zakarpattia",
    "23": "Zaporizhzhia",
    "26": "Ivano-Frankivsk",
    "32": "Kyiv",
    "35": "Kirovohrad",
    "44": "Luhansk",
    "46": "Lviv",
    "48": "Mykolaiv",
    "51": "Odesa",
    "53": "Poltava",
    "56": "Rivne",
    "59": "Sumy",
    "61": "Ternopil",
    "63": "Kharkiv",
    "65": "Kherson",
    "68": "Khmelnytskyi",
    "71": "Cherkasy",
    "73": "Chernivtsi",
    "74": "Chernihiv",
    "80": "Kyiv City",
    "85": "Sevastopol",
}

# Stems of the Russian and Ukrainian adjectives that name an oblast («Донецкой
# области», «Харківської області», «Запорожская область»), lower case, ё as е.
CYRILLIC_STEMS = {
    "Cherkasy": ["черкасск", "черкаськ"],
    "Chernihiv": ["черниговск", "чернігівськ"],
    "Chernivtsi": ["черновицк", "чернівецьк"],
    "Dnipropetrovsk": ["днепропетровск", "дніпропетровськ"],
    "Donetsk": ["донецк", "донецьк"],
    "Ivano-Frankivsk": ["ивано-франковск", "івано-франківськ"],
    "Kharkiv": ["харьковск", "харківськ"],
    "Kherson": ["херсонск", "херсонськ"],
    "Khmelnytskyi": ["хмельницк", "хмельницьк"],
    "Kirovohrad": ["кировоградск", "кіровоградськ"],
    "Kyiv": ["киевск", "київськ"],
    "Luhansk": ["луганск", "луганськ"],
    "Lviv": ["львовск", "львівськ"],
    "Mykolaiv": ["николаевск", "миколаївськ"],
    "Odesa": ["одесск", "одеськ"],
    "Poltava": ["полтавск", "полтавськ"],
    "Rivne": ["ровенск", "рівненськ"],
    "Sumy": ["сумск", "сумськ"],
    "Ternopil": ["тернопольск", "тернопільськ"],
    "Vinnytsia": ["винницк", "вінницьк"],
    "Volyn": ["волынск", "волинськ"],
    "Zakarpattia": ["закарпатск", "закарпатськ"],
    "Zaporizhzhia": ["запорожск", "запорізьк"],
    "Zhytomyr": ["житомирск", "житомирськ"],
    "Belgorod": ["белгородск", "бєлгородськ"],
    "Bryansk": ["брянск", "брянськ"],
    "Kursk": ["курск", "курськ"],
    "Rostov": ["ростовск", "ростовськ"],
}
# "Donetsk/Luhansk People's Republic" in Russian and Ukrainian, and their initials.
_PEOPLES = {
    "Donetsk": r"днр|донецк\w*\s+народн\w*\s+республик\w*|донецьк\w*\s+народн\w*\s+республ\w*",
    "Luhansk": r"лнр|луганск\w*\s+народн\w*\s+республик\w*|луганськ\w*\s+народн\w*\s+республ\w*",
}
_CYR_REGION_WORD = r"(?:област\w*|обл\.?|район\w*|краю|края|край)"

# Other spellings of region names, as they appear in text (lower case).
SPELLINGS = {
    "Cherkasy": ["cherkasy", "cherkassy"],
    "Chernihiv": ["chernihiv", "chernigov"],
    "Chernivtsi": ["chernivtsi", "chernovtsy"],
    "Dnipropetrovsk": ["dnipropetrovsk", "dnipropetrovska", "dnepropetrovsk", "dnipro"],
    "Donetsk": ["donetsk", "donetska", "donetskaya", "dpr"],
    "Kharkiv": ["kharkiv", "kharkivska", "kharkov"],
    "Kherson": ["kherson", "khersonska"],
    "Khmelnytskyi": ["khmelnytskyi", "khmelnytsky", "khmelnitsky"],
    "Kirovohrad": ["kirovohrad", "kirovograd", "kropyvnytskyi"],
    "Crimea": ["crimea", "crimean"],
    "Kyiv": ["kyiv", "kiev"],
    "Luhansk": ["luhansk", "luhanska", "lugansk", "lpr"],
    "Lviv": ["lviv", "lvov"],
    "Mykolaiv": ["mykolaiv", "nikolaev", "nikolayev"],
    "Odesa": ["odesa", "odessa"],
    "Poltava": ["poltava"],
    "Rivne": ["rivne", "rovno"],
    "Sumy": ["sumy", "sumska"],
    "Ternopil": ["ternopil"],
    "Vinnytsia": ["vinnytsia", "vinnytsya", "vinnitsa"],
    "Volyn": ["volyn"],
    "Zakarpattia": ["zakarpattia", "transcarpathia"],
    "Zaporizhzhia": ["zaporizhzhia", "zaporizhia", "zaporizhzhya", "zaporozhye", "zaporozhzhia"],
    "Zhytomyr": ["zhytomyr", "zhitomir"],
    "Belgorod": ["belgorod", "bilhorod"],
    "Bryansk": ["bryansk"],
    "Kursk": ["kursk"],
    "Rostov": ["rostov"],
    "Sakha": ["sakha", "yakutia"],
}

REGION_WORDS = r"(?:regions?|oblasts?|provinces?|oblast's|people's republic)"


@lru_cache(maxsize=1)
def _spelling_pattern() -> re.Pattern:
    words = sorted({w for ws in SPELLINGS.values() for w in ws}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _by_spelling() -> dict:
    return {w: name for name, ws in SPELLINGS.items() for w in ws}


def region_name(country: str, admin1: str) -> str:
    """The region's name for a GeoNames country and admin1 code, or '' if unknown."""
    return COUNTRY_REGIONS.get(country, {}).get(admin1, "")


@lru_cache(maxsize=1)
def _cyrillic_pattern() -> re.Pattern:
    stems = sorted({s for ss in CYRILLIC_STEMS.values() for s in ss}, key=len, reverse=True)
    adjective = r"(?<!\w)(" + "|".join(map(re.escape, stems)) + r")\w{0,4}\s+" + _CYR_REGION_WORD
    peoples = "|".join(f"(?P<{name}>{pat})" for name, pat in _PEOPLES.items())
    return re.compile(rf"{adjective}|(?<!\w)(?:{peoples})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _by_stem() -> dict:
    return {s: name for name, ss in CYRILLIC_STEMS.items() for s in ss}


def cyrillic_region_phrases(text: str) -> list[tuple[int, int, str]]:
    """Spans of Russian and Ukrainian region phrases, with the region each names.

    «в Харьковской области», «Донецької області», «ДНР», «Луганской Народной Республики».

    >>> cyrillic_region_phrases("освобожден населенный пункт Ровное ДНР")
    [(35, 38, 'Donetsk')]
    >>> [r for _, _, r in cyrillic_region_phrases("у Харківській області")]
    ['Kharkiv']
    """
    if not text or text.isascii():
        return []
    out = []
    for m in _cyrillic_pattern().finditer(text.replace("ё", "е").replace("Ё", "Е")):
        if m.group(1):
            region = _by_stem()[m.group(1).lower()]
        else:
            region = next(name for name in _PEOPLES if m.group(name))
        out.append((m.start(), m.end(), region))
    return out


def regions_in(text: str) -> set[str]:
    """Names of the regions that ``text`` mentions, by any spelling.

    >>> sorted(regions_in("fighting in the Zaporozhye region and near Kharkiv"))
    ['Kharkiv', 'Zaporizhzhia']
    >>> regions_in("Kyiv's General Staff said")
    set()
    >>> regions_in("Вишневое в Харьковской области")
    {'Kharkiv'}
    """
    if not text:
        return set()
    table = _by_spelling()
    found = {r for _, _, r in cyrillic_region_phrases(text)}
    for m in _spelling_pattern().finditer(text):
        # "Kyiv's General Staff", "Moscow's forces": a government, not a place.
        if text[m.end() : m.end() + 2] in ("'s", "’s"):
            continue
        found.add(table[m.group(1).lower()])
    return found


@lru_cache(maxsize=1)
def _phrase_pattern() -> re.Pattern:
    words = "|".join(map(re.escape, sorted(_by_spelling(), key=len, reverse=True)))
    return re.compile(
        rf"\b({words})(?:ska|s'ka)?\s+{REGION_WORDS}\b|\b{REGION_WORDS}\s+of\s+({words})\b",
        re.IGNORECASE,
    )


def region_phrases(text: str) -> list[tuple[int, int, str]]:
    """Spans of explicit region phrases ("Donetsk region", "Kharkiv Oblast").

    These name a region, not a settlement, so a reader should not take them as a
    mention of the city of the same name.

    >>> region_phrases("in the Donetsk region")
    [(7, 21, 'Donetsk')]
    """
    table = _by_spelling()
    return [
        (m.start(), m.end(), table[(m.group(1) or m.group(2)).lower()])
        for m in _phrase_pattern().finditer(text)
    ]
