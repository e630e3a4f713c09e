"""Placing a village in Chromium: read a bulletin naming a village GeoNames lacks, open
its placing map, click inside the oblast, place it; desktop and phone screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conflictmap.ledger import Ledger

from .conftest import running_app

pytestmark = pytest.mark.browser

IDLE = "() => !document.querySelector(\"[data-testid='stStatusWidget']\")"
NOVOSELYDIVKA = 1_141_611_020
BULLETIN = (
    "Russia's Defence Ministry said on Monday its forces had captured the village of "
    "Novoselydivka in the Donetsk region."
)


@pytest.mark.parametrize("width, height, name", [(1440, 900, "desktop"), (390, 844, "phone")])
def test_place_a_village_by_clicking_the_map(
    browser, tmp_path, screenshot_dir, gazetteer, width, height, name
):
    db = tmp_path / "ledger.sqlite"
    with running_app(db, tmp_path / "streamlit.log") as url:
        context = browser.new_context(viewport={"width": width, "height": height})
        blocked = []
        context.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith(url) or r.request.url.startswith(("data:", "blob:"))
                else (blocked.append(r.request.url), r.abort())
            ),
        )
        page = context.new_page()
        page.goto(f"{url}/ingest")
        main = page.locator("[data-testid='stMain']")
        expect(main.get_by_text("Read reports").first).to_be_visible(timeout=90_000)
        page.get_by_label("Report text").fill(BULLETIN)
        page.get_by_label("Publisher").first.fill("Example Wire")
        page.get_by_role("button", name="Read the text").click()
        expect(main.get_by_text("Known, not on the map yet").first).to_be_visible(timeout=90_000)
        expect(main.get_by_text("Pokrovskyi raion").first).to_be_visible()
        frame_el = page.locator("iframe[title='streamlit_folium.st_folium'][height='380']")
        frame_el.wait_for(timeout=60_000)
        frame = frame_el.content_frame
        expect(frame.locator(".leaflet-container")).to_be_visible(timeout=60_000)
        expect(frame.locator("path.leaflet-interactive").first).to_be_attached(timeout=60_000)
        page.wait_for_function(IDLE, polling=100, timeout=60_000)
        frame_el.scroll_into_view_if_needed()
        box = frame_el.bounding_box()
        # The map is fitted to the village's hromada: its centre lies inside the oblast.
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        point = page.get_by_label("Point (latitude, longitude)")
        expect(point).not_to_have_value("", timeout=60_000)
        page.wait_for_function(IDLE, polling=100, timeout=60_000)
        page.get_by_role("button", name="Place Novoselydivka").click()
        expect(main.get_by_text("Placed Novoselydivka at").first).to_be_visible(timeout=60_000)
        page.screenshot(path=str(screenshot_dir / f"placing_{name}.png"), full_page=True)
        context.close()
        assert blocked == []
    (placement,) = Ledger(f"sqlite:///{db}", gazetteer=gazetteer, seed_file=None).placements()
    assert placement.place_id == NOVOSELYDIVKA and placement.author
    assert 47.0 < placement.lat < 49.5 and 36.5 < placement.lon < 38.5
