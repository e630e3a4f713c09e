"""As a newsroom would: with users in the ledger, an anonymous browser reads but sees no
write control; signing in as an editor shows them and a claim added is stored; signing
out hides them again; a viewer signed in cannot write either. Real Chromium, network
blocked, the app on a database of its own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conflictmap.workspace import Workspace
from tests.browser.conftest import free_port, running_app
from tests.browser.oidc_provider import CLIENT_ID, CLIENT_SECRET, running_provider

OS = "os:tester"
REPORT = (
    "Russia's Defence Ministry said on Tuesday its troops had taken full control of "
    "Toretsk in the Donetsk region."
)
ADD = "Add the ticked claims to the ledger"


@pytest.fixture(scope="module")
def app_with_users(tmp_path_factory, gazetteer):
    """The app on a database with an editor and a viewer; yields (url, workspace)."""
    folder = tmp_path_factory.mktemp("auth_app")
    db = folder / "ledger.sqlite"
    ws = Workspace(f"sqlite:///{db}", gazetteer=gazetteer)
    ws.ledger.users.add("edith", "editor", password="edith's password", by=OS)
    ws.ledger.users.add("vera", "viewer", password="vera's password", by=OS)
    ws.ledger.users.add("ann", "admin", password="ann's password", by=OS)
    with running_app(db, folder / "streamlit.log") as url:
        yield url, ws


def open_sign_in(page: Page) -> None:
    box = page.get_by_test_id("stSidebar")
    expect(box.get_by_text("Sign in to edit")).to_be_visible(timeout=60_000)
    if not box.get_by_label("User name").is_visible():  # the expander is closed
        box.get_by_text("Sign in to edit").click()
    expect(box.get_by_label("User name")).to_be_visible()


def sign_in(page: Page, name: str, password: str) -> None:
    open_sign_in(page)
    box = page.get_by_test_id("stSidebar")
    box.get_by_label("User name").fill(name)
    box.get_by_label("Password", exact=True).fill(password)
    box.get_by_role("button", name="Sign in", exact=True).click()


def go_to(page: Page, title: str) -> None:
    """Follow the sidebar's page link (a reload would start a new session)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=60_000)


def read_a_report(page: Page) -> None:
    """Read the report on the Read reports page (it stays listed for the session)."""
    go_to(page, "Read reports")
    page.get_by_label("Report text").fill(REPORT)
    page.get_by_label("Publisher").first.fill("Example Wire")
    page.get_by_role("button", name="Read the text").click()
    expect(page.get_by_text("Places:")).to_have_count(1, timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def show_reports(page: Page) -> None:
    """Back to the Read reports page, where the report read earlier is listed."""
    go_to(page, "Read reports")
    expect(page.get_by_text("Places:")).to_have_count(1, timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def test_sign_in_write_sign_out(page, app_with_users, screenshot_dir):
    url, ws = app_with_users
    page.goto(url)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Sign in to edit")).to_be_visible(timeout=60_000)

    # 1. Anonymous: the report is read, but nothing can be added; no assessment upload.
    read_a_report(page)
    expect(page.get_by_text(re.compile(r"Read only: sign in .* to add claims"))).to_be_visible()
    expect(page.get_by_role("button", name=ADD)).to_have_count(0)
    go_to(page, "Independent assessment")
    expect(page.get_by_text("Read only: sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Import")).to_have_count(0)

    # 2. A wrong password, then the editor's.
    sign_in(page, "edith", "not edith's password")
    expect(sidebar.get_by_text("Wrong name or password")).to_be_visible(timeout=30_000)
    sign_in(page, "edith", "edith's password")
    expect(sidebar.get_by_text("Signed in as edith (editor)")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(screenshot_dir / "signed_in_editor_1440.png"))

    # 3. The editor adds the claim; it is stored.
    before = ws.ledger.count()
    show_reports(page)
    page.get_by_role("button", name=ADD).click()
    expect(page.get_by_text("Added 1 claim(s) to the ledger")).to_be_visible(timeout=60_000)
    assert ws.ledger.count() == before + 1
    stored = [c for c in ws.ledger.claims(place_id=None) if c.source_publisher == "Example Wire"]
    assert [(c.place, c.claimant, c.controller) for c in stored] == [("Toretsk", "RU", "RU")]

    # 4. Signed out: the controls are gone again.
    sidebar.get_by_role("button", name="Sign out").click()
    expect(sidebar.get_by_text("Sign in to edit")).to_be_visible(timeout=30_000)
    show_reports(page)
    expect(page.get_by_role("button", name=ADD)).to_have_count(0)

    # 5. A viewer signed in reads only.
    sign_in(page, "vera", "vera's password")
    expect(sidebar.get_by_text("Signed in as vera (viewer)")).to_be_visible(timeout=30_000)
    show_reports(page)
    expect(page.get_by_text("vera (viewer) may not add claims")).to_be_visible()
    expect(page.get_by_role("button", name=ADD)).to_have_count(0)
    assert ws.ledger.count() == before + 1
    assert page.blocked_requests == []


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_the_sign_in_box_at_desktop_and_phone_sizes(
    browser, app_with_users, screenshot_dir, width, height
):
    url, _ = app_with_users
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(url + "/ingest")
        expect(page.get_by_role("heading", name="Read reports")).to_be_visible(timeout=60_000)
        sidebar = page.get_by_test_id("stSidebar")
        if width < 640:  # the phone layout starts with the sidebar closed
            page.get_by_test_id("stExpandSidebarButton").click()
        open_sign_in(page)
        box = sidebar.get_by_label("User name").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
        sidebar.get_by_label("User name").fill("ann")
        page.screenshot(path=str(screenshot_dir / f"sign_in_{width}x{height}.png"))
        # An admin finds People in the navigation, with everyone's role.
        expect(
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="People")
        ).to_have_count(0)
        sign_in(page, "ann", "ann's password")
        expect(sidebar.get_by_text("Signed in as ann (admin)")).to_be_visible(timeout=30_000)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="People").click()
        expect(page.get_by_role("heading", name="People")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="Add")).to_be_visible()
        expect(page.get_by_test_id("stDataFrame")).to_be_visible()
        expect(page.get_by_test_id("stSelectbox")).to_have_count(3)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
        if width < 640:  # the sidebar covers the page on a phone: close it
            page.get_by_test_id("stSidebarCollapseButton").click()
        page.screenshot(path=str(screenshot_dir / f"people_{width}x{height}.png"), full_page=True)
    finally:
        context.close()


