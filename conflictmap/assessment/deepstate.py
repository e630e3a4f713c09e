"""Reading DeepStateMap files: the daily processed files and the raw snapshot.

Two formats are understood, told apart feature by feature:

- **processed daily files**: a FeatureCollection whose features carry a ``kind``
  (``occupied``, ``grey_zone``, ``liberated``) and usually a ``date`` and ``source``
  (``occupied_2025-12-02.geojson``). A feature without properties takes its kind
  from the file name (``occupied_…``, ``greyzone_…``, or cyterat's
  ``deepstatemap_data_YYYYMMDD``, which holds only occupied territory).
- **raw snapshots** as the deepstatemap.live history API publishes them
  (``deepstatemap_raw_1754251105.geojson``): polygons and points whose ``name`` is
  bilingual and messy (``Окуповано /// Occupied /// geoJSON.status.occupied``, with
  non-breaking spaces, trailing newlines and dates inside labels). Features are
  classified by their ``geoJSON.…`` key (:func:`classify_label`); labels without a
  key fall back to the English label.

Which raw keys count as what:

- ``status.occupied`` and the territories of Ukraine occupied before 2022 —
  ``territories.ordlo`` (CADR and CALR), ``territories.crimea``,
  ``territories.tuzla`` — are **occupied**;
- ``status.unknown`` is the **grey zone**;
- ``status.dismissed`` and ``status.dismissed_at {{at:…}}`` are **liberated**;
- every other ``territories.*`` key (Petsamo, Salla, Karelia, East Prussia,
  Abkhazia, Tskhinvali, Transnistria, Kurils, …) is outside Ukraine and skipped, as
  are points (units, attack directions, airfields) and every other label.

Geometry: z is dropped, invalid polygons are repaired with ``shapely.make_valid``
(keeping only polygonal parts), and each kind is the union of its polygons. The date
is, in order: the ``on`` argument (``--date``), the features' ``date`` property, an
ISO date or ``YYYYMMDD`` in the file name, or a Unix timestamp in the file name
(the raw archive's snapshot time, read as a UTC date). A bad file raises
:class:`DeepStateError` with a clear message; nothing is stored by this module.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ..ledger import StoredAssessment, coordinate_problem, date_range

KINDS = ("occupied", "grey_zone", "liberated")
MAX_BYTES = 64 * 1024 * 1024
SOURCE_NAME = "DeepStateMap"

# Kind names accepted in the ``kind`` property of processed files.
KIND_ALIASES = {
    "occupied": "occupied",
    "grey_zone": "grey_zone",
    "greyzone": "grey_zone",
    "grey": "grey_zone",
    "gray_zone": "grey_zone",
    "grayzone": "grey_zone",
    "unknown": "grey_zone",
    "unknown_status": "grey_zone",
    "liberated": "liberated",
}
# geoJSON.territories.* keys that are parts of Ukraine occupied before 2022.
UKRAINIAN_TERRITORIES = {"ordlo", "crimea", "tuzla"}
# English labels (the part after the first ///) for labels that carry no key.
ENGLISH_LABELS = {
    "occupied": "occupied",
    "unknown status": "grey_zone",
    "cadr and calr": "occupied",
    "occupied crimea": "occupied",
    "occupied tuzla island": "occupied",
}
_KEY = re.compile(r"geoJSON\.([A-Za-z0-9_.\-]+)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")
_EPOCH = re.compile(r"(?<!\d)(1\d{9})(?!\d)")
_SPACE = re.compile(r"\s+")


class DeepStateError(ValueError):
    """A DeepStateMap file cannot be imported; the message names the file and why."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}; nothing imported")
        self.name = name
        self.message = message


@dataclass
class ReadResult:
    """What one file holds: its date, source and one geometry (lon/lat) per kind."""

    name: str
    fmt: str
    assessed_on: date
    source: str
    shapes: dict[str, BaseGeometry] = field(default_factory=dict)
    polygons: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    repaired: int = 0

    def assessments(self) -> list[StoredAssessment]:
        """One :class:`~conflictmap.ledger.store.StoredAssessment` per kind."""
        return [
            StoredAssessment(self.assessed_on, k, self.source, g)
            for k, g in sorted(self.shapes.items())
        ]

    def describe(self) -> str:
        """One line for people: date, kinds with polygon counts, what was skipped."""
        kinds = ", ".join(f"{k} ({self.polygons[k]} polygon(s))" for k in sorted(self.shapes))
        text = f"{self.name}: {self.assessed_on.isoformat()} {kinds}"
        if self.repaired:
            text += f"; {self.repaired} invalid polygon(s) repaired"
        if self.skipped:
            text += f"; skipped {sum(self.skipped.values())} feature(s)"
        return text


def clean_label(text) -> str:
    """A label with non-breaking spaces, newlines and runs of spaces made single spaces.

    >>> clean_label("Occupied\\xa0\\n")
    'Occupied'
    """
    return _SPACE.sub(" ", str(text or "").replace("\xa0", " ")).strip()


