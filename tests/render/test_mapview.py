"""The folium map: offline assets, styles, popups (escaped), labels, layers, overlay."""

from __future__ import annotations

import json
import re
from datetime import date

import numpy as np
import pytest
import shapely

from conflictmap.assessment.overlay import AssessmentOverlay
from conflictmap.ledger.control import LAYERS
from conflictmap.render import mapview, styles
from tests.payloads import call_arguments, resolve_row

DEC_2, JAN_6 = date(2025, 12, 2), date(2025, 1, 6)
POKROVSK, KURAKHOVE = 704422, 695357
HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 1">',
    "{{ 7*7 }} {% if 1 %}yes{% endif %}",
    "</script><script>window.__pwned = 1</script>",
]


@pytest.fixture
def layers(workspace):
    return workspace.layers(DEC_2)


@pytest.fixture
def rendered(workspace, layers):
    return mapview.build_map(layers, DEC_2, history=workspace.index.frame).get_root().render()


def hostile_record(text: str, **extra) -> dict:
    return {
        "place": "Pokrovsk",
        "geonames_id": POKROVSK,
        "claimant": "UA",
        "controller": "CONTESTED",
        "claim_date": "2025-12-02",
        "claimant_org": text,
        "note": text,
        "source_publisher": text,
        "source_title": text,
        "source_url": "https://example.org/?q=<script>",
        **extra,
    }


def calls(html: str, name: str) -> list:
    """The JSON payloads passed to ``conflictmap.<name>(group, payload)`` in the page."""
    return [args[0] for args in call_arguments(html, name)]


def resolve(call: dict) -> list[list]:
    """A claimLayer payload's rows with their texts looked up in its string table."""
    return [resolve_row(r, call["strings"]) for r in call["rows"]]


def rows(html: str) -> dict[str, list]:
    """layer -> the rows the page draws (texts resolved)."""
    return {c["key"]: resolve(c) for c in calls(html, "claimLayer")}


BANK = re.compile(r"conflictmap\.setBank\(JSON\.parse\('((?:[^'\\]|\\.)*)'\)\)")


def bank_of(html: str) -> dict:
    """The bank a page hands the map: the JSON in the script's string, unescaped."""
    text = BANK.search(html).group(1)
    return json.loads(re.sub(r"\\(.)", r"\1", text))


@pytest.mark.parametrize(
    "name",
    ["Kam'yanka", 'Back\\slash "quoted"', "</script><script>alert(1)</script>", "Кам’янка"],
)
def test_the_bank_reads_back_whole_from_its_script(name):
    bank = {"geoms": {"1|": "[[[371020,482000,0,10,-20,0,0,-10]]]"}, "places": {"1": [name]}}
    script = mapview.bank_script(bank)
    assert "</" not in script and script.isascii()
    assert bank_of(script) == {
        "geoms": {"1|": [[[371020, 482000, 0, 10, -20, 0, 0, -10]]]},
        "places": {"1": [name]},
    }


# -- offline, self-contained -------------------------------------------------------------
def test_build_map_loads_nothing_from_the_network(rendered):
    assert not re.findall(r"<script[^>]+src=", rendered)
    assert not re.findall(r"<link[^>]+href=", rendered)
    for cdn in ("jsdelivr", "cdnjs", "unpkg", "code.jquery", "bootstrapcdn", "fontawesome"):
        assert cdn not in rendered
    assert "L.map(" in rendered and "window.conflictmap" in rendered  # Leaflet + helpers inlined
    tile_urls = re.findall(r"https://[^\"']*\{z\}[^\"']*", rendered)
    assert sorted(tile_urls) == sorted([mapview.LIGHT_TILES, mapview.OSM_TILES])  # offered only


