"""Reading claim files (.csv, .geojson, .json) into plain records, refusing what is broken.

Whatever a file holds, the result is either a list of mappings for
:func:`conflictmap.ledger.claims.claim_from_record` to validate, or
:class:`ImportRejected` naming the file, the row (or feature) and the field: never a
traceback. CSV is read with any line endings (``\\r\\n``, ``\\n`` or a lone ``\\r``) and
fields of any length up to the file limit (the field's own limit then names it);
JSON may not nest deeper than real claim files do; a feature's geometry, when it has
one, must have finite coordinates on the globe.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .coordinates import coordinate_problem

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_JSON_DEPTH = 64


class ImportRejected(ValueError):
    """An import was refused as a whole; ``errors`` lists (row number, message)."""

    def __init__(self, source: str, errors: list[tuple[int, str]]):
        self.source = source
        self.errors = errors
        shown = "; ".join(f"row {n}: {msg}" if n else msg for n, msg in errors[:10])
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        super().__init__(f"{source}: nothing imported, {len(errors)} bad row(s): {shown}{more}")


def _reject(path: Path, message: str, row: int = 0) -> ImportRejected:
    return ImportRejected(path.name, [(row, message)])


def read_claim_records(path: str | Path) -> list[dict]:
    """Records from a claims file (.csv, .geojson or .json); ImportRejected if unreadable."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise _reject(path, "file does not exist")
    if path.is_dir():
        raise _reject(path, "is a directory, not a file")
    if not path.is_file():
        raise _reject(path, "is not a regular file")
    if suffix not in (".csv", ".geojson", ".json"):
        raise _reject(path, f"unsupported file type {suffix!r} (use .csv, .geojson or .json)")
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise _reject(path, f"file is larger than {MAX_IMPORT_BYTES:,} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        raise _reject(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _reject(path, f"file is not UTF-8 text (byte {exc.start})") from None
    if suffix == ".csv":
        return csv_records(text, path)
    return json_records(text, path)


def csv_records(text: str, path: Path) -> list[dict]:
    """Rows of a CSV text as mappings of the header's names."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_IMPORT_BYTES))
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        rows = []
        for row in reader:
            if None in row:  # more cells than the header names
                raise _reject(path, "more cells than the header has names", reader.line_num - 1)
            rows.append(row)
        return rows
    except csv.Error as exc:
        raise _reject(path, f"not valid CSV ({exc})", reader.line_num) from None
    finally:
        csv.field_size_limit(limit)


def _depth_ok(text: str) -> bool:
    """True unless the JSON text nests arrays/objects deeper than MAX_JSON_DEPTH."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _with_placed_point(record: dict, geometry) -> dict:
    """A claim of a village someone placed carries its point in the feature's geometry."""
    if record.get("placed_by") and isinstance(geometry, dict) and geometry.get("type") == "Point":
        coords = geometry.get("coordinates") or []
        if len(coords) >= 2:
            record.setdefault("place_lon", coords[0])
            record.setdefault("place_lat", coords[1])
    return record


def json_records(text: str, path: Path) -> list[dict]:
    """Records of a GeoJSON FeatureCollection (the features' properties) or a JSON list."""
    if not _depth_ok(text):
        raise _reject(path, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _reject(path, f"not valid JSON: {exc}") from None
    except RecursionError:
        raise _reject(path, "JSON nested too deeply") from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features", [])
        if not isinstance(features, list):
            raise _reject(path, "features: not a list of GeoJSON features")
        records = []
        for n, feature in enumerate(features, start=1):
            if not isinstance(feature, dict):
                raise _reject(path, f"feature {n}: not a GeoJSON Feature object")
            props = feature.get("properties")
            if props is None:
                props = {}
            if not isinstance(props, dict):
                raise _reject(path, f"feature {n}: properties: not an object")
            geometry = feature.get("geometry")
            why = coordinate_problem(geometry)
            if why:
                raise _reject(path, f"feature {n}: geometry.{why}")
            records.append(_with_placed_point(dict(props), geometry))
        return records
    if isinstance(data, list):
        for n, rec in enumerate(data, start=1):
            if not isinstance(rec, dict):
                raise _reject(path, f"item {n}: not an object with claim fields")
        return data
    raise _reject(path, "expected a GeoJSON FeatureCollection or a list of claims")
