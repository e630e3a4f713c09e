"""The map as a reader uses it, in Debian's Chromium with every non-local request blocked,
on a desktop (1440x900) and a phone (390x844), in light and dark colour schemes and under
Streamlit's dark theme: any day from the URL, a place found by any of its spellings, a
link that reopens the same view, labels that always name their own place, furniture
that stays readable and out of the way."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from conflictmap.workspace import Workspace
from tests.browser.conftest import offline_context, running_app
from tests.browser.test_map_browser import CAPTION, COUNTS, FRAME, IDLE, POKROVSK, expected

pytestmark = pytest.mark.browser

DESKTOP, PHONE = (1440, 900), (390, 844)
# Places close together on the Donetsk front, added to the seeded ledger so that names
# compete for room: Toretsk beside Kostiantynivka, Chasiv Yar beside Bakhmut, ...
CROWD = [
    ("Toretsk", 709354, "RU"),
    ("Kostiantynivka", 705104, "UA"),
    ("Druzhkivka", 616743, "UA"),
    ("Siversk", 694403, "RU"),
    ("Selydove", 694677, "RU"),
    ("Ukrainsk", 690771, "RU"),
    ("Novohrodivka", 699557, "RU"),
    ("Soledar", 706757, "RU"),
    ("Horlivka", 707753, "RU"),
    ("Yasynuvata", 688373, "RU"),
    ("Dobropillia", 709900, "UA"),
    ("Pivnichne", 705821, "RU"),
    ("Niu-York", 699751, "RU"),
    ("Krasnohorivka", 704393, "RU"),
    ("Marinka", 701845, "RU"),
    ("Heorhiivka", 708863, "RU"),
]
DARK_THEME = {
    "STREAMLIT_THEME_BASE": "dark",
    "STREAMLIT_THEME_BACKGROUND_COLOR": "#0E1117",
    "STREAMLIT_THEME_SECONDARY_BACKGROUND_COLOR": "#262730",
    "STREAMLIT_THEME_TEXT_COLOR": "#FAFAFA",
}


def _seed(db) -> None:
    ws = Workspace(str(db))
    ws.ledger.import_records(
        [
            {
                "place": name,
                "geonames_id": pid,
                "claimant": "OTHER",
                "claimant_org": "Test monitor",
                "controller": side,
                "claim_date": "2025-12-01",
                "source_publisher": "Example Monitor",
                "source_url": "https://example.org/front",
            }
            for name, pid, side in CROWD
        ]
    )


def _app(tmp_path_factory, name: str, env: dict | None):
    folder = tmp_path_factory.mktemp(name)
    db = folder / "ledger.sqlite"
    _seed(db)
    return db, running_app(db, folder / "streamlit.log", env=env)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app (the repository's light theme) on a seeded database with a crowd of
    nearby places: (url, database, theme)."""
    db, app = _app(tmp_path_factory, "reading_app", None)
    with app as url:
        yield url, db, "light theme"


@pytest.fixture(scope="module")
def dark_server(tmp_path_factory):
    """The same app under a dark Streamlit theme."""
    db, app = _app(tmp_path_factory, "reading_app_dark", DARK_THEME)
    with app as url:
        yield url, db, "dark theme"


# Each screen size, colour scheme and Streamlit theme at least once, in four runs.
SCREENS = [
    ("server", DESKTOP, "light"),
    ("dark_server", DESKTOP, "dark"),
    ("dark_server", PHONE, "light"),
    ("server", PHONE, "dark"),
]


def _screen_id(value) -> str:
    app, (width, height), scheme = value
    theme = "dark-theme" if app == "dark_server" else "light-theme"
    return f"{width}x{height}-{scheme}-scheme-{theme}"


@pytest.fixture(params=SCREENS, ids=[_screen_id(v) for v in SCREENS])
def screen(request, browser):
    """(url, database, theme, page): the app under its light or a dark Streamlit theme,
    and a page at 1440x900 or 390x844 in the light or dark colour scheme (Chromium's
    prefers-color-scheme emulation)."""
    app, (width, height), scheme = request.param
    url, db, theme = request.getfixturevalue(app)
    context = offline_context(
        browser,
        width,
        height,
        color_scheme=scheme,
        permissions=["clipboard-read", "clipboard-write"],
    )
    pg = context.new_page()
    pg.blocked_requests = context.blocked_requests
    pg.label = f"{width}x{height}_{scheme}"
    yield url, db, theme, pg
    context.close()


