"""Folium maps of the control layers: styles, popups, labels, legend, caption, assets.

One implementation serves two uses:

- :func:`build_map` gives a complete, self-contained :class:`folium.Map` (Leaflet and
  our helpers inlined, nothing fetched from a CDN): the snapshot export and scripts;
- the live Streamlit page builds the static part once with :func:`base_map` (assets as
  links served locally, see ``ui/assets.py``) and replaces only the per-date part,
  :func:`feature_groups` + :func:`layer_control`, when the date or the layers change,
  so the map is never rebuilt.

Everything from reports or users is escaped: popups and the sources list are HTML
built here with :func:`html.escape`; labels and tooltips are set as text in the browser
(``static/conflictmap.js``); JSON put inside ``<script>`` escapes ``<``, ``>`` and ``&``.

Without tiles (offline, the default) the map shows an outline of the area derived from
the gazetteer (:func:`area_outline`), oblast and city names, and the claims; a light
basemap and OpenStreetMap are offered in the layer control for when tiles are reachable.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element
from folium.map import Layer
from folium.template import Template

from . import styles
from .control import LAYER_TITLES, LAYERS, describe_row
from .overlay import AssessmentOverlay
from .places import Gazetteer

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Drawing order, bottom to top: contested is hatched on top of the claims it joins.
DRAW_ORDER = ("agreed", "other", "ru", "ua", "contested")
ASSESSMENT = "assessment"
ASSESSMENT_TITLE = "Independent assessment"
LABELS_TITLE = "Place names"
PANES = {"cm-outline": 350, "cm-assessment": 390,
         **{f"cm-{layer}": 400 + 10 * i for i, layer in enumerate(DRAW_ORDER)}}
CLAIMANT_NAMES = {"RU": "Russia", "UA": "Ukraine", "OTHER": "Third party"}
DEFAULT_CENTER = (48.6, 37.6)
DEFAULT_ZOOM = 8
HISTORY_ROWS = 25          # claims listed in a popup, newest first
COORD_DIGITS = 5           # about 1 m
LIGHT_TILES = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png"
LIGHT_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                     'contributors &copy; <a href="https://carto.com/attributions">CARTO</a>')
ASSESSMENT_KINDS = {"occupied": "occupied", "grey_zone": "grey zone", "liberated": "liberated"}


# -- assets --------------------------------------------------------------------------
def leaflet_dir() -> Path:
    """The folder holding leaflet.js and leaflet.css (from the xstatic-leaflet package)."""
    import xstatic.pkg.leaflet as xleaflet

    return Path(xleaflet.BASE_DIR)


@dataclass(frozen=True)
class MapAssets:
    """Where the browser gets Leaflet and our helpers: URLs, or ``None`` to inline them.

    ``leaflet`` is the URL of the folder holding leaflet.js/leaflet.css, ``static`` the
    URL of ``conflictmap/static``. With both ``None`` the files are inlined in the page,
    which is then self-contained.
    """

    leaflet: str | None = None
    static: str | None = None

    @property
    def inline(self) -> bool:
        """True when the files are inlined rather than linked."""
        return self.leaflet is None or self.static is None


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


@lru_cache(maxsize=1)
def _inline_assets() -> tuple[str, str]:
    """(head HTML with every script and style inlined, its CSS-only part)."""
    leaflet_js = (leaflet_dir() / "leaflet.js").read_text()
    ours_js = (STATIC_DIR / "conflictmap.js").read_text()
    css = _leaflet_css_inlined() + "\n" + (STATIC_DIR / "conflictmap.css").read_text()
    for text in (leaflet_js, ours_js):
        if "</script" in text.lower():
            raise ValueError("an inlined script contains '</script'")
    head = f"<style>{css}</style>\n<script>{leaflet_js}</script>\n<script>{ours_js}</script>"
    return head, css


def _add_assets(m: folium.Map, assets: MapAssets) -> None:
    if assets.inline:
        m.default_js, m.default_css = [], []
        m.get_root().header.add_child(Element(_inline_assets()[0]), name="conflictmap_assets")
    else:
        m.default_js = [("leaflet", f"{assets.leaflet}/leaflet.js"),
                        ("conflictmap_js", f"{assets.static}/conflictmap.js")]
        m.default_css = [("leaflet_css", f"{assets.leaflet}/leaflet.css"),
                         ("conflictmap_css", f"{assets.static}/conflictmap.css")]


# -- small helpers ------------------------------------------------------------------
def js_json(value) -> str:
    """JSON safe to put inside a ``<script>`` element (no ``<``, ``>`` or ``&``).

    >>> js_json({"note": "</script><b>"})
    '{"note": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=True, allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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


