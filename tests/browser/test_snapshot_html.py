"""The HTML snapshot in real Chromium with the network blocked: every shape drawn, the
in-page date slider redraws the map of each date, popups show hostile text as text."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.render import snapshot as S
from conflictmap.render.html_export import timeline_dates
from tests.payloads import HOSTILE
from tests.render.test_html_export import SOURCES, hostile_overlay
from tests.render.test_snapshot import AFTER

PANE_COUNTS = """() => {
  const out = {};
  for (const key of ["ru", "ua", "other", "contested", "agreed"]) {
    const pane = document.querySelector(".leaflet-cm-" + key + "-pane");
    out[key] = pane ? pane.querySelectorAll("path.leaflet-interactive").length : 0;
  }
  return out;
}"""


@pytest.fixture(scope="module")
def snapshot_file(ws, tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / S.file_name(AFTER, "html")
    return S.write(S.take_snapshot(ws, AFTER), out)


def open_snapshot(page, path):
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelector('.cm-timeline[data-date]') !== null")


def expected_counts(ws, day):
    return {key: len(gdf) for key, gdf in ws.layers(day).items()}


def test_opens_offline_with_every_shape(page, ws, snapshot_file, screenshot_dir):
    open_snapshot(page, snapshot_file)
    assert page.evaluate(PANE_COUNTS) == expected_counts(ws, AFTER)
    assert page.locator(".cm-caption-title").inner_text().startswith("Claims as of 2025-12-02")
    assert page.locator(".cm-legend").is_visible()
    assert page.locator(".cm-timeline-date").inner_text() == "2025-12-02 (snapshot date)"
    page.screenshot(path=str(screenshot_dir / "snapshot_html_2025-12-02.png"))
    assert page.blocked_requests == []


def test_slider_redraws_the_map_of_each_date(page, ws, snapshot_file, screenshot_dir):
    open_snapshot(page, snapshot_file)
    dates = timeline_dates(ws.claim_dates(), AFTER)
    slider = page.locator(".cm-timeline-slider")
    slider.focus()
    page.keyboard.press("Home")
    seen = []
    for i, day in enumerate(dates):
        if i:
            page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "d => document.querySelector('.cm-timeline').dataset.date === d", arg=day.isoformat()
        )
        counts = page.evaluate(PANE_COUNTS)
        assert counts == expected_counts(ws, day), day
        assert day.isoformat() in page.locator(".cm-caption-title").inner_text()
        seen.append(sum(counts.values()))
    assert len(set(seen)) > 2, "the dates should not all look the same"
    page.locator(".cm-timeline-back").click()
    page.wait_for_function(
        "() => document.querySelector('.cm-timeline').dataset.date === '2025-12-02'"
    )
    assert page.evaluate(PANE_COUNTS) == expected_counts(ws, AFTER)
    assert page.blocked_requests == []


def test_layer_switched_off_stays_off_while_scrubbing(page, ws, snapshot_file):
    open_snapshot(page, snapshot_file)
    page.locator(".leaflet-control-layers label", has_text="Russian claims").locator(
        "input"
    ).uncheck()
    page.wait_for_function(f"() => ({PANE_COUNTS})().ru === 0")
    page.locator(".cm-timeline-prev").click()
    page.wait_for_function(
        "() => document.querySelector('.cm-timeline').dataset.date === '2025-12-01'"
    )
    counts = page.evaluate(PANE_COUNTS)
    want = expected_counts(ws, date(2025, 12, 1))
    assert counts["ru"] == 0 and counts["contested"] == want["contested"] > 0


def test_popup_shows_hostile_text_as_text(page, hostile_ws, tmp_path):
    path = S.write(S.take_snapshot(hostile_ws, AFTER, ["ru"]), tmp_path / "hostile.html")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_snapshot(page, path)
    page.locator(".leaflet-cm-ru-pane path.leaflet-interactive").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert HOSTILE in popup.inner_text()
    assert popup.locator("img, script").count() == 0
    assert dialogs == []
    assert page.blocked_requests == []


DOWNLOAD_CHECKS = {
    "html": lambda b: b"conflictmap.timeline(" in b and b"<script src" not in b,
    "png": lambda b: b.startswith(b"\x89PNG\r\n"),
    "svg": lambda b: b"<svg" in b[:2000] and b"2025-12-02" in b,
    "pdf": lambda b: b.startswith(b"%PDF-"),
    "geojson": lambda b: b'"FeatureCollection"' in b and b'"snapshot_date": "2025-12-02"' in b,
    "csv": lambda b: b.startswith(b"snapshot_date,place,") and b"Pokrovsk" in b,
    "kml": lambda b: b"<kml" in b and b"Pokrovsk" in b,
}


def app_idle(page) -> None:
    """Wait until Streamlit has no script run in progress."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )


def click_for_download(page, button, attempts: int = 3):
    """Click a download button until the browser receives the file.

    The live map reports its first view back to Streamlit, which reruns the page and
    renews the buttons; a click that lands during that rerun is lost, as it would be
    for a person, who would click again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(attempts - 1):
        app_idle(page)
        try:
            with page.expect_download(timeout=120_000) as info:
                button.click()
            return info.value
        except PlaywrightTimeout:
            continue  # the click fell into a rerun: click again
    app_idle(page)
    with page.expect_download(timeout=120_000) as info:
        button.click()
    return info.value


def test_map_page_buttons_download_every_format(page, app_server, tmp_path, screenshot_dir):
    """As a user: open the map, go to 2025-12-02 through the URL, press each button."""
    page.goto(app_server + "/?date=2025-12-02")
    page.get_by_text("Download this map").wait_for(timeout=60_000)
    page.get_by_text("as of 2025-12-02").first.wait_for()
    # The live map is drawn and the script has finished its run: the buttons are final.
    # (Attached, not visible: at the overview's zoom a village may be a path of no width.)
    page.frame_locator("iframe").first.locator(".leaflet-cm-ru-pane path").first.wait_for(
        state="attached", timeout=60_000
    )
    app_idle(page)
    page.get_by_text("Download this map").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "snapshot_download_buttons.png"), full_page=True)
    for fmt, check in DOWNLOAD_CHECKS.items():
        label = {"geojson": "GeoJSON"}.get(fmt, fmt.upper())
        download = click_for_download(page, page.get_by_role("button", name=label, exact=True))
        assert download.suggested_filename == f"claims-map_2025-12-02.{fmt}"
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        assert check(path.read_bytes()), fmt
    assert page.blocked_requests == []


@pytest.mark.parametrize("source", SOURCES)
def test_hostile_assessment_source_shows_as_text(page, ws, tmp_path, source):
    """The caption names the assessment by its source, the layer control by its short
    name: as text, never run."""
    snap = S.take_snapshot(ws, AFTER, ["ru"], overlay=hostile_overlay(source))
    path = S.write(snap, tmp_path / "hostile-assessment.html")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_snapshot(page, path)
    label = page.locator(".leaflet-control-layers label", has_text="Independent assessment")
    label.wait_for()
    assert label.locator("img, script, svg, iframe, a, style").count() == 0
    caption = page.locator(".cm-caption")  # the source is named in the caption, as text
    assert source in caption.inner_text()
    # Source links are the caption's own; nothing from the file becomes markup.
    assert caption.locator("img, script, svg, iframe, style, a[href^='javascript']").count() == 0
    assert page.evaluate("() => window.__pwned === undefined")
    assert dialogs == [] and page.blocked_requests == []