def open_map(page, url: str, query: str, day: str):
    page.goto(url + "/" + query)
    page.locator(FRAME).wait_for(timeout=60_000)
    expect(page.frame_locator(FRAME).locator(".cm-caption-title")).to_contain_text(
        day, timeout=60_000
    )
    frame = next(f for f in page.frames if "st_folium" in f.url)
    page.wait_for_function(IDLE, polling=100, timeout=60_000)
    return frame


def settle(frame, js: str = "() => {}", arg=None):
    """Run ``js`` in the map's frame and wait until the labels have been placed again
    (or found placed already: nothing they depend on changed)."""
    passes = "((conflictmap.declutterRuns || 0) + (conflictmap.declutterSkips || 0))"
    runs = frame.evaluate(f"() => {passes}")
    frame.evaluate(js, arg)
    frame.wait_for_function(
        f"() => {passes} > {runs} && !conflictmap._declutterPending",
        polling=50,
        timeout=10_000,
    )


def shot(page, screenshot_dir, theme: str, name: str) -> None:
    page.screenshot(
        path=str(screenshot_dir / f"reading_{name}_{page.label}_{theme.replace(' ', '-')}.png")
    )


# Colours of the map's furniture: [what, text colour, background colour behind it].
INK = """() => {
  const lum = (c) => {
    const m = c.match(/[\\d.]+/g).map(Number);
    if (m.length > 3 && m[3] === 0) return null;  // transparent
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]);
  };
  const bg = (e) => {
    for (; e; e = e.parentElement) {
      const l = lum(getComputedStyle(e).backgroundColor);
      if (l !== null) return l;
    }
    return 1;
  };
  const out = [];
  for (const sel of ['.cm-caption-title', '.cm-caption-note', '.cm-caption-sources summary',
                     '.cm-legend summary', '.leaflet-control-layers label span',
                     '.cm-share-button', '.leaflet-popup-content h4', '.leaflet-popup-content td',
                     '.cm-place:not(.cm-hidden) span']) {
    for (const e of document.querySelectorAll(sel)) {
      const t = lum(getComputedStyle(e).color), b = bg(e);
      out.push([sel, (Math.max(t, b) + 0.05) / (Math.min(t, b) + 0.05)]);
    }
  }
  return out;
}"""


def claim_dates(db) -> list[date]:
    """The database's claim dates, oldest first."""
    return Workspace(str(db)).claim_dates()


def day_without_claims(db) -> tuple[date, date]:
    """The latest day before the last claim date on which no claim was made, and the
    claim date before it (whose claims are in force that day)."""
    dates = claim_dates(db)
    day = dates[-1]
    while day in dates:
        day = date.fromordinal(day.toordinal() - 1)
    return day, max(d for d in dates if d < day)


def test_a_day_from_the_url_is_the_map_of_that_day(screen, screenshot_dir):
    url, db, theme, screen = screen
    day, in_force = day_without_claims(db)
    frame = open_map(screen, url, f"?date={day.isoformat()}", day.isoformat())
    want = expected(db, in_force)  # no claim that day: those in force since the one before
    frame.wait_for_function(
        f"(want) => JSON.stringify(({COUNTS})()) === JSON.stringify(want)", arg=want
    )
    notes = screen.frame_locator(FRAME).locator(".cm-caption-notes")
    expect(notes).to_contain_text(f"the claims in force since {in_force.isoformat()}")
    expect(screen).to_have_url(re.compile(rf"date={day.isoformat()}"))
    # The date control is on screen without opening the sidebar, and the map fits.
    width, height = screen.viewport_size["width"], screen.viewport_size["height"]
    picker = screen.locator("[data-testid='stDateInput']").first
    box = picker.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= height
    frame_box = screen.locator(FRAME).bounding_box()
    assert frame_box["x"] >= 0 and frame_box["x"] + frame_box["width"] <= width + 1
    if width < 700:
        assert frame_box["y"] + frame_box["height"] <= height + 1, frame_box
        expect(screen.frame_locator(FRAME).locator(".cm-legend details")).not_to_have_attribute(
            "open", ""
        )  # folded on a phone
    # Every colour is the map's own, whatever the colour scheme or theme.
    for what, contrast in frame.evaluate(INK):
        assert contrast >= 4.5, (what, contrast)
    shot(screen, screenshot_dir, theme, day.isoformat())
    assert screen.blocked_requests == []


def test_a_day_before_the_first_claim_says_so(server, page):
    url, _, _ = server
    screen = page
    frame = open_map(screen, url, "?date=2022-02-24", "2022-02-24")
    expect(screen.frame_locator(FRAME).locator(".cm-caption-notes")).to_contain_text(
        "No claim stored before 2023-05-20"
    )
    assert sum(frame.evaluate(COUNTS).values()) == 0
    expect(screen).to_have_url(re.compile(r"date=2022-02-24"))


