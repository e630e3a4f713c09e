"""Benchmark the live map in Chromium: date change -> updated map, and page load -> map
visible, for the seeded ledger and for a synthetic ledger of 1,000 places; each against
a full re-render of the map (bench/full_rerender_app.py) measured in the same run.

    python bench/bench_map.py [--places 1000] [--rounds 2] [--loads 5]

Times are taken in the page itself (performance.now()): from the key press on the
"◀ Previous" / "Next ▶" button, which step from claim date to claim date (or the
navigation start) to the first animation frame in which the map's frame
shows the new date's caption and every shape of that date. Every non-local request is
blocked, as in the browser tests. Servers run one at a time.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from synthetic import synthetic_records  # noqa: E402

from conflictmap.workspace import Workspace  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FRAME = "iframe[title='streamlit_folium.st_folium']"
SHOWN = (
    """([day, shapes]) => {
  const f = document.querySelector("%s");
  const d = f && f.contentDocument;
  if (!d) return false;
  const cap = d.querySelector(".cm-caption-title");
  if (!cap || !cap.textContent.includes(day)) return false;
  const n = d.querySelectorAll(".leaflet-pane path.leaflet-interactive").length;
  return n >= shapes ? performance.now() : false;
}"""
    % FRAME
)
CHANGED = (
    """([before, shapes]) => {
  const f = document.querySelector("%s");
  const d = f && f.contentDocument;
  const cap = d && d.querySelector(".cm-caption-title");
  if (!cap || cap.textContent === before) return false;
  const day = (cap.textContent.match(/[0-9]{4}-[0-9]{2}-[0-9]{2}/) || [""])[0];
  const n = d.querySelectorAll(".leaflet-pane path.leaflet-interactive").length;
  return n >= (shapes[day] || 0) ? [performance.now(), day] : false;
}"""
    % FRAME
)
CAPTION = (
    """() => document.querySelector("%s").contentDocument
    .querySelector(".cm-caption-title").textContent"""
    % FRAME
)
IDLE = """() => !document.querySelector("[data-testid='stStatusWidget']")"""
MARK_KEYDOWN = """() => document.addEventListener("keydown",
    () => { window.__t0 = performance.now(); }, {capture: true})"""


LOST: list = []  # key presses that changed nothing (pressed again, not timed)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run SCRIPT`` on a free port with a database, until closed."""

    def __init__(self, script: Path, db: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "CONFLICTMAP_DB": str(db),
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        }
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.close()
        raise TimeoutError(f"{script.name} did not start")

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    return context, context.new_page()


def shown_at(page, day, shapes: int, timeout: float = 120_000) -> float:
    handle = page.wait_for_function(
        SHOWN, arg=[day.isoformat(), shapes], polling="raf", timeout=timeout
    )
    return float(handle.json_value())


def measure_loads(browser, url: str, day, shapes: int, n: int) -> list[float]:
    """Navigation start -> the map shows the date's shapes, in fresh browser contexts."""
    out = []
    for _ in range(n):
        context, page = new_page(browser)
        page.goto(url + f"/?date={day.isoformat()}", wait_until="commit")
        out.append(shown_at(page, day, shapes))
        context.close()
    return out