def test_linked_scripts_for_the_live_map():
    m = mapview.base_map(assets=mapview.MapAssets(scripts=("../cache/map-1.js",)))
    html = m.get_root().render()
    assert re.findall(r"<script[^>]+src=\"([^\"]+)\"", html) == ["../cache/map-1.js"]
    assert not re.findall(r"<link[^>]+href=", html)
    assert "DONETSK" not in html and ".leaflet-popup-tip" not in html  # both in the script
    bundle = mapview.script_bundle()
    assert bundle.startswith("/* @preserve\n * Leaflet 1.9")
    assert "conflictmap.addStyle(" in bundle and "DONETSK" in bundle
    assert "http://" not in bundle.split("conflictmap.addStyle(")[1]  # no remote assets


def test_build_map_has_caption_legend_sources_and_outline(rendered):
    assert mapview.caption_text(DEC_2) in rendered
    for title in ("Russian claims", "Ukrainian claims", "Third-party claims", "Contested"):
        assert title in rendered
    assert "Sources (" in rendered and "The Moscow Times" in rendered
    assert "DONETSK" in rendered  # the offline outline's labels


def test_base_map_is_the_same_for_every_date():
    assets = mapview.MapAssets(scripts=("../cache/map-1.js",))
    scripts = [
        re.sub(r"_[0-9a-f]{32}", "", mapview.base_map(assets=assets).get_root().render())
        for _ in range(2)
    ]
    assert scripts[0] == scripts[1]


# -- escaping ----------------------------------------------------------------------------
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_data_never_markup_or_template(workspace, text):
    workspace.ledger.import_records([hostile_record(text)], author="os:test")
    layers = workspace.layers(DEC_2)
    html = mapview.build_map(layers, DEC_2, history=workspace.index.frame).get_root().render()
    assert "<img src=x" not in html and "<script>window.__pwned" not in html
    if "7*7" in text:  # kept as text, escaped, never evaluated by Jinja
        assert "{{ 7*7" not in html and "{% if" not in html and "yes{%" not in html
        assert "7*7 }}" in html  # there, as text
    claims = bank_of(html)["claims"][str(POKROVSK)]
    hostile = [c for c in claims if c[7] == text]  # decoded back: the very same text
    assert len(hostile) == 1 and hostile[0][2] == text and hostile[0][4] == text


@pytest.mark.parametrize(
    "url, linked",
    [
        ("https://example.org/a?b=1&c=2", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("", False),
    ],
)
def test_only_http_sources_become_links(url, linked):
    out = mapview.safe_link(url, "src")
    assert ("<a href=" in out) is linked
    assert "javascript" not in out and "<b>" not in out


# -- styles --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer, row, dash, hatched",
    [
        ("ru", {"controller": "RU", "extent": "full"}, None, False),
        (
            "ru",
            {"controller": "RU", "extent": "partial", "part": "north"},
            styles.PARTIAL_DASH,
            False,
        ),
        (
            "ua",
            {"controller": "UA", "extent": "partial", "fraction": 0.4},
            styles.PARTIAL_DASH,
            False,
        ),
        ("other", {"controller": "UA", "extent": "full"}, styles.LAYER_DASH["other"], False),
        ("contested", {}, styles.LAYER_DASH["contested"], True),
    ],
)
def test_feature_style(layer, row, dash, hatched):
    style = mapview.feature_style(layer, row)
    assert style.get("dashArray") == dash
    assert (style["fillColor"] == "url(#cm-hatch)") is hatched
    assert style["color"] == styles.LAYER_COLOURS[layer]


def test_full_and_partial_claims_look_different():
    full = mapview.feature_style("ua", {"controller": "UA", "extent": "full"})
    part = mapview.feature_style("ua", {"controller": "UA", "extent": "partial", "part": "north"})
    assert full != part and full["fillOpacity"] > part["fillOpacity"]


# -- layers, labels, popups ------------------------------------------------------------------
def test_one_shape_per_row_and_layer(layers, rendered):
    assert {k: len(v) for k, v in rows(rendered).items()} == {k: len(v) for k, v in layers.items()}


