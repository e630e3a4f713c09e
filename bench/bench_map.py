"""Benchmark the live map in Chromium: date slider -> updated map, and page load -> map
visible, for the seeded ledger and for a synthetic ledger of 1,000 places; each against
a full re-render of the map (bench/full_rerender_app.py) measured in the same run.

    python bench/bench_map.py [--places 1000] [--rounds 2] [--loads 5]
    python bench/bench_map.py --front [--claims 50000 --front-places 3000 --steps 10]

``--front`` uses the whole front instead of the 1,000 places: daily bulletins over three
years (bench/synthetic.py ``bulletin_records``), steps the slider ``--steps`` days
each way (the slider moves one day per key press; the sidebar's slider, and for the app
also the map's own date control in its frame), and also measures the "What
changed" view (changing its start date -> list and map redrawn), each export
(server-side, in this process) and each server's peak memory, against the issue's
targets.

Times are taken in the page itself (performance.now()): from the key press on the
slider (or the navigation start) to the first task after the paint of the first
animation frame in which the map's frame shows the new date's caption and every shape
of that date (a timeout set in that frame's animation callback runs once the frame is
painted); the "What changed" view up to the animation frame that shows its list and
map. A shape is drawn as its own path or inside a path painted ahead for many shapes
(a whole front's first load, see ``paintAhead`` in conflictmap.js); page loads also
report when every shape is its own clickable path ("clickable"). Page loads are
timed on a running server, once it has finished warming the newest dates after its
first page (the first load on a new server is printed apart), each on an idle server,
with the server's CPU time per load. The browser knows no host but this machine (its
host-resolver rules), so nothing leaves it; requests are not intercepted, as they are
in the browser tests, which would slow every request and turn the cache off. Servers
run one at a time.
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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from synthetic import bulletin_records, synthetic_records  # noqa: E402

from conflictmap.workspace import Workspace  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Every host but this machine's is unknown to the browser: nothing leaves the machine,
# and no request is intercepted (Playwright's interception sends every request through
# this process and turns the browser's cache off: a whole front's page load took about
# 0.28 s longer with it, in a same-run A/B).
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
FRAME = "iframe[title='streamlit_folium.st_folium']"
# Polled on each animation frame: once the map is found drawn, a timeout set in that
# frame's callback runs after the frame is painted, and its time is what is reported
# (on the next poll). ``AFTER_PAINT(x)`` returns false until then.
AFTER_PAINT_JS = """const AFTER_PAINT = (x) => {
    const w = window;
    if (w.__cmPainted) { const r = w.__cmPainted; w.__cmPainted = null; w.__cmWait = false; return r; }
    if (!w.__cmWait) {
      w.__cmWait = true;
      setTimeout(() => { w.__cmPainted = x === null ? performance.now() : [performance.now(), x]; }, 0);
    }
    return false;
  };
"""
# The shapes drawn in a map's frame: each interactive path is one, and a path painted
# ahead for many shapes (a whole front's first load, conflictmap.js paintAhead) says how
# many it stands for.
DRAWN_JS = """const drawn = (d) => {
    let n = d.querySelectorAll(".leaflet-pane path.leaflet-interactive").length;
    d.querySelectorAll("path.cm-ahead").forEach((p) => { n += Number(p.dataset.shapes); });
    return n;
  };
