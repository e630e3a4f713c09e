"""Map snapshots: the map as of a date with the chosen layers, as a file to share.

A :class:`Snapshot` holds the control layers of one date, the layers chosen for it,
the numbered list of sources behind the features shown, and optionally the map view
and an independent-assessment overlay. :func:`render` turns it into the bytes of one
format; :func:`write` picks the format from a file name's extension and writes the file
only once it is complete.

Formats: ``html`` (one self-contained page with the whole timeline, see
:mod:`conflictmap.render.html_export`), ``png``, ``svg`` and ``pdf`` (drawn without a
browser, see :mod:`conflictmap.render.static`), ``geojson``, ``csv`` (formula cells
neutralised) and ``kml`` (see :mod:`conflictmap.render.kml`). Every format carries the date,
the layers and the sources.

>>> file_name(date(2025, 12, 2), "png")
'claims-map_2025-12-02.png'
>>> format_for("briefing.KML")
'kml'
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..ledger import LAYER_TITLES, LAYERS, control_table, csv_text
from .styles import DEFAULT_PAPER, PAPER_SIZES

if TYPE_CHECKING:  # pragma: no cover
    from conflictmap.workspace import Workspace

    from ..assessment import AssessmentOverlay

FORMATS = ("html", "png", "svg", "pdf", "geojson", "csv", "kml")
MEDIA_TYPES = {
    "html": "text/html",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "kml": "application/vnd.google-earth.kml+xml",
}
FILE_STEM = "claims-map"
# Columns of every tabular export, in order; OPTIONAL_COLUMNS follow when present.
EXPORT_COLUMNS = [
    "snapshot_date",
    "place",
    "oblast",
    "layer",
    "controller",
    "extent",
    "fraction",
    "part",
    "claim_date",
    "claimant",
    "claimant_org",
    "source_publisher",
    "source_title",
    "source_url",
    "sources",
    "summary",
    "note",
    "lat",
    "lon",
    "place_id",
    "claim_id",
]
OPTIONAL_COLUMNS = [
    "occupied_share",
    "grey_share",
    "verdict",
    "assessment_date",
    "assessment_summary",
]
FOOTPRINT_NOTE = "Shapes are approximate footprints of the places, not front lines."


@dataclass(frozen=True)
class View:
    """A map view: centre (lat, lon) and a Leaflet zoom level."""

    lat: float
    lon: float
    zoom: int = 9


@dataclass(frozen=True)
class Source:
    """One source in a snapshot's numbered list."""

    number: int
    publisher: str
    title: str
    url: str

    def label(self) -> str:
        """'[2] The Moscow Times: Title, https://...' (empty parts left out)."""
        text = self.publisher or "unnamed source"
        if self.title:
            text += f": {self.title}"
        if self.url:
            text += f", {self.url}"
        return f"[{self.number}] {text}"


@dataclass
class Snapshot:
    """The map of one date with the chosen layers, ready to export.

    ``all_layers`` holds every layer of the date (the sources of a contested place
    are the two sides' claims); ``visible`` names the layers shown and exported.
    ``paper`` (``a4`` or ``letter``, landscape) sizes the PDF; ``title`` and ``summary``
    replace the map's own title and first caption sentence (the changes view uses them).
    """

    as_of: date
    visible: tuple[str, ...]
    all_layers: dict[str, gpd.GeoDataFrame]
    sources: list[Source] = field(default_factory=list)
    overlay: AssessmentOverlay | None = None
    view: View | None = None
    workspace: Workspace | None = None
    paper: str = DEFAULT_PAPER
    title: str | None = None
    summary: str | None = None

    @property
    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The visible layers, in map order."""
        return {name: self.all_layers[name] for name in self.visible}

    @property
    def table(self) -> gpd.GeoDataFrame:
        """The visible features, one row each, with the export columns."""
        table = control_table(self.layers)
        table = table.reset_index(drop=True)
        table["snapshot_date"] = self.as_of.isoformat()
        refs = _source_refs(self.all_layers, self.source_keys, self.sources)
        table["sources"] = [refs.get(i, "") for i in table["claim_id"]] if len(table) else []
        columns = EXPORT_COLUMNS + [c for c in OPTIONAL_COLUMNS if c in table.columns]
        return gpd.GeoDataFrame(
            table.reindex(columns=columns + ["geometry"]), geometry="geometry", crs=4326
        )

    @cached_property
    def source_keys(self) -> dict[str, tuple[str, str, str]]:
        """claim_id -> (publisher, title, url) of each claim drawn, read once."""
        return _source_keys(self.all_layers)

    @property
    def columns(self) -> list[str]:
        """The export columns of this snapshot (optional ones only when present)."""
        present = (
            set().union(*(gdf.columns for gdf in self.layers.values())) if self.visible else set()
        )
        return EXPORT_COLUMNS + [c for c in OPTIONAL_COLUMNS if c in present]

    def layer_titles(self) -> list[str]:
        """Human titles of the visible layers."""
        return [LAYER_TITLES[name] for name in self.visible]

    def caption(self) -> str:
        """One line: the date, the layers and where the data comes from."""
        first = self.summary or f"Territorial-control claims as of {self.as_of.isoformat()}."
        text = f"{first} Layers: {', '.join(self.layer_titles()) or 'none'}. "
        if self.overlay is not None:
            text += f"Assessment: {self.overlay.source}, {self.overlay.assessed_on.isoformat()}. "
        n = len(self.sources)
        text += f"{n} source{'s' if n != 1 else ''} listed. {FOOTPRINT_NOTE}"
        return text

    def counts(self) -> dict[str, int]:
        """Number of features per visible layer."""
        return {name: len(gdf) for name, gdf in self.layers.items()}


def check_paper(paper: str) -> str:
    """The paper name if known (``a4``, ``letter``); ValueError naming the choices."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper {paper!r}; use one of {', '.join(PAPER_SIZES)}")
    return paper


