"""Exports of "what changed": text, CSV, GeoJSON, and a map snapshot of the changes.

The changes come from :func:`conflictmap.ledger.changes_between` (one row per place and
claimant whose claimed control changed). Each is drawn as the claim in force at the
end (the claimed part where it names one), in the live map's colours; the static
formats (PNG, SVG, PDF) and the HTML page reuse the snapshot machinery, so legend,
labels and paper sizes are the map's.

>>> changes_file_name(date(2025, 11, 20), date(2025, 12, 2), "csv")
'claims-changes_2025-11-20_2025-12-02.csv'
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from ..ledger import CHANGE_COLUMNS, CONTROL_COLUMNS, LAYERS, csv_text

if TYPE_CHECKING:  # pragma: no cover
    from conflictmap.workspace import Workspace

    from .snapshot import Snapshot

CHANGES_STEM = "claims-changes"
CHANGES_FORMATS = ("csv", "geojson", "png", "svg", "pdf", "html")
CLAIMANT_LAYER = {"RU": "ru", "UA": "ua", "OTHER": "other"}
EXPORT_COLUMNS = ["since", "until"] + [c for c in CHANGE_COLUMNS]


def changes_file_name(since: date, until: date, fmt: str) -> str:
    """The file name offered for an export of the changes between two dates."""
    if fmt not in CHANGES_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(CHANGES_FORMATS)}")
    return f"{CHANGES_STEM}_{since.isoformat()}_{until.isoformat()}.{fmt}"


def headline(changes: pd.DataFrame, since: date, until: date) -> str:
    """'8 changes at 6 places from 2025-11-20 to 2025-12-02'."""
    n, places = len(changes), changes["place_id"].nunique() if len(changes) else 0
    return (
        f"{n} change{'s' if n != 1 else ''} at {places} place{'s' if places != 1 else ''} "
        f"from {since.isoformat()} to {until.isoformat()}"
    )


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def change_line(row) -> str:
    """'Pokrovsk: RU capture claim (no claim -> RU holds all, 2025-12-01)'."""
    return (
        f"{row['place']}: {row['claimant']} {row['kind']} "
        f"({row['before']} -> {row['after']}, {row['claim_date_after']})"
    )


def changes_text(changes: pd.DataFrame, since: date, until: date) -> str:
    """The changes as plain text: a headline, then one line per change and its sources."""
    lines = [headline(changes, since, until) + "."]
    for _, row in changes.iterrows():
        lines.append(change_line(row))
        for source in _text(row["sources"]).split(" | "):
            if source:
                lines.append(f"    {source}")
        for url in _text(row["source_urls"]).split(" | "):
            if url:
                lines.append(f"    {url}")
    return "\n".join(lines) + "\n"


def _records(changes: pd.DataFrame, since: date, until: date) -> list[dict]:
    recs = changes.reindex(columns=CHANGE_COLUMNS).to_dict("records")
    for rec in recs:
        rec["since"], rec["until"] = since.isoformat(), until.isoformat()
    return recs


def changes_csv(changes: pd.DataFrame, since: date, until: date) -> bytes:
    """CSV of the changes, one row each, formula cells neutralised."""
    return csv_text(_records(changes, since, until), EXPORT_COLUMNS).encode("utf-8")


def change_shapes(changes: pd.DataFrame, footprints) -> list:
    """The shape of each change: the part claimed at the end, else the whole place."""
    if not len(changes):
        return []
    parts = [p if isinstance(p, str) and p else None for p in changes["part_after"]]
    return footprints.shapes(changes["place_id"], parts)


def changes_geojson(changes: pd.DataFrame, since: date, until: date, footprints) -> bytes:
    """A GeoJSON FeatureCollection of the changes (RFC 7946, lon/lat), with a
    ``changes`` member holding the dates and the headline."""
    recs = _records(changes, since, until)
    gdf = gpd.GeoDataFrame(
        pd.DataFrame(recs, columns=EXPORT_COLUMNS),
        geometry=change_shapes(changes, footprints),
        crs=4326,
    )
    from .snapshot import feature_collection

    member = {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "headline": headline(changes, since, until),
    }
    return feature_collection(gdf, {"changes": member})


def _source_of(row) -> dict:
    claims = row.get("claims") if hasattr(row, "get") else None
    last = claims[-1] if isinstance(claims, list) and claims else {}
    return {k: last.get(k) for k in ("source_publisher", "source_url", "source_title", "note")}


def _layer_frames(changes: pd.DataFrame, footprints) -> dict[str, gpd.GeoDataFrame]:
    """The changes as the map's claimant layers (state at the end), each row labelled."""
    out = {}
    shapes = change_shapes(changes, footprints)
    for layer in LAYERS:
        rows = []
        geoms = []
        if layer in CLAIMANT_LAYER.values():
            for (_, row), geom in zip(changes.iterrows(), shapes):
                if CLAIMANT_LAYER[row["claimant"]] != layer:
                    continue
                rows.append(
                    {
                        "place_id": row["place_id"],
                        "place": row["place"],
                        "layer": layer,
                        "controller": row["controller_after"],
                        "extent": row["extent_after"],
                        "fraction": row["fraction_after"],
                        "part": row["part_after"],
                        "claim_date": row["claim_date_after"],
                        "claimant": row["claimant"],
                        "claimant_org": row["claimant_orgs"],
                        "claim_id": row["claim_ids"],
                        # The claim in force at the end: the one drawn.
                        **_source_of(row),
                        "summary": f"{row['kind']}: {row['before']} -> {row['after']}",
                        "lat": row["lat"],
                        "lon": row["lon"],
                        "change": f"{row['claimant']} {row['kind']}",
                    }
                )
                geoms.append(geom)
        frame = pd.DataFrame(rows, columns=CONTROL_COLUMNS + ["change"])
        out[layer] = gpd.GeoDataFrame(frame, geometry=geoms, crs=4326)
    return out