def measure_steps(browser, url: str, dates, shapes: dict, rounds: int) -> tuple[list, list]:
    """Key press on "◀ Previous" / "Next ▶" (from claim date to claim date) -> the map
    shows the date it moved to, with all its shapes; down to the first date and back up,
    ``rounds`` + 1 times (the first pass is reported apart: it may meet dates not computed
    yet). (first pass, rest)"""
    context, page = new_page(browser)
    page.goto(url + f"/?date={dates[-1].isoformat()}")
    shown_at(page, dates[-1], shapes[dates[-1]])
    page.evaluate(MARK_KEYDOWN)
    buttons = {
        "ArrowLeft": page.get_by_role("button", name="◀ Previous"),
        "ArrowRight": page.get_by_role("button", name="Next ▶"),
    }
    by_day = {d.isoformat(): n for d, n in shapes.items()}
    first, rest, current = [], [], dates[-1].isoformat()
    for r in range(rounds + 1):
        for key in ["ArrowLeft"] * (len(dates) - 1) + ["ArrowRight"] * (len(dates) - 1):
            page.wait_for_function(IDLE, polling=50, timeout=60_000)
            page.wait_for_timeout(150)  # let the map settle, as a person would
            before = page.evaluate(CAPTION)
            for _attempt in range(3):
                buttons[key].focus()
                page.keyboard.press("Enter")
                try:
                    handle = page.wait_for_function(
                        CHANGED, arg=[before, by_day], polling="raf", timeout=20_000
                    )
                    break
                except PlaywrightTimeout:  # the key press was lost: press again
                    LOST.append((url, before))
            else:
                raise RuntimeError(f"the map never left {before!r}")
            done, current = handle.json_value()
            (first if r == 0 else rest).append(done - page.evaluate("window.__t0"))
    context.close()
    return first, rest


def ledger(folder: Path, places: int) -> dict[str, Path]:
    """The seeded ledger and a synthetic one of ``places`` places."""
    seeded, big = folder / "seeded.sqlite", folder / f"places{places}.sqlite"
    Workspace(str(seeded))
    Workspace(str(big), seed=False).ledger.import_records(synthetic_records(places))
    return {"seeded ledger": seeded, f"{places} places": big}


def summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return f"median {statistics.median(values):7.0f} ms  p90 {p90:7.0f} ms  (n={len(values)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2, help="passes over the dates measured")
    parser.add_argument("--loads", type=int, default=5, help="page loads measured")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    apps = {
        "incremental (app.py)": ROOT / "app.py",
        "full re-render": ROOT / "bench" / "full_rerender_app.py",
    }
    results: dict[tuple, dict] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for name, db in ledger(Path(tmp), args.places).items():
            ws = Workspace(str(db))
            dates = ws.claim_dates()
            shapes = {d: sum(len(g) for g in ws.layers(d).values()) for d in dates}
            print(
                f"\n{name}: {len(ws.index)} claims, {len(dates)} claim dates, "
                f"{max(shapes.values())} shapes on the busiest date",
                flush=True,
            )
            for app, script in apps.items():
                server = Server(script, db)
                try:
                    measure_loads(browser, server.url, dates[-1], shapes[dates[-1]], 1)  # warm
                    loads = measure_loads(
                        browser, server.url, dates[-1], shapes[dates[-1]], args.loads
                    )
                    first, steps = measure_steps(browser, server.url, dates, shapes, args.rounds)
                finally:
                    server.close()
                results[(name, app)] = {"load": loads, "first": first, "steps": steps}
                print(f"  {app:22s} date -> map     {summary(steps)}", flush=True)
                print(f"  {app:22s}   (first pass)  {summary(first)}", flush=True)
                print(f"  {app:22s} load -> map     {summary(loads)}", flush=True)
        browser.close()

    print("\nRatios (full re-render / incremental, medians; above 1 = incremental faster):")
    for name in dict.fromkeys(n for n, _ in results):
        inc, full = results[(name, "incremental (app.py)")], results[(name, "full re-render")]
        for what, label in (("steps", "date -> map"), ("load", "load -> map")):
            ratio = statistics.median(full[what]) / statistics.median(inc[what])
            print(
                f"  {name:16s} {label:14s} {statistics.median(inc[what]):7.0f} ms vs "
                f"{statistics.median(full[what]):7.0f} ms   x{ratio:.1f}"
            )
    if LOST:
        print(
            f"\n{len(LOST)} key press(es) changed nothing and were pressed again "
            f"(not timed): {LOST}"
        )
    targets = [
        ("seeded ledger", "steps", 100),
        (f"{args.places} places", "steps", 150),
        ("seeded ledger", "load", 1500),
    ]
    print("\nTargets:")
    for name, what, limit in targets:
        value = statistics.median(results[(name, "incremental (app.py)")][what])
        print(
            f"  {name:16s} {what:6s} median {value:6.0f} ms  target < {limit} ms  "
            f"{'met' if value < limit else 'NOT met'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