def safe_link(url, text) -> str:
    """An escaped link when ``url`` is http(s), else the escaped text alone.

    >>> safe_link("javascript:alert(1)", "x")
    'x'
    >>> safe_link("https://example.org/?a=1&b=2", "<b>")
    '<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">&lt;b&gt;</a>'
    """
    url, label = _text(url).strip(), _text(text) or _text(url)
    if re.match(r"https?://", url, flags=re.IGNORECASE):
        return (f'<a href="{html.escape(url, quote=True)}" target="_blank" '
                f'rel="noopener noreferrer">{html.escape(label, quote=True)}</a>')
    return html.escape(label, quote=True)


def _is_partial(row) -> bool:
    part, fraction = row.get("part"), row.get("fraction")
    return (row.get("extent") == "partial" or (isinstance(part, str) and bool(part))
            or (fraction is not None and not pd.isna(fraction)))


def feature_style(layer: str, row) -> dict:
    """Leaflet path options for one claim shape of a layer.

    Fill says who holds it (by controller); the outline says whose claim it is (by
    layer); a partial claim has a dashed outline and a lighter fill; contested is
    hatched with a heavy dashed black outline.
    """
    if layer == "contested":
        return {"color": styles.LAYER_COLOURS["contested"], "weight": 3.5, "opacity": 1,
                "dashArray": styles.LAYER_DASH["contested"], "fillColor": "url(#cm-hatch)",
                "fillOpacity": 1}
    partial = _is_partial(row)
    style = {"color": styles.LAYER_COLOURS[layer], "opacity": 1,
             "weight": styles.LAYER_WEIGHT[layer] + (0.5 if partial else 0),
             "fillColor": styles.fill_colour(row.get("controller")),
             "fillOpacity": 0.45 if partial else 0.6}
    dash = styles.PARTIAL_DASH if partial else styles.LAYER_DASH[layer]
    if dash:
        style["dashArray"] = dash
    return style


def _geojson_geometry(geom) -> dict | None:
    if geom is None or geom.is_empty:
        return None
    geom = shapely.set_precision(geom, 10 ** -COORD_DIGITS)
    return json.loads(shapely.to_geojson(geom))


def _latlon(row) -> tuple[float, float] | None:
    lat, lon = row.get("lat"), row.get("lon")
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return None
    return round(float(lat), COORD_DIGITS), round(float(lon), COORD_DIGITS)


