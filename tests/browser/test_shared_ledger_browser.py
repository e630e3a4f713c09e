"""Two app servers on one PostgreSQL, in Chromium: a claim entered by hand on one server
shows on the map open on the other within 10 s, without a click; the Claims page shows
its history and the activity log, on a desktop and a phone screen."""

from __future__ import annotations

import time
from datetime import date

import pytest
from playwright.sync_api import expect

from conflictmap.ledger import Ledger
from tests.browser.conftest import running_app
from tests.conftest import empty_pg

pytestmark = pytest.mark.browser

FRAME = "iframe[title='streamlit_folium.st_folium']"
DEC_2 = date(2025, 12, 2)
FOLLOW_WITHIN_S = 10
RU_SHAPES = ".leaflet-cm-ru-pane path"


def new_page(browser, width=1440, height=900):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.route(
        "**/*",
        lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort(),
    )
    return context.new_page()


def enter_by_hand(page, url: str, fields: dict) -> None:
    """Fill the Claims page's "Add a claim" form and submit it."""
    page.goto(url + "/claims")
    page.get_by_role("tab", name="Add a claim").click(timeout=60_000)
    form = page.get_by_role("tabpanel", name="Add a claim")
    for label, value in fields.items():
        box = form.get_by_label(label, exact=True)
        box.fill(value)
    day = form.get_by_label("Claim date", exact=True)
    parts = day.get_by_role("spinbutton")  # year, month, day segments
    for i, text in enumerate(DEC_2.isoformat().split("-")):
        parts.nth(i).click()
        parts.nth(i).press_sequentially(text)
    expect(day).to_contain_text("2025")
    page.keyboard.press("Escape")
    form.get_by_role("button", name="Add the claim").click()


@pytest.mark.timeout(600)
def test_two_servers_see_each_others_writes(browser, pg_url, tmp_path, screenshot_dir):
    empty_pg(pg_url)
    ledger = Ledger(pg_url)  # created and seeded before the servers start
    before = len([c for c in ledger.claims(end=DEC_2) if c.claimant == "RU"])
    assert before
    with (
        running_app(pg_url, tmp_path / "a.log") as server_a,
        running_app(pg_url, tmp_path / "b.log") as server_b,
    ):
        viewer = new_page(browser)
        viewer.goto(server_a + f"/?date={DEC_2.isoformat()}")  # the day of the claim entered
        shapes = viewer.frame_locator(FRAME).locator(RU_SHAPES)
        expect(viewer.frame_locator(FRAME).locator(".cm-caption-title")).to_contain_text(
            DEC_2.isoformat(), timeout=60_000
        )
        drawn = shapes.count()
        assert drawn > 0

        editor = new_page(browser)
        enter_by_hand(
            editor,
            server_b,
            {
                "Place": "Druzhkivka",
                "Claimant (who)": "Russian Defence Ministry",
                "Source publisher": "Example Wire",
                "Source URL": "https://example.org/druzhkivka",
            },
        )
        expect(editor.get_by_text("Added Druzhkivka")).to_be_visible(timeout=30_000)
        written = time.monotonic()
        (claim,) = [c for c in ledger.claims() if c.place == "Druzhkivka"]
        assert claim.claim_date == DEC_2
        # The map on the other server shows it, without a click.
        expect(shapes).to_have_count(drawn + 1, timeout=FOLLOW_WITHIN_S * 1000)
        print(f"server A showed the claim {time.monotonic() - written:.1f} s after server B")
        expect(
            viewer.frame_locator(FRAME).locator(".cm-place", has_text="Druzhkivka")
        ).to_be_attached()
        viewer.screenshot(path=str(screenshot_dir / "shared-map-followed.png"))

        # Its history and the activity log, on the Claims page, desktop and phone.
        (entered,) = ledger.history(claim.id)
        assert (entered.author, entered.kind) == ("local", "hand")
        for width, height, name in [(1440, 900, "desktop"), (390, 844, "phone")]:
            page = new_page(browser, width, height)
            page.goto(server_a + "/claims")
            table = page.get_by_role("tabpanel", name="Claims").locator(
                "[data-testid='stDataFrame']"
            )
            table.first.wait_for(timeout=60_000)
            table.first.click(position={"x": 15, "y": 55})  # the newest claim's row
            expect(page.get_by_text("History of claim")).to_be_visible(timeout=30_000)
            expect(page.get_by_text("entered by", exact=False).first).to_be_visible()
            page.screenshot(path=str(screenshot_dir / f"claims-{name}.png"), full_page=True)
            page.get_by_role("tab", name="Activity").click()
            log = page.get_by_role("tabpanel", name="Activity")
            expect(log.get_by_text("Undo a whole batch")).to_be_visible(timeout=30_000)
            page.screenshot(
                path=str(screenshot_dir / f"claims-activity-{name}.png"), full_page=True
            )
            page.get_by_role("tab", name="Add a claim").click()
            expect(page.get_by_role("button", name="Add the claim")).to_be_visible()
            page.screenshot(path=str(screenshot_dir / f"claims-add-{name}.png"), full_page=True)
            page.context.close()
