"""Real-browser fixtures: Debian's Chromium through Playwright, offline.

Every request that does not go to this machine (loopback, file:, data:, blob:) is
aborted and recorded in ``page.blocked_requests``, so a test proves that what it
shows works with no internet. The Streamlit server is started once per session on
a free port with its own database, and polled until it answers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conflictmap.paths import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
SCREENSHOTS = ROOT / "out" / "screenshots"


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine."""
    parsed = urlparse(url)
    if parsed.scheme in ("file", "data", "blob", "about", "chrome", "chrome-error"):
        return True
    return parsed.hostname in LOCAL_HOSTS


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def offline_context(browser, width: int = 1400, height: int = 900, **options):
    """A browser context whose non-local requests are blocked and recorded in
    ``context.blocked_requests`` (``options``: Playwright's, e.g. ``color_scheme``)."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    blocked: list[str] = []

    def route(r):
        if is_local(r.request.url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.blocked_requests = blocked
    return context


@pytest.fixture
def page(browser):
    """A fresh page whose non-local requests are blocked and recorded."""
    context = offline_context(browser)
    pg = context.new_page()
    pg.blocked_requests = context.blocked_requests
    yield pg
    context.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 90.0) -> None:
    """Poll ``url`` until it answers 200, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError as exc:
            last = exc
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s ({last})")


@contextmanager
def running_app(
    db: Path,
    log: Path,
    env: dict | None = None,
    *,
    port: int | None = None,
    args: tuple[str, ...] = (),
):
    """``streamlit run app.py`` on a free port (or ``port``) with ``CONFLICTMAP_DB=db``,
    extra Streamlit options ``args`` and environment ``env`` (e.g. ``STREAMLIT_THEME_*``
    settings); yields its URL.

    The server is polled until it answers, and stopped on exit.
    """
    port = port or free_port()
    # No usage-statistics flag here: .streamlit/config.toml must keep the app offline.
    env = {**os.environ, "CONFLICTMAP_DB": str(db), **(env or {})}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                *args,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url + "/_stcore/health")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The app on a fresh database of its own, for the session; yields its URL."""
    folder = tmp_path_factory.mktemp("app")
    with running_app(folder / "ledger.sqlite", folder / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