# -- popups ------------------------------------------------------------------------
def _share(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{round(float(value) * 100)}%"


def _current_rows(layers: dict[str, gpd.GeoDataFrame], place_id: int) -> list[tuple[str, dict]]:
    out = []
    for layer in LAYERS:
        gdf = layers.get(layer)
        if gdf is None or not len(gdf):
            continue
        hit = gdf[gdf["place_id"] == place_id]
        for _, row in hit.iterrows():
            out.append((layer, row))
    return out


def _claim_line(layer: str, row) -> str:
    what = _text(row.get("summary")) or describe_row(row)
    who = _text(row.get("claimant_org"))
    cells = [f"<td><b>{_esc(LAYER_TITLES[layer])}</b></td>",
             f"<td>{_esc(what)}"
             + (f"<br><span class='cm-sub'>{_esc(row.get('claim_date'))}"
                + (f", {_esc(who)}" if who and layer in ('ru', 'ua', 'other') else "")
                + "</span>" if layer in ("ru", "ua", "other") else "")]
    extra = []
    if "occupied_share" in row and _share(row.get("occupied_share")):
        extra.append(f"assessment: {_share(row.get('occupied_share'))} occupied")
    if "grey_share" in row and _share(row.get("grey_share")):
        extra.append(f"{_share(row.get('grey_share'))} grey zone")
    if "verdict" in row and _text(row.get("verdict")):
        extra.append(f"verdict: {_text(row.get('verdict'))}")
    if extra:
        cells[-1] += f"<br><span class='cm-sub'>{_esc('; '.join(extra))}</span>"
    cells[-1] += "</td>"
    return "<tr>" + "".join(cells) + "</tr>"


def _history_rows(hist: pd.DataFrame) -> str:
    rows = []
    newest = hist.iloc[::-1]
    for _, c in newest.head(HISTORY_ROWS).iterrows():
        who = CLAIMANT_NAMES.get(_text(c.get("claimant")), _text(c.get("claimant")))
        org = _text(c.get("claimant_org"))
        source = safe_link(c.get("source_url"),
                           _text(c.get("source_publisher")) or _text(c.get("source_title"))
                           or "source")
        title = _text(c.get("source_title"))
        note = _text(c.get("note"))
        rows.append(
            f"<tr><td>{_esc(c.get('claim_date'))}</td>"
            f"<td>{_esc(who)}{'<br><span class=cm-sub>' + _esc(org) + '</span>' if org else ''}</td>"
            f"<td>{_esc(describe_row(c))}"
            f"{'<br><span class=cm-sub>' + _esc(note) + '</span>' if note else ''}</td>"
            f"<td>{source}{'<br><span class=cm-sub>' + _esc(title) + '</span>' if title else ''}</td>"
            "</tr>")
    more = len(hist) - HISTORY_ROWS
    if more > 0:
        rows.append(f"<tr><td colspan='4' class='cm-sub'>and {more} earlier claims</td></tr>")
    return "".join(rows)


def popup_html(place: str, oblast: str, current: list[tuple[str, dict]],
               history: pd.DataFrame | None, as_of: date) -> str:
    """The popup of one place: what each layer shows as of the date, then its claim
    history up to the date (newest first) with sources. Every value is escaped."""
    parts = [f"<div class='cm-pop'><h4>{_esc(place)}"
             f"{' <span class=cm-sub>' + _esc(oblast) + ' oblast</span>' if oblast else ''}</h4>",
             f"<div class='cm-sub'>As of {as_of.isoformat()}</div>"]
    if current:
        parts.append("<table class='cm-now'>"
                     + "".join(_claim_line(layer, row) for layer, row in current) + "</table>")
    if history is not None and len(history):
        parts.append("<h5>Claims up to this date</h5><table class='cm-hist'>"
                     "<tr><th>Date</th><th>Claimant</th><th>Claim</th><th>Source</th></tr>"
                     + _history_rows(history) + "</table>")
    parts.append("</div>")
    return "".join(parts)


def _history_by_place(history: pd.DataFrame | None, as_of: date) -> dict[int, pd.DataFrame]:
    if history is None or not len(history):
        return {}
    dates = pd.to_datetime(history["claim_date"]).dt.date
    hist = history[dates <= as_of].assign(claim_date=dates[dates <= as_of])
    hist = hist.sort_values(["claim_date", "claimant"], kind="stable")
    return {int(pid): grp for pid, grp in hist.groupby("place_id", sort=False)}


def place_popups(layers: dict[str, gpd.GeoDataFrame], as_of: date,
                 history: pd.DataFrame | None = None) -> dict[int, str]:
    """Popup HTML for every place in the layers, keyed by place id."""
    by_place = _history_by_place(history, as_of)
    places: dict[int, tuple[str, str]] = {}
    for gdf in layers.values():
        if len(gdf):
            for pid, name, oblast in zip(gdf["place_id"], gdf["place"], gdf["oblast"]):
                places.setdefault(int(pid), (_text(name), _text(oblast)))
    return {pid: popup_html(name, oblast, _current_rows(layers, pid), by_place.get(pid), as_of)
            for pid, (name, oblast) in places.items()}


# -- sources and caption -----------------------------------------------------------
def caption_text(as_of: date) -> str:
    """The caption shown on the map: 'Claims as of 2025-12-02 (Tue 2 Dec 2025)'."""
    return f"Claims as of {as_of.isoformat()} ({as_of.strftime('%a')} {as_of.day} {as_of.strftime('%b %Y')})"


def sources_of(layers: dict[str, gpd.GeoDataFrame], visible: set[str]) -> list[dict]:
    """The distinct sources behind the visible layers (publisher, title, url)."""
    shown = {layer for layer in layers if layer in visible}
    pair_places = set()
    for layer in ("contested", "agreed"):
        if layer in shown and len(layers[layer]):
            pair_places |= set(layers[layer]["place_id"].astype(int))
    seen, out = set(), []
    for layer in ("ru", "ua", "other"):
        gdf = layers.get(layer)
        if gdf is None or not len(gdf):
            continue
        for _, row in gdf.iterrows():
            if layer not in shown and not (layer != "other" and int(row["place_id"]) in pair_places):
                continue
            key = (_text(row.get("source_publisher")), _text(row.get("source_title")),
                   _text(row.get("source_url")))
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
        for s in sources)
    return f"<details><summary>Sources ({len(sources)})</summary><ol>{items}</ol></details>"