def test_sign_in_through_the_identity_provider(page, tmp_path, gazetteer, screenshot_dir):
    """st.login against an OpenID Connect provider on loopback: the provider's email
    maps to the user's role; signing out (st.logout) leaves a reader."""
    with running_provider("JDoe@Newsroom.Example") as idp:
        db = tmp_path / "ledger.sqlite"
        ws = Workspace(f"sqlite:///{db}", gazetteer=gazetteer)
        ws.ledger.users.add("jdoe", "editor", email="jdoe@newsroom.example", by=OS)
        port = free_port()
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a cookie secret only this test uses, long enough"\n'
            "[auth.newsroom]\n"
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{CLIENT_SECRET}"\n'
            f'server_metadata_url = "{idp.issuer}/.well-known/openid-configuration"\n'
        )
        args = ("--secrets.files", str(secrets_file))
        with running_app(db, tmp_path / "streamlit.log", port=port, args=args) as url:
            page.goto(url + "/ingest")
            expect(page.get_by_role("heading", name="Read reports")).to_be_visible(timeout=60_000)
            open_sign_in(page)
            page.get_by_role("button", name="Sign in with Newsroom").click()
            continue_as = page.get_by_role("button", name="Continue as JDoe@Newsroom.Example")
            expect(continue_as).to_be_visible(timeout=60_000)
            continue_as.click()
            sidebar = page.get_by_test_id("stSidebar")
            expect(sidebar.get_by_text("Signed in as jdoe (editor)")).to_be_visible(timeout=60_000)
            assert idp.tokens_issued == 1

            before = ws.ledger.count()
            read_a_report(page)
            page.get_by_role("button", name=ADD).click()
            expect(page.get_by_text("Added 1 claim(s) to the ledger")).to_be_visible(timeout=60_000)
            assert ws.ledger.count() == before + 1

            sidebar.get_by_role("button", name="Sign out").click()
            expect(sidebar.get_by_text("Sign in to edit")).to_be_visible(timeout=60_000)
            read_a_report(page)  # st.logout starts a new session
            expect(page.get_by_role("button", name=ADD)).to_have_count(0)
            assert ws.ledger.count() == before + 1
    assert page.blocked_requests == []
