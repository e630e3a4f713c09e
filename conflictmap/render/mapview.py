"""Folium maps of the control layers: styles, popups, labels, legend, caption, assets.

One implementation serves two uses:

- :func:`build_map` gives a complete, self-contained :class:`folium.Map` (Leaflet and
  our helpers inlined, nothing fetched from a CDN): the snapshot export and scripts;
- the live Streamlit page builds the static part once with :func:`base_map` (one script
  served locally, see ``ui/assets.py``) and replaces only the per-date part,
  :func:`feature_groups`, when the date or the layers change, so the map is never
  rebuilt; the layer control is the map's own, made once, and follows the groups.

Data reach the browser in two parts: a bank (every shape, place and claim with its
source; sent once) and, per date, which shapes each layer draws and how
(:func:`layer_rows`), so a change of date sends little and redraws only what changed.

Everything from reports or users stays text: popups, labels and tooltips are built in
the browser with ``textContent`` (``static/conflictmap.js``), links only for http(s);
the sources list is HTML escaped here with :func:`html.escape`; JSON put inside
``<script>`` escapes ``<``, ``>``, ``&`` and template openers (:func:`js_json`); and no
script text is ever compiled as a Jinja template (:class:`RawText`).

Without tiles (offline, the default) the map shows an outline of the area derived from
the gazetteer (:func:`area_outline`), oblast and city names, and the claims; a light
basemap and OpenStreetMap are offered in the layer control for when tiles are reachable.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
import weakref
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices
from branca.element import Element
from folium.map import Layer
from folium.template import Template

from ..assessment import AssessmentOverlay
from ..ledger import LAYER_TITLES, LAYERS, describe_row, records
from ..paths import STATIC
from ..places import Gazetteer
from . import styles

STATIC_DIR = STATIC
# Drawing order, bottom to top: contested is hatched on top of the claims it joins.
DRAW_ORDER = styles.DRAW_ORDER
ASSESSMENT = "assessment"
ASSESSMENT_TITLE = "Independent assessment"
LABELS_TITLE = "Place names"
PANES = {
    "cm-outline": 350,
    "cm-assessment": 390,
    **{f"cm-{layer}": 400 + 10 * i for i, layer in enumerate(DRAW_ORDER)},
    "cm-marks": 480,  # every place's dot, above its shapes, under the labels
}
CLAIMANT_NAMES = {"RU": "Russia", "UA": "Ukraine", "OTHER": "Third party"}
DEFAULT_CENTER = (48.6, 37.6)
DEFAULT_ZOOM = 8
ZOOM_SNAP = 0.25  # fractional zoom, so a view fits its places snugly
HISTORY_ROWS = 25  # claims listed in a popup, newest first
COORD_DIGITS = 4  # about 10 m, the size of a drawn pixel at zoom 14
SIMPLIFY_DEG = 0.00015  # about 15 m: invisible at the zooms the map is read at
SOURCES_LISTED = 60  # sources listed under the caption (the popups have them all)
LIGHT_TILES = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png"
LIGHT_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
    'contributors &copy; <a href="https://carto.com/attributions">CARTO</a>'
)
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
ASSESSMENT_KINDS = {"occupied": "occupied", "grey_zone": "grey zone", "liberated": "liberated"}


# -- assets --------------------------------------------------------------------------
def leaflet_dir() -> Path:
    """The folder holding leaflet.js and leaflet.css (from the xstatic-leaflet package)."""
    import xstatic.pkg.leaflet as xleaflet

    return Path(xleaflet.BASE_DIR)


@dataclass(frozen=True)
class MapAssets:
    """Where the browser gets Leaflet and our helpers.

    ``scripts`` are URLs of scripts to load in order, served locally: the live map loads
    :func:`script_bundle` (Leaflet, our helpers, styles, outline), which then fetches
    the ledger's bank (see ``ui/assets.py``). Empty, Leaflet, helpers, styles and
    outline are inlined and the page is self-contained.
    """

    scripts: tuple[str, ...] = ()

    @property
    def inline(self) -> bool:
        """True when the scripts are inlined rather than linked."""
        return not self.scripts


INLINE = MapAssets()


def _leaflet_css_inlined() -> str:
    """leaflet.css with its images turned into data: URIs."""
    folder = leaflet_dir()
    css = (folder / "leaflet.css").read_text()

    def data_uri(match: re.Match) -> str:
        path = folder / match.group(1)
        if not path.is_file():
            return match.group(0)
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return re.sub(r"url\((images/[^)]+\.png)\)", data_uri, css)


def script_bundle() -> str:
    """leaflet.js (from xstatic-leaflet), ``static/conflictmap.js``, then the styles and
    the outline of the area: everything the live map needs that never changes."""
    return (
        (leaflet_dir() / "leaflet.js").read_text()
        + "\n"
        + (STATIC_DIR / "conflictmap.js").read_text()
        + "\n"
        + f"conflictmap.addStyle({js_json(_css())});\n"
        + f"conflictmap.outlineData = {_outline_json()};\n"
    )


@lru_cache(maxsize=1)
def _css() -> str:
    return _leaflet_css_inlined() + "\n" + (STATIC_DIR / "conflictmap.css").read_text()


@lru_cache(maxsize=1)
def _outline_json() -> str:
    return js_json(area_outline())


@lru_cache(maxsize=1)
def _inline_head() -> str:
    scripts = (
        (leaflet_dir() / "leaflet.js").read_text()
        + "\n"
        + (STATIC_DIR / "conflictmap.js").read_text()
    )
    if "</script" in scripts.lower():
        raise ValueError("an inlined script contains '</script'")
    return f"<style>{_css()}</style>\n<script>{scripts}</script>"


def _add_assets(m: folium.Map, assets: MapAssets) -> None:
    m.default_css = []
    if assets.inline:
        m.default_js = []
        m.get_root().header.add_child(RawText(_inline_head()), name="conflictmap_assets")
    else:
        m.default_js = [(f"conflictmap_script_{i}", url) for i, url in enumerate(assets.scripts)]


def offline_map(*, center, zoom: float, assets: MapAssets = INLINE) -> folium.Map:
    """A blank Leaflet map without tiles, Leaflet served locally: nothing from the internet."""
    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, control_scale=True)
    _add_assets(m, assets)
    return m


# -- small helpers ------------------------------------------------------------------
_TEMPLATE_OPENERS = re.compile(r"\{(?=[{%#])")


def js_json(value) -> str:
    r"""JSON safe inside a ``<script>`` element and from template engines: no ``<``,
    ``>``, ``&`` and no ``{{``, ``{%`` or ``{#``.

    Compact (no spaces after separators: a date of the whole front is 15% smaller).

    >>> print(js_json({"note": "</script><b>{{ 7*7 }}", "n": [1, 2]}))
    {"note":"\u003c/script\u003e\u003cb\u003e\u007b{ 7*7 }}","n":[1,2]}
    """
    text = json.dumps(value, ensure_ascii=True, allow_nan=False, default=str, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # Structural JSON never has "{" before "{", "%" or "#": those are inside strings,
    # and escaping them keeps template engines from seeing "{{", "{%" or "{#".
    return _TEMPLATE_OPENERS.sub(r"\\u007b", text)


def _text(value) -> str:
    """A cell as plain text ('' for missing)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def _esc(value) -> str:
    return html.escape(_text(value), quote=True)


def tooltip_text(value) -> str:
    """Text for a folium tooltip or layer name, which folium puts raw into HTML inside a
    JavaScript template literal: HTML escaped, and no backtick, ``$`` or backslash.

    >>> tooltip_text("<b>`${x}`</b>")
    '&lt;b&gt;&#96;&#36;{x}&#96;&lt;/b&gt;'
    """
    text = _esc(value)
    return text.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def safe_link(url, text) -> str:
    """An escaped link when ``url`` is http(s), else the escaped text alone.

    >>> safe_link("javascript:alert(1)", "x")
    'x'
    >>> safe_link("https://example.org/?a=1&b=2", "<b>")
    '<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">&lt;b&gt;</a>'
    """
    url, label = _text(url).strip(), _text(text) or _text(url)
    if re.match(r"https?://", url, flags=re.IGNORECASE):
        return (
            f'<a href="{html.escape(url, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer">{html.escape(label, quote=True)}</a>'
        )
    return html.escape(label, quote=True)


def _is_partial(row) -> bool:
    return styles.is_partial(row.get("extent"), row.get("part"), row.get("fraction"))


def feature_style(layer: str, row) -> dict:
    """Leaflet path options for one claim shape of a layer (see :func:`styles.path_style`)."""
    return styles.path_style(layer, row.get("controller"), _is_partial(row))


_GEOMETRY_CACHE: dict[int, tuple] = {}
_GEOMETRY_CACHE_MAX = 50_000


def geometry_json(geom) -> str | None:
    """GeoJSON text of a geometry for the map: simplified within :data:`SIMPLIFY_DEG`,
    coordinates rounded to :data:`COORD_DIGITS`.

    Footprints are shared objects across dates, so the text is cached per object.
    """
    if geom is None or geom.is_empty:
        return None
    hit = _GEOMETRY_CACHE.get(id(geom))
    if hit is not None and hit[0] is geom:
        return hit[1]
    simple = _oriented(shapely.simplify(geom, SIMPLIFY_DEG, preserve_topology=True))
    rounded = shapely.transform(simple, lambda xy: np.round(xy, COORD_DIGITS))
    text = shapely.to_geojson(rounded)
    if len(_GEOMETRY_CACHE) >= _GEOMETRY_CACHE_MAX:
        _GEOMETRY_CACHE.clear()
    _GEOMETRY_CACHE[id(geom)] = (geom, text)
    return text


def _oriented(geom):
    """Exterior rings counter-clockwise, holes clockwise (as RFC 7946 asks): the map
    paints many shapes as one path with the non-zero fill rule, under which a hole is a
    hole only when it winds against its exterior."""
    return shapely.orient_polygons(geom, exterior_cw=False)


COORD_SCALE = 10**COORD_DIGITS  # the compact shapes' unit: 1 = 10**-COORD_DIGITS degree


def geometry_code(geom) -> str | None:
    """A polygonal geometry as the live map's bank holds it, simplified and rounded as
    :func:`geometry_json`: JSON of ``[polygon, ...]``, each polygon ``[ring, ...]``, each
    ring one flat list of whole numbers, longitude and latitude in units of
    :data:`COORD_SCALE` (the first vertex in full, each next one as the step from the
    one before; the closing vertex left out). About a third of the GeoJSON text on the
    whole front, and quicker for the browser to read. Other geometries: their GeoJSON
    text (the map reads both).

    >>> geometry_code(shapely.box(37.1, 48.2, 37.102, 48.201))
    '[[[371020,482000,0,10,-20,0,0,-10]]]'
    """
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return geometry_json(geom)
    simple = _oriented(shapely.simplify(geom, SIMPLIFY_DEG, preserve_topology=True))
    polygons = []
    for poly in shapely.get_parts(simple):
        rings = []
        for ring in (poly.exterior, *poly.interiors):
            xy = np.rint(shapely.get_coordinates(ring)[:-1] * COORD_SCALE).astype(np.int64)
            steps = np.diff(xy, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
            rings.append("[" + ",".join(map(str, steps.ravel().tolist())) + "]")
        polygons.append("[" + ",".join(rings) + "]")
    return "[" + ",".join(polygons) + "]"


def _geojson_geometry(geom) -> dict | None:
    text = geometry_json(geom)
    return None if text is None else json.loads(text)


def _latlon(row) -> tuple[float, float] | None:
    lat, lon = row.get("lat"), row.get("lon")
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return None
    return round(float(lat), COORD_DIGITS), round(float(lon), COORD_DIGITS)


_MEMO: dict[tuple, tuple] = {}
_MEMO_MAX = 4096


def _held(owner):
    """How the memo holds an owner: weakly where it can (a layer table it must not keep
    alive once the layer cache lets it go), else as it is."""
    try:
        return weakref.ref(owner)
    except TypeError:
        return lambda: owner


def _memo(key: tuple, owners: tuple, compute):
    """``compute()`` remembered while the same ``owners`` objects are passed again (the
    live page passes the same cached layers for a date; a new object is a new key)."""
    hit = _MEMO.get(key)
    if hit is not None and all(ref() is o for ref, o in zip(hit[0], owners)):
        return hit[1]
    value = compute()
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = (tuple(_held(o) for o in owners), value)
    return value


def _records(gdf: gpd.GeoDataFrame | None) -> list[dict]:
    """A layer's rows as plain dicts (geometry under ``"_geometry"``); do not modify."""
    if gdf is None or not len(gdf):
        return []

    def compute() -> list[dict]:
        recs = records(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)))
        for rec, geom in zip(recs, gdf.geometry.array):
            rec["_geometry"] = geom
        return recs

    return _memo(("records", id(gdf)), (gdf,), compute)


# -- the bank: shapes, places and claims, sent once ------------------------------------
def shape_key(place_id: int, part) -> str:
    """The bank's key of a shape: '<place id>|<part>' ('' for the whole footprint).

    >>> shape_key(704422, "north"), shape_key(704422, None)
    ('704422|north', '704422|')
    """
    return f"{int(place_id)}|{part if isinstance(part, str) else ''}"


def _claim_entry(rec: dict) -> list:
    return [
        _text(rec.get("claim_date")),
        _text(rec.get("claimant")),
        _text(rec.get("claimant_org")),
        describe_row(rec),
        _text(rec.get("source_publisher")),
        _text(rec.get("source_url")),
        _text(rec.get("source_title")),
        _text(rec.get("note")),
    ]


def _claims_by_place(history: pd.DataFrame) -> dict[str, list[tuple[str, list]]]:
    """Every claim of a history frame as the popups show it, by place id, oldest first
    (then by claimant): [(ISO date, entry), ...]. Made once per frame (the control
    index's frame lives as long as its ledger version)."""

    def compute() -> dict[str, list[tuple[str, list]]]:
        df = history.assign(claim_date=pd.to_datetime(history["claim_date"]).dt.date)
        df = df.sort_values(["place_id", "claim_date", "claimant"], kind="stable")
        out: dict[str, list[tuple[str, list]]] = {}
        for rec in records(df):
            rec["claim_date"] = rec["claim_date"].isoformat()
            out.setdefault(str(int(rec["place_id"])), []).append(
                (rec["claim_date"], _claim_entry(rec))
            )
        return out

    return _memo(("claims by place", id(history)), (history,), compute)


def _bank_claims(
    history: pd.DataFrame | None, place_ids=None, as_of: date | None = None
) -> dict[str, list]:
    if history is None or not len(history):
        return {}
    by_place = _claims_by_place(history)
    pids = by_place if place_ids is None else [str(int(p)) for p in place_ids]
    until = as_of.isoformat() if as_of is not None else None
    out: dict[str, list] = {}
    for pid in pids:
        rows = [e for day, e in by_place.get(pid, ()) if until is None or day <= until]
        if rows:
            out[pid] = rows
    return out


def claims_bank(
    history: pd.DataFrame, shapes: dict[str, object], places, *, claims: bool = True
) -> dict:
    """The bank of a whole ledger: every shape (``{shape_key: geometry}``, sent as
    :func:`geometry_code`), every place
    (``places``: Place-like objects with name, oblast, lat, lon, by id) and, unless
    ``claims`` is False, every claim with its source, for the popups. Sent to the browser
    once per ledger version. The live map leaves the claims out and sends each place's
    claims when its popup opens (:func:`claim_shards`)."""
    geoms = {k: geometry_code(g) for k, g in shapes.items()}
    return {
        "geoms": {k: text for k, text in geoms.items() if text},
        "scale": COORD_SCALE,
        "places": {str(int(pid)): place_entry(p) for pid, p in places.items()},
        "claims": _bank_claims(history) if claims else {},
    }


CLAIM_SHARDS = 128  # files the live map's popup histories are split into


def shard_of(place_id: int, n: int = CLAIM_SHARDS) -> int:
    """The shard holding a place's claims (the browser computes the same).

    >>> shard_of(704422), shard_of(704422, 1)
    (38, 0)
    """
    return int(place_id) % n


def claim_shards(history: pd.DataFrame | None, n: int = CLAIM_SHARDS) -> list[str]:
    """Every place's claims with their sources, for the popups, as ``n`` JSON texts
    (``{place id: [claim, ...]}``, oldest first; place ``p`` in shard :func:`shard_of`).
    The live map fetches a shard the first time a popup of one of its places opens, so
    a page load never carries the whole ledger's history."""
    claims = _bank_claims(history)
    shards: list[dict[str, list]] = [{} for _ in range(n)]
    for pid, rows in claims.items():
        shards[shard_of(int(pid), n)][pid] = rows
    return [js_json(s) for s in shards]


def live_bank(ws) -> tuple[str, frozenset, tuple[str, ...]]:
    """The live map's bank of a workspace's whole ledger: (every shape and place a claim
    names, as JSON, see :func:`bank_json`; the shape keys it holds; the popups' claims in
    shards, see :func:`claim_shards`)."""
    frame = ws.index.frame
    pairs = {(int(pid), None) for pid in frame["place_id"]}
    pairs |= {
        (int(pid), part)
        for pid, part in zip(frame["place_id"], frame["part"])
        if isinstance(part, str) and part
    }
    pairs = sorted(pairs, key=lambda p: (p[0], p[1] or ""))
    shapes = ws.footprints.shapes([p for p, _ in pairs], [part for _, part in pairs])
    geoms = {shape_key(pid, part): g for (pid, part), g in zip(pairs, shapes)}
    gaz = ws.gazetteer
    places = {pid: gaz.get(pid) for pid, _ in pairs}
    bank = claims_bank(frame, geoms, places, claims=False)
    return bank_json(bank), frozenset(bank["geoms"]), tuple(claim_shards(frame))


def bank_for_layers(
    layers: dict[str, gpd.GeoDataFrame], as_of: date, history: pd.DataFrame | None = None
) -> dict:
    """The bank for one date's layers only: their shapes, places and claims up to the
    date (what a self-contained map needs)."""
    geoms, places = {}, {}
    for gdf in layers.values():
        for row in _records(gdf):
            pid = int(row["place_id"])
            key = shape_key(pid, row.get("part"))
            if key not in geoms and row.get("_geometry") is not None:
                geoms[key] = geometry_json(row["_geometry"])
            latlon = _latlon(row)
            if latlon and str(pid) not in places:
                places[str(pid)] = [
                    _text(row.get("place")),
                    _text(row.get("oblast")),
                    *latlon,
                    _population(pid),
                ]
    return {
        "geoms": {k: g for k, g in geoms.items() if g},
        "places": places,
        "claims": _bank_claims(history, [int(p) for p in places], as_of),
    }


def _population(place_id: int) -> int:
    """The place's population in the gazetteer (0 when unknown): at low zoom only the
    larger places are named."""
    try:
        return int(Gazetteer.load().get(place_id).population)
    except KeyError:
        return 0


def place_entry(place) -> list:
    """A place as the bank holds it: [name, oblast, lat, lon, population]."""
    return [
        place.name,
        place.oblast,
        round(place.lat, COORD_DIGITS),
        round(place.lon, COORD_DIGITS),
        int(getattr(place, "population", 0) or 0),
    ]


def bank_json(bank: dict) -> str:
    """A bank as one JSON text (ASCII, without ``<``, ``>`` or ``&``, see :func:`js_json`).
    Its shapes are JSON texts already (:func:`geometry_code` or :func:`geometry_json`:
    numbers and fixed keys only), put in as they are instead of being parsed and written
    again."""
    geoms = ",".join(f"{js_json(k)}:{text}" for k, text in bank["geoms"].items())
    rest = js_json({k: v for k, v in bank.items() if k != "geoms"})
    tail = "}" if rest == "{}" else "," + rest[1:]
    return f'{{"geoms":{{{geoms}}}{tail}'


def bank_script(bank: dict) -> str:
    """JavaScript that hands a bank to the map (``conflictmap.setBank``), for a map whose
    script carries its bank (the HTML export; the live map fetches its bank as a file,
    see ``ui/assets.py``).

    The bank is JSON in a string that ``JSON.parse`` reads: for a whole front's
    megabytes, about three times quicker for the browser than the same object written
    as script.
    """
    quoted = bank_json(bank).replace("\\", "\\\\").replace("'", "\\'")
    return f"conflictmap.setBank(JSON.parse('{quoted}'));\n"


# -- per date: rows, labels, caption, sources --------------------------------------------
def _share(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return ""
    return f"{round(float(value) * 100)}%"


def _extra(row: dict) -> str:
    """Assessment notes of a row, when the assessment columns are there."""
    out = []
    if _share(row.get("occupied_share")):
        out.append(f"assessment: {_share(row.get('occupied_share'))} occupied")
    if _share(row.get("grey_share")):
        out.append(f"{_share(row.get('grey_share'))} grey zone")
    if _text(row.get("verdict")):
        out.append(f"verdict: {_text(row.get('verdict'))}")
    return "; ".join(out)


def _fraction_label(layer: str, row: dict) -> str:
    return styles.share_label(
        layer, _text(row.get("controller")), row.get("extent"), row.get("fraction"), row.get("part")
    )


PAIR_LAYERS = ("contested", "agreed")


def layer_rows(layer: str, rows: list[dict], known: set[str] | None = None) -> dict:
    """The payload of one layer for ``conflictmap.claimLayer``.

    ``styles``: the distinct styles; ``strings``: the distinct texts (``strings[0]`` is
    ""); ``rows``: one per shape, [place id, part, style, summary, date, organisation,
    label, assessment note] with every text as an index into ``strings``, plus the
    geometry when ``known`` (the bank's shape keys) lacks it; without a geometry,
    trailing empty texts (index 0) are left out. Contested and agreed rows
    leave the summary to the browser, which joins the Russian and Ukrainian rows of the
    place as :func:`conflictmap.ledger.control.layer_rows` does.
    """
    styles_seen: dict[str, int] = {}
    strings: dict[str, int] = {"": 0}
    style_list, out = [], []

    def text(value) -> int:
        return strings.setdefault(_text(value), len(strings))

    claimant_layer = layer not in PAIR_LAYERS
    by_kind: dict[tuple, int] = {}  # a style depends on the controller and partialness only
    for row in rows:
        kind = (_text(row.get("controller")), _is_partial(row))
        style_index = by_kind.get(kind)
        if style_index is None:
            style = feature_style(layer, row)
            skey = json.dumps(style, sort_keys=True)
            if skey not in styles_seen:
                styles_seen[skey] = len(style_list)
                style_list.append(style)
            style_index = by_kind[kind] = styles_seen[skey]
        pid = int(row["place_id"])
        part = row.get("part") if isinstance(row.get("part"), str) else ""
        item = [
            pid,
            text(part),
            style_index,
            text(_text(row.get("summary")) or describe_row(row)) if claimant_layer else 0,
            text(row.get("claim_date")) if claimant_layer else 0,
            text(row.get("claimant_org")) if claimant_layer else 0,
            text(_fraction_label(layer, row)),
            text(_extra(row)),
        ]
        if known is None or shape_key(pid, part) not in known:
            geometry = _geojson_geometry(row.get("_geometry"))
            if geometry is None:
                continue
            item.append(geometry)
        else:
            while len(item) > 3 and item[-1] == 0:  # trailing empty texts are left out
                item.pop()
        out.append(item)
    return {
        "key": layer,
        "pane": f"cm-{layer}",
        "styles": style_list,
        "strings": list(strings),
        "rows": out,
    }


def caption_text(as_of: date) -> str:
    """The caption shown on the map.

    >>> caption_text(date(2025, 12, 2))
    'Claims as of 2025-12-02 (Tue 2 Dec 2025)'
    """
    return f"Claims as of {as_of.isoformat()} ({as_of:%a} {as_of.day} {as_of:%b %Y})"


def since_note(as_of: date, since: date | None, first: date | None) -> str:
    """Under the caption: since when the claims drawn stand, honestly.

    ``since`` is the latest claim date on or before ``as_of``; ``first`` the ledger's
    first claim date.

    >>> since_note(date(2025, 11, 25), date(2025, 7, 31), date(2023, 5, 20))
    'No claim on this day: the claims in force since 2025-07-31'
    >>> since_note(date(2022, 2, 24), None, date(2023, 5, 20))
    'No claim stored before 2023-05-20: nothing to draw on this day'
    >>> since_note(date(2025, 12, 2), date(2025, 12, 2), date(2023, 5, 20))
    ''
    """
    if since is None:
        return f"No claim stored before {first}: nothing to draw on this day" if first else ""
    if since == as_of:
        return ""
    return f"No claim on this day: the claims in force since {since.isoformat()}"


def assessment_note(overlay: AssessmentOverlay | None, first: date | None) -> str:
    """Under the caption, with the assessment on: its source and date, or that none is
    stored before the map date (``first``: the first stored assessment).

    >>> assessment_note(None, date(2025, 12, 2))
    'Independent assessment: none stored before 2025-12-02'
    """
    if overlay is not None:
        return (
            f"Independent assessment: {overlay.source}, assessed {overlay.assessed_on.isoformat()}"
        )
    return f"Independent assessment: none stored before {first}" if first else ""


def sources_of(layers: dict[str, gpd.GeoDataFrame], visible: set[str], *, _recs=None) -> list[dict]:
    """The distinct sources behind the visible layers: dicts of publisher, title, url.

    Contested and agreed places are backed by the Russian and Ukrainian claims they join.
    """
    recs = _recs if _recs is not None else {layer: _records(gdf) for layer, gdf in layers.items()}
    shown = {layer for layer in recs if layer in visible}
    pair_places = {
        int(r["place_id"])
        for layer in ("contested", "agreed")
        if layer in shown
        for r in recs.get(layer, [])
    }
    seen, out = set(), []
    for layer in ("ru", "ua", "other"):
        for row in recs.get(layer, []):
            if layer not in shown and not (
                layer != "other" and int(row["place_id"]) in pair_places
            ):
                continue
            key = (
                _text(row.get("source_publisher")),
                _text(row.get("source_title")),
                _text(row.get("source_url")),
            )
            if key not in seen:
                seen.add(key)
                out.append({"publisher": key[0], "title": key[1], "url": key[2]})
    return sorted(out, key=lambda s: (s["publisher"].lower(), s["title"].lower()))


def sources_html(sources: list[dict]) -> str:
    """The collapsible, escaped list of sources shown under the caption."""
    if not sources:
        return "<details><summary>No sources for this date</summary></details>"
    items = "".join(
        f"<li>{safe_link(s['url'], s['publisher'] or s['title'] or s['url'])}"
        f"{' — ' + _esc(s['title']) if s['title'] and s['publisher'] else ''}</li>"
        for s in sources[:SOURCES_LISTED]
    )
    more = len(sources) - SOURCES_LISTED
    if more > 0:
        items += f"<li>and {more} more (each place's popup lists its own)</li>"
    return f"<details><summary>Sources ({len(sources)})</summary><ol>{items}</ol></details>"


# -- legend --------------------------------------------------------------------------
def _swatch(style: dict) -> str:
    dash = f" stroke-dasharray='{style['dashArray']}'" if style.get("dashArray") else ""
    return (
        f"<svg width='28' height='14'><rect x='2' y='2' width='24' height='10' "
        f"fill='{style['fillColor']}' fill-opacity='{style['fillOpacity']}' "
        f"stroke='{style['color']}' stroke-width='{min(style['weight'], 3)}'{dash}/></svg>"
    )


def legend_html(*, with_assessment: bool = False) -> str:
    """The legend: one line per layer, full vs partial, fractions, fills, assessment."""
    samples = {
        "ru": {"controller": "RU"},
        "ua": {"controller": "UA"},
        "other": {"controller": "UA"},
        "contested": {},
        "agreed": {"controller": "RU"},
    }
    lines = ["<details open class='cm-legend-box'><summary>Legend</summary><b>Layers</b>"]
    for layer in LAYERS:
        lines.append(
            f"{_swatch(feature_style(layer, samples[layer]))}{_esc(LAYER_TITLES[layer])}<br>"
        )
    partial = feature_style("ru", {"controller": "RU", "extent": "partial"})
    lines += [
        "<b>Claims</b>",
        f"{_swatch(feature_style('ru', {'controller': 'RU'}))}full (solid outline)<br>",
        f"{_swatch(partial)}partial: the claimed part (dashed)<br>",
        "<span class='cm-fraction'><span style='transform:none'>RU 95%</span></span> "
        "share claimed, when only that is known<br>",
        f"<svg width='28' height='14'><circle cx='14' cy='7' r='{styles.MARKER['radius']}' "
        f"fill='{styles.MARKER['fill']}' stroke='{styles.MARKER['edge']}' stroke-width='1.5'/>"
        "</svg>a place (its name beside it when there is room)<br>",
        "<span class='cm-note'>Fill: who holds it — "
        f"<span style='color:{styles.CONTROLLER_COLOURS['RU']}'>&#9632;</span> Russia "
        f"<span style='color:{styles.CONTROLLER_COLOURS['UA']}'>&#9632;</span> Ukraine "
        f"<span style='color:{styles.CONTROLLER_COLOURS['CONTESTED']}'>&#9632;</span> contested"
        "</span><br>",
    ]
    if with_assessment:
        lines.append("<b>Independent assessment</b>")
        for kind, label in (("occupied", "occupied (hatched)"), ("grey_zone", "grey zone")):
            lines.append(_swatch(assessment_style(kind)) + f"{label}<br>")
    lines.append(
        "<span class='cm-note'>Footprints are approximate. Click a place for its "
        "claims and sources.</span></details>"
    )
    return "".join(lines)


# -- the outline of the area (offline backdrop) --------------------------------------
OUTLINE_BBOX = (28.0, 45.0, 41.0, 52.6)  # lon/lat: eastern and central Ukraine, borders


@lru_cache(maxsize=2)
def area_outline(bbox: tuple = OUTLINE_BBOX) -> dict:
    """An approximate outline of the oblasts and countries around the front, and the
    largest cities, derived offline from the gazetteer (:mod:`conflictmap.places.backdrop`).
    For orientation only, never to be read as borders.

    Returns ``{"areas": FeatureCollection, "labels": [{lat, lon, text, cls}]}``.
    """
    from ..places import backdrop

    drop = backdrop(Gazetteer.load(), bbox)
    features, labels = [], []

    def tidy(geom, tolerance: float = 0.015):
        closed = shapely.buffer(shapely.buffer(geom, 0.12, quad_segs=2), -0.12, quad_segs=2)
        return shapely.set_precision(shapely.simplify(closed, tolerance), 0.001)

    def feature(geom, style: dict) -> dict:
        return {
            "type": "Feature",
            "properties": {"style": style},
            "geometry": json.loads(shapely.to_geojson(geom)),
        }

    for country, oblast, geom in zip(
        drop.regions["country"], drop.regions["oblast"], drop.regions.geometry
    ):
        home = country == "UA"
        shape = tidy(geom)
        if shape.is_empty:
            continue
        features.append(
            feature(
                shape,
                {
                    "color": "#a3abb5",
                    "weight": 0.8 if home else 0,
                    "opacity": 0.9,
                    "fillColor": "#ffffff",
                    "fillOpacity": 0.9 if home else 0.5,
                },
            )
        )
        if home and oblast not in ("Kyiv City", "Sevastopol"):
            pt = max(shapely.get_parts(shape), key=lambda g: g.area).representative_point()
            labels.append(
                {
                    "lat": round(pt.y, 3),
                    "lon": round(pt.x, 3),
                    "text": oblast.upper(),
                    "cls": "cm-oblast",
                }
            )
    home = drop.countries[drop.countries["country"] == "UA"].geometry
    if len(home):
        outline = tidy(shapely.union_all(list(home)), 0.02)
        rings = [
            shapely.LinearRing(p.exterior.coords)
            for p in shapely.get_parts(outline)
            if p.area > 0.05
        ]
        if rings:
            features.append(
                feature(
                    shapely.MultiLineString(rings),
                    {"color": "#6f7985", "weight": 1.6, "opacity": 0.9, "fill": False},
                )
            )
    for name, point in zip(drop.cities["name"], drop.cities.geometry):
        labels.append(
            {"lat": round(point.y, 3), "lon": round(point.x, 3), "text": name, "cls": "cm-city"}
        )
    return {"areas": {"type": "FeatureCollection", "features": features}, "labels": labels}


# -- elements --------------------------------------------------------------------------
class RawText(Element):
    """Text placed in the page as it is: never compiled as a Jinja template.

    folium's ``MacroElement.render`` wraps each rendered script in ``Element(text)``,
    which compiles the text as a template again: ``{{ ... }}`` in a note would then run
    on the server. Our elements place their script through this class instead.
    """

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        """The text, unchanged."""
        return self._text


class _Scripted(folium.MacroElement):
    """An element whose script is built in Python (:meth:`script_text`), never templated.

    streamlit-folium reads the ``script`` macro; a folium render uses :meth:`render`;
    both give the same text.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}{{ this.script_text() }}{% endmacro %}
    """)

    def script_text(self) -> str:
        """The JavaScript of this element."""
        raise NotImplementedError

    def render(self, **kwargs):
        """Add the script to the figure as raw text, then render the children."""
        self.get_root().script.add_child(RawText(self.script_text()), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class _Setup(_Scripted):
    """Panes, hatch pattern, caption, legend and outline: the static part of a map."""

    def __init__(self, config_json: str, bases: list):
        super().__init__()
        self._name = "ConflictmapSetup"
        self.config = config_json
        self.bases = bases

    def script_text(self) -> str:
        bases = ", ".join(f"{js_json(b.layer_name)}: {b.get_name()}" for b in self.bases)
        return f"conflictmap.setup({self._parent.get_name()}, {self.config}, {{{bases}}});"


class _BlankBase(Layer):
    """An empty base layer: the choice 'no tiles' in the layer control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {% endmacro %}
    """)

    def __init__(self, name: str):
        super().__init__(name=name, overlay=False, control=True, show=True)
        self._name = "BlankBase"


class _Call(_Scripted):
    """``conflictmap.<name>(<parent group>, <payloads>...)``, after an optional prelude."""

    def __init__(self, name: str, *payload_jsons: str, prelude: str = ""):
        super().__init__()
        self._name = "ConflictmapCall"
        self.call, self.payloads, self.prelude = name, payload_jsons, prelude

    def script_text(self) -> str:
        args = ", ".join((self._parent.get_name(), *map(js_argument, self.payloads)))
        return f"{self.prelude}conflictmap.{self.call}({args});"


_PARSED_FROM = 4096  # characters: a payload this long is parsed as JSON, not as script


@lru_cache(maxsize=64)
def js_argument(payload: str) -> str:
    r"""A :func:`js_json` payload as a script argument: a long one as ``JSON.parse('…')``,
    which browsers read about three times faster than the same object as script (a date
    of the whole front: 11 ms against 3 ms in Chromium). Still safe in a ``<script>``
    element and from template engines: the quoting only doubles backslashes and escapes
    quotes, and :func:`js_json` has no ``<``, ``>``, ``&`` or template openers.

    >>> js_argument('{"a": 1}')
    '{"a": 1}'
    >>> print(js_argument(js_json({"t": "it's " + "x" * 5000}))[:27])
    JSON.parse('{"t":"it\'s xxx
    """
    if len(payload) < _PARSED_FROM:
        return payload
    quoted = payload.replace("\\", "\\\\").replace("'", "\\'")
    return f"JSON.parse('{quoted}')"


class _AddTo(_Scripted):
    """Adds its parent layer to the map (folium's ElementAddToElement, never templated)."""

    def script_text(self) -> str:
        return f"{self._parent.get_name()}.addTo({self._parent._parent.get_name()});"


class _Group(folium.FeatureGroup):
    """A FeatureGroup with a layer key (``cm_key``), rendered without re-templating."""

    def __init__(self, name: str, key: str | None, *, show: bool = True, control: bool = True):
        super().__init__(name=name, show=show, control=control)
        self.cm_key = key

    def render(self, **kwargs):
        """The group's script as raw text, then its children (and its addTo if shown)."""
        if self.show:
            self.add_child(_AddTo(), name=self.get_name() + "_add")
        self.get_root().script.add_child(
            RawText(f"var {self.get_name()} = L.featureGroup({{}});"), name=self.get_name()
        )
        for child in self._children.values():
            child.render(**kwargs)


# -- building ----------------------------------------------------------------------
def _place_labels(recs: dict[str, list[dict]], visible: set[str]) -> list[int]:
    """The ids of the places shown (named from the bank), biggest footprints first: they
    get the best label spots."""
    best: dict[int, tuple[float, int]] = {}
    for layer in DRAW_ORDER:
        if layer not in visible:
            continue
        for row in recs.get(layer, []):
            latlon, pid = _latlon(row), int(row["place_id"])
            geom = row.get("_geometry")
            size = 0.0 if geom is None else float(geom.area)
            if latlon is None or (pid in best and best[pid][0] >= size):
                continue
            best[pid] = (size, pid)
    return [pid for _, pid in sorted(best.values(), key=lambda x: -x[0])]


_ASSESSMENT_CACHE: dict[tuple, str] = {}


def _assessment_json(overlay: AssessmentOverlay) -> str:
    """``{"version", "areas"}`` of the overlay as JSON text (cached per overlay content)."""
    from ..assessment import overlay_key

    key = overlay_key(overlay)
    if key not in _ASSESSMENT_CACHE:
        if len(_ASSESSMENT_CACHE) >= 8:
            _ASSESSMENT_CACHE.clear()
        features = []
        for kind, geom in sorted(overlay.shapes.items()):
            if geom is None or geom.is_empty:
                continue
            label = ASSESSMENT_KINDS.get(kind, kind)
            features.append(
                {
                    "type": "Feature",
                    "geometry": _geojson_geometry(shapely.simplify(geom, 0.0005)),
                    "properties": {
                        "style": assessment_style(kind),
                        "tip": f"{overlay.source}: {label}, assessed "
                        f"{overlay.assessed_on.isoformat()}",
                    },
                }
            )
        _ASSESSMENT_CACHE[key] = js_json(
            {
                "version": "|".join(map(str, key)),
                "areas": {"type": "FeatureCollection", "features": features},
            }
        )
    return _ASSESSMENT_CACHE[key]


def assessment_style(kind: str) -> dict:
    """Leaflet path options of an assessment area (see ``styles.ASSESSMENT_STYLES``):
    occupied hatched (pattern ``cm-occupied``), the grey zone flat grey, dashed."""
    st = styles.ASSESSMENT_STYLES.get(kind)
    if st is None:
        return {"color": "#555555", "weight": 0.8, "opacity": 0.8,
                "fillColor": styles.ASSESSMENT_COLOURS.get(kind, "#999999"),
                "fillOpacity": 0.3}  # fmt: skip
    style = {
        "color": st["edge"],
        "weight": 1.2,
        "opacity": 0.9,
        "fillColor": f"url(#cm-{kind.replace('_', '-')})" if st["hatch"] else st["fill"],
        "fillOpacity": 1 if st["hatch"] else st["fill_opacity"],
    }
    if st["edge_dash"]:
        style["dashArray"] = st["edge_dash"]
    return style


_NO_ASSESSMENT = js_json(
    {"version": "none", "areas": {"type": "FeatureCollection", "features": []}}
)


def layer_keys(groups: list[folium.FeatureGroup]) -> dict[str, str]:
    """Layer-control name -> layer key (ru, ua, ..., assessment) of the groups."""
    return {g.layer_name: g.cm_key for g in groups if getattr(g, "cm_key", None)}


def feature_groups(
    layers: dict[str, gpd.GeoDataFrame],
    as_of: date,
    *,
    history: pd.DataFrame | None = None,
    visible: set[str] | None = None,
    overlay: AssessmentOverlay | None = None,
    known: set[str] | None = None,
    notes: list[str] | tuple[str, ...] = (),
    assessment_slot: bool = False,
    focus: dict | None = None,
    bank: dict | None = None,
) -> list[folium.FeatureGroup]:
    """The per-date part of the map, as folium FeatureGroups, bottom to top.

    First an always-on group carrying the caption, the sources and the place labels
    (and, unless ``known`` is given, the bank of these layers: shapes, places, claims up
    to the date); then the assessment overlay (when given; off unless ``"assessment"`` is
    in ``visible``); then one group per claim layer in :data:`DRAW_ORDER`. ``known`` is
    the set of shape keys the browser's bank already holds (the live map). Each group
    has a ``cm_key`` attribute (its layer key, None for the first) and ``show``.

    ``notes`` are lines under the caption (:func:`since_note`, :func:`assessment_note`);
    with ``assessment_slot`` and no ``overlay`` the assessment keeps its place in the
    layer control, empty (no assessment is in force on the date); ``focus``
    (``{"seq", "pid", "zoom", "place": place_entry}``) flies the map to a place and opens
    its popup, once per ``seq``. ``bank`` (with ``known`` None) is the bank to send
    instead of these layers' own: a self-contained map whose other dates share it.
    """
    visible = set(LAYERS) if visible is None else set(visible)
    made: dict[str, list[dict]] = {}

    def recs() -> dict[str, list[dict]]:  # the rows, only when a payload must be made
        if not made:
            made.update({layer: _records(gdf) for layer, gdf in layers.items()})
        return made

    data_group = _Group(LABELS_TITLE, None, control=False)
    prelude = ""
    if known is None:  # self-contained: the bank (of these layers) goes along
        bank = bank if bank is not None else bank_for_layers(layers, as_of, history)
        prelude, known = bank_script(bank), frozenset(bank["geoms"])
    owners = tuple(layers[k] for k in sorted(layers)) + (known,)
    place_data = _memo(
        ("placeData", as_of, tuple(sorted(visible)), tuple(notes), tuple(id(o) for o in owners)),
        owners,
        lambda: js_json(
            {
                "asOf": as_of.isoformat(),
                "caption": caption_text(as_of),
                "notes": [n for n in notes if n],
                "sources": sources_html(sources_of(layers, visible, _recs=recs())),
                "labels": _place_labels(recs(), visible),
            }
        ),
    )
    data_group.add_child(_Call("placeData", place_data, prelude=prelude))
    if focus:
        data_group.add_child(_Call("focusPlace", js_json(focus)))
    groups = [data_group]
    if overlay is not None or assessment_slot:
        g = _Group(ASSESSMENT_TITLE, ASSESSMENT, show=ASSESSMENT in visible)  # source: caption
        areas = _NO_ASSESSMENT if overlay is None else _assessment_json(overlay)
        g.add_child(_Call("assessment", areas, _overlay_json(g)))
        groups.append(g)
    for layer in DRAW_ORDER:
        if layer not in layers:
            continue
        g = _Group(LAYER_TITLES[layer], layer, show=layer in visible)
        mine = (layers[layer], known)
        payload = _memo(
            ("rows", layer, tuple(id(o) for o in mine)),
            mine,
            lambda layer=layer: js_json(layer_rows(layer, recs()[layer], known)),
        )
        g.add_child(_Call("claimLayer", payload, _overlay_json(g)))
        groups.append(g)
    return groups


_DAY_CALLS = ("placeData", "assessment", "claimLayer")  # what a day file carries


def group_calls(groups: list[folium.FeatureGroup]) -> list[tuple[str, tuple[str, ...]]]:
    """The date's drawing calls in the groups' scripts, in order: (name, payload JSON
    texts) for ``placeData``, ``assessment`` and ``claimLayer`` (not a place search's
    ``focusPlace``, which is not part of the date)."""
    out = []
    for group in groups:
        for child in group._children.values():
            if isinstance(child, _Call) and child.call in _DAY_CALLS:
                out.append((child.call, tuple(child.payloads)))
    return out


def calls_id(calls: list[tuple[str, tuple[str, ...]]]) -> str:
    """A digest of a date's drawing calls: the same calls, the same id (the live map's
    frame leaves a date it already shows as it is)."""
    digest = hashlib.sha1()
    for name, payloads in calls:
        digest.update(name.encode())
        for payload in payloads:
            digest.update(b"\0")
            digest.update(payload.encode())
        digest.update(b"\1")
    return digest.hexdigest()[:20]


def day_file_text(calls: list[tuple[str, tuple[str, ...]]], day: date) -> str:
    """A day's drawing calls as one JSON document ``{"id", "day", "calls": [[name,
    payload...], ...]}``, the file the live map's own date control fetches (the same
    payloads a rerun sends for that day, so the same drawing)."""
    parts = ",".join("[" + ",".join([js_json(name), *payloads]) + "]" for name, payloads in calls)
    head = js_json({"id": calls_id(calls), "day": day.isoformat()})
    return head[:-1] + ',"calls":[' + parts + "]}"


def day_group(info: dict) -> folium.FeatureGroup:
    """The live map's first group: the date shown (``id``, ``day``), the range its own
    date control offers (``first``, ``last``), where the day files are (``prefix``, or
    None when a change of date must go through the page) and the last of the frame's
    own date choices the server has seen (``ack``): see ``CM.dayFiles``."""
    group = _Group("", None, control=False)
    group.add_child(_Call("dayFiles", js_json(info)))
    return group


def prepare(layers: dict[str, gpd.GeoDataFrame], as_of: date, **kwargs) -> None:
    """Work out the per-date payloads :func:`feature_groups` sends for these layers and
    arguments, ahead of time (a background thread of the live map, for the dates the
    slider will meet): the next call with the same layers objects and arguments finds
    them ready. The rows they are made from are not kept (they are large); the
    payloads are, while the layers objects live."""
    feature_groups(layers, as_of, **kwargs)
    for gdf in layers.values():
        _MEMO.pop(("records", id(gdf)), None)


def _overlay_json(group: _Group) -> str:
    """How a group appears in the layer control: its key, title and whether it is on."""
    return js_json({"key": group.cm_key, "title": group.layer_name, "show": bool(group.show)})


# As providers, not URLs: folium looks a URL up among every xyzservices provider first,
# a few milliseconds on each rerun of the live page.
_LIGHT_PROVIDER = xyzservices.TileProvider(
    name="light",
    url=LIGHT_TILES,
    attribution=LIGHT_ATTRIBUTION,
    html_attribution=LIGHT_ATTRIBUTION,
    subdomains="abcd",
    max_zoom=19,
)
_OSM_PROVIDER = xyzservices.TileProvider(
    name="osm",
    url=OSM_TILES,
    attribution=OSM_ATTRIBUTION,
    html_attribution=OSM_ATTRIBUTION,
    max_zoom=19,
)


def base_map(
    *,
    center=None,
    zoom=None,
    assets: MapAssets = INLINE,
    with_assessment: bool = False,
    caption: str = "",
    outline: bool = True,
    share: bool = False,
) -> folium.Map:
    """The static part of the map: assets, tiles on offer, panes, outline, legend and an
    (empty) caption. Identical for every date, so the live page never rebuilds it. With
    linked ``assets`` the styles and the outline come with the script (it never changes),
    so that what is sent on every change of date stays small. With ``share`` the map has
    a "Copy link" button (the live page: the link is the page's URL with this view)."""
    m = folium.Map(
        location=list(center or DEFAULT_CENTER),
        zoom_start=zoom or DEFAULT_ZOOM,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        zoom_snap=ZOOM_SNAP,
        zoom_delta=0.5,
    )
    _add_assets(m, assets)
    bases = [
        _BlankBase("No tiles (offline outline)").add_to(m),
        folium.TileLayer(
            _LIGHT_PROVIDER, name="Light basemap (online)", show=False, overlay=False
        ).add_to(m),
        folium.TileLayer(
            _OSM_PROVIDER, name="OpenStreetMap (online)", show=False, overlay=False
        ).add_to(m),
    ]
    setup = _setup_json(caption, with_assessment, outline and assets.inline, share)
    _Setup(setup, bases).add_to(m)
    return m


@lru_cache(maxsize=64)
def _setup_json(caption: str, with_assessment: bool, outline: bool, share: bool = False) -> str:
    return js_json(
        {
            "panes": PANES,
            "hatch": styles.HATCH_COLOUR,
            "patterns": {
                f"cm-{kind.replace('_', '-')}": [
                    st["fill"],
                    st["fill_opacity"],
                    st["hatch"],
                    st["hatch_opacity"],
                ]
                for kind, st in styles.ASSESSMENT_STYLES.items()
                if st["hatch"]
            },  # fmt: skip
            "marker": styles.MARKER,
            "share": share,
            "caption": caption,
            "legend": legend_html(with_assessment=with_assessment),
            "outline": area_outline() if outline else None,
            "titles": {**LAYER_TITLES, ASSESSMENT: ASSESSMENT_TITLE},
            "claimants": CLAIMANT_NAMES,
            "order": list(LAYERS),
            "historyRows": HISTORY_ROWS,
        }
    )


def layers_bounds(layers: dict[str, gpd.GeoDataFrame]) -> list[list[float]] | None:
    """[[south, west], [north, east]] around every shape, or None when there is none."""
    frames = [gdf for gdf in layers.values() if len(gdf)]
    if not frames:
        return None
    x0, y0, x1, y1 = np.array([gdf.total_bounds for gdf in frames]).T
    return [[float(y0.min()), float(x0.min())], [float(y1.max()), float(x1.max())]]


def view_for(bounds, width: int = 900, height: int = 640, *, max_zoom: int = 11) -> tuple:
    """(center, zoom) that fits ``bounds`` ([[s, w], [n, e]]) in a map of this size
    (zoom in steps of :data:`ZOOM_SNAP`)."""
    if not bounds:
        return DEFAULT_CENTER, DEFAULT_ZOOM
    (s, w), (n, e) = bounds
    center = ((s + n) / 2, (w + e) / 2)

    def merc(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(e - w, 0.05) / 360
    span_y = max(merc(n) - merc(s), 0.0005) / (2 * math.pi)
    zoom = min(math.log2(width / 256 / span_x), math.log2(height / 256 / span_y))
    return center, max(3.0, min(float(max_zoom), math.floor(zoom / ZOOM_SNAP) * ZOOM_SNAP))


def build_map(
    layers: dict[str, gpd.GeoDataFrame],
    as_of: date,
    *,
    history: pd.DataFrame | None = None,
    visible: set[str] | None = None,
    overlay: AssessmentOverlay | None = None,
    center=None,
    zoom=None,
    assets: MapAssets = INLINE,
    bank: dict | None = None,
) -> folium.Map:
    """A complete map of the layers as of a date, self-contained by default.

    ``layers`` is what :meth:`Workspace.layers` returns; ``history`` the claims frame
    (``Workspace.index.frame``) for the popups' claim histories; ``visible`` the layers
    switched on (default: every claim layer; add ``"assessment"`` to show ``overlay``).
    Without ``center``/``zoom`` the view fits the shapes. The legend, the caption
    ("Claims as of DATE") and the list of sources are on the map itself. ``bank``: see
    :func:`feature_groups` (the HTML snapshot's dates share one).
    """
    if center is None or zoom is None:
        fit_center, fit_zoom = view_for(layers_bounds(layers))
        center = center or fit_center
        zoom = zoom or fit_zoom
    m = base_map(
        center=center,
        zoom=zoom,
        assets=assets,
        with_assessment=overlay is not None,
        caption=caption_text(as_of),
    )
    notes = [assessment_note(overlay, None)] if overlay is not None else []
    groups = feature_groups(
        layers, as_of, history=history, visible=visible, overlay=overlay, notes=notes, bank=bank
    )
    for g in groups:
        g.add_to(m)
    return m