# -- legend --------------------------------------------------------------------------
def _swatch(style: dict) -> str:
    dash = f" stroke-dasharray='{style['dashArray']}'" if style.get("dashArray") else ""
    return (f"<svg width='28' height='14'><rect x='2' y='2' width='24' height='10' "
            f"fill='{style['fillColor']}' fill-opacity='{style['fillOpacity']}' "
            f"stroke='{style['color']}' stroke-width='{min(style['weight'], 3)}'{dash}/></svg>")


def legend_html(*, with_assessment: bool = False) -> str:
    """The legend: one line per layer, full vs partial, fractions, fills, assessment."""
    samples = {"ru": {"controller": "RU"}, "ua": {"controller": "UA"},
               "other": {"controller": "UA"}, "contested": {}, "agreed": {"controller": "RU"}}
    lines = ["<details open><summary>Legend</summary><b>Layers</b>"]
    for layer in LAYERS:
        lines.append(f"{_swatch(feature_style(layer, samples[layer]))}"
                     f"{_esc(LAYER_TITLES[layer])}<br>")
    partial = feature_style("ru", {"controller": "RU", "extent": "partial"})
    lines += [
        "<b>Claims</b>",
        f"{_swatch(feature_style('ru', {'controller': 'RU'}))}full (solid outline)<br>",
        f"{_swatch(partial)}partial: the claimed part (dashed)<br>",
        "<span class='cm-fraction'><span style='transform:none'>RU 95%</span></span> "
        "share claimed, when only that is known<br>",
        "<span class='cm-note'>Fill: who holds it — "
        f"<span style='color:{styles.CONTROLLER_COLOURS['RU']}'>&#9632;</span> Russia "
        f"<span style='color:{styles.CONTROLLER_COLOURS['UA']}'>&#9632;</span> Ukraine "
        f"<span style='color:{styles.CONTROLLER_COLOURS['CONTESTED']}'>&#9632;</span> contested"
        "</span><br>",
    ]
    if with_assessment:
        lines.append("<b>Independent assessment</b>")
        for kind, label in (("occupied", "occupied"), ("grey_zone", "grey zone")):
            lines.append(_swatch({"fillColor": styles.ASSESSMENT_COLOURS[kind],
                                  "fillOpacity": 0.5, "color": "#555", "weight": 1})
                         + f"{label}<br>")
    lines.append("<span class='cm-note'>Footprints are approximate. Click a place for its "
                 "claims and sources.</span></details>")
    return "".join(lines)


# -- the outline of the area (offline backdrop) --------------------------------------
OUTLINE_COUNTRIES = {"UA": None, "RU": {"Belgorod", "Kursk", "Bryansk", "Rostov", "Voronezh",
                                        "Voronezh region"}}
SKIP_OBLASTS = {"Kyiv City", "Sevastopol"}


@lru_cache(maxsize=4)
def area_outline(gazetteer: Gazetteer | None = None, city_population: int = 200_000) -> dict:
    """An approximate outline of Ukraine's oblasts (and the Russian border oblasts)
    derived offline from the gazetteer: each oblast is the concave hull of its places,
    slightly buffered. For orientation only, never to be read as borders.

    Returns ``{"areas": FeatureCollection, "labels": [{lat, lon, text, cls}]}``.
    """
    gaz = gazetteer or Gazetteer.load()
    groups: dict[tuple[str, str], list[tuple[float, float]]] = {}
    cities = []
    for p in gaz:
        if p.country not in OUTLINE_COUNTRIES or p.oblast in SKIP_OBLASTS:
            continue
        allowed = OUTLINE_COUNTRIES[p.country]
        if allowed is not None and p.oblast not in allowed:
            continue
        groups.setdefault((p.country, p.oblast), []).append((p.lon, p.lat))
        if p.country == "UA" and p.population >= city_population:
            cities.append(p)
    features, labels = [], []
    for (country, oblast), pts in sorted(groups.items()):
        if len(pts) < 4:
            continue
        hull = shapely.concave_hull(shapely.MultiPoint(pts), ratio=0.35)
        shape = shapely.simplify(shapely.buffer(hull, 0.06, quad_segs=4), 0.02)
        style = {"color": "#9aa3ad", "weight": 1, "opacity": 0.9, "fillColor": "#ffffff",
                 "fillOpacity": 0.85 if country == "UA" else 0.45, "interactive": False}
        features.append({"type": "Feature", "properties": {"style": style},
                         "geometry": _geojson_geometry(shapely.set_precision(shape, 0.001))})
        if country == "UA":
            pt = shape.representative_point()
            labels.append({"lat": round(pt.y, 3), "lon": round(pt.x, 3),
                           "text": oblast.upper(), "cls": "cm-oblast"})
    for p in sorted(cities, key=lambda p: -p.population):
        labels.append({"lat": round(p.lat, 3), "lon": round(p.lon, 3), "text": p.name,
                       "cls": "cm-city"})
    return {"areas": {"type": "FeatureCollection", "features": features}, "labels": labels}


