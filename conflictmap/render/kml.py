"""KML snapshots for Google Earth, QGIS and other globe viewers, written as text with
every value escaped.

One folder per layer, one shared style per layer and fill (the live map's colours),
one placemark per feature with its claim table in the balloon and every export
column as ExtendedData. The document's description holds the date, the legend and
the numbered sources.

Balloon text is HTML in those viewers, so every value from a report or a user is
HTML-escaped first (then escaped again as XML): a note reading ``<script>``
shows as text. ExtendedData (one Schema with every export column; a placemark's
SimpleData for each field it has) keeps every value verbatim (XML-escaped only).

The whole front (12,000 placemarks) took 4.5 s through ElementTree on a slow machine,
and simplekml, before that, 16 s (most of it re-parsing its own output to indent it).
"""

from __future__ import annotations

import html
import math
import re
from xml.sax import saxutils

import numpy as np
import shapely

from ..ledger import LAYER_TITLES, records
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


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # no XML 1.0 character


def _value(value) -> str:
    """A cell as text for the document, without the characters XML cannot carry (the
    writer would put them in as they are, and no reader could open the file)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _NOT_XML.sub("", str(value))


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


KML_NS = "http://www.opengis.net/kml/2.2"
SCHEMA_ID = "claim"  # every export column, as typed ExtendedData
COORD_DIGITS = 6  # decimal degrees: about 0.1 m, far finer than any footprint


# A carriage return as a reference: a parser would read a bare one as a line feed.
_TEXT_ENTITIES = {"\r": "&#13;"}
_ATTR_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _escape(text: str) -> str:
    """Text as XML character data."""
    return saxutils.escape(text, _TEXT_ENTITIES)


def _attrs(**attrs: str) -> str:
    """Attributes as XML, each value escaped (line breaks and tabs as references)."""
    return "".join(f' {name}="{saxutils.escape(v, _ATTR_ENTITIES)}"' for name, v in attrs.items())


def _node(tag: str, inner: str, attrs: str = "") -> str:
    """An element around XML already written (an empty one as ``<tag />``)."""
    return f"<{tag}{attrs}>{inner}</{tag}>" if inner else f"<{tag}{attrs} />"


def _leaf(tag: str, text: str, attrs: str = "") -> str:
    """An element holding only text, escaped."""
    return _node(tag, _escape(text), attrs)


def _coordinates(rings) -> list[str]:
    """Rings as KML's "lon,lat lon,lat ..." (rounded, no height): GEOS writes them as
    WKT in one call, which is only re-punctuated here."""
    out = []
    for wkt in shapely.to_wkt(np.asarray(rings, dtype=object), rounding_precision=COORD_DIGITS):
        body = wkt[wkt.index("(") + 1 : -1]
        out.append(body.replace(", ", ";").replace(" ", ",").replace(";", " "))
    return out


def _ring(boundary: str, coordinates: str) -> str:
    return f"<{boundary}><LinearRing>{_leaf('coordinates', coordinates)}</LinearRing></{boundary}>"


def _geometry(geom) -> str:
    polys = [
        g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon" and not g.is_empty
    ]
    out = []
    for poly in polys:
        rings = _coordinates([poly.exterior, *poly.interiors])
        inner = "".join(_ring("innerBoundaryIs", ring) for ring in rings[1:])
        out.append(f"<Polygon>{_ring('outerBoundaryIs', rings[0])}{inner}</Polygon>")
    return out[0] if len(polys) == 1 else _node("MultiGeometry", "".join(out))


def _style(style_id: str, layer: str, controller: str) -> str:
    line = _leaf("color", kml_colour(LAYER_COLOURS[layer])) + _leaf(
        "width", str(LAYER_WEIGHT[layer])
    )
    fill = _leaf("color", kml_colour(fill_colour(controller), FILL_ALPHA[layer]))
    return (
        f"<Style{_attrs(id=style_id)}><LineStyle>{line}</LineStyle>"
        f"<PolyStyle>{fill}{_leaf('outline', '1')}</PolyStyle></Style>"
    )


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


_SCHEMA_URL = _attrs(schemaUrl="#" + SCHEMA_ID)


def _placemark(rec: dict, fields: dict[str, str], style_id: str, geom) -> str:
    """One feature; ``fields``: each export column and its SimpleData attributes."""
    data = "".join(
        _leaf("SimpleData", text, attrs)
        for col, attrs in fields.items()
        if (text := _value(rec[col]))  # an empty field is left out: a null for GIS readers
    )
    return (
        f"<Placemark>{_leaf('name', _value(rec['place']))}{_leaf('description', balloon(rec))}"
        f"{_leaf('styleUrl', '#' + style_id)}"
        f"<ExtendedData>{_node('SchemaData', data, _SCHEMA_URL)}</ExtendedData>"
        f"{_geometry(geom)}</Placemark>"
    )


def to_kml(snap) -> bytes:
    """The snapshot's visible features as a KML document (UTF-8 bytes).

    Written as text piece by piece (every value escaped on the way): the whole front's
    12,000 placemarks through ElementTree's tree took twice as long.
    """
    styles: dict[tuple[str, str], str] = {}
    style_parts: list[str] = []
    table = snap.table
    columns = [c for c in table.columns if c != "geometry"]
    fields = {col: _attrs(name=col) for col in columns}
    declared = "".join(_node("SimpleField", "", _attrs(name=col, type="string")) for col in columns)
    schema = _node("Schema", declared, _attrs(name=SCHEMA_ID, id=SCHEMA_ID))
    folders: list[str] = []
    for name in snap.visible:
        folders.append(
            f"<Folder>{_leaf('name', LAYER_TITLES[name])}"
            f"{_leaf('description', html.escape(LAYER_DESCRIPTIONS[name]))}"
        )
        rows = table[table["layer"] == name]
        for rec, geom in zip(records(rows[columns]), rows.geometry):
            if geom is None or geom.is_empty:
                continue
            key = (name, _value(rec["controller"]))
            if key not in styles:
                styles[key] = f"style-{len(styles) + 1}"
                style_parts.append(_style(styles[key], *key))
            folders.append(_placemark(rec, fields, styles[key], geom))
        folders.append("</Folder>")
    title = f"Territorial-control claims as of {snap.as_of.isoformat()}"
    # KML's order: the document's styles, its schemas, its features.
    text = "".join(
        [
            f'<?xml version="1.0" encoding="UTF-8"?>\n<kml{_attrs(xmlns=KML_NS)}><Document>',
            _leaf("name", title),
            _leaf("description", document_description(snap)),
            *style_parts,
            schema,
            *folders,
            "</Document></kml>",
        ]
    )
    return text.encode("utf-8")
