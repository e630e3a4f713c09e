"""The gazetteer: where places are, every name they go by, and which one a text means.

Load it once with :func:`Gazetteer.load` (under 0.3 s: the file keeps names already
normalised). Look names up with :meth:`Gazetteer.candidates` (ranked) or
:meth:`Gazetteer.resolve` (one place, or unresolved with the candidates; never a
guess).

Ranking, best first: places in Ukraine before places elsewhere; places in a region
named in the context ("in Zaporizhzhia", "Donetsk region"); the place's own name
before an alias; larger population.
"""

from __future__ import annotations

import gzip
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import GAZETTEER_FILE
from . import regions
from .translit import name_key

HOME_COUNTRY = "UA"

# Score weights. A difference of 1.0 is a tenfold difference in population.
W_HOME = 10.0
W_CONTEXT = 3.0
W_OTHER_REGION = -1.0
W_OWN_NAME = 1.0  # a current name beats a stray or historical alias of a similar place
# The best candidate must beat the next by this much to be chosen without doubt.
CONFIDENT_MARGIN = 0.7
# A place in a region that the context does not name is only taken when it is this
# large: a town named in passing in a story about another region is fine, but a
# small village elsewhere more likely stands for a namesake missing from GeoNames.
ELSEWHERE_MIN_POPULATION = 10_000


@dataclass(frozen=True)
class Place:
    """A populated place from GeoNames, named as the news names it."""

    geonames_id: int
    name: str
    country: str
    oblast: str
    lat: float
    lon: float
    population: int
    aliases: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """Plain-JSON form (without aliases)."""
        return {
            "name": self.name,
            "geonames_id": self.geonames_id,
            "lat": self.lat,
            "lon": self.lon,
            "oblast": self.oblast,
            "country": self.country,
            "population": self.population,
        }


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


class Gazetteer:
    """Places and their names, loaded from the bundled file (or another one)."""

    _cache: dict = {}
    _lock = threading.Lock()

    def __init__(self, places: list[Place], keys: dict[str, list[int]], own_keys: dict[int, str]):
        self._places = places
        self._by_id = {p.geonames_id: i for i, p in enumerate(places)}
        self._keys = keys
        self._own_keys = own_keys

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
        for i, line in enumerate(filter(None, lines[1:])):
            row = line.split("\t")
            gid = int(row[g])
            places.append(
                Place(
                    gid,
                    row[n],
                    row[c],
                    row[o],
                    float(row[la]),
                    float(row[lo]),
                    int(row[po]),
                    tuple(row[al].split("|")) if row[al] else (),
                )
            )
            row_keys = row[ks].split("|")
            own[gid] = row_keys[0]
            for k in row_keys:
                if k in keys:
                    keys[k].append(i)
                else:
                    keys[k] = [i]
        return cls(places, keys, own)

    # -- access ------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self):
        return iter(self._places)

    def __contains__(self, geonames_id: int) -> bool:
        return geonames_id in self._by_id

    def get(self, geonames_id: int) -> Place:
        """The place with this GeoNames id (KeyError if it is not in the gazetteer)."""
        return self._places[self._by_id[int(geonames_id)]]

    def name_keys(self):
        """Every normalised name with the ids of the places it names (for text search)."""
        for key, idx in self._keys.items():
            yield key, [self._places[i].geonames_id for i in idx]

    def is_own_name(self, geonames_id: int, name: str) -> bool:
        """True when ``name`` is the place's canonical name (not an alias)."""
        return self._own_keys.get(int(geonames_id)) == name_key(name)

    # -- lookup ------------------------------------------------------------------
    def candidates(self, name: str, context: str = "", *, limit: int = 10) -> list[Candidate]:
        """Places that ``name`` may refer to, best first.

        >>> gaz = Gazetteer.load()
        >>> best, *others = gaz.candidates("Pokrovsk")
        >>> best.place.oblast, "Sakha" in [c.place.oblast for c in others]
        ('Donetsk', True)
        """
        key = name_key(name)
        idx = self._keys.get(key, [])
        if not idx:
            return []
        context_regions = regions.regions_in(context)
        scored = []
        for i in idx:
            place = self._places[i]
            score = math.log10(place.population + 1)
            if place.country == HOME_COUNTRY:
                score += W_HOME
            if context_regions:
                if place.oblast in context_regions:
                    score += W_CONTEXT
                else:
                    score += W_OTHER_REGION
            if self._own_keys[place.geonames_id] == key:
                score += W_OWN_NAME
            scored.append(Candidate(place, score, name))
        scored.sort(key=lambda c: (-c.score, c.place.geonames_id))
        return scored[:limit]

    def resolve(self, name: str, context: str = "") -> Resolution:
        """The one place ``name`` means in ``context``, or unresolved with candidates.

        >>> gaz = Gazetteer.load()
        >>> gaz.resolve("Dzerzhinsk", "Donetsk region").place.name
        'Toretsk'
        >>> gaz.resolve("Nowhereville").resolved
        False
        """
        cands = tuple(self.candidates(name, context))
        if not cands:
            return Resolution(name, None, (), "not in the gazetteer")
        best = cands[0]
        if len(cands) > 1 and best.score - cands[1].score < CONFIDENT_MARGIN:
            return Resolution(name, None, cands, "ambiguous: several places fit equally well")
        context_regions = regions.regions_in(context)
        if (
            context_regions
            and best.place.oblast not in context_regions
            and best.place.population < ELSEWHERE_MIN_POPULATION
        ):
            return Resolution(
                name, None, cands, "no candidate lies in the region the context names"
            )
        return Resolution(name, best.place, cands, "")

    def by_name(self, name: str, context: str = "") -> Place:
        """The resolved place for ``name``; raises LookupError naming the problem."""
        res = self.resolve(name, context)
        if res.place is None:
            raise LookupError(f"cannot place {name!r}: {res.reason}")
        return res.place
