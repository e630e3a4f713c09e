"""Self-contained HTML snapshots: the live map in one file, with its own date slider.

The map is the live map's (:func:`conflictmap.render.mapview.build_map`: the same styles,
popups, legend, caption and sources) with Leaflet and every helper inlined, so the
file opens offline in any browser and loads nothing from the internet. On top of it a
timeline control (``static/timeline.js``) holds the map of every claim date, each made
by :func:`conflictmap.render.mapview.feature_groups` as for the live map and rendered as one
JavaScript function; moving the slider empties the map's own layer groups and runs
that date's function, so the recipient can scrub through time while the layer control
keeps working.

Everything from reports or users is escaped by mapview (popups and sources as escaped
HTML, labels as text, data embedded with :func:`conflictmap.render.mapview.js_json`).
"""

from __future__ import annotations

import html
from datetime import date

import folium
from folium.template import Template

from ..ledger import LAYERS
from ..paths import STATIC
from . import mapview
from .mapview import RawText

STATIC_DIR = STATIC
# At most this many dates in the slider (the latest ones, plus the snapshot's date),
# and at most FRAME_ROWS shapes drawn over all of them together (each date lists the
# shapes it draws; the shapes, places and claims themselves are in the file once): on
# a big ledger the slider holds the dates nearest the snapshot's that fit.
MAX_FRAMES = 240
FRAME_ROWS = 60_000
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
    """The date slider: ``conflictmap.timeline(map, groups, timeline)``.

    ``frames`` are JavaScript functions, one per date, that refill the map's groups;
    ``claim_dates`` how many dates the ledger has (with the snapshot's): the slider
    says so when it holds fewer.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        conflictmap.timeline({{ this._parent.get_name() }}, {
            data: {{ this.data_group }},
            layers: {
            {%- for key, name in this.layer_groups.items() %}
                {{ key|tojson }}: {{ name }},
            {%- endfor %}
            }
        }, {
            snapshot_date: {{ this.snapshot_date }},
            claim_dates: {{ this.claim_dates }},
            dates: {{ this.dates }},
            start: {{ this.start }},
            frames: [
            {%- for frame in this.frames %}
            {{ frame }},
            {%- endfor %}
            ]
        });
        {% endmacro %}
    """)

    def __init__(
        self,
        data_group: str,
        layer_groups: dict[str, str],
        dates: list[date],
        start: int,
        frames: list[str],
        snapshot_date: date,
        claim_dates: int,
    ):
        super().__init__()
        self.claim_dates = int(claim_dates)
        self._name = "Timeline"
        self.data_group = data_group
        self.layer_groups = layer_groups
        self.dates = mapview.js_json([d.isoformat() for d in dates])
        self.start = int(start)
        self.frames = frames
        self.snapshot_date = mapview.js_json(snapshot_date.isoformat())


def timeline_dates(claim_dates, as_of: date, limit: int = MAX_FRAMES) -> list[date]:
    """The slider's dates: the claim dates (the latest ``limit``) and the snapshot's own.

    >>> timeline_dates([date(2025, 1, 1), date(2025, 3, 1)], date(2025, 2, 1))
    [datetime.date(2025, 1, 1), datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)]
    """
    dates = sorted(set(claim_dates))[-limit:]
    return sorted(set(dates) | {as_of})


DATA_KEY = "__data__"


def _group_key(group) -> str | None:
    """The key of one of mapview's per-date groups: a layer, or DATA_KEY for the group
    with the place labels, popups, caption and sources."""
    key = getattr(group, "cm_key", None)
    if key in LAYERS:
        return key
    if key is None and getattr(group, "layer_name", None) == mapview.LABELS_TITLE:
        return DATA_KEY
    return None


def frame_dates(dates: list[date], as_of: date, rows, budget: int = FRAME_ROWS) -> list[date]:
    """The timeline's dates: the snapshot's own, then the others nearest it (earlier
    first on a tie) while the shapes they draw (``rows(day)``) fit in ``budget``.

    >>> days = [date(2025, 1, d) for d in (1, 2, 3, 4)]
    >>> frame_dates(days, date(2025, 1, 3), lambda d: 10, budget=30)
    [datetime.date(2025, 1, 2), datetime.date(2025, 1, 3), datetime.date(2025, 1, 4)]
    """
    kept, used = [as_of], rows(as_of)
    for day in sorted((d for d in dates if d != as_of), key=lambda d: (abs(d - as_of), d)):
        n = rows(day)
        if used + n > budget:
            break
        kept.append(day)
        used += n
    return sorted(kept)


def _row_count(layers) -> int:
    return sum(len(g) for g in layers.values() if g is not None)