def test_pokrovsk_on_2_december(workspace, rendered):
    drawn, bank = rows(rendered), bank_of(rendered)
    pokrovsk = workspace.gazetteer.get(POKROVSK)
    ua = [r for r in drawn["ua"] if r[0] == POKROVSK]
    assert len(ua) == 1 and ua[0][1] == "north" and ua[0][3] == "UA holds the north part"
    north = shapely.geometry.shape(bank["geoms"][f"{POKROVSK}|north"])
    assert north.centroid.y > pokrovsk.lat  # drawn north of the centre
    ua_call = next(c for c in calls(rendered, "claimLayer") if c["key"] == "ua")
    assert ua_call["styles"][ua[0][2]]["dashArray"] == styles.PARTIAL_DASH
    assert POKROVSK in {r[0] for r in drawn["contested"]}
    assert [r[3] for r in drawn["ru"] if r[0] == POKROVSK] == ["RU holds all"]
    other = {bank["places"][str(r[0])][0]: r[3] for r in drawn["other"]}
    assert other["Kramatorsk"] == other["Sloviansk"] == "UA holds all"
    sources = [c[5] for c in bank["claims"][str(POKROVSK)]]
    assert any(u.startswith("https://www.themoscowtimes.com/") for u in sources)


def test_fraction_only_claims_are_labelled(workspace):
    html = mapview.build_map(workspace.layers(JAN_6), JAN_6).get_root().render()
    kurakhove = [r for r in rows(html)["other"] if r[0] == KURAKHOVE]
    assert [r[6] for r in kurakhove] == ["RU 95%"]


def test_bank_claims_stop_at_the_date(workspace):
    dec1 = mapview.bank_for_layers(
        workspace.layers(date(2025, 12, 1)), date(2025, 12, 1), workspace.index.frame
    )
    dec2 = mapview.bank_for_layers(workspace.layers(DEC_2), DEC_2, workspace.index.frame)
    assert max(c[0] for c in dec1["claims"][str(POKROVSK)]) == "2025-12-01"
    assert max(c[0] for c in dec2["claims"][str(POKROVSK)]) == "2025-12-02"


def test_the_live_bank_holds_every_shape_a_claim_names(workspace):
    text, known, shards = mapview.live_bank(workspace)
    frame = workspace.index.frame
    named = {mapview.shape_key(pid, part) for pid, part in zip(frame["place_id"], frame["part"])}
    whole = {mapview.shape_key(pid, None) for pid in frame["place_id"]}
    assert named | whole <= known
    assert set(json.loads(text)["geoms"]) == set(known)
    assert len(shards) == mapview.CLAIM_SHARDS
    popups = [json.loads(s) for s in shards]
    assert sum(len(rows) for shard in popups for rows in shard.values()) == len(frame)
    assert all(mapview.shard_of(int(pid)) == i for i, s in enumerate(popups) for pid in s)


def _from_code(code: str):
    """A compact shape read back as the map reads it (steps summed, rings closed)."""

    def ring(flat):
        xy = np.cumsum(np.array(flat, dtype=float).reshape(-1, 2), axis=0) / mapview.COORD_SCALE
        return np.vstack([xy, xy[:1]])

    polys = [
        shapely.Polygon(ring(rings[0]), [ring(r) for r in rings[1:]]) for rings in json.loads(code)
    ]
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


TOWN = shapely.Point(37.18, 48.28).buffer(0.03, quad_segs=16)


@pytest.mark.parametrize(
    "geom",
    [
        TOWN,
        TOWN.difference(shapely.Point(37.18, 48.28).buffer(0.01)),  # a hole
        shapely.MultiPolygon([TOWN, shapely.box(37.3, 48.1, 37.35, 48.13)]),
        shapely.box(-0.02, -0.01, 0.03, 0.02),  # steps across zero, both signs
    ],
)
def test_compact_shapes_read_back_as_their_geojson(geom):
    code = mapview.geometry_code(geom)
    assert re.fullmatch(r"[\[\],0-9-]+", code)  # whole numbers only
    back = _from_code(code)
    drawn = shapely.geometry.shape(json.loads(mapview.geometry_json(geom)))
    assert back.geom_type == drawn.geom_type
    assert back.equals_exact(drawn, tolerance=0.6 / mapview.COORD_SCALE)
    assert len(code) < 0.5 * len(mapview.geometry_json(geom))