def changes_snapshot(
    ws: Workspace, changes: pd.DataFrame, since: date, until: date, *, paper: str = "a4"
) -> Snapshot:
    """A :class:`~conflictmap.render.snapshot.Snapshot` drawing the changes, for the
    static and HTML formats (title, caption and sources say what changed)."""
    from .snapshot import Snapshot, Source

    layers = _layer_frames(changes, ws.footprints)
    keys = set()
    for claims in changes.get("claims", []):
        for c in claims:
            keys.add(
                (_text(c["source_publisher"]), _text(c["source_title"]), _text(c["source_url"]))
            )
    sources = [Source(i + 1, *key) for i, key in enumerate(sorted(keys))]
    visible = tuple(name for name in ("ru", "ua", "other") if len(layers[name])) or ("ru", "ua")
    return Snapshot(
        until,
        visible,
        layers,
        sources=sources,
        workspace=ws,
        paper=paper,
        title=f"What changed in the claims, {since.isoformat()} to {until.isoformat()}",
        summary=headline(changes, since, until)
        + ". Each place is drawn as the claim in force at the end; its label says whose "
        "claim changed and how.",
    )


def render_changes(
    ws: Workspace, changes: pd.DataFrame, since: date, until: date, fmt: str, *, paper="a4"
) -> bytes:
    """The changes in one export format, as bytes."""
    if fmt == "csv":
        return changes_csv(changes, since, until)
    if fmt == "geojson":
        return changes_geojson(changes, since, until, ws.footprints)
    if fmt in ("png", "svg", "pdf"):
        from .static import render_static

        return render_static(changes_snapshot(ws, changes, since, until, paper=paper), fmt)
    if fmt == "html":
        return changes_html(ws, changes, since, until)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(CHANGES_FORMATS)}")


def changes_map(
    ws: Workspace,
    changes: pd.DataFrame,
    since: date,
    until: date,
    *,
    width: int = 900,
    height: int = 560,
):
    """The folium map of the changes (the live map's styles, popups with each place's
    claims up to ``until``), self-contained: Leaflet and the scripts are inlined. The
    view fits every change in a map of ``width`` x ``height`` pixels."""
    from . import mapview

    layers = _layer_frames(changes, ws.footprints)
    visible = {name for name in ("ru", "ua", "other") if len(layers[name])} or {"ru", "ua"}
    bounds = mapview.layers_bounds(layers)
    center, zoom = mapview.view_for(bounds, width=width, height=height) if bounds else (None, None)
    return mapview.build_map(
        layers, until, history=ws.index.frame, visible=visible, center=center, zoom=zoom
    )


def changes_html(ws: Workspace, changes: pd.DataFrame, since: date, until: date) -> bytes:
    """The changes as one self-contained HTML page: the map, then the list."""
    import html as _html

    from .mapview import RawText

    m = changes_map(ws, changes, since, until)
    title = f"What changed in the claims, {since.isoformat()} to {until.isoformat()}"
    items = "".join(
        f"<li>{_html.escape(change_line(row))}<br><small>{_html.escape(_text(row['sources']))}"
        "</small></li>"
        for _, row in changes.iterrows()
    )
    root = m.get_root()
    root.header.add_child(RawText(f"<title>{_html.escape(title)}</title>"), name="cm_title")
    root.html.add_child(
        RawText(
            "<div class='cm-changes' style='position:absolute;top:8px;right:8px;z-index:1000;"
            "max-width:360px;max-height:60%;overflow:auto;background:#fff;color:#111;"
            "padding:6px 10px;font:12px sans-serif;border:1px solid #888'>"
            f"<b>{_html.escape(headline(changes, since, until))}</b><ol>{items}</ol></div>"
        ),
        name="cm_changes",
    )
    return root.render().encode("utf-8")
