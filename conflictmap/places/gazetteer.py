"""The gazetteer: where places are, every name they go by, and which one a text means.

Load it once with :func:`Gazetteer.load` (under 0.3 s: the file keeps names already
normalised). Look names up with :meth:`Gazetteer.candidates` (ranked) or
:meth:`Gazetteer.resolve` (one place, or unresolved with the candidates; never a
guess).

Ranking, best first: places in Ukraine before places elsewhere; places in a region
named in the context ("in Zaporizhzhia", "Donetsk region"); places in the raion or
hromada of a town the context names ("near Pokrovsk", «в районе Покровска»); the
place's own name before an alias; towns by population (a village's population is
not known for the villages only the register lists, so it decides nothing).

**The region decides.** When the context names regions and some places of the name
lie in them, only those are eligible: a namesake elsewhere never wins. A region named
*with* the place (``region=``: «Вишневое в Харьковской области») is stricter still: no
place of the name in it means unresolved. Several eligible places that nothing else
tells apart stay unresolved, with their candidates.

**Mapped or not.** Places from GeoNames carry coordinates. Settlements only the
official register (KATOTTG) lists have their oblast, raion and hromada but no
coordinates until someone places them (:meth:`Gazetteer.with_placements`).
"""

from __future__ import annotations

import gzip
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..paths import GAZETTEER_FILE
from . import regions
from .spellings import ukrainian_spellings
from .translit import is_cyrillic, name_key, romanise_ukrainian

HOME_COUNTRY = "UA"

# Score weights. A difference of 1.0 is a tenfold difference in population.
W_HOME = 10.0
W_CONTEXT = 3.0
W_OTHER_REGION = -1.0
# A current name (or its Russian spelling by rule) beats a stray or historical alias
# of a larger place: «Александровка» is one of many Oleksandrivka, not Donetsk (whose
# name it was in the 19th century).
W_OWN_NAME = 3.0
W_RAION = 2.0  # in the raion of a town the context names (or within NEAR_KM of it)
W_HROMADA = 1.0  # and in its hromada
W_CITY = 0.5  # a city by law (KATOTTG category M, K) before villages of its name
CITY_CATEGORIES = ("M", "K")
NEAR_KM = 30.0
# Below this population size decides nothing: the register gives no population, and
# GeoNames lists villages from 500 people but misses many, so a village it lists may
# be smaller than a namesake it lacks. Every place scores at least this size.
SIZE_COUNTS_FROM = 2_500
# Towns this large named in a context tell where the text is ("near Pokrovsk").
TOWN_POPULATION = 10_000
# The best candidate must beat the next by this much to be chosen without doubt.
CONFIDENT_MARGIN = 0.7
# A place in a region that the context does not name is only taken when it is this
# large: a town named in passing in a story about another region is fine, but a
# small village elsewhere more likely stands for a namesake missing from GeoNames.
ELSEWHERE_MIN_POPULATION = 10_000


@dataclass(frozen=True)
class Place:
    """A settlement, named as the news names it.

    ``geonames_id`` is the place's id: its GeoNames id, or for a settlement only the
    register lists, 1,000,000,000 plus the digits of its KATOTTG code. ``lat`` and
    ``lon`` are None for a settlement nobody has placed yet (``mapped`` is False).
    """

    geonames_id: int
    name: str
    country: str
    oblast: str
    lat: float | None
    lon: float | None
    population: int
    aliases: tuple[str, ...] = ()
    katottg: str | None = None
    raion: str | None = None
    hromada: str | None = None

    @property
    def mapped(self) -> bool:
        """True when the place has coordinates."""
        return self.lat is not None and self.lon is not None

    @property
    def identity(self) -> str:
        """Where the place lies in words: "Pokrovskyi raion, Donetsk oblast"."""
        parts = []
        if self.hromada:
            parts.append(f"{self.hromada} hromada")
        if self.raion:
            parts.append(f"{self.raion} raion")
        if self.oblast:
            parts.append(f"{self.oblast} oblast" if self.country == HOME_COUNTRY else self.oblast)
        return ", ".join(parts)

    def as_dict(self) -> dict:
        """Plain-JSON form (without aliases)."""
        return {
            "name": self.name,
            "geonames_id": self.geonames_id,
            "lat": self.lat,
            "lon": self.lon,
            "mapped": self.mapped,
            "oblast": self.oblast,
            "raion": self.raion,
            "hromada": self.hromada,
            "katottg": self.katottg,
            "country": self.country,
            "population": self.population,
        }


