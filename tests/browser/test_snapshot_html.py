"""The HTML snapshot in real Chromium with the network blocked: every shape drawn, the
in-page date slider redraws the map of each date, popups show hostile text as text."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap import snapshot as S
from conflictmap.html_export import timeline_dates
from tests.test_snapshot import AFTER, HOSTILE, hostile_ws, ws  # noqa: F401

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
        page.wait_for_function("d => document.querySelector('.cm-timeline').dataset.date === d",
                               arg=day.isoformat())
        counts = page.evaluate(PANE_COUNTS)
        assert counts == expected_counts(ws, day), day
        assert day.isoformat() in page.locator(".cm-caption-title").inner_text()
        seen.append(sum(counts.values()))
    assert len(set(seen)) > 2, "the dates should not all look the same"
    page.locator(".cm-timeline-back").click()
    page.wait_for_function("() => document.querySelector('.cm-timeline').dataset.date "
                           "=== '2025-12-02'")
    assert page.evaluate(PANE_COUNTS) == expected_counts(ws, AFTER)
    assert page.blocked_requests == []


def test_layer_switched_off_stays_off_while_scrubbing(page, ws, snapshot_file):
    open_snapshot(page, snapshot_file)
    page.locator(".leaflet-control-layers label", has_text="Russian claims") \
        .locator("input").uncheck()
    page.wait_for_function(f"() => ({PANE_COUNTS})().ru === 0")
    page.locator(".cm-timeline-prev").click()
    page.wait_for_function("() => document.querySelector('.cm-timeline').dataset.date "
                           "=== '2025-12-01'")
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