def test_an_impossible_date_is_reported_until_dismissed(server, page):
    url, db, _ = server
    *_, before, latest = claim_dates(db)
    open_map(page, url, "?date=2025-13-45", latest.isoformat())
    alert = page.get_by_text("'2025-13-45' is not a date")
    expect(alert).to_be_visible()
    page.get_by_role("button", name="Next ▶").is_disabled()
    page.get_by_role("button", name="◀ Previous").click()  # the reader goes on...
    expect(page.frame_locator(FRAME).locator(".cm-caption-title")).to_contain_text(
        before.isoformat()
    )
    expect(alert).to_be_visible()  # ...and the message stays
    page.get_by_role("button", name="Dismiss").click()
    expect(alert).to_have_count(0)


def test_search_lands_on_the_place_with_its_popup(screen, gazetteer, screenshot_dir):
    url, db, theme, screen = screen
    latest = claim_dates(db)[-1]
    since = Workspace(str(db)).history(POKROVSK, latest)["claim_date"].max()
    frame = open_map(screen, url, "", latest.isoformat())
    box = screen.get_by_role("textbox", name="Find a place")
    expect(box).to_be_in_viewport()
    box.fill("Krasnoarmeysk")
    box.press("Enter")
    popup = screen.frame_locator(FRAME).locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Pokrovsk", timeout=30_000)
    expect(popup).to_contain_text("Donetsk oblast")
    expect(popup).to_contain_text(f"claims stand since {since.isoformat()}")
    pokrovsk = gazetteer.get(POKROVSK)
    # Landed: zoomed in on Pokrovsk, its popup pointing at it (the map may pan a little
    # to show the whole popup).
    frame.wait_for_function(
        """(ll) => { const m = window.map, p = m._popup;
          return m.getZoom() === 11 && m.getBounds().contains(ll) && p &&
            Math.abs(p.getLatLng().lat - ll[0]) < 1e-3 && Math.abs(p.getLatLng().lng - ll[1]) < 1e-3; }""",
        arg=[pokrovsk.lat, pokrovsk.lon],
        timeout=10_000,
    )
    frame.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    # Neither the legend nor the caption covers the popup.
    overlaps = frame.evaluate("""() => {
      const p = document.querySelector('.leaflet-popup-content-wrapper').getBoundingClientRect();
      return ['.cm-legend', '.cm-caption'].filter(s => {
        const r = document.querySelector(s).getBoundingClientRect();
        return !(r.right <= p.left || r.left >= p.right || r.bottom <= p.top || r.top >= p.bottom);
      });
    }""")
    assert overlaps == []
    shot(screen, screenshot_dir, theme, "search_krasnoarmeysk")


def test_an_ambiguous_name_lists_its_places(server, page):
    url, db, _ = server
    open_map(page, url, "", claim_dates(db)[-1].isoformat())
    box = page.get_by_role("textbox", name="Find a place")
    box.fill("Andriivka")
    box.press("Enter")
    expect(page.get_by_text("may be any of these places")).to_be_visible(timeout=30_000)
    choice = page.get_by_role("button", name="Andriivka (Donetsk oblast, UA)").first
    expect(choice).to_be_visible()
    expect(page.frame_locator(FRAME).locator(".leaflet-popup")).to_have_count(0)  # no guess
    choice.click()
    popup = page.frame_locator(FRAME).locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Andriivka", timeout=30_000)
    expect(popup).to_contain_text("no claim about this place in force")


def test_copied_link_opens_the_same_view(screen, screenshot_dir):
    url, db, theme, screen = screen
    day, in_force = day_without_claims(db)
    frame = open_map(screen, url, f"?date={day}&layers=ru,ua,contested", day.isoformat())
    frame.evaluate("() => window.map.setView([48.45, 37.55], 9.5, {animate: false})")
    screen.wait_for_function(IDLE, polling=100, timeout=60_000)
    screen.frame_locator(FRAME).get_by_role("button", name="Copy link").click()
    field = screen.frame_locator(FRAME).locator(".cm-share-field")
    expect(field).to_be_visible()
    link = field.input_value()
    expect(screen.frame_locator(FRAME).locator(".cm-share-status")).to_contain_text("Copied")
    assert frame.evaluate("() => navigator.clipboard.readText()") == link
    for part in (f"date={day}", "layers=ru%2Cua%2Ccontested", "lat=48.4500", "lon=37.5500"):
        assert part in link, link
    assert re.search(r"[?&]z=9\.5(&|$)", link), link
    shot(screen, screenshot_dir, theme, "copy_link")

    other = screen.context.new_page()
    other.goto(link)
    other.locator(FRAME).wait_for(timeout=60_000)
    expect(other.frame_locator(FRAME).locator(".cm-caption-title")).to_contain_text(
        day.isoformat(), timeout=60_000
    )
    again = next(f for f in other.frames if "st_folium" in f.url)
    view = again.evaluate(
        "() => ({c: window.map.getCenter(), z: window.map.getZoom(),"
        " on: conflictmap.visibleKeys().sort()})"
    )
    assert abs(view["c"]["lat"] - 48.45) < 1e-3 and abs(view["c"]["lng"] - 37.55) < 1e-3
    assert view["z"] == 9.5
    want = expected(db, in_force)
    again.wait_for_function(
        f"(want) => JSON.stringify(({COUNTS})()) === JSON.stringify(want)",
        arg={**want, "other": 0, "agreed": 0},
    )
    assert view["on"] == ["contested", "ru", "ua"]
    assert day.isoformat() in again.evaluate(CAPTION)