def parse_view(center=None, zoom=None) -> View | None:
    """A :class:`View` from a (lat, lon) pair or mapping and a zoom, or None."""
    if center is None:
        return None
    if isinstance(center, dict):
        lat, lon = center.get("lat"), center.get("lng", center.get("lon"))
    else:
        lat, lon = center
    return View(float(lat), float(lon), int(zoom) if zoom is not None else 9)


def take_snapshot(
    ws: Workspace,
    as_of: date,
    layers=LAYERS,
    *,
    overlay: AssessmentOverlay | None = None,
    view: View | None = None,
    paper: str = DEFAULT_PAPER,
) -> Snapshot:
    """The snapshot of ``as_of`` showing ``layers`` (every layer by default).

    With an ``overlay`` (an independent assessment), each feature also gets the
    assessment's occupied share and verdict (see :mod:`conflictmap.assessment.layers`), and
    the static and HTML maps draw the assessment under the claims.
    """
    visible = tuple(name for name in LAYERS if name in set(layers))
    check_paper(paper)
    unknown = sorted(set(layers) - set(LAYERS))
    if unknown:
        raise ValueError(f"unknown layer(s) {', '.join(unknown)}; choose from {', '.join(LAYERS)}")
    all_layers = ws.layers(as_of)
    if overlay is not None:
        from ..assessment import annotate_layers

        all_layers = annotate_layers(all_layers, overlay, ws.footprints)
    snap = Snapshot(
        as_of, visible, all_layers, overlay=overlay, view=view, workspace=ws, paper=paper
    )
    snap.sources = collect_sources(all_layers, visible, snap.source_keys)
    return snap


SOURCE_COLUMNS = ("source_publisher", "source_title", "source_url")


def _source_keys(all_layers: dict[str, gpd.GeoDataFrame]) -> dict[str, tuple[str, str, str]]:
    """claim_id -> (publisher, title, url) of each Russian, Ukrainian and third-party
    claim drawn (read column by column: the whole front has tens of thousands)."""
    keys = {}
    for name in ("ru", "ua", "other"):
        gdf = all_layers.get(name)
        if gdf is None or not len(gdf):
            continue
        ids, *cols = (gdf[c].to_numpy(dtype=object).tolist() for c in ("claim_id", *SOURCE_COLUMNS))
        for cid, *key in zip(ids, *cols):
            keys[cid] = tuple(_text(v) for v in key)
    return keys


def _ids(claim_id) -> list[str]:
    return [x.strip() for x in str(claim_id or "").split("|") if x.strip()]


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def collect_sources(
    all_layers: dict[str, gpd.GeoDataFrame], visible, keys: dict | None = None
) -> list[Source]:
    """The numbered sources of the claims behind the visible features.

    A contested or agreed place cites both sides' claims; sources are numbered in
    order of publisher, title and URL, each once. ``keys``: the layers'
    :func:`_source_keys`, when the caller has them already.
    """
    by_id = _source_keys(all_layers) if keys is None else keys
    found = set()
    for name in visible:
        for cid in all_layers[name]["claim_id"]:
            for one in _ids(cid):
                key = by_id.get(one)
                if key is not None:
                    found.add(key)
    return [Source(i + 1, *key) for i, key in enumerate(sorted(found))]