# -- elements --------------------------------------------------------------------------
class _Setup(folium.MacroElement):
    """Panes, hatch pattern, caption, legend and outline: the static part of a map."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        conflictmap.setup({{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
    """)

    def __init__(self, config: dict):
        super().__init__()
        self._name = "ConflictmapSetup"
        self.config = js_json(config)


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


class _PlaceData(folium.MacroElement):
    """Per-date data: popups, caption, sources, and the place labels (into its group)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        conflictmap.placeData({{ this._parent.get_name() }}, {{ this.data }});
        {% endmacro %}
    """)

    def __init__(self, data: dict):
        super().__init__()
        self._name = "PlaceData"
        self.data = js_json(data)


class _ClaimLayer(folium.MacroElement):
    """The shapes of one layer as one L.geoJson, with its fraction labels."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        conflictmap.claimLayer({{ this._parent.get_name() }}, {{ this.data }}, {{ this.pane }}, {{ this.labels }});
        {% endmacro %}
    """)

    def __init__(self, data: dict, pane: str, labels: list[dict]):
        super().__init__()
        self._name = "ClaimLayer"
        self.data = js_json(data)
        self.pane = js_json(pane)
        self.labels = js_json(labels)


class _AssessmentLayer(folium.MacroElement):
    """The independent assessment's areas."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        conflictmap.assessment({{ this._parent.get_name() }}, {{ this.data }}, "cm-assessment");
        {% endmacro %}
    """)

    def __init__(self, data_json: str):
        super().__init__()
        self._name = "AssessmentLayer"
        self.data = data_json


class SyncedLayerControl(folium.LayerControl):
    """A layer control that hides the overlays switched off and reports the user's
    switching back to streamlit-folium (``selected_layers``), so the sidebar follows."""

    _template = Template("""
        {% macro script(this,kwargs) %}
            var {{ this.get_name() }}_layers = {
                base_layers : {
                    {%- for key, val in this.base_layers.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
                overlays :  {
                    {%- for key, val in this.overlays.items() %}
                    {{ key|tojson }} : {{val}},
                    {%- endfor %}
                },
            };
            let {{ this.get_name() }} = L.control.layers(
                {{ this.get_name() }}_layers.base_layers,
                {{ this.get_name() }}_layers.overlays,
                {{ this.options|tojavascript }}
            ).addTo({{this._parent.get_name()}});
            conflictmap.syncControl({{ this._parent.get_name() }}, {{ this.get_name() }},
                {{ this.get_name() }}_layers.overlays, {{ this.hidden }}, {{ this.keys }});
        {% endmacro %}
    """)

    def __init__(self, keys: dict[str, str], hidden: list[str], **kwargs):
        kwargs.setdefault("collapsed", False)
        super().__init__(**kwargs)
        self._name = "LayerControl"
        self.keys = js_json(keys)
        self.hidden = js_json(sorted(hidden))