def frame_script(layers, day: date, history, visible: set[str], targets: dict, known=None) -> str:
    """A JavaScript function that draws one date's map into the map's existing groups.

    The date's groups come from :func:`conflictmap.render.mapview.feature_groups`, exactly as
    the live map gets them; their elements' scripts are rendered against the groups
    already on the page (``targets``: key -> FeatureGroup) instead of new ones.
    ``known``: the shape keys of the bank the page already holds (None: the date brings
    its own bank).
    """
    parts = []
    groups = mapview.feature_groups(layers, day, history=history, visible=visible, known=known)
    for group in groups:
        target = targets.get(_group_key(group))
        if target is None:
            continue
        for child in list(group._children.values()):
            child._parent = target
            if hasattr(child, "script_text"):  # mapview's elements build their own script
                parts.append(child.script_text())
                continue
            script = child._template.module.__dict__.get("script")
            if script is not None:
                parts.append(script(child, {}))
    body = "\n".join(parts)
    if "</script" in body.lower():
        raise ValueError("a timeline frame contains '</script'")
    return "function () {\n" + body + "\n}"


def _targets(m: folium.Map) -> dict:
    """The map's per-date groups by key (each layer, and DATA_KEY)."""
    out = {}
    for child in m._children.values():
        if isinstance(child, folium.FeatureGroup):
            key = _group_key(child)
            if key is not None:
                out[key] = child
    if DATA_KEY not in out:
        raise RuntimeError("the map has no place-data group to drive from the timeline")
    return out


def _hashable(overlay):
    """The overlay as one that hashes by its content (mapview caches on it).

    Overlays read from the ledger already do
    (:class:`conflictmap.assessment.layers.StoredOverlay`); one built by hand is copied.
    """
    if overlay is None:
        return None
    from ..assessment import StoredOverlay

    if isinstance(overlay, StoredOverlay):
        return overlay
    return StoredOverlay(overlay.assessed_on, overlay.source, dict(overlay.shapes))


def build_snapshot_map(snap) -> folium.Map:
    """The folium map of a snapshot, with the timeline control added."""
    ws = snap.workspace
    history = ws.index.frame if ws is not None else None
    visible = set(snap.visible)
    if snap.overlay is not None:
        visible.add(mapview.ASSESSMENT)
    center = (snap.view.lat, snap.view.lon) if snap.view is not None else None
    zoom = snap.view.zoom if snap.view is not None else None
    frames_of: dict[date, dict] = {snap.as_of: snap.all_layers}
    bank = None
    if ws is not None:

        def rows(day: date) -> int:
            if day not in frames_of:
                frames_of[day] = ws.layers(day)
            return _row_count(frames_of[day])

        claim_dates = ws.claim_dates()
        dates = frame_dates(timeline_dates(claim_dates, snap.as_of), snap.as_of, rows)
        # One bank for every date: each shape, place and claim once in the file.
        bank = mapview.bank_for_layers(
            {(day, k): g for day in dates for k, g in frames_of[day].items()},
            max(dates),
            history,
        )
    m = mapview.build_map(
        snap.all_layers,
        snap.as_of,
        history=history,
        visible=visible,
        overlay=_hashable(snap.overlay),
        center=center,
        zoom=zoom,
        bank=bank,
    )
    title = f"Territorial-control claims as of {snap.as_of.isoformat()}"
    root = m.get_root()
    # RawText, not Element: Element compiles its text as a Jinja template, and the
    # caption carries text from imported files (the assessment's source).
    root.header.add_child(RawText(f"<title>{html.escape(title)}</title>"), name="cm_title")
    root.header.add_child(
        RawText(f'<meta name="description" content="{html.escape(snap.caption(), quote=True)}">'),
        name="cm_description",
    )
    if ws is None:
        return m
    targets = _targets(m)
    known = frozenset(bank["geoms"])
    frames = [
        frame_script(frames_of[day], day, history, set(snap.visible), targets, known)
        for day in dates
    ]
    script = (STATIC_DIR / "timeline.js").read_text()
    if "</script" in script.lower():
        raise ValueError("timeline.js contains '</script'")
    root.header.add_child(
        RawText(f"<style>{TIMELINE_CSS}</style>\n<script>{script}</script>"),
        name="cm_timeline_assets",
    )
    _Timeline(
        targets[DATA_KEY].get_name(),
        {k: g.get_name() for k, g in targets.items() if k != DATA_KEY},
        dates,
        dates.index(snap.as_of),
        frames,
        snap.as_of,
        len(set(claim_dates) | {snap.as_of}),
    ).add_to(m)
    return m


def to_html(snap) -> bytes:
    """The snapshot as one self-contained HTML page (UTF-8)."""
    page = build_snapshot_map(snap).get_root().render()
    return page.encode("utf-8")
