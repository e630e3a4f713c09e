"""The live map in Debian's Chromium, with every non-local request blocked: it renders
offline, draws the expected shapes per layer, follows the slider without reloading its
frame, keeps the sidebar and the map's layer control in step, reopens a view from its
URL, and shows hostile text as text."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from conflictmap.ledger.control import LAYERS
from conflictmap.workspace import Workspace
from tests.browser.conftest import running_app

pytestmark = pytest.mark.browser

FRAME = "iframe[title='streamlit_folium.st_folium']"
POKROVSK = 704422
DEC_1, DEC_2, JUL_31 = date(2025, 12, 1), date(2025, 12, 2), date(2025, 7, 31)
COUNTS = """() => Object.fromEntries(%s.map(k =>
    [k, document.querySelectorAll('.leaflet-cm-' + k + '-pane path').length]))""" % list(LAYERS)
CAPTION = "() => document.querySelector('.cm-caption-title')?.textContent || ''"
# Centre the map on (lat, lon) and return where that point is in the frame, for a click.
MOVE_TO = """(ll) => {
  window.map.setView(ll, 12, {animate: false});
  const p = window.map.latLngToContainerPoint(ll);
  const box = window.map.getContainer().getBoundingClientRect();
  return {x: Math.round(box.left + p.x), y: Math.round(box.top + p.y)};
}"""
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a database of its own, seeded before it starts: (url, database path)."""
    folder = tmp_path_factory.mktemp("map_app")
    db = folder / "ledger.sqlite"
    Workspace(str(db))  # seed it before the server starts
    with running_app(db, folder / "streamlit.log") as url:
        yield url, db


IDLE = "() => !document.querySelector(\"[data-testid='stStatusWidget']\")"


def step_slider(page, frame, key: str, want: str) -> None:
    """Press a key on the date slider once Streamlit is idle, until the map shows ``want``.

    A key press that lands while Streamlit is still rerunning (the map reports its view
    once after loading) can be dropped; it is pressed again only if the map's date has
    not changed at all, so a press is never counted twice.
    """
    slider = page.locator("[data-testid='stSlider'] input[type='range']")
    for _ in range(3):
        page.wait_for_function(IDLE, polling=100, timeout=60_000)
        before = frame.evaluate(CAPTION)
        slider.focus()
        page.keyboard.press(key)
        try:
            frame.wait_for_function(f"() => ({CAPTION})() !== {before!r}", timeout=10_000)
        except PlaywrightTimeout:
            continue  # the press was dropped: press again
        try:
            frame.wait_for_function(f"() => ({CAPTION})().includes({want!r})", timeout=30_000)
        except PlaywrightTimeout:
            shown = frame.evaluate(CAPTION)
            raise AssertionError(f"the map left {before!r} for {shown!r}, not {want}") from None
        return
    raise AssertionError(f"the slider never moved the map to {want}")


def expected(db, day: date) -> dict[str, int]:
    """Shapes per layer on a date, from the domain, on the server's database."""
    return {layer: len(gdf) for layer, gdf in Workspace(str(db)).layers(day).items()}


def open_map(page, url: str, query: str = "", day: date | None = None):
    """Open the map page and return its frame once the map shows the date."""
    page.goto(url + "/" + query)
    page.locator(FRAME).wait_for(timeout=60_000)
    frame = page.frame_locator(FRAME)
    caption = frame.locator(".cm-caption-title")
    expect(caption).to_contain_text((day or DEC_2).isoformat(), timeout=60_000)
    expect(frame.locator(".cm-caption")).to_have_css("border-top-width", "1px")  # our CSS
    return next(f for f in page.frames if "st_folium" in f.url)


def wait_counts(frame, counts: dict):
    frame.wait_for_function(
        f"(want) => JSON.stringify(({COUNTS})()) === JSON.stringify(want)",
        arg=counts,
        timeout=30_000,
    )


def open_popup(page, frame, place_id: int, gazetteer) -> str:
    place = gazetteer.get(place_id)
    point = frame.evaluate(MOVE_TO, [place.lat, place.lon])
    box = page.locator(FRAME).bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    popup = page.frame_locator(FRAME).locator(".leaflet-popup-content")
    expect(popup).to_contain_text(place.name, timeout=10_000)
    expect(popup.locator(".cm-loading")).to_have_count(0, timeout=10_000)  # its claims came
    frame.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )  # faded in, for the screenshot
    return popup.inner_text()