def _source_refs(all_layers, by_id: dict, sources: list[Source]) -> dict[str, str]:
    """claim_id (possibly joined) -> '1; 3', the numbers of its sources (``by_id``:
    :func:`_source_keys` of the layers)."""
    number = {(s.publisher, s.title, s.url): s.number for s in sources}
    out = {}
    for gdf in all_layers.values():
        for cid in gdf["claim_id"]:
            nums = set()
            for one in _ids(cid):
                key = by_id.get(one)
                if key in number:
                    nums.add(number[key])
            out[cid] = "; ".join(str(n) for n in sorted(nums))
    return out


# -- formats ---------------------------------------------------------------------


def format_for(path: str | Path) -> str:
    """The export format named by a file's extension; ValueError when unknown."""
    ext = Path(path).suffix.lower().lstrip(".")
    if ext == "json":
        ext = "geojson"
    if ext not in FORMATS:
        shown = f"'.{ext}'" if ext else "no extension"
        raise ValueError(
            f"cannot tell the format of {str(path)!r} ({shown}); "
            f"use one of {', '.join('.' + f for f in FORMATS)}"
        )
    return ext


def file_name(as_of: date, fmt: str, stem: str = FILE_STEM) -> str:
    """The file name offered for a snapshot: ``claims-map_2025-12-02.png``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return f"{stem}_{as_of.isoformat()}.{fmt}"


def records(snap: Snapshot) -> list[dict]:
    """The visible features as plain dicts with the export columns (no geometry)."""
    table = snap.table
    return table.drop(columns="geometry").to_dict("records")


def _json_value(value):
    if value is None or isinstance(value, (str, bool)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else value
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def feature_collection(gdf: gpd.GeoDataFrame, members: dict | None = None) -> bytes:
    """A GeoDataFrame (EPSG:4326) as GeoJSON bytes: one pass, geometries written by
    shapely in C rather than through Python dicts (fast for thousands of shapes).
    ``members`` are added to the collection (``snapshot``, ``changes``)."""
    props = gdf.drop(columns=gdf.geometry.name)
    columns = list(props.columns)
    rows = props.to_numpy(dtype=object)
    geoms = shapely.to_geojson(np.asarray(gdf.geometry.values, dtype=object))
    parts = []
    for values, geom in zip(rows, geoms):
        properties = {c: _json_value(v) for c, v in zip(columns, values)}
        parts.append(
            '{"type": "Feature", "properties": '
            + json.dumps(properties, ensure_ascii=False, default=str)
            + ', "geometry": '
            + (geom if geom is not None else "null")
            + "}"
        )
    head = '{"type": "FeatureCollection", "features": [' + ", ".join(parts) + "]"
    for key, value in (members or {}).items():
        head += f", {json.dumps(key)}: " + json.dumps(value, ensure_ascii=False)
    return (head + "}").encode("utf-8")


def to_geojson(snap: Snapshot) -> bytes:
    """A GeoJSON FeatureCollection of the visible features (RFC 7946, lon/lat).

    The collection also carries a ``snapshot`` member with the date, the layers, the
    legend, the caption and the numbered sources.
    """
    table = snap.table
    from .styles import LAYER_COLOURS, LAYER_DESCRIPTIONS

    member = {
        "date": snap.as_of.isoformat(),
        "layers": list(snap.visible),
        "legend": [
            {
                "layer": name,
                "title": LAYER_TITLES[name],
                "colour": LAYER_COLOURS[name],
                "meaning": LAYER_DESCRIPTIONS[name],
            }
            for name in snap.visible
        ],
        "caption": snap.caption(),
        "sources": [
            {"number": s.number, "publisher": s.publisher, "title": s.title, "url": s.url}
            for s in snap.sources
        ],
    }
    return feature_collection(table, {"snapshot": member})


def to_csv(snap: Snapshot) -> bytes:
    """CSV of the visible features, one row each; cells that could run as formulas
    are neutralised (see :func:`conflictmap.ledger.tabular.neutralise`)."""
    rows = records(snap)
    return csv_text(rows, snap.table.columns.drop("geometry").tolist()).encode("utf-8")


def render(snap: Snapshot, fmt: str) -> bytes:
    """The snapshot in one format, as bytes."""
    if fmt == "geojson":
        return to_geojson(snap)
    if fmt == "csv":
        return to_csv(snap)
    if fmt == "kml":
        from .kml import to_kml

        return to_kml(snap)
    if fmt in ("png", "svg", "pdf"):
        from .static import render_static

        return render_static(snap, fmt)
    if fmt == "html":
        from .html_export import to_html

        return to_html(snap)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def write(snap: Snapshot, path: str | Path) -> Path:
    """Write the snapshot to ``path`` in the format its extension names.

    The file appears only when complete (written beside it, then renamed); on any
    error nothing is left behind.
    """
    path = Path(path)
    fmt = format_for(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"folder {str(path.parent)!r} does not exist")
    data = render(snap, fmt)
    fd, tmp = tempfile.mkstemp(prefix=".snapshot-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
