"""As a new user would: upload DeepStateMap files on the assessment page, then see
DeepState's picture under the claims on the map of 2025-12-02 and read in Pokrovsk's
popup how the Russian claim of 1 December compares with it. Real Chromium, network
blocked, the app on a database of its own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import running_app

POKROVSK = 704422
# Inside the map's frame: show (lat, lon) at zoom 12, low in the map so that its
# popup (which opens above it) fits.
MOVE_TO = """(el, ll) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  map.setView(ll, 12, {animate: false});
  map.panBy([0, -Math.round(map.getSize().y * 0.4)], {animate: false});
}"""
# Where (lat, lon) is in the map container now, for a click.
POINT_OF = """(el, ll) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const p = map.latLngToContainerPoint(ll);
  return {x: Math.round(p.x), y: Math.round(p.y)};
}"""
# For the screenshot only: hide the controls drawn over the popup.
HIDE_CONTROLS = """() => document.querySelectorAll('.leaflet-control-layers, .cm-legend, .cm-caption')
  .forEach(el => { el.style.visibility = 'hidden'; })"""
FILES = [
    "occupied_2025-12-01.geojson",
    "greyzone_2025-12-01.geojson",
    "occupied_2025-12-02.geojson",
    "greyzone_2025-12-02.geojson",
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app on a database of its own (the import writes to it)."""
    folder = tmp_path_factory.mktemp("assessment_app")
    with running_app(folder / "ledger.sqlite", folder / "streamlit.log") as url:
        yield url


def test_import_then_read_the_claims_against_deepstate(
    page, app_url, shared_dir, gazetteer, screenshot_dir
):
    # 1. The assessment page: upload the files, see them stored.
    page.goto(app_url + "/assessment")
    expect(page.get_by_role("heading", name="Independent assessment")).to_be_visible(timeout=60_000)
    page.locator("input[type=file]").set_input_files(
        [str(shared_dir / "deepstate" / name) for name in FILES]
    )
    for name in FILES:
        expect(page.get_by_role("button", name=f"Remove {name}")).to_be_visible()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported 4 file(s).")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("occupied_2025-12-02.geojson: 2025-12-02 occupied")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "assessment_page_imported.png"), full_page=True)

    # 2. The map of 2025-12-02 with the assessment switched on.
    page.goto(app_url + "/?date=2025-12-02&layers=ru,ua,other,contested,assessment")
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    control = frame.locator(".leaflet-control-layers label", has_text="Independent assessment")
    expect(control.locator("input")).to_be_checked(timeout=60_000)
    # A short name in the control; the source and date in the caption.
    expect(frame.locator(".cm-caption-notes")).to_contain_text(
        re.compile(r"Independent assessment: DeepStateMap\b.*, assessed 2025-12-02")
    )
    shapes = frame.locator(".leaflet-cm-assessment-pane path")
    expect(shapes.first).to_be_attached()
    assert shapes.count() >= 2  # occupied and grey zone
    page.screenshot(path=str(screenshot_dir / "assessment_map_2025-12-02.png"))

    # 3. Pokrovsk's popup: the Russian claim of 1 December against the assessment.
    pokrovsk = gazetteer.get(POKROVSK)
    container = frame.locator(".leaflet-container")
    container.evaluate(MOVE_TO, [pokrovsk.lat, pokrovsk.lon])
    # Moving the map reruns the page (the map reports its view): wait until it is idle.
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    container.click(position=container.evaluate(POINT_OF, [pokrovsk.lat, pokrovsk.lon]))
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Pokrovsk")
    russian = popup.locator(".cm-now tr", has_text="Russian claims")  # the claims in force
    expect(russian).to_contain_text("2025-12-01")
    expect(russian).to_contain_text("RU holds all")
    expect(russian).to_contain_text(
        re.compile(
            r"assessment: \d+% occupied; \d+% grey zone; "
            r"verdict: (consistent|inconsistent|unclear)"
        )
    )
    container.evaluate(HIDE_CONTROLS)
    expect(frame.locator(".leaflet-popup")).to_have_css("opacity", "1")  # faded in
    page.screenshot(path=str(screenshot_dir / "assessment_pokrovsk_popup_2025-12-02.png"))
    assert page.blocked_requests == []


PWN = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'
HOSTILE_FILE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"kind": "occupied", "date": "2025-12-02", "source": PWN},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[37.0, 48.2], [37.3, 48.2], [37.3, 48.4], [37.0, 48.4], [37.0, 48.2]]
                ],
            },
        }
    ],
}
NOT_PWNED = "() => window.__pwned === undefined"
# Open the tooltip of the assessment's shape (claims drawn above it would catch a hover).
OPEN_ASSESSMENT_TIP = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  map.eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.tip && l.getTooltip()) {
      l.openTooltip(l.getBounds().getCenter());
    }
  });
}"""


def test_hostile_assessment_source_shows_as_text(page, app_url, tmp_path, screenshot_dir):
    """A DeepStateMap file whose source is markup: uploaded, listed, drawn, named in the
    map's caption and in the shapes' tooltips, and never run."""
    import json

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    path = tmp_path / "occupied_2025-12-02.geojson"
    path.write_text(json.dumps(HOSTILE_FILE))
    page.goto(app_url + "/assessment")
    expect(page.get_by_role("heading", name="Independent assessment")).to_be_visible(timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(path))
    expect(page.get_by_role("button", name=f"Remove {path.name}")).to_be_visible()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported 1 file(s).")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "assessment_page_hostile_source.png"), full_page=True)
    assert page.evaluate(NOT_PWNED)

    page.goto(app_url + "/?date=2025-12-02&layers=ru,contested,assessment")
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    # The layer control keeps its short name; the source is named in the caption, as text.
    control = frame.locator(".leaflet-control-layers label", has_text="Independent assessment")
    expect(control.locator("input")).to_be_checked(timeout=60_000)
    expect(control.locator("img, script")).to_have_count(0)
    caption = frame.locator(".cm-caption")
    expect(caption).to_contain_text(PWN, timeout=60_000)  # the markup, shown as text
    expect(caption.locator("img, script")).to_have_count(0)
    shape = frame.locator(".leaflet-cm-assessment-pane path").first
    expect(shape).to_be_attached()
    inner = next(f for f in page.frames if "st_folium" in f.url)
    inner.evaluate(OPEN_ASSESSMENT_TIP)
    tip = frame.locator(".cm-tip", has_text="assessed").first
    expect(tip).to_contain_text(PWN)
    expect(tip.locator("img, script")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "assessment_map_hostile_source.png"))
    assert inner.evaluate(NOT_PWNED) and page.evaluate(NOT_PWNED)
    assert dialogs == [] and page.blocked_requests == []