def test_map_renders_offline_with_the_latest_claims(page, server, screenshot_dir):
    url, db = server
    latest = Workspace(str(db)).claim_dates()[-1]
    frame = open_map(page, url, day=latest)
    wait_counts(frame, expected(db, latest))
    expect(page.frame_locator(FRAME).locator(".cm-oblast", has_text="DONETSK")).to_be_attached()
    for town in ("Kramatorsk", "Sloviansk"):  # named where there is room
        expect(page.frame_locator(FRAME).locator(".cm-place", has_text=town)).to_be_visible()
    expect(page.frame_locator(FRAME).locator(".cm-legend")).to_contain_text("Contested")
    page.screenshot(path=str(screenshot_dir / f"map_{latest.isoformat()}_overview.png"))
    # Pokrovsk's neighbours crowd its name out of the overview; close in, it is named.
    frame.evaluate("() => window.map.setView([48.28, 37.18], 10, {animate: false})")
    expect(page.frame_locator(FRAME).locator(".cm-place", has_text="Pokrovsk")).to_be_visible()
    assert page.blocked_requests == []  # no tiles by default, nothing from a CDN


def test_the_bank_comes_gzipped_as_it_was_written(page, server):
    """The frame fetches its bank once, the gzipped file (never the plain copy), and
    unpacks it itself: every shape is drawn from it."""
    url, db = server
    fetched = []
    page.on("response", lambda r: fetched.append(r) if "/bank-" in r.url else None)
    latest = Workspace(str(db)).claim_dates()[-1]
    frame = open_map(page, url, day=latest)
    wait_counts(frame, expected(db, latest))
    assert [r.url.rsplit(".", 2)[-2:] for r in fetched] == [["json", "gz"]]
    assert fetched[0].headers["content-type"] == "application/gzip"
    assert "content-encoding" not in fetched[0].headers  # sent as written, not compressed again
    assert frame.evaluate("() => Object.keys(window.conflictmap.bank.geoms).length") > 0


@pytest.mark.parametrize("status", [404, 500])
def test_a_bank_that_does_not_come_is_said_on_the_map(page, server, status, screenshot_dir):
    url, _ = server
    page.route("**/bank-*.json.gz", lambda r: r.fulfill(status=status, body="gone"))
    page.goto(url + "/")
    notice = page.frame_locator(FRAME).locator(".cm-notice")
    expect(notice).to_have_text("The map's shapes did not load: reload the page.", timeout=60_000)
    expect(notice).to_have_attribute("role", "alert")
    # The date's calls ran all the same: the caption and the layer control are there.
    expect(page.frame_locator(FRAME).locator(".cm-caption-title")).to_contain_text("Claims as of")
    expect(page.frame_locator(FRAME).locator(".leaflet-control-layers")).to_be_attached()
    page.screenshot(path=str(screenshot_dir / f"map_bank_missing_{status}.png"))


@pytest.mark.parametrize("day", [DEC_1, JUL_31])
def test_shapes_per_layer_on_a_date(page, server, day):
    url, db = server
    frame = open_map(page, url, f"?date={day.isoformat()}", day)
    wait_counts(frame, expected(db, day))


def test_pokrovsk_contested_with_both_claims_and_sources(page, server, gazetteer, screenshot_dir):
    url, _ = server
    frame = open_map(page, url, "?date=2025-12-02")
    text = open_popup(page, frame, POKROVSK, gazetteer)
    assert "RU holds all" in text and "UA holds the north part" in text
    assert "Contested" in text
    link = page.frame_locator(FRAME).locator(".leaflet-popup-content a[href*='themoscowtimes']")
    expect(link.first).to_have_attribute("target", "_blank")
    tips = frame.evaluate("""() => conflictmap.layers.other.group.getLayers()
        .filter(l => l._cmRow && window.map.hasLayer(l))
        .map(l => conflictmap.tooltipOf(l).textContent)""")
    for town in ("Kramatorsk", "Sloviansk"):
        assert any(
            re.fullmatch(
                rf"{town} — Third-party claims: UA holds all \(since 20\d\d-\d\d-\d\d\)", t
            )
            for t in tips
        ), tips
    page.screenshot(path=str(screenshot_dir / "map_2025-12-02_pokrovsk_popup.png"))