"""
SHOWN = """([day, shapes]) => {
  %s  %s  const f = document.querySelector("%s");
  const d = f && f.contentDocument;
  if (!d) return false;
  const cap = d.querySelector(".cm-caption-title");
  if (!cap || !cap.textContent.includes(day)) return false;
  return drawn(d) >= shapes ? AFTER_PAINT(null) : false;
}""" % (AFTER_PAINT_JS, DRAWN_JS, FRAME)
# Every shape of the date clickable: each its own interactive path (no stand-in left).
CLICKABLE = (
    """(shapes) => {
  const d = document.querySelector("%s").contentDocument;
  return d.querySelectorAll(".leaflet-pane path.leaflet-interactive").length >= shapes
    && !d.querySelector("path.cm-ahead") ? performance.now() : false;
}"""
    % FRAME
)
CHANGED = """([before, shapes]) => {
  %s  %s  const f = document.querySelector("%s");
  const d = f && f.contentDocument;
  const cap = d && d.querySelector(".cm-caption-title");
  if (!cap || cap.textContent === before) return false;
  const day = (cap.textContent.match(/[0-9]{4}-[0-9]{2}-[0-9]{2}/) || [""])[0];
  return drawn(d) >= (shapes[day] || 0) ? AFTER_PAINT(day) : false;
}""" % (AFTER_PAINT_JS, DRAWN_JS, FRAME)
CAPTION = (
    """() => document.querySelector("%s").contentDocument
    .querySelector(".cm-caption-title").textContent"""
    % FRAME
)
MARK_POINTER = """() => document.addEventListener("pointerdown",
    () => { window.__t0 = performance.now(); }, {capture: true})"""
RESET_PAINTED = "() => { window.__cmPainted = null; window.__cmWait = false; }"
IDLE = """() => !document.querySelector("[data-testid='stStatusWidget']")"""
MARK_KEYDOWN = """() => document.addEventListener("keydown",
    () => { window.__t0 = performance.now(); }, {capture: true})"""

MARK_KEYDOWN_IN_FRAME = """() => document.addEventListener("keydown",
    () => { window.parent.__t0 = window.parent.performance.now(); }, {capture: true})"""

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


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(pid: int, limit: float = 180.0) -> float:
    """Wait until a server has finished its background work (the live map warms the
    newest dates' layers and payloads after its first page): until it uses under a
    tenth of a core for two seconds. Seconds waited."""
    start = time.monotonic()
    quiet, last = 0, cpu_seconds(pid)
    while time.monotonic() - start < limit and quiet < 4:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now - last < 0.05 else 0
        last = now
    return time.monotonic() - start


def new_page(browser):
    """A fresh context (an empty cache, as a first visit) and its page."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    return context, context.new_page()


def shown_at(page, day, shapes: int, timeout: float = 600_000) -> float:
    handle = page.wait_for_function(
        SHOWN, arg=[day.isoformat(), shapes], polling="raf", timeout=timeout
    )
    return float(handle.json_value())


def measure_loads(
    browser,
    url: str,
    day,
    shapes: int,
    n: int,
    clickable: list | None = None,
    server_cpu: tuple[int, list] | None = None,
) -> list[float]:
    """Navigation start -> the map shows the date's shapes, in fresh browser contexts;
    with ``clickable``, the time until every shape is its own clickable path is added
    to it for each load; with ``server_cpu`` (the server's pid, a list), each load
    starts on an idle server and the CPU seconds the server spent on it are added."""
    out = []
    for _ in range(n):
        before = cpu_seconds(server_cpu[0]) if server_cpu else 0.0
        context, page = new_page(browser)
        page.goto(url + f"/?date={day.isoformat()}", wait_until="commit")
        out.append(shown_at(page, day, shapes))
        if clickable is not None:
            handle = page.wait_for_function(CLICKABLE, arg=shapes, polling="raf", timeout=600_000)
            clickable.append(float(handle.json_value()))
        context.close()
        if server_cpu:
            wait_until_idle(server_cpu[0])
            server_cpu[1].append(cpu_seconds(server_cpu[0]) - before)
    return out


def measure_steps(
    browser, url: str, dates, shapes: dict, rounds: int, control: str = "sidebar"
) -> tuple[list, list]:
    """Key press on the slider (one day) -> the map shows the day the slider moved to,
    with all its shapes; from the last of ``dates`` (consecutive days) down to the first
    and back up, ``rounds`` + 1 times (the first pass is reported apart: it may meet
    dates not computed yet). ``control``: the sidebar's slider, or the map's own
    ("map", in its frame; the key press is timed on the page's clock). (first pass,
    rest)"""
    context, page = new_page(browser)
    page.goto(url + f"/?date={dates[-1].isoformat()}")
    shown_at(page, dates[-1], shapes[dates[-1]])
    if control == "map":
        frame = next(f for f in page.frames if "st_folium" in f.url)
        frame.evaluate(MARK_KEYDOWN_IN_FRAME)
        slider = page.frame_locator(FRAME).locator(".cm-day-range")
    else:
        page.evaluate(MARK_KEYDOWN)
        slider = page.locator("[data-testid='stSlider'] input[type='range']")
    by_day = {d.isoformat(): n for d, n in shapes.items()}
    first, rest, current = [], [], dates[-1].isoformat()
    for r in range(rounds + 1):
        k = len(dates) - 1
        for key in ["ArrowLeft"] * k + ["ArrowRight"] * k:
            page.wait_for_function(IDLE, polling=50, timeout=60_000)
            page.wait_for_timeout(150)  # let the map settle, as a person would
            before = page.evaluate(CAPTION)
            page.evaluate(RESET_PAINTED)
            for _attempt in range(3):
                slider.focus()
                page.keyboard.press(key)
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


def ledger(
    folder: Path, places: int, front: tuple[int, int] | None = None
) -> dict[str, tuple[Path, date | None]]:
    """The seeded ledger and a synthetic one of ``places`` places (or, with ``front``
    = (claims, places), daily bulletins over the whole front), each with the day to
    measure on (None: its last claim date). The whole front is measured on its last
    bulletin day, where the front moves every day (the app adds the bundled claims to
    any ledger, which run a few weeks later)."""
    seeded, big = folder / "seeded.sqlite", folder / f"places{places}.sqlite"
    Workspace(str(seeded))
    if front is not None:
        claims, n_places = front
        records = bulletin_records(claims, n_places)
        Workspace(str(big), seed=False).ledger.import_records(records, author="os:test")
        end = max(date.fromisoformat(r["claim_date"]) for r in records)
        return {"seeded ledger": (seeded, None), FRONT: (big, end)}
    Workspace(str(big), seed=False).ledger.import_records(
        synthetic_records(places), author="os:test"
    )
    return {"seeded ledger": (seeded, None), f"{places} places": (big, None)}


FRONT = "whole front"
CHANGES_FRAME = "iframe[title='st.iframe']"
CHANGES_SHOWN = """([since, shapes]) => {
  %s  const h = [...document.querySelectorAll("h3")].find((e) => e.textContent.includes(" from "));
  if (!h || !h.textContent.includes("from " + since)) return false;
  const f = document.querySelector("%s");
  const d = f && f.contentDocument;
  if (!d) return false;
  return drawn(d) >= shapes ? performance.now() : false;
}""" % (DRAWN_JS, CHANGES_FRAME)


def peak_memory_mb(pid: int) -> float:
    """The peak resident memory of a process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_changes(browser, url: str, ws, until, starts: list) -> list[float]:
    """On the "What changed" page: type a new start date and leave the field -> the
    headline and the map of the changes show it. One fresh page, one timing per start date."""
    context, page = new_page(browser)
    first = starts[0]
    page.goto(url + f"/changes?since={first.isoformat()}&until={until.isoformat()}")
    n = len(ws.changes(first, until))
    page.wait_for_function(CHANGES_SHOWN, arg=[first.isoformat(), n], timeout=180_000)
    page.evaluate(MARK_POINTER)
    out = []
    for since in starts[1:]:
        page.wait_for_function(IDLE, polling=50, timeout=60_000)
        n = len(ws.changes(since, until))
        # Streamlit's date field: year, month and day segments, committed on leaving it.
        field = page.locator("[data-testid='stDateInputField']").first
        field.locator("[data-type='year']").click()
        page.keyboard.type(since.strftime("%Y%m%d"))
        page.locator("h1").first.click()  # leave the field: the timing starts here
        handle = page.wait_for_function(
            CHANGES_SHOWN, arg=[since.isoformat(), n], polling="raf", timeout=60_000
        )
        out.append(float(handle.json_value()) - page.evaluate("window.__t0"))
    context.close()
    return out


def as_the_map_page_did(ws, day) -> None:
    """Make what the server has made by the time the map page shows ``day`` and its
    download buttons: the control index, the date's layers, the ledger's bank (every
    shape as map text), the map's script (Leaflet, helpers and the area's outline), the
    date's map payload and the map's base with its outline."""
    from conflictmap.render import mapview

    layers = ws.layers(day)
    _script, known, _shards = mapview.live_bank(ws)
    mapview.script_bundle()
    mapview.feature_groups(layers, day, known=known)
    mapview.base_map(share=True)


def measure_exports(ws, day, since) -> dict[str, float]:
    """Seconds (wall) to make each export of the map of ``day`` and of the changes
    since ``since``, as a download button does on the server, once the map page and
    the "What changed" page have been shown (:func:`as_the_map_page_did`) and the
    static renderer's warm-up, which the server starts once its map is sent, is done."""
    from conflictmap.render import FORMATS, render, render_changes, static, take_snapshot

    as_the_map_page_did(ws, day)
    static.warm_up()  # what the server starts in the background once its map is sent
    ws.changes(since, day)
    out = {}
    for fmt in FORMATS:
        t = time.perf_counter()
        render(take_snapshot(ws, day), fmt)
        out[f"map {fmt}"] = time.perf_counter() - t
    changes = ws.changes(since, day)
    for fmt in ("csv", "geojson", "png", "pdf", "html"):
        t = time.perf_counter()
        render_changes(ws, changes, since, day, fmt)
        out[f"changes {fmt}"] = time.perf_counter() - t
    return out


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
    parser.add_argument("--front", action="store_true", help="the whole front (see above)")
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--front-places", type=int, default=3_000)
    parser.add_argument("--steps", type=int, default=10, help="slider steps each way (--front)")
    parser.add_argument(
        "--only-front", action="store_true", help="with --front, skip the seeded ledger"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    apps = {
        "incremental (app.py)": ROOT / "app.py",
        "full re-render": ROOT / "bench" / "full_rerender_app.py",
    }
    results: dict[tuple, dict] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        front = (args.claims, args.front_places) if args.front else None
        ledgers = ledger(Path(tmp), args.places, front)
        for name, (db, measured_on) in ledgers.items():
            if args.only_front and name != FRONT:
                continue
            ws = Workspace(str(db))
            dates = ws.claim_dates()
            big = name == FRONT
            # The slider steps one day at a time (every day from the first claim to today):
            # the days it visits are the last claim date and the days before it, ``--steps``
            # of them on the whole front, as many as there are claim dates on the seeded
            # ledger. Each day's shapes are those of the claims in force on it.
            k = args.steps if big else len(dates) - 1
            end = measured_on or dates[-1]
            visited = [end - timedelta(days=i) for i in range(k, -1, -1)]
            shapes = {d: sum(len(g) for g in ws.layers(d).values()) for d in visited}
            print(
                f"\n{name}: {len(ws.index)} claims, {len(dates)} claim dates, "
                f"{max(shapes.values())} shapes on the busiest date",
                flush=True,
            )
            for app, script in apps.items():
                server = Server(script, db)
                try:
                    cold = measure_loads(browser, server.url, end, shapes[end], 1)
                    waited = wait_until_idle(server.proc.pid)
                    print(
                        f"  {app:22s} first load     {cold[0]:7.0f} ms on a new server; "
                        f"its background warm-up then took {waited:.0f} s",
                        flush=True,
                    )
                    clickable: list[float] = []
                    cpu: list[float] = []
                    loads = measure_loads(
                        browser,
                        server.url,
                        end,
                        shapes[end],
                        args.loads,
                        clickable,
                        (server.proc.pid, cpu),
                    )
                    first, steps = measure_steps(browser, server.url, visited, shapes, args.rounds)
                    print(f"  {app:22s} slider -> map   {summary(steps)}", flush=True)
                    own = []
                    if app.startswith("incremental"):  # the map's own date control
                        own_first, own = measure_steps(
                            browser, server.url, visited, shapes, args.rounds, control="map"
                        )
                        print(f"  {app:22s} map's control   {summary(own)}", flush=True)
                        print(f"  {app:22s}   (first pass)  {summary(own_first)}", flush=True)
                    print(f"  {app:22s} load -> map     {summary(loads)}", flush=True)
                    print(f"  {app:22s}   (clickable)   {summary(clickable)}", flush=True)
                    print(
                        f"  {app:22s}   (server CPU)  median "
                        f"{statistics.median(cpu) * 1000:5.0f} ms per page load",
                        flush=True,
                    )
                    changes = []
                    if big and app.startswith("incremental"):
                        starts = [end - timedelta(days=k) for k in (14, 7, 3, 30, 10, 2)]
                        try:
                            changes = measure_changes(browser, server.url, ws, end, starts)
                        except PlaywrightTimeout as exc:
                            print(f"  changes view not measured: {exc}".splitlines()[0])
                    memory = peak_memory_mb(server.proc.pid)
                finally:
                    server.close()
                results[(name, app)] = {
                    "load": loads,
                    "first": first,
                    "steps": steps,
                    "own": own,
                    "changes": changes,
                    "memory": memory,
                }
                if changes:
                    print(f"  {app:22s} changes view    {summary(changes)}", flush=True)
                print(f"  {app:22s}   (first pass)  {summary(first)}", flush=True)
                print(f"  {app:22s} server memory   peak {memory:6.0f} MB", flush=True)
        browser.close()
        if args.front:
            db, day = ledgers[FRONT]
            ws = Workspace(str(db), seed=False)
            exports = measure_exports(ws, day, day - timedelta(days=14))
            print(f"\nExports of the whole front ({day}; changes over 14 days), wall:")
            for what, secs in exports.items():
                print(f"  {what:16s} {secs:6.2f} s")

    print("\nRatios (full re-render / incremental, medians; above 1 = incremental faster):")
    for name in dict.fromkeys(n for n, _ in results):
        if (name, "full re-render") not in results:
            continue
        inc, full = results[(name, "incremental (app.py)")], results[(name, "full re-render")]
        for what, label in (("steps", "slider -> map"), ("load", "load -> map")):
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
    targets = [] if args.only_front else [("seeded ledger", "steps", 100)]
    big = FRONT if args.front else f"{args.places} places"
    targets += [(big, "steps", 150), (big, "own", 150)]
    if not args.only_front:
        targets.append(("seeded ledger", "load", 1500))
    if args.front:
        targets += [(FRONT, "load", 2000), (FRONT, "changes", 500)]
    print("\nTargets:")
    for name, what, limit in targets:
        if (name, "incremental (app.py)") not in results:
            continue
        values = results[(name, "incremental (app.py)")][what]
        if not values:
            print(f"  {name:16s} {what:6s} not measured")
            continue
        value = statistics.median(values)
        print(
            f"  {name:16s} {what:6s} median {value:6.0f} ms  target < {limit} ms  "
            f"{'met' if value < limit else 'NOT met'}"
        )
    if args.front:
        for app in ("incremental (app.py)", "full re-render"):
            mem = results[(FRONT, app)]["memory"]
            print(
                f"  {FRONT:16s} memory {app:22s} peak {mem:6.0f} MB  target < 1536 MB  "
                f"{'met' if mem < 1536 else 'NOT met'}"
            )
        worst = max(exports.items(), key=lambda kv: kv[1])
        print(
            f"  {FRONT:16s} slowest export ({worst[0]}) {worst[1]:.2f} s  target < 3 s  "
            f"{'met' if worst[1] < 3 else 'NOT met'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