# -- building ----------------------------------------------------------------------
def _features(gdf: gpd.GeoDataFrame, layer: str) -> tuple[dict, list[dict]]:
    features, labels = [], []
    if len(gdf):
        title = LAYER_TITLES[layer]
        for row, geom in zip(gdf.drop(columns=gdf.geometry.name).to_dict("records"),
                             gdf.geometry):
            geometry = _geojson_geometry(geom)
            if geometry is None:
                continue
            what = _text(row.get("summary")) or describe_row(row)
            features.append({"type": "Feature", "geometry": geometry, "properties": {
                "pid": int(row["place_id"]), "style": feature_style(layer, row),
                "tip": f"{_text(row.get('place'))} — {title}: {what}"}})
            fraction = row.get("fraction")
            part = row.get("part")
            latlon = _latlon(row)
            if latlon and layer in ("ru", "ua", "other") and not (isinstance(part, str) and part) \
                    and _is_partial(row):
                share = _share(fraction) if fraction is not None and not pd.isna(fraction) \
                    else "part"
                labels.append({"lat": latlon[0], "lon": latlon[1], "cls": "cm-fraction",
                               "text": f"{_text(row.get('controller'))} {share}"})
    return {"type": "FeatureCollection", "features": features}, labels


def _place_labels(layers: dict[str, gpd.GeoDataFrame], visible: set[str]) -> list[dict]:
    seen, out = set(), []
    for layer in DRAW_ORDER:
        gdf = layers.get(layer)
        if layer not in visible or gdf is None or not len(gdf):
            continue
        for pid, name, lat, lon in zip(gdf["place_id"], gdf["place"], gdf["lat"], gdf["lon"]):
            if int(pid) in seen or pd.isna(lat) or pd.isna(lon):
                continue
            seen.add(int(pid))
            out.append({"lat": round(float(lat), COORD_DIGITS),
                        "lon": round(float(lon), COORD_DIGITS), "text": _text(name)})
    return out


@lru_cache(maxsize=8)
def _assessment_json(key: tuple, overlay: AssessmentOverlay) -> str:
    features = []
    for kind, geom in sorted(overlay.shapes.items()):
        if geom is None or geom.is_empty:
            continue
        shape = shapely.simplify(geom, 0.0005)
        label = ASSESSMENT_KINDS.get(kind, kind)
        features.append({"type": "Feature", "geometry": _geojson_geometry(shape), "properties": {
            "style": {"color": "#555555", "weight": 0.8, "opacity": 0.8,
                      "fillColor": styles.ASSESSMENT_COLOURS.get(kind, "#999999"),
                      "fillOpacity": 0.45, "interactive": True},
            "tip": f"{overlay.source}: {label}, assessed {overlay.assessed_on.isoformat()}"}})
    return js_json({"type": "FeatureCollection", "features": features})


def assessment_title(overlay: AssessmentOverlay) -> str:
    """The assessment overlay's name in the layer control, with its own date."""
    return f"{ASSESSMENT_TITLE} ({overlay.source}, {overlay.assessed_on.isoformat()})"


def layer_keys(groups: list[folium.FeatureGroup]) -> dict[str, str]:
    """Layer-control name -> layer key (ru, ua, ..., assessment) of the groups."""
    return {g.layer_name: g.cm_key for g in groups if getattr(g, "cm_key", None)}


def feature_groups(layers: dict[str, gpd.GeoDataFrame], as_of: date, *,
                   history: pd.DataFrame | None = None, visible: set[str] | None = None,
                   overlay: AssessmentOverlay | None = None) -> list[folium.FeatureGroup]:
    """The per-date part of the map, as folium FeatureGroups, bottom to top.

    First an always-on group carrying the place labels, the popups, the caption and the
    sources; then the assessment overlay (when given, off unless ``"assessment"`` is in
    ``visible``); then one group per claim layer in :data:`DRAW_ORDER`. Each group has a
    ``cm_key`` attribute (its layer key) and ``show`` set from ``visible``.
    """
    visible = set(LAYERS) if visible is None else set(visible)
    data_group = folium.FeatureGroup(name=LABELS_TITLE, control=False, show=True)
    data_group.cm_key = None
    popups = place_popups(layers, as_of, history)
    data_group.add_child(_PlaceData({
        "popups": {str(k): v for k, v in popups.items()},
        "caption": caption_text(as_of),
        "sources": sources_html(sources_of(layers, visible)),
        "labels": _place_labels(layers, visible),
    }))
    groups = [data_group]
    if overlay is not None:
        g = folium.FeatureGroup(name=assessment_title(overlay), show=ASSESSMENT in visible)
        g.cm_key = ASSESSMENT
        from .assessment import overlay_key

        g.add_child(_AssessmentLayer(_assessment_json(overlay_key(overlay), overlay)))
        groups.append(g)
    for layer in DRAW_ORDER:
        if layer not in layers:
            continue
        data, labels = _features(layers[layer], layer)
        g = folium.FeatureGroup(name=LAYER_TITLES[layer], show=layer in visible)
        g.cm_key = layer
        g.add_child(_ClaimLayer(data, f"cm-{layer}", labels))
        groups.append(g)
    return groups