# Pointing at a shape or a dot shows its tooltip (bound once per group, for the shape
# under the pointer): north of Pokrovsk's dot its shapes, on the dot the place itself.
@pytest.mark.parametrize(
    "north, tip",
    [
        (0.012, r"Pokrovsk — [A-Za-z -]+: .+"),  # a shape: its layer and what it claims
        (0.0, r"Pokrovsk( — claims since 20\d\d-\d\d-\d\d)?"),  # the dot
    ],
)
def test_pointing_at_a_shape_or_a_dot_shows_its_tooltip(page, server, gazetteer, north, tip):
    url, _ = server
    frame = open_map(page, url, "?date=2025-12-02")
    place = gazetteer.get(POKROVSK)
    point = frame.evaluate(MOVE_TO, [place.lat + north, place.lon])
    box = page.locator(FRAME).bounding_box()
    page.mouse.move(box["x"] + point["x"] - 3, box["y"] + point["y"])
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    shown = page.frame_locator(FRAME).locator(".leaflet-tooltip.cm-tip")
    expect(shown).to_have_count(1)
    expect(shown).to_have_text(re.compile(tip))
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] - 5)  # away: it goes
    expect(shown).to_have_count(0)


def test_slider_updates_the_map_without_reloading_it(page, server):
    url, db = server
    frame = open_map(page, url, "?date=2025-12-02")
    frame.evaluate("() => { window.__sameFrame = true; window.map.setView([48.5, 37.6], 9); }")
    step_slider(page, frame, "ArrowLeft", "2025-12-01")
    wait_counts(frame, expected(db, DEC_1))
    assert frame.evaluate("() => window.__sameFrame === true && window.map.getZoom() === 9")
    expect(page).to_have_url(re.compile(r"date=2025-12-01"))


def test_a_date_chosen_while_the_map_reruns_is_kept(page, server):
    # Panning makes the map report its view (a rerun); a key press on the slider while
    # those reruns are under way must not be undone by them.
    url, db = server
    frame = open_map(page, url, "?date=2025-12-02")
    slider = page.locator("[data-testid='stSlider'] input[type='range']")
    for lat in (48.3, 48.5, 48.7):
        frame.evaluate(f"() => window.map.setView([{lat}, 37.6], 9)")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    frame.wait_for_function(f"() => ({CAPTION})().includes('2025-12-01')", timeout=30_000)
    expect(page).to_have_url(re.compile(r"date=2025-12-01.*lat=48\.7"), timeout=30_000)
    page.wait_for_function(IDLE, polling=100, timeout=60_000)
    wait_counts(frame, expected(db, DEC_1))
    assert "2025-12-01" in frame.evaluate(CAPTION)


# Two dates of a layer whose styles come in the other order: on the second, place 1 is
# claimed in part (dashed) and place 2 whole. Returns each place's dash after each date.
RESTYLED = """() => {
  const CM = window.conflictmap, box = (x) => ({type: "Polygon",
    coordinates: [[[x, 48], [x + 0.1, 48], [x + 0.1, 48.1], [x, 48.1], [x, 48]]]});
  const whole = {color: "#D55E00", dashArray: null}, part = {color: "#D55E00", dashArray: "6 4"};
  const proxy = L.featureGroup().addTo(window.map), seen = [];
  const dashes = () => Array.from(CM.layers.restyle.paths.values())
    .sort((a, b) => a._cmRow[0] - b._cmRow[0]).map((p) => p.options.dashArray);
  const day = (styles, rows) => CM.claimLayer(proxy, {key: "restyle", pane: "cm-ru",
    styles: styles, strings: [""], rows: rows});
  day([whole, part], [[1, 0, 0, 0, 0, 0, 0, 0, box(36)], [2, 0, 1, 0, 0, 0, 0, 0, box(37)]]);
  seen.push(dashes());
  day([part, whole], [[1, 0, 0, 0, 0, 0, 0, 0, box(36)], [2, 0, 1, 0, 0, 0, 0, 0, box(37)]]);
  seen.push(dashes());
  return seen;
}"""


