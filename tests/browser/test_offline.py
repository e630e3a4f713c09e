"""Every page of the app in Chromium as a new user opens it: nothing leaves 127.0.0.1.

The server runs with no command-line flags beyond its port, so what keeps it offline
(no usage statistics, no fonts or icons from the web) is the repository's own
``.streamlit/config.toml``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

IDLE = "() => !document.querySelector(\"[data-testid='stStatusWidget']\")"
PAGES = [
    ("", "Claims as of"),
    ("claims", "Claims"),
    ("timeline", "Timeline"),
    ("ingest", "Read reports"),
    ("assessment", "Independent assessment"),
]


@pytest.mark.parametrize("path, heading", PAGES)
def test_no_request_leaves_the_machine(page, app_server, path, heading):
    page.goto(f"{app_server}/{path}")
    main = page.locator("[data-testid='stMain'], section.main").first
    if path:
        expect(main.get_by_text(heading).first).to_be_visible(timeout=60_000)
    else:
        page.locator("iframe[title='streamlit_folium.st_folium']").wait_for(timeout=60_000)
    page.wait_for_function(IDLE, polling=100, timeout=60_000)
    page.wait_for_load_state("networkidle", timeout=30_000)
    assert page.blocked_requests == []


def test_the_toolbar_has_no_deploy_button(page, app_server):
    page.goto(app_server)
    page.locator("iframe[title='streamlit_folium.st_folium']").wait_for(timeout=60_000)
    page.wait_for_function(IDLE, polling=100, timeout=60_000)
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