@dataclass(frozen=True)
class PlaceContext:
    """What the text around a name says about where it is.

    ``regions``: oblasts named around it (they decide among namesakes, see the module
    docstring); ``strict``: they were named *with* the place, so no namesake elsewhere
    may be taken; ``near``: places named nearby (their raion, hromada and
    coordinates favour the namesakes close to them).
    """

    regions: frozenset[str] = frozenset()
    strict: bool = False
    near: tuple[Place, ...] = ()

    @property
    def raions(self) -> frozenset[tuple[str, str]]:
        return frozenset((p.oblast, p.raion) for p in self.near if p.raion)

    @property
    def hromadas(self) -> frozenset[tuple[str, str]]:
        return frozenset((p.oblast, p.hromada) for p in self.near if p.hromada)


class UnmappedPlace(LookupError):
    """A settlement the register knows but nobody has placed yet: it cannot be drawn."""

    def __init__(self, place: Place):
        self.place = place
        super().__init__(
            f"{place.name} ({place.identity}) has no coordinates yet: "
            "place it on the Read reports page before it can be drawn"
        )


@dataclass(frozen=True)
class Candidate:
    """A place a name may refer to, with its ranking score."""

    place: Place
    score: float
    matched: str

    def as_dict(self) -> dict:
        """The place's fields plus ``score`` and the ``matched`` name."""
        return {**self.place.as_dict(), "score": round(self.score, 3), "matched": self.matched}


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a name: a place, or unresolved with candidates."""

    query: str
    place: Place | None
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    reason: str = ""

    @property
    def resolved(self) -> bool:
        return self.place is not None


_CONTEXT_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


class Gazetteer:
    """Places and their names, loaded from the bundled file (or another one)."""

    _cache: dict = {}
    _lock = threading.Lock()

    def __init__(self, places: list[Place], keys: dict[str, list[int]], own_keys: dict[int, str]):
        self._places = places
        self._by_id = {p.geonames_id: i for i, p in enumerate(places)}
        self._keys = keys
        self._own_keys = own_keys
        self._towns: dict[str, Place] | None = None
        self._cities: set[int] = set()
        self._by_katottg: dict[str, int] | None = None

    # -- loading -----------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | str | None = None) -> Gazetteer:
        """Load (once per path, then from memory) the gazetteer file."""
        path = Path(path or GAZETTEER_FILE)
        with cls._lock:
            if path not in cls._cache:
                cls._cache[path] = cls._read(path)
            return cls._cache[path]

    @classmethod
    def _read(cls, path: Path) -> Gazetteer:
        places: list[Place] = []
        keys: dict[str, list[int]] = {}
        own: dict[int, str] = {}
        with gzip.open(path, "rb") as fh:
            lines = fh.read().decode("utf-8").split("\n")
        header = lines[0].split("\t")
        col = {name: header.index(name) for name in header}
        g, n, c, o = col["geonames_id"], col["name"], col["country"], col["oblast"]
        la, lo, po, al, ks = col["lat"], col["lon"], col["population"], col["aliases"], col["keys"]
        kt, ra, hr = col.get("katottg"), col.get("raion"), col.get("hromada")
        cat = col.get("category")
        cities = set()
        for i, line in enumerate(filter(None, lines[1:])):
            row = line.split("\t")
            gid = int(row[g])
            places.append(
                Place(
                    gid,
                    row[n],
                    row[c],
                    row[o],
                    float(row[la]) if row[la] else None,
                    float(row[lo]) if row[lo] else None,
                    int(row[po]),
                    tuple(row[al].split("|")) if row[al] else (),
                    (row[kt] or None) if kt is not None else None,
                    (row[ra] or None) if ra is not None else None,
                    (row[hr] or None) if hr is not None else None,
                )
            )
            if cat is not None and row[cat] in CITY_CATEGORIES:
                cities.add(gid)
            row_keys = row[ks].split("|")
            own[gid] = row_keys[0]
            for k in row_keys:
                if k in keys:
                    keys[k].append(i)
                else:
                    keys[k] = [i]
        gaz = cls(places, keys, own)
        gaz._cities = cities
        return gaz

    def with_placements(self, placements: Iterable) -> Gazetteer:
        """A gazetteer in which the given places have the coordinates people gave them.

        ``placements``: objects with ``place_id``, ``lat``, ``lon`` and ``aliases``
        (see :class:`conflictmap.ledger.Placement`). Unknown ids are ignored; the
        names stay those of the gazetteer plus the placement's aliases.
        """
        placements = list(placements)
        if not placements:
            return self
        places = list(self._places)
        keys = dict(self._keys)  # lists shared; a key given an alias gets a list of its own
        for pl in placements:
            i = self._by_id.get(int(pl.place_id))
            if i is None:
                continue
            old = places[i]
            extra = tuple(a for a in getattr(pl, "aliases", ()) if a and a not in old.aliases)
            places[i] = replace(
                old, lat=float(pl.lat), lon=float(pl.lon), aliases=old.aliases + extra
            )
            for a in extra:
                k = name_key(a)
                if k and i not in keys.get(k, ()):
                    keys[k] = [*keys.get(k, ()), i]
        gaz = Gazetteer(places, keys, self._own_keys)
        gaz._cities = self._cities
        gaz._towns = self._towns  # towns are mapped already: placing changes none of them
        return gaz

    # -- access ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self):
        return iter(self._places)

    def __contains__(self, geonames_id: int) -> bool:
        return geonames_id in self._by_id

    def get(self, geonames_id: int) -> Place:
        """The place with this id (KeyError if it is not in the gazetteer)."""
        return self._places[self._by_id[int(geonames_id)]]

    def by_katottg(self, code: str) -> Place:
        """The place with this KATOTTG code (KeyError if none)."""
        if self._by_katottg is None:
            self._by_katottg = {p.katottg: i for i, p in enumerate(self._places) if p.katottg}
        return self._places[self._by_katottg[code]]

    def mapped(self):
        """The places that have coordinates."""
        return (p for p in self._places if p.mapped)

    def name_keys(self):
        """Every normalised name with the ids of the places it names (for text search)."""
        for key, idx in self._keys.items():
            yield key, [self._places[i].geonames_id for i in idx]

    def is_own_name(self, geonames_id: int, name: str) -> bool:
        """True when ``name`` is the place's canonical name (not an alias)."""
        return self._own_keys.get(int(geonames_id)) == name_key(name)

    # -- context -----------------------------------------------------------------
    def _town_names(self) -> dict[str, Place]:
        """Keys naming exactly one Ukrainian town of TOWN_POPULATION or more."""
        if self._towns is None:
            towns: dict[str, Place] = {}
            for key, idx in self._keys.items():
                home = [self._places[i] for i in idx if self._places[i].country == HOME_COUNTRY]
                big = [p for p in home if p.population >= TOWN_POPULATION]
                if len(big) == 1 and len(key) >= 4:
                    towns[key] = big[0]
            self._towns = towns
        return self._towns

    def towns_in(self, text: str) -> list[Place]:
        """Towns a text names ("near Pokrovsk", «в районе Покровска», «Покровського»).

        Declined Cyrillic forms are found by dropping up to three final letters.
        """
        towns = self._town_names()
        found: dict[int, Place] = {}
        words = _CONTEXT_WORD.findall(text or "")
        for i, w in enumerate(words):
            if not w[:1].isupper():
                continue
            tries = [w]
            if i + 1 < len(words):
                tries.insert(0, f"{w} {words[i + 1]}")
            if is_cyrillic(w) and len(w) >= 6:
                tries += [w[:-1], w[:-2], w[:-3]]
            for t in tries:
                place = towns.get(name_key(t))
                if place is not None:
                    found[place.geonames_id] = place
                    break
        return list(found.values())

    def context(
        self,
        text: str = "",
        *,
        region: str | Iterable[str] | None = None,
        near: Iterable[Place] = (),
    ) -> PlaceContext:
        """The :class:`PlaceContext` of a text: its regions and the towns it names.

        ``region``: the region(s) named with the place; they then decide strictly.
        """
        if region:
            named = {region} if isinstance(region, str) else set(region)
            strict = True
        else:
            named, strict = regions.regions_in(text), False
        near = tuple(near) + tuple(self.towns_in(text))
        return PlaceContext(frozenset(named), strict, near)

    # -- lookup ------------------------------------------------------------------
    def _indices(self, name: str) -> tuple[str, dict[int, bool]]:
        """The places a name may mean, each with whether it is their own name.

        A Cyrillic name is also read as a Russian spelling of a Ukrainian one, by rule
        (:func:`ukrainian_spellings`): «Ровное» finds Рівне, «Искра» finds Іскра even
        where the file lists «Искра» as an old name of another place.
        """
        key = name_key(name)
        found = {
            i: self._own_keys.get(self._places[i].geonames_id) == key
            for i in self._keys.get(key, [])
        }
        if not is_cyrillic(key):
            return key, found
        for uk in ukrainian_spellings(key):
            uk_key = name_key(uk)
            own = name_key(romanise_ukrainian(uk_key))
            for i in self._keys.get(uk_key, []):
                is_own = self._own_keys.get(self._places[i].geonames_id) == own
                found[i] = found.get(i, False) or is_own
        for i in list(found):
            if not found[i]:
                found[i] = self._own_keys.get(self._places[i].geonames_id) == name_key(
                    romanise_ukrainian(key)
                )
        return key, found

    def score(
        self, place: Place, key: str, context: PlaceContext, own: bool | None = None
    ) -> float:
        """A place's ranking score for a name key in a context (higher is better)."""
        score = math.log10(max(place.population, SIZE_COUNTS_FROM))
        if place.country == HOME_COUNTRY:
            score += W_HOME
        if place.geonames_id in self._cities:
            score += W_CITY
        if context.regions:
            score += W_CONTEXT if place.oblast in context.regions else W_OTHER_REGION
        if own if own is not None else self._own_keys.get(place.geonames_id) == key:
            score += W_OWN_NAME
        if context.near:
            if (place.oblast, place.raion) in context.raions or (
                place.mapped
                and any(
                    q.mapped and _km(place.lat, place.lon, q.lat, q.lon) <= NEAR_KM
                    for q in context.near
                )
            ):
                score += W_RAION
            if (place.oblast, place.hromada) in context.hromadas:
                score += W_HROMADA
        return score

    def candidates(
        self, name: str, context: str | PlaceContext = "", *, limit: int = 10
    ) -> list[Candidate]:
        """Places that ``name`` may refer to, best first.

        Places in the regions the context names come before any place elsewhere.

        >>> gaz = Gazetteer.load()
        >>> best, *others = gaz.candidates("Pokrovsk")
        >>> best.place.oblast, "Sakha" in [c.place.oblast for c in others]
        ('Donetsk', True)
        >>> [c.place.oblast for c in gaz.candidates("Ровное", "ДНР")][:2]
        ['Donetsk', 'Donetsk']
        """
        ctx = context if isinstance(context, PlaceContext) else self.context(context)
        key, found = self._indices(name)
        if not found:
            return []
        scored = [
            Candidate(self._places[i], self.score(self._places[i], key, ctx, own), name)
            for i, own in found.items()
        ]
        scored.sort(
            key=lambda c: (
                (c.place.oblast not in ctx.regions, -c.score, c.place.geonames_id)
                if ctx.regions
                else (-c.score, c.place.geonames_id)
            )
        )
        return scored[:limit]

    def decide(self, name: str, cands: list[Candidate], context: PlaceContext) -> Resolution:
        """The resolution margin logic, for candidates ranked by :meth:`candidates`.

        The region decides (see the module docstring); among the eligible places the
        best must beat the next by CONFIDENT_MARGIN.
        """
        if not cands:
            return Resolution(name, None, (), "not in the gazetteer")
        cands = list(cands)
        if context.regions:
            inside = [c for c in cands if c.place.oblast in context.regions]
            where = " or ".join(sorted(context.regions))
            if inside:
                cands = inside
            elif context.strict:
                return Resolution(
                    name, None, tuple(cands), f"no place of that name in {where} oblast"
                )
            elif not any(c.place.population >= ELSEWHERE_MIN_POPULATION for c in cands[:1]):
                return Resolution(
                    name, None, tuple(cands), "no candidate lies in the region the context names"
                )
        best = cands[0]
        if len(cands) > 1 and best.score - cands[1].score < CONFIDENT_MARGIN:
            return Resolution(
                name, None, tuple(cands), "ambiguous: several places fit equally well"
            )
        return Resolution(name, best.place, tuple(cands), "")

    def resolve(
        self, name: str, context: str | PlaceContext = "", *, region: str | None = None
    ) -> Resolution:
        """The one place ``name`` means in ``context``, or unresolved with candidates.

        >>> gaz = Gazetteer.load()
        >>> gaz.resolve("Dzerzhinsk", "Donetsk region").place.name
        'Toretsk'
        >>> gaz.resolve("Nowhereville").resolved
        False
        >>> gaz.resolve("Вишневое", region="Kharkiv").reason
        'ambiguous: several places fit equally well'
        """
        if isinstance(context, PlaceContext):
            ctx = context
        else:
            ctx = self.context(context, region=region)
        return self.decide(name, self.candidates(name, ctx, limit=50), ctx)

    def by_name(self, name: str, context: str = "") -> Place:
        """The resolved place for ``name``; raises LookupError naming the problem."""
        res = self.resolve(name, context)
        if res.place is None:
            raise LookupError(f"cannot place {name!r}: {res.reason}")
        return res.place


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = (lat2 - lat1) * 111.2
    dx = (lon2 - lon1) * 111.2 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)
