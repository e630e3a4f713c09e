"""KML snapshots for Google Earth, QGIS and other globe viewers (written with simplekml).

One folder per layer, one shared style per layer and fill (the live map's colours),
one placemark per feature with its claim table in the balloon and every export
column as ExtendedData. The document's description holds the date, the legend and
the numbered sources.

Balloon text is HTML in those viewers, so every value from a report or a user is
HTML-escaped first (simplekml then escapes the XML): a note reading ``<script>``
shows as text.
"""

from __future__ import annotations

import html
import math
from xml.sax.saxutils import escape as xml_escape

import simplekml

from ..ledger import LAYER_TITLES
from .styles import LAYER_COLOURS, LAYER_DESCRIPTIONS, LAYER_WEIGHT, fill_colour

FILL_ALPHA = {"ru": 0.35, "ua": 0.35, "other": 0.25, "contested": 0.35, "agreed": 0.3}
BALLOON_FIELDS = [
    ("summary", "Claim"),
    ("claimant", "Claimant"),
    ("claimant_org", "Who"),
    ("claim_date", "Claim date"),
    ("extent", "Extent"),
    ("fraction", "Fraction"),
    ("part", "Part"),
    ("source_publisher", "Publisher"),
    ("source_title", "Title"),
    ("source_url", "Source URL"),
    ("sources", "Sources (numbers)"),
    ("note", "Note"),
    ("occupied_share", "Occupied share (assessment)"),
    ("verdict", "Verdict"),
]


def kml_colour(hex_colour: str, alpha: float = 1.0) -> str:
    """KML's aabbggrr from '#RRGGBB' and an opacity.

    >>> kml_colour("#D55E00", 0.5)
    '7f005ed5'
    """
    h = hex_colour.lstrip("#")
    return f"{int(alpha * 255):02x}{h[4:6]}{h[2:4]}{h[0:2]}".lower()


def _value(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def balloon(row: dict) -> str:
    """The placemark's balloon: an HTML table whose every value is escaped."""
    cells = []
    for key, label in BALLOON_FIELDS:
        text = _value(row.get(key))
        if not text:
            continue
        if key == "source_url":
            links = [u.strip() for u in text.split("|") if u.strip()]
            shown = "<br>".join(
                f'<a href="{html.escape(u)}">{html.escape(u)}</a>'
                if u.startswith(("http://", "https://"))
                else html.escape(u)
                for u in links
            )
        else:
            shown = html.escape(text)
        cells.append(f"<tr><th align='left'>{html.escape(label)}</th><td>{shown}</td></tr>")
    title = html.escape(f"{_value(row.get('place'))}: {LAYER_TITLES.get(row.get('layer'), '')}")
    return f"<b>{title}</b><table>{''.join(cells)}</table>"


def _rings(poly):
    return (
        [tuple(c[:2]) for c in poly.exterior.coords],
        [[tuple(c[:2]) for c in ring.coords] for ring in poly.interiors],
    )


def _add_geometry(placemark_parent, name: str, geom):
    polys = [
        g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon" and not g.is_empty
    ]
    if len(polys) == 1:
        outer, inner = _rings(polys[0])
        pm = placemark_parent.newpolygon(name=name, outerboundaryis=outer, innerboundaryis=inner)
        return pm
    pm = placemark_parent.newmultigeometry(name=name)
    for poly in polys:
        outer, inner = _rings(poly)
        pm.newpolygon(outerboundaryis=outer, innerboundaryis=inner)
    return pm


def document_description(snap) -> str:
    """Date, legend and numbered sources as escaped HTML for the document balloon."""
    legend = "".join(
        f"<li><span style='color:{LAYER_COLOURS[name]}'>&#9632;</span> "
        f"<b>{html.escape(LAYER_TITLES[name])}</b>: {html.escape(LAYER_DESCRIPTIONS[name])}</li>"
        for name in snap.visible
    )
    sources = "".join(f"<li>{html.escape(s.label())}</li>" for s in snap.sources)
    return (
        f"<p>{html.escape(snap.caption())}</p><p><b>Legend</b></p><ul>{legend}</ul>"
        f"<p><b>Sources</b></p><ul>{sources or '<li>none</li>'}</ul>"
    )


def to_kml(snap) -> bytes:
    """The snapshot's visible features as a KML document (UTF-8 bytes)."""
    kml = simplekml.Kml(name=f"Territorial-control claims as of {snap.as_of.isoformat()}")
    kml.document.description = document_description(snap)
    styles: dict[tuple[str, str], simplekml.Style] = {}
    table = snap.table
    columns = [c for c in table.columns if c != "geometry"]
    for name in snap.visible:
        folder = kml.newfolder(name=LAYER_TITLES[name])
        folder.description = html.escape(LAYER_DESCRIPTIONS[name])
        rows = table[table["layer"] == name]
        for rec, geom in zip(rows[columns].to_dict("records"), rows.geometry):
            if geom is None or geom.is_empty:
                continue
            pm = _add_geometry(folder, _value(rec["place"]), geom)
            key = (name, _value(rec["controller"]))
            if key not in styles:
                style = simplekml.Style()
                style.linestyle.color = kml_colour(LAYER_COLOURS[name])
                style.linestyle.width = LAYER_WEIGHT[name]
                style.polystyle.color = kml_colour(fill_colour(key[1]), FILL_ALPHA[name])
                style.polystyle.outline = 1
                styles[key] = style
            pm.style = styles[key]
            pm.description = balloon(rec)
            for col in columns:
                # simplekml writes Data values verbatim: escape them for XML here.
                pm.extendeddata.newdata(name=col, value=xml_escape(_value(rec[col])))
    return kml.kml().encode("utf-8")
