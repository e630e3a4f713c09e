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


def regions_in(text: str) -> set[str]:
    """Names of the regions that ``text`` mentions, by any spelling.

    >>> sorted(regions_in("fighting in the Zaporozhye region and near Kharkiv"))
    ['Kharkiv', 'Zaporizhzhia']
    >>> regions_in("Kyiv's General Staff said")
    set()
    """
    if not text:
        return set()
    table = _by_spelling()
    found = set()
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
