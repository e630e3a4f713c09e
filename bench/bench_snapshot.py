"""Benchmark: map snapshots of the seeded ledger in every format.

For each format: the time to take the snapshot of 2025-12-02 (all layers) and render
it, the first time (cold: fonts, caches) and the median of the next runs. Baselines,
measured in the same run on the same machine:

- png/svg/pdf: saving a blank matplotlib figure of the same size in the same format
  (what any matplotlib map costs before it draws anything);
- html: mapview.build_map of the same date rendered to HTML, without the timeline;
- geojson/csv/kml: the bare control table as GeoJSON (GeoDataFrame.to_json).

Also the whole command, ``python -m conflictmap snapshot ... --out FILE.png``, as a
user runs it (a new process: imports, database, drawing).

Run: python bench/bench_snapshot.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from conflictmap.ledger import control_table  # noqa: E402
from conflictmap.paths import ROOT  # noqa: E402
from conflictmap.render import snapshot as S  # noqa: E402

AS_OF = date(2025, 12, 2)


def timed(fn, runs: int) -> tuple[float, float]:
    """(first run, median of the next ``runs``) in seconds."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times)


def blank_figure(fmt: str):
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from conflictmap.render.static import DPI, WIDTH_IN

    def run():
        fig = Figure(figsize=(WIDTH_IN, 11))
        FigureCanvasAgg(fig)
        fig.add_axes((0.03, 0.3, 0.94, 0.6))
        fig.savefig(io.BytesIO(), format=fmt, dpi=DPI[fmt])

    return run


def main(runs: int = 5) -> None:
    from conflictmap.render import mapview
    from conflictmap.workspace import Workspace

    tmp = Path(tempfile.mkdtemp(prefix="bench-snapshot-"))
    db = f"sqlite:///{tmp / 'ledger.sqlite'}"
    t0 = time.perf_counter()
    ws = Workspace(db)
    ws.index  # noqa: B018 (build the control index)
    print(
        f"seeded workspace: {len(ws.index)} claims, {time.perf_counter() - t0:.2f} s "
        "(not counted below)"
    )

    def snapshot_in(fmt):
        return lambda: S.render(S.take_snapshot(ws, AS_OF), fmt)

    def bare_geojson():
        return control_table(ws.layers(AS_OF)).to_json()

    def bare_html():
        return (
            mapview.build_map(ws.layers(AS_OF), AS_OF, history=ws.index.frame).get_root().render()
        )

    baselines = {
        "png": blank_figure("png"),
        "svg": blank_figure("svg"),
        "pdf": blank_figure("pdf"),
        "html": bare_html,
        "geojson": bare_geojson,
        "csv": bare_geojson,
        "kml": bare_geojson,
    }
    names = {
        "png": "blank figure",
        "svg": "blank figure",
        "pdf": "blank figure",
        "html": "build_map only",
        "geojson": "bare to_json",
        "csv": "bare to_json",
        "kml": "bare to_json",
    }
    print(f"\nsnapshot of {AS_OF} (all layers), {runs} runs after a first one")
    print(
        f"{'format':8} {'first s':>8} {'median s':>9} {'size':>9}   baseline"
        f"{'':14} {'median s':>9} {'ratio':>6}"
    )
    for fmt in S.FORMATS:
        size = len(snapshot_in(fmt)())
        first, median = timed(snapshot_in(fmt), runs)
        _, base = timed(baselines[fmt], runs)
        print(
            f"{fmt:8} {first:8.3f} {median:9.3f} {size / 1024:8.0f}K   {names[fmt]:22} "
            f"{base:9.3f} {median / base:6.1f}x"
        )

    out = tmp / S.file_name(AS_OF, "png")
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "conflictmap",
            "--db",
            db,
            "snapshot",
            "--date",
            AS_OF.isoformat(),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    cli = time.perf_counter() - t0
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import conflictmap.workspace, conflictmap.render.static"],
        cwd=ROOT,
        check=True,
    )
    imports = time.perf_counter() - t0
    print(
        f"\ncommand line, new process, PNG: {cli:.2f} s; of which a process that only "
        f"imports the libraries: {imports:.2f} s (ratio {cli / imports:.1f}x)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