def test_a_shape_takes_its_new_style_whatever_the_order_of_styles(page, server):
    url, _db = server
    frame = open_map(page, url, "?date=2025-12-02")
    assert frame.evaluate(RESTYLED) == [[None, "6 4"], ["6 4", None]]


# What makes the browser restyle every shape on a change of date, counted in the frame:
# how many there may be after two changes of date (None: as many as before them).
RESTYLE_CAUSES = [
    (
        "theme <style> elements (the component library appends one per rerun)",
        """() => [...document.head.querySelectorAll('style')]
              .filter(s => /^\\s*:root\\s*\\{\\s*--primary-color/.test(s.textContent)).length""",
        None,
    ),
    (
        "rules with a positional pseudo-class any element may match",
        """() => [...document.styleSheets].flatMap(s => [...s.cssRules])
              .filter(r => /(^|[\\s>+~]):(first|last|nth)-/.test(r.selectorText || '')).length""",
        0,
    ),
]


@pytest.mark.parametrize("what, count, want", RESTYLE_CAUSES, ids=["themes", "positional"])
def test_date_changes_leave_nothing_that_restyles_every_shape(page, server, what, count, want):
    url, _db = server
    frame = open_map(page, url, "?date=2025-12-02")
    before = frame.evaluate(count)
    step_slider(page, frame, "ArrowLeft", "2025-12-01")
    step_slider(page, frame, "ArrowRight", "2025-12-02")
    assert frame.evaluate(count) == (before if want is None else want), what


def test_layer_switches_stay_in_step(page, server):
    url, db = server
    frame = open_map(page, url, "?date=2025-12-02")
    want = expected(db, DEC_2)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Russian claims", exact=True).click()
    wait_counts(frame, {**want, "ru": 0})
    control = page.frame_locator(FRAME).locator(".leaflet-control-layers")
    expect(control.locator("label", has_text="Russian claims").locator("input")).not_to_be_checked()
    control.locator("label", has_text="Ukrainian claims").locator("input").click()
    wait_counts(frame, {**want, "ru": 0, "ua": 0})
    expect(sidebar.get_by_role("checkbox", name="Ukrainian claims")).not_to_be_checked()
    expect(page).to_have_url(re.compile(r"layers=other(%2C|,)contested(%2C|,)agreed"))


def test_url_reopens_the_view(page, server):
    url, db = server
    frame = open_map(page, url, "?date=2025-12-01&layers=ru,ua,contested", DEC_1)
    want = expected(db, DEC_1)
    wait_counts(frame, {**want, "other": 0, "agreed": 0})
    expect(
        page.locator("[data-testid='stSidebar']").get_by_role("checkbox", name="Third-party claims")
    ).not_to_be_checked()


def test_hostile_text_shows_as_text(page, server, gazetteer):
    url, db = server
    Workspace(str(db)).ledger.import_records(
        [
            {
                "place": "Pokrovsk",
                "geonames_id": POKROVSK,
                "claimant": "UA",
                "controller": "CONTESTED",
                "claim_date": "2025-12-02",
                "claimant_org": HOSTILE,
                "note": HOSTILE,
                "source_publisher": HOSTILE,
                "source_title": "{{ 7*7 }}",
            }
        ],
        author="os:test",
    )
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    frame = open_map(page, url, "?date=2025-12-02")
    text = open_popup(page, frame, POKROVSK, gazetteer)
    assert '<img src=x onerror="window.__pwned=1">' in text
    assert "{{ 7*7 }}" in text
    popup = page.frame_locator(FRAME).locator(".leaflet-popup-content")
    expect(popup.locator("img")).to_have_count(0)
    expect(popup.locator("script")).to_have_count(0)
    assert frame.evaluate("() => window.__pwned === undefined")
    assert page.evaluate("() => window.__pwned === undefined")
    assert dialogs == []