def label_key(name) -> str | None:
    """The ``geoJSON.…`` key in a raw label, without the prefix (None if absent).

    >>> label_key("Звільнено 25.03 /// Liberated 25.03\\xa0/// geoJSON.status.dismissed_at {{at:25.03}}")
    'status.dismissed_at'
    """
    m = _KEY.search(str(name or ""))
    return m.group(1).rstrip(".") if m else None


def classify_label(name) -> tuple[str | None, str]:
    """(kind, reason) for a raw DeepStateMap label; kind None means skip it.

    >>> classify_label("Окуповано /// Occupied /// geoJSON.status.occupied\\n")
    ('occupied', 'status.occupied')
    >>> classify_label("Окупована область Петсамо\\n///\\nOccupied Petsamo\\n/// geoJSON.territories.petsamo\\n")
    (None, 'territories.petsamo: outside Ukraine')
    """
    key = label_key(name)
    if key is not None:
        if key == "status.occupied":
            return "occupied", key
        if key == "status.unknown":
            return "grey_zone", key
        if key == "status.dismissed" or key.startswith("status.dismissed_"):
            return "liberated", key
        if key.startswith("territories."):
            territory = key.split(".", 1)[1]
            if territory in UKRAINIAN_TERRITORIES:
                return "occupied", key
            return None, f"{key}: outside Ukraine"
        return None, key
    parts = [clean_label(p) for p in str(name or "").split("///")]
    english = (parts[1] if len(parts) > 1 else parts[0]).lower()
    if english in ENGLISH_LABELS:
        return ENGLISH_LABELS[english], english
    if english.startswith("liberated"):
        return "liberated", english
    return None, english or "(no label)"


def normalise_kind(value) -> str | None:
    """A canonical kind from a ``kind`` property (None when not recognised)."""
    text = clean_label(value).lower().replace("-", "_").replace(" ", "_")
    return KIND_ALIASES.get(text)


def kind_from_filename(name: str) -> str | None:
    """The kind a processed file's name implies (``occupied_…``, ``greyzone_…``)."""
    stem = Path(name).name.lower()
    for prefix, kind in (
        ("occupied", "occupied"),
        ("greyzone", "grey_zone"),
        ("grey_zone", "grey_zone"),
        ("grayzone", "grey_zone"),
        ("liberated", "liberated"),
        ("deepstatemap_data_", "occupied"),
    ):
        if stem.startswith(prefix) and "_polygons" not in stem and "_raw" not in stem:
            return kind
    return None


def date_from_filename(name: str) -> date | None:
    """The date in a file name: ISO, ``YYYYMMDD``, or a Unix timestamp (UTC).

    >>> date_from_filename("occupied_2025-12-02.geojson")
    datetime.date(2025, 12, 2)
    >>> date_from_filename("deepstatemap_raw_1754251105.geojson")
    datetime.date(2025, 8, 3)
    """
    stem = Path(name).name
    for pattern in (_ISO, _COMPACT):
        m = pattern.search(stem)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                pass
    m = _EPOCH.search(stem)
    if m:
        return datetime.fromtimestamp(int(m.group(1)), tz=UTC).date()
    return None


def default_source(name: str, fmt: str) -> str:
    """The source of a file that names none: DeepStateMap, and the snapshot time or file.

    >>> default_source("deepstatemap_raw_1754251105.geojson", "raw")
    'DeepStateMap snapshot 2025-08-03T19:58:25Z (deepstatemap_raw_1754251105.geojson)'
    """
    m = _EPOCH.search(Path(name).name)
    if m:
        moment = datetime.fromtimestamp(int(m.group(1)), tz=UTC)
        return f"{SOURCE_NAME} snapshot {moment:%Y-%m-%dT%H:%M:%SZ} ({Path(name).name})"
    return f"{SOURCE_NAME} ({fmt} file {Path(name).name})"