def test_a_shape_that_is_no_polygon_stays_geojson():
    line = shapely.LineString([(37.1, 48.2), (37.2, 48.3)])
    assert json.loads(mapview.geometry_code(line))["type"] == "LineString"
    assert mapview.geometry_code(shapely.Polygon()) is None


def test_live_rows_leave_known_shapes_to_the_bank(layers):
    known = {
        mapview.shape_key(pid, part)
        for pid, part in zip(layers["ua"]["place_id"], layers["ua"]["part"])
    }
    live = mapview.layer_rows("ua", mapview._records(layers["ua"]), known)
    assert all(3 <= len(r) <= 8 for r in live["rows"])  # no geometry sent again
    assert all(r[-1] != 0 for r in live["rows"] if len(r) > 3)  # no trailing empty text
    assert all(isinstance(x, int) for r in live["rows"] for x in r)  # texts by index
    alone = mapview.layer_rows("ua", mapview._records(layers["ua"]), set())
    assert all(r[8]["type"] in ("Polygon", "MultiPolygon") for r in alone["rows"])


def test_pair_layers_leave_the_summary_to_the_browser(layers):
    contested = mapview.layer_rows("contested", mapview._records(layers["contested"]))
    assert contested["rows"] and {r[3] for r in contested["rows"]} == {0}
    assert contested["strings"][0] == ""


def test_optional_assessment_columns_are_shown(layers):
    annotated = {
        k: v.assign(occupied_share=0.63, verdict="inconsistent") for k, v in layers.items()
    }
    html = mapview.build_map(annotated, DEC_2).get_root().render()
    notes = {r[7] for r in rows(html)["ru"]}
    assert notes == {"assessment: 63% occupied; verdict: inconsistent"}


@pytest.mark.parametrize("visible", [{"ru", "contested"}, set(), set(LAYERS)])
def test_visible_layers(layers, visible):
    groups = mapview.feature_groups(layers, DEC_2, visible=visible)
    shown = {g.cm_key for g in groups if g.cm_key and g.show}
    assert shown == visible & set(layers)
    html = mapview.build_map(layers, DEC_2, visible=visible).get_root().render()
    infos = [args[1] for args in call_arguments(html, "claimLayer")]
    assert {i["key"] for i in infos if not i["show"]} == set(layers) - visible
    assert {i["title"] for i in infos} == {mapview.LAYER_TITLES[k] for k in layers}


def test_sources_follow_the_visible_layers(layers):
    only_other = mapview.sources_of(layers, {"other"})
    everything = mapview.sources_of(layers, set(LAYERS))
    assert 0 < len(only_other) < len(everything)
    contested = {s["publisher"] for s in mapview.sources_of(layers, {"contested"})}
    places = set(layers["contested"]["place_id"])
    behind = {
        p
        for k in ("ru", "ua")
        for p, pid in zip(layers[k]["source_publisher"], layers[k]["place_id"])
        if pid in places
    }
    assert contested == behind and behind


def test_assessment_overlay_is_under_the_claims_and_off_by_default(layers):
    overlay = AssessmentOverlay(
        date(2025, 11, 30), "DeepStateMap", {"occupied": shapely.box(37.0, 48.0, 37.3, 48.4)}
    )
    groups = mapview.feature_groups(layers, DEC_2, overlay=overlay)
    keys = [g.cm_key for g in groups]
    assert keys.index("assessment") < min(keys.index(k) for k in LAYERS)
    assessment = groups[keys.index("assessment")]
    assert not assessment.show and assessment.layer_name == "Independent assessment"
    html = (
        mapview.build_map(layers, DEC_2, overlay=overlay, visible=set(LAYERS) | {"assessment"})
        .get_root()
        .render()
    )
    assert (
        calls(html, "assessment")[0]["areas"]["features"][0]["properties"]["tip"]
        == "DeepStateMap: occupied, assessed 2025-11-30"
    )