def test_claims_page_shows_a_place_on_the_map(page, server, gazetteer):
    url, _ = server
    page.goto(url + "/claims")
    grid = page.get_by_role("tabpanel", name="Claims").locator("[data-testid='stDataFrame']")
    grid.first.wait_for(timeout=60_000)
    grid = grid.first
    grid.click(position={"x": 15, "y": 55})  # the first row's selection box
    button = page.get_by_role("button", name=re.compile("on the map"))
    expect(button).to_be_visible(timeout=20_000)
    name = re.search(r"Show (.+) on the map", button.inner_text()).group(1)
    button.click()
    expect(page.frame_locator(FRAME).locator(".cm-caption-title")).to_be_visible(timeout=60_000)
    frame = next(f for f in page.frames if "st_folium" in f.url)
    frame.wait_for_function("() => window.map && window.map.getZoom() === 12", timeout=30_000)
    center = frame.evaluate("() => window.map.getCenter()")
    place = gazetteer.candidates(name)[0].place
    assert abs(center["lat"] - place.lat) < 0.01 and abs(center["lng"] - place.lon) < 0.01


# -- the map's own date control ------------------------------------------------------
DAY_FILE_READY = """async (day) => {
  const d = window.conflictmap.days;
  if (!d || !d.prefix) return false;
  const base = document.querySelector("script[src*='map-']").src.replace(/[^/]*$/, "");
  const r = await fetch(base + d.prefix + day + ".json");
  return r.ok ? (await r.json()).id : false;
}"""
SHOWN = (
    "() => [window.conflictmap.shownId, window.conflictmap.shownDay, !!window.conflictmap._keepDay]"
)


def test_the_maps_own_date_control_draws_a_day_then_the_page_follows(page, server):
    url, db = server
    frame = open_map(page, url, "?date=2025-12-02")
    file_id = frame.wait_for_function(DAY_FILE_READY, arg="2025-12-01", timeout=60_000).json_value()
    frame.evaluate("() => { window.__sameFrame = true; }")
    page.frame_locator(FRAME).locator(".cm-day-range").focus()
    page.keyboard.press("ArrowLeft")
    frame.wait_for_function(f"() => ({CAPTION})().includes('2025-12-01')", timeout=10_000)
    wait_counts(frame, expected(db, DEC_1))
    assert frame.evaluate(SHOWN)[:2] == [file_id, "2025-12-01"]  # drawn from its file
    # The page follows: URL, date picker and sidebar slider; its rerun draws the same
    # day, so the frame leaves it as it is.
    expect(page).to_have_url(re.compile(r"date=2025-12-01"), timeout=30_000)
    expect(page.locator("[data-testid='stSlider']")).to_contain_text("2025-12-01")
    page.wait_for_function(IDLE, polling=100, timeout=60_000)
    assert frame.evaluate(SHOWN) == [file_id, "2025-12-01", True]
    wait_counts(frame, expected(db, DEC_1))
    assert frame.evaluate("() => window.__sameFrame === true")


def test_steps_in_quick_succession_end_on_the_last_day(page, server):
    url, db = server
    frame = open_map(page, url, "?date=2025-12-02")
    frame.wait_for_function(DAY_FILE_READY, arg="2025-11-30", timeout=60_000)
    step = page.frame_locator(FRAME).locator(".cm-day-step").first  # the day before
    for _ in range(3):
        step.click()
    expect(page).to_have_url(re.compile(r"date=2025-11-29"), timeout=30_000)
    page.wait_for_function(IDLE, polling=100, timeout=60_000)
    assert "2025-11-29" in frame.evaluate(CAPTION)
    wait_counts(frame, expected(db, date(2025, 11, 29)))


def test_a_day_without_its_file_is_drawn_by_the_page(page, server):
    url, db = server
    frame = open_map(page, url, "?date=2025-12-02")
    frame.evaluate("() => { window.conflictmap.days.prefix = 'day-missing-'; }")
    page.frame_locator(FRAME).locator(".cm-day-step").last.click()  # the day after
    expect(page).to_have_url(re.compile(r"date=2025-12-03"), timeout=30_000)
    frame.wait_for_function(f"() => ({CAPTION})().includes('2025-12-03')", timeout=30_000)
    wait_counts(frame, expected(db, date(2025, 12, 3)))