# Every drawn label (a place's name or a share) against every dot on the screen: it must
# be nearer its own dot than any other and cover no dot, its own included.
LABELS_CHECK = """() => {
  const W = innerWidth, H = innerHeight, bad = [], drawn = [], dots = [], small = [];
  const box = window.map.getContainer().getBoundingClientRect();
  conflictmap.dots.forEach((d, pid) => {
    if (!window.map.hasLayer(d) || !d._path) return;
    const p = window.map.latLngToContainerPoint(d.getLatLng());
    const x = box.left + p.x, y = box.top + p.y;
    if (x < 0 || y < 0 || x > W || y > H) return;  // off screen (Leaflet clips its path)
    const r = d._path.getBoundingClientRect();
    if (r.width < 6 || r.height < 6) small.push(pid);  // a dot of a few pixels at least
    dots.push({pid, x, y, r: r.width / 2});
  });
  const spans = document.querySelectorAll(
    '.leaflet-marker-icon.cm-place:not(.cm-hidden) span,' +
    '.leaflet-marker-icon.cm-fraction:not(.cm-hidden) span');
  for (const s of spans) {
    const r = s.getBoundingClientRect();
    if (r.right < 0 || r.left > W || r.bottom < 0 || r.top > H) continue;
    drawn.push(s.textContent);
    const dist = (d) => Math.hypot(Math.max(r.left - d.x, 0, d.x - r.right),
                                   Math.max(r.top - d.y, 0, d.y - r.bottom));
    const own = dots.find((d) => d.pid === s.dataset.pid);
    if (!own) { bad.push([s.textContent, 'has no dot']); continue; }
    const mine = dist(own);
    if (mine < own.r) bad.push([s.textContent, 'covers its own dot']);
    for (const d of dots) {
      if (d.pid === own.pid) continue;
      const far = dist(d);
      if (far < d.r) bad.push([s.textContent, 'covers the dot of', d.pid]);
      else if (far <= mine) bad.push([s.textContent, 'is nearer the dot of', d.pid]);
    }
  }
  return {drawn, bad, dots: dots.length, small};
}"""
CENTRES = {
    "front": [48.45, 37.55],
    "Bakhmut": [48.59, 37.95],
    "Toretsk": [48.40, 37.85],
    "Pokrovsk": [48.25, 37.25],
}


def test_labels_name_their_own_place_at_every_zoom(server, page, screenshot_dir):
    url, db, _ = server
    latest = claim_dates(db)[-1].isoformat()
    frame = open_map(page, url, "?layers=ru,ua,other,contested,agreed", latest)
    for zoom in (6, 7, 8, 9, 10, 11):
        seen = set()
        for name, centre in CENTRES.items():
            settle(
                frame,
                "(a) => window.map.setView(a[0], a[1], {animate: false})",
                [centre, zoom],
            )
            result = frame.evaluate(LABELS_CHECK)
            assert result["bad"] == [], (name, zoom, result)
            assert result["small"] == []  # every place is a dot of at least 6 px
            seen |= set(result["drawn"])
            if name == "Bakhmut" and zoom in (8, 10):
                page.screenshot(path=str(screenshot_dir / f"reading_labels_z{zoom}_bakhmut.png"))
        assert seen, zoom  # something is named at every zoom
        if zoom >= 10:  # close in, neighbours are both named
            assert {"Bakhmut", "Chasiv Yar", "Toretsk", "Kostiantynivka"} <= seen, (zoom, seen)
        if zoom <= 6:  # far out, only the larger places
            assert "Chasiv Yar" not in seen and "Siversk" not in seen, seen