def layer_control(groups: list[folium.FeatureGroup]) -> SyncedLayerControl:
    """The layer control for these groups (hidden ones switched off)."""
    hidden = [g.cm_key for g in groups if getattr(g, "cm_key", None) and not g.show]
    return SyncedLayerControl(layer_keys(groups), hidden, position="topright")


def base_map(*, center=None, zoom=None, assets: MapAssets = INLINE,
             with_assessment: bool = False, caption: str = "",
             outline: bool = True) -> folium.Map:
    """The static part of the map: assets, tiles on offer, panes, outline, legend and an
    (empty) caption. Identical for every date, so the live page never rebuilds it."""
    m = folium.Map(location=list(center or DEFAULT_CENTER), zoom_start=zoom or DEFAULT_ZOOM,
                   tiles=None, control_scale=True, prefer_canvas=False)
    _add_assets(m, assets)
    _BlankBase("No basemap (offline outline)").add_to(m)
    folium.TileLayer(LIGHT_TILES, attr=LIGHT_ATTRIBUTION, name="Light basemap (CARTO, online)",
                     show=False, overlay=False, subdomains="abcd", max_zoom=19).add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", show=False,
                     overlay=False).add_to(m)
    _Setup({"panes": PANES, "hatch": styles.HATCH_COLOUR, "caption": caption,
            "legend": legend_html(with_assessment=with_assessment),
            "outline": area_outline() if outline else None}).add_to(m)
    return m


def layers_bounds(layers: dict[str, gpd.GeoDataFrame]) -> list[list[float]] | None:
    """[[south, west], [north, east]] around every shape, or None when there is none."""
    frames = [gdf for gdf in layers.values() if len(gdf)]
    if not frames:
        return None
    x0, y0, x1, y1 = np.array([gdf.total_bounds for gdf in frames]).T
    return [[float(y0.min()), float(x0.min())], [float(y1.max()), float(x1.max())]]


def view_for(bounds, width: int = 900, height: int = 640, *, max_zoom: int = 11) -> tuple:
    """(center, zoom) that fits ``bounds`` ([[s, w], [n, e]]) in a map of this size."""
    if not bounds:
        return DEFAULT_CENTER, DEFAULT_ZOOM
    (s, w), (n, e) = bounds
    center = ((s + n) / 2, (w + e) / 2)

    def merc(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(e - w, 0.05) / 360
    span_y = max(merc(n) - merc(s), 0.0005) / (2 * math.pi)
    zoom = min(math.log2(width / 256 / span_x), math.log2(height / 256 / span_y))
    return center, int(max(3, min(max_zoom, math.floor(zoom * 2) / 2 - 0.5)))


def build_map(layers: dict[str, gpd.GeoDataFrame], as_of: date, *,
              history: pd.DataFrame | None = None, visible: set[str] | None = None,
              overlay: AssessmentOverlay | None = None, center=None, zoom=None,
              assets: MapAssets = INLINE) -> folium.Map:
    """A complete map of the layers as of a date, self-contained by default.

    ``layers`` is what :meth:`Workspace.layers` returns; ``history`` the claims frame
    (``Workspace.index.frame``) for the popups' claim histories; ``visible`` the layers
    switched on (default: every claim layer; add ``"assessment"`` to show ``overlay``).
    Without ``center``/``zoom`` the view fits the shapes. The legend, the caption
    ("Claims as of DATE") and the list of sources are on the map itself.
    """
    if center is None or zoom is None:
        fit_center, fit_zoom = view_for(layers_bounds(layers))
        center = center or fit_center
        zoom = zoom or fit_zoom
    m = base_map(center=center, zoom=zoom, assets=assets, with_assessment=overlay is not None,
                 caption=caption_text(as_of))
    groups = feature_groups(layers, as_of, history=history, visible=visible, overlay=overlay)
    for g in groups:
        g.add_to(m)
    layer_control(groups).add_to(m)
    return m
