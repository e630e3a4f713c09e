"""The live map on a ledger as big as a whole front, in Chromium: thousands of shapes
and dots are painted first as a few stand-in paths, then made one by one after that
paint; in the end every shape and dot is its own clickable path, as on a small ledger,
and labels are made only for the places the zoom shown can name."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from conflictmap.places import Gazetteer
from conflictmap.workspace import Workspace
from tests.browser.conftest import running_app
from tests.browser.test_map_browser import FRAME, POKROVSK, open_map, open_popup

pytestmark = pytest.mark.browser

DAY = date(2025, 10, 1)
N_PLACES = 1_700  # over the map's PAINT_AHEAD (1,500) new shapes in one layer
PANES = """() => Object.fromEntries(['ru', 'ua', 'oth', 'contested', 'agreed'].map((k) => {
  const pane = document.querySelector('.leaflet-cm-' + k + '-pane');
  return [k, pane ? pane.querySelectorAll('path.leaflet-interactive').length : 0];
}))"""
DRAWN = """() => {
  let n = document.querySelectorAll('.leaflet-pane path.leaflet-interactive').length;
  document.querySelectorAll('path.cm-ahead').forEach((p) => { n += Number(p.dataset.shapes); });
  return n;
}"""
LABELS = """() => [...window.conflictmap.labels.keys()].map(Number)"""


def front_records(gazetteer: Gazetteer) -> list[dict]:
    """Russia claims the N_PLACES largest places of Ukraine on DAY; Ukraine holds every
    tenth of them (contested there)."""
    places = sorted(
        (p for p in gazetteer if p.country == "UA" and p.lat is not None),
        key=lambda p: -p.population,
    )[:N_PLACES]
    records = []
    for i, p in enumerate(places):
        for side in ("RU",) + (("UA",) if i % 10 == 0 else ()):
            records.append(
                {
                    "geonames_id": p.geonames_id,
                    "claimant": side,
                    "controller": side,
                    "claim_date": DAY.isoformat(),
                    "source_publisher": "Front desk",
                    "source_url": f"https://example.org/front/{p.geonames_id}/{side}",
                }
            )
    return records


@pytest.fixture(scope="module")
def front(tmp_path_factory, gazetteer):
    """The app on a ledger of the front and the bundled claims: (url, workspace)."""
    folder = tmp_path_factory.mktemp("front_app")
    db = folder / "ledger.sqlite"
    ws = Workspace(str(db), seed=False)
    ws.ledger.import_records(front_records(gazetteer), author="os:test")
    with running_app(db, folder / "streamlit.log") as url:
        yield url, Workspace(str(db))


def test_shapes_are_painted_ahead_then_each_made_clickable(page, front, gazetteer):
    url, ws = front
    layers = ws.layers(DAY)  # the front's claims and the bundled ones in force on DAY
    want = {k: len(g) for k, g in layers.items()}
    places = len(set().union(*(set(g["place_id"]) for g in layers.values())))
    assert want["ru"] > 1_500  # the case painted ahead
    frame = open_map(page, url, f"?date={DAY.isoformat()}", DAY)
    # Every shape is drawn (made, or standing in a painted-ahead path) ...
    frame.wait_for_function(f"(n) => ({DRAWN})() >= n", arg=sum(want.values()), timeout=60_000)
    # ... and was painted ahead, shapes and dots: more than the biggest layer's shapes.
    assert frame.evaluate("() => window.conflictmap.paintedAhead") >= want["ru"] + places
    # Then each shape and each dot becomes its own path, the stand-ins gone.
    frame.wait_for_function(
        f"(want) => JSON.stringify(({PANES})()) === JSON.stringify(want)"
        " && !document.querySelector('path.cm-ahead')",
        arg={k: want.get(k, 0) for k in ("ru", "ua", "oth", "contested", "agreed")},
        timeout=60_000,
    )
    expect(page.frame_locator(FRAME).locator("path.cm-dot")).to_have_count(places)
    # A shape made after the first paint opens its place's popup.
    text = open_popup(page, frame, POKROVSK, gazetteer)
    assert "Front desk" in text


def test_labels_are_made_for_the_places_the_zoom_can_name(page, front, gazetteer):
    url, _ws = front
    frame = open_map(page, url, f"?date={DAY.isoformat()}&lat=48.5&lon=36.5&z=6.5", DAY)
    frame.wait_for_function("() => window.conflictmap.labels && window.conflictmap.labels.size > 0")
    at_six = frame.evaluate(LABELS)
    floor = frame.evaluate("() => window.conflictmap.minPopulation(window.map.getZoom())")
    assert floor > 0 and 0 < len(at_six) < N_PLACES
    assert all(gazetteer.get(pid).population >= floor for pid in at_six)
    frame.evaluate("() => window.map.setView([48.28, 37.18], 10, {animate: false})")
    frame.wait_for_function(
        "() => window.conflictmap.labels.size === window.conflictmap.labelsWanted.size"
    )
    assert frame.evaluate("() => window.conflictmap.labels.size") >= N_PLACES