def _parse_date(value, name: str) -> date:
    if isinstance(value, date):
        return value
    text = clean_label(value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise DeepStateError(name, f"date {text!r} is not a date YYYY-MM-DD") from None


def _polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    polys = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        return None
    return shapely.union_all(polys) if len(polys) > 1 else polys[0]


def _geometry(raw, name: str, n: int) -> tuple[BaseGeometry | None, bool]:
    """A feature's polygonal geometry in 2-D (None for points and lines), repaired."""
    if not isinstance(raw, dict) or "type" not in raw:
        raise DeepStateError(name, f"feature {n} has no geometry")
    why = coordinate_problem(raw)
    if why:
        raise DeepStateError(name, f"feature {n} has a broken geometry: geometry.{why}")
    try:
        geom = shape(raw)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        raise DeepStateError(name, f"feature {n} has a broken geometry ({exc})") from None
    geom = shapely.force_2d(geom)
    if geom.is_empty:
        return None, False
    if geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
        return None, False
    repaired = False
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        repaired = True
    geom = _polygonal(geom)
    if geom is None or geom.is_empty:
        return None, repaired
    return geom, repaired


def parse(data, name: str, *, on: date | None = None) -> ReadResult:
    """Parse a decoded GeoJSON object from a file called ``name``."""
    if isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise DeepStateError(name, "the FeatureCollection has no list of features")
    else:
        raise DeepStateError(name, "expected a GeoJSON FeatureCollection")
    by_kind: dict[str, list[BaseGeometry]] = {}
    skipped: Counter = Counter()
    dates, sources, formats = set(), [], set()
    repaired = 0
    for n, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise DeepStateError(name, f"feature {n} is not a GeoJSON Feature")
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise DeepStateError(name, f"feature {n} has properties that are not an object")
        gtype = (
            (feature.get("geometry") or {}).get("type")
            if isinstance(feature.get("geometry"), dict)
            else None
        )
        if "kind" in props:
            kind = normalise_kind(props["kind"])
            if kind is None:
                raise DeepStateError(
                    name,
                    f"feature {n} has unknown kind {props['kind']!r} "
                    f"(expected one of {', '.join(KINDS)})",
                )
            formats.add("processed")
            reason = kind
        elif "name" in props:
            kind, reason = classify_label(props["name"])
            formats.add("raw")
        else:
            kind = kind_from_filename(name)
            if kind is None:
                raise DeepStateError(
                    name,
                    f"feature {n} has no kind, no label, and the file "
                    "name does not say which kind it holds",
                )
            formats.add("processed")
            reason = kind
        if gtype in ("Point", "MultiPoint", "LineString", "MultiLineString"):
            skipped["points and lines (units, attack directions, places)"] += 1
            continue
        if kind is None:
            skipped[reason] += 1
            continue
        geom, fixed = _geometry(feature.get("geometry"), name, n)
        repaired += fixed
        if geom is None:
            skipped[f"no polygon: {reason}"] += 1
            continue
        by_kind.setdefault(kind, []).append(geom)
        if props.get("date") not in (None, ""):
            dates.add(_parse_date(props["date"], name))
        if props.get("source"):
            sources.append(clean_label(props["source"]))
    if not by_kind:
        raise DeepStateError(name, "no occupied, grey-zone or liberated polygons found")
    if on is None:
        if len(dates) > 1:
            raise DeepStateError(
                name,
                "features carry different dates ("
                + ", ".join(sorted(d.isoformat() for d in dates))
                + "); give --date",
            )
        on = next(iter(dates), None) or date_from_filename(name)
    if on is None:
        raise DeepStateError(name, "no date in the features or the file name; give --date")
    first, last = date_range()
    if not first <= on <= last:
        raise DeepStateError(
            name, f"date {on.isoformat()} is outside {first.isoformat()} .. {last.isoformat()}"
        )
    fmt = "raw" if "raw" in formats else "processed"
    source = " | ".join(dict.fromkeys(sources)) if sources else default_source(name, fmt)
    shapes, counts = {}, Counter()
    for kind, geoms in by_kind.items():
        union = shapely.union_all(geoms)
        if not union.is_valid:
            union = _polygonal(shapely.make_valid(union))
        shapes[kind] = union
        counts[kind] = len(geoms)
    return ReadResult(Path(name).name, fmt, on, source, shapes, counts, skipped, repaired)


def read_bytes(data: bytes, name: str, *, on: date | None = None) -> ReadResult:
    """Parse the content of a DeepStateMap file called ``name``."""
    if len(data) > MAX_BYTES:
        raise DeepStateError(name, f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DeepStateError(name, "not UTF-8 text (expected GeoJSON)") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DeepStateError(name, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise DeepStateError(name, "JSON nested too deeply") from None
    return parse(obj, name, on=on)


def read_file(path: str | Path, *, on: date | None = None) -> ReadResult:
    """Read one DeepStateMap file (either format) from disk."""
    path = Path(path)
    if path.is_dir():
        raise DeepStateError(path.name, "is a directory, not a file")
    if not path.is_file():
        raise DeepStateError(path.name, "file does not exist")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DeepStateError(path.name, f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise DeepStateError(path.name, f"cannot be read ({exc.strerror or exc})") from None
    return read_bytes(data, path.name, on=on)


def merge_results(results: list[ReadResult]) -> list[StoredAssessment]:
    """Assessments from several files; two files giving the same date and kind is an
    error (they are different snapshots: import one of them)."""
    seen: dict[tuple[date, str], str] = {}
    out = []
    for r in results:
        for a in r.assessments():
            key = (a.assessed_on, a.kind)
            if key in seen:
                raise DeepStateError(
                    r.name,
                    f"{seen[key]} already gives the {a.kind} "
                    f"assessment for {a.assessed_on.isoformat()}; "
                    "import one of them at a time",
                )
            seen[key] = r.name
            out.append(a)
    return out
