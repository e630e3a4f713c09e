"""Self-contained HTML snapshots: the live map in one file, with its own date slider.

The map is the live map's (:func:`conflictmap.mapview.build_map`: the same styles,
popups, legend, caption and sources) with Leaflet and every helper inlined, so the
file opens offline in any browser and loads nothing from the internet. On top of it a
timeline control (``static/timeline.js``) holds the map of every claim date as data;
moving its slider refills the map's own layer groups with that date's shapes, popups,
labels, caption and sources, so the recipient can scrub through time while the layer
control keeps working.

Everything from reports or users is escaped by mapview (popups and sources as escaped
HTML, labels as text) and the data is embedded with :func:`conflictmap.mapview.js_json`.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import folium
from branca.element import Element
from folium.template import Template

from . import mapview
from .control import LAYERS

STATIC_DIR = Path(__file__).resolve().parent / "static"
# At most this many dates in the slider (the latest ones, plus the snapshot's date):
# each date carries its own shapes and popups.
MAX_FRAMES = 240
TIMELINE_CSS = """
.cm-timeline { background: rgba(255,255,255,0.95); border: 1px solid #555; border-radius: 4px;
  padding: 5px 8px; font: 12px/1.35 "DejaVu Sans", Arial, sans-serif; min-width: 250px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.25); }
.cm-timeline-title { color: #444; }
.cm-timeline-date { font-weight: bold; font-size: 15px; }
.cm-timeline-row { display: flex; align-items: center; gap: 4px; margin: 3px 0; }
.cm-timeline-slider { flex: 1; }
.cm-timeline button { cursor: pointer; font-size: 12px; }
.cm-timeline-count { color: #555; font-size: 11px; display: inline-block; margin-right: 8px; }
"""


class _Timeline(folium.MacroElement):
    """The date slider: ``conflictmap.timeline(map, groups, data)``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        conflictmap.timeline({{ this._parent.get_name() }}, {
            data: {{ this.data_group }},
            layers: {
            {%- for key, name in this.layer_groups.items() %}
                {{ key|tojson }}: {{ name }},
            {%- endfor %}
            }
        }, {{ this.data }});
        {% endmacro %}
    """)

    def __init__(self, data_group: str, layer_groups: dict[str, str], data: dict):
        super().__init__()
        self._name = "Timeline"
        self.data_group = data_group
        self.layer_groups = layer_groups
        self.data = mapview.js_json(data)


def timeline_dates(claim_dates, as_of: date, limit: int = MAX_FRAMES) -> list[date]:
    """The slider's dates: the claim dates (the latest ``limit``) and the snapshot's own.

    >>> timeline_dates([date(2025, 1, 1), date(2025, 3, 1)], date(2025, 2, 1))
    [datetime.date(2025, 1, 1), datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)]
    """
    dates = sorted(set(claim_dates))[-limit:]
    return sorted(set(dates) | {as_of})


def frame_data(layers, day: date, history, visible: set[str]) -> dict:
    """What the map shows on one date, as the timeline script takes it.

    Built with mapview's own functions, so a date on the slider looks exactly like the
    live map of that date. (``_features`` and ``_place_labels`` are mapview's helpers
    for the per-date groups; they have no public name yet.)
    """
    out_layers = {}
    for key in LAYERS:
        if key in layers:
            data, labels = mapview._features(layers[key], key)
            out_layers[key] = {"data": data, "labels": labels}
    return {
        "date": day.isoformat(),
        "caption": mapview.caption_text(day),
        "sources": mapview.sources_html(mapview.sources_of(layers, visible)),
        "popups": {str(k): v for k, v in mapview.place_popups(layers, day, history).items()},
        "labels": mapview._place_labels(layers, visible),
        "layers": out_layers,
    }


def _groups(m: folium.Map) -> tuple[str, dict[str, str]]:
    """JS names of the map's per-date groups: the labels/popups group and each layer's."""
    data_group, layer_groups = None, {}
    for child in m._children.values():
        if not isinstance(child, folium.FeatureGroup):
            continue
        key = getattr(child, "cm_key", None)
        if key in LAYERS:
            layer_groups[key] = child.get_name()
        elif key is None and child.layer_name == mapview.LABELS_TITLE:
            data_group = child.get_name()
    if data_group is None:
        raise RuntimeError("the map has no place-data group to drive from the timeline")
    return data_group, layer_groups


def build_snapshot_map(snap) -> folium.Map:
    """The folium map of a snapshot, with the timeline control added."""
    ws = snap.workspace
    history = ws.index.frame if ws is not None else None
    visible = set(snap.visible)
    if snap.overlay is not None:
        visible.add(mapview.ASSESSMENT)
    center = (snap.view.lat, snap.view.lon) if snap.view is not None else None
    zoom = snap.view.zoom if snap.view is not None else None
    m = mapview.build_map(snap.all_layers, snap.as_of, history=history, visible=visible,
                          overlay=snap.overlay, center=center, zoom=zoom)
    title = f"Territorial-control claims as of {snap.as_of.isoformat()}"
    root = m.get_root()
    root.header.add_child(Element(f"<title>{html.escape(title)}</title>"), name="cm_title")
    root.header.add_child(Element(
        f'<meta name="description" content="{html.escape(snap.caption(), quote=True)}">'),
        name="cm_description")
    if ws is None:
        return m
    dates = timeline_dates(ws.claim_dates(), snap.as_of)
    frames = []
    for day in dates:
        layers = snap.all_layers if day == snap.as_of else ws.layers(day)
        frames.append(frame_data(layers, day, history, set(snap.visible)))
    script = (STATIC_DIR / "timeline.js").read_text()
    if "</script" in script.lower():
        raise ValueError("timeline.js contains '</script'")
    root.header.add_child(Element(f"<style>{TIMELINE_CSS}</style>\n<script>{script}</script>"),
                          name="cm_timeline_assets")
    data_group, layer_groups = _groups(m)
    _Timeline(data_group, layer_groups, {
        "snapshot_date": snap.as_of.isoformat(),
        "dates": [d.isoformat() for d in dates],
        "start": dates.index(snap.as_of),
        "frames": frames,
    }).add_to(m)
    return m


def to_html(snap) -> bytes:
    """The snapshot as one self-contained HTML page (UTF-8)."""
    page = build_snapshot_map(snap).get_root().render()
    return page.encode("utf-8")