def test_area_outline_covers_the_front():
    outline = mapview.area_outline()
    areas = [shapely.geometry.shape(f["geometry"]) for f in outline["areas"]["features"]]
    assert any(a.contains(shapely.Point(37.18, 48.28)) for a in areas)  # Pokrovsk
    assert "DONETSK" in {lab["text"] for lab in outline["labels"]}


@pytest.mark.parametrize(
    "bounds, zoom_range",
    [
        ([[48.2, 37.1], [48.4, 37.3]], (10, 11)),
        ([[47.5, 36.5], [50.5, 38.5]], (6, 8)),
        (None, (mapview.DEFAULT_ZOOM, mapview.DEFAULT_ZOOM)),
    ],
)
def test_view_for(bounds, zoom_range):
    center, zoom = mapview.view_for(bounds)
    assert zoom_range[0] <= zoom <= zoom_range[1]
    if bounds:
        assert bounds[0][0] < center[0] < bounds[1][0]


# -- day files: a day's drawing calls, as the live map's own date control fetches them --
def _day_groups(layers, day, notes=("", "")):
    return mapview.feature_groups(layers, day, known=frozenset(), notes=list(notes))


def test_a_day_file_carries_the_calls_a_rerun_sends(layers):
    groups = _day_groups(layers, DEC_2)
    calls = mapview.group_calls(groups)
    assert [name for name, _ in calls][0] == "placeData"
    assert {name for name, _ in calls} == {"placeData", "claimLayer"}
    doc = json.loads(mapview.day_file_text(calls, DEC_2))
    assert doc["day"] == "2025-12-02" and doc["id"] == mapview.calls_id(calls)
    assert doc["calls"] == [[name, *map(json.loads, payloads)] for name, payloads in calls]
    assert [c[1]["key"] for c in doc["calls"][1:]] == [k for k in styles.DRAW_ORDER if k in layers]


def test_a_place_search_is_not_part_of_the_day(layers):
    plain = mapview.group_calls(_day_groups(layers, DEC_2))
    focus = {"seq": 1, "pid": str(POKROVSK), "zoom": 11, "place": ["Pokrovsk", "", 48.28, 37.18, 0]}
    searched = mapview.feature_groups(layers, DEC_2, known=frozenset(), notes=["", ""], focus=focus)
    assert mapview.calls_id(mapview.group_calls(searched)) == mapview.calls_id(plain)


@pytest.mark.parametrize(
    "other, same",
    [
        (lambda layers: _day_groups(layers, DEC_2), True),  # the same day, made again
        (lambda layers: _day_groups(layers, date(2025, 12, 3)), False),  # caption differs
        (lambda layers: _day_groups(layers, DEC_2, ("claims in force since 1 Dec", "")), False),
        (
            lambda layers: mapview.feature_groups(
                layers, DEC_2, known=frozenset(), notes=["", ""], visible={"ru"}
            ),
            False,  # other layers shown: other labels, other layer switches
        ),
    ],
    ids=["same", "other day", "other note", "other layers"],
)
def test_a_days_id_changes_with_what_it_draws(layers, other, same):
    ident = mapview.calls_id(mapview.group_calls(_day_groups(layers, DEC_2)))
    assert (mapview.calls_id(mapview.group_calls(other(layers))) == ident) is same


@pytest.mark.parametrize("text", HOSTILE)
def test_a_day_file_keeps_hostile_notes_as_json_text(layers, text):
    calls = mapview.group_calls(_day_groups(layers, DEC_2, (text, "")))
    body = mapview.day_file_text(calls, DEC_2)
    assert "<" not in body and "{{" not in body
    assert json.loads(body)["calls"][0][1]["notes"] == [text]


def test_the_day_group_says_where_the_day_files_are():
    info = {"id": "x", "day": "2025-12-02", "prefix": "day-1-", "ack": "</script>"}
    group = mapview.day_group(info)
    script = next(iter(group._children.values())).script_text()
    assert script.startswith("conflictmap.dayFiles(") and "</script>" not in script
    assert json.loads(script[script.index("{") : script.rindex("}") + 1]) == info
