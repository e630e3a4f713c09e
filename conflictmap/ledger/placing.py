"""Villages people placed: settlements the KATOTTG register knows but GeoNames gives no
coordinates for, placed by a named person at a point inside their oblast.

A placing is a row of the ``places`` table written in a batch of its own (kind
``placing``) or with the claims of an import that carried it. Rows are never changed:
placing a village again adds a row, and undoing a placing adds a row that withdraws it;
the latest row of a place is in force.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from ..places import Gazetteer, OblastAreas

# Columns a claims export adds for claims about villages people placed; an import reads
# them back and places the village in the receiving database.
PLACEMENT_FIELDS = ["katottg", "place_lat", "place_lon", "placed_by", "placed_at"]

AUTHOR_MAX = 200


@dataclass(frozen=True)
class Placement:
    """A village someone placed: the register's settlement, the point they gave, who, when."""

    place_id: int
    katottg: str
    name: str
    oblast: str
    raion: str
    lat: float
    lon: float
    author: str
    placed_at: datetime
    aliases: tuple[str, ...] = ()
    note: str = ""
    withdrawn: bool = False


class PlacementRejected(ValueError):
    """A point refused for a place; the message says why (field and reason)."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        super().__init__(f"{field_name}: {message}")


def check_placement(gazetteer: Gazetteer, place_id, lat, lon, *, author: str):
    """(place, lat, lon) validated; PlacementRejected naming the field otherwise.

    Only a settlement of the register without coordinates can be placed, by a named
    person, at a point inside its oblast (see :class:`~conflictmap.places.OblastAreas`).
    """
    if not str(author or "").strip():
        raise PlacementRejected("author", "say who places the village")
    if len(str(author)) > AUTHOR_MAX:
        raise PlacementRejected("author", f"at most {AUTHOR_MAX} characters")
    try:
        place = gazetteer.get(int(place_id))
    except (KeyError, TypeError, ValueError, OverflowError):
        raise PlacementRejected("place", f"{place_id!r} is not a place in the gazetteer") from None
    if not place.katottg:
        raise PlacementRejected("place", f"{place.name} is not a settlement of the register")
    if place.mapped:
        raise PlacementRejected("place", f"{place.name} already has coordinates from GeoNames")
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise PlacementRejected(
            "point", f"{lat!r}, {lon!r} is not a latitude and longitude"
        ) from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise PlacementRejected("point", "latitude and longitude must be numbers")
    check = OblastAreas.for_gazetteer(gazetteer).check(place, lat, lon)
    if not check.ok:
        raise PlacementRejected("point", check.message)
    return place, lat, lon


def new_placement(place, lat: float, lon: float, author: str, *, when=None, aliases=(), note=""):
    """The Placement of ``place`` at (lat, lon) by ``author`` (now unless ``when``)."""
    when = when or datetime.now(UTC)
    return Placement(
        place.geonames_id,
        place.katottg or "",
        place.name,
        place.oblast,
        place.raion or "",
        round(float(lat), 6),
        round(float(lon), 6),
        str(author).strip(),
        when.replace(tzinfo=None),
        tuple(a.strip() for a in aliases if a and a.strip()),
        note or "",
    )


def placements_from_records(
    gazetteer: Gazetteer, records: list[dict], placed: set[int]
) -> tuple[list[Placement], list[tuple[int, str]]]:
    """The placings an exported claims file carries (``place_lat``, ``place_lon``,
    ``placed_by``, ``placed_at``), and the (row, message) of each bad one.

    Villages in ``placed`` (placed in the receiving database already) are left as they
    are there: that database's placing stands.
    """
    out: dict[int, Placement] = {}
    errors = []
    for n, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            continue
        lat, lon = rec.get("place_lat"), rec.get("place_lon")
        if lat in (None, "") and lon in (None, ""):
            continue
        try:
            place_id = int(float(rec.get("place_id")))
        except (TypeError, ValueError, OverflowError):
            errors.append((n, "place_id: a placed village needs its place_id"))
            continue
        if place_id in placed or place_id in out:
            continue
        author = str(rec.get("placed_by") or "")
        try:
            place, lat, lon = check_placement(gazetteer, place_id, lat, lon, author=author)
        except PlacementRejected as exc:
            errors.append((n, str(exc)))
            continue
        if rec.get("katottg") and rec.get("katottg") != place.katottg:
            errors.append((n, f"katottg: {rec.get('katottg')!r} is not {place.name}'s code"))
            continue
        try:
            when = datetime.fromisoformat(str(rec.get("placed_at") or "").strip())
        except ValueError:
            when = None
        out[place_id] = new_placement(place, lat, lon, author, when=when)
    return list(out.values()), errors


def placement_fields(p: Placement | None) -> dict:
    """The PLACEMENT_FIELDS of a claim's record (empty when its place was not placed)."""
    if p is None:
        return dict.fromkeys(PLACEMENT_FIELDS, "")
    return {
        "katottg": p.katottg,
        "place_lat": p.lat,
        "place_lon": p.lon,
        "placed_by": p.author,
        "placed_at": p.placed_at.isoformat(timespec="seconds"),
    }


def row_from_placement(p: Placement, batch_id: int | None) -> dict:
    """The ``places`` row of a placing written in ``batch_id``."""
    return {
        "place_id": p.place_id,
        "katottg": p.katottg,
        "name": p.name,
        "aliases": "|".join(p.aliases),
        "oblast": p.oblast,
        "raion": p.raion,
        "lat": p.lat,
        "lon": p.lon,
        "author": p.author,
        "placed_at": p.placed_at,
        "note": p.note,
        "withdrawn": p.withdrawn,
        "batch_id": batch_id,
    }


def placement_from_row(row) -> Placement:
    """The Placement a ``places`` row holds."""
    m = row._mapping
    return Placement(
        place_id=m["place_id"],
        katottg=m["katottg"],
        name=m["name"],
        oblast=m["oblast"],
        raion=m["raion"],
        lat=m["lat"],
        lon=m["lon"],
        author=m["author"],
        placed_at=m["placed_at"],
        aliases=tuple(a for a in (m["aliases"] or "").split("|") if a),
        note=m["note"] or "",
        withdrawn=bool(m["withdrawn"]),
    )
