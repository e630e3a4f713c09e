"""The ``snapshot`` command: the map of a date as HTML, PNG, SVG, PDF, GeoJSON, CSV or KML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..ledger import LAYERS, parse_date
from .core import parse_layers, workspace

EXTENSIONS = ".html .png .svg .pdf .geojson .csv .kml"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the snapshot command to the parser."""
    p = sub.add_parser(
        "snapshot",
        help="export the map of a date to a file (format from its extension)",
        description="Export the map as of a date, with its legend, caption and sources. "
        f"The format comes from the file's extension: {EXTENSIONS}.",
    )
    p.add_argument("--date", required=True, help="YYYY-MM-DD")
    p.add_argument(
        "--layers",
        default=",".join(LAYERS),
        help=f"comma-separated subset of {','.join(LAYERS)} (default: all)",
    )
    p.add_argument("--out", required=True, help=f"output file ({EXTENSIONS})")
    p.add_argument("--center", help="map centre as LAT,LON (default: fit the features)")
    p.add_argument("--zoom", type=int, default=9, help="zoom level with --center (default 9)")
    p.add_argument(
        "--paper",
        choices=["a4", "letter"],
        default="a4",
        help="PDF page, landscape (default a4)",
    )
    p.add_argument(
        "--no-assessment",
        action="store_true",
        help="leave out the independent assessment even when one is stored",
    )
    p.set_defaults(func=cmd_snapshot)


def _view(args):
    from ..render import View

    if not args.center:
        return None
    try:
        lat, lon = (float(x) for x in args.center.split(","))
    except ValueError:
        raise ValueError(f"--center {args.center!r} is not LAT,LON") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"--center {args.center!r} is outside the globe")
    return View(lat, lon, args.zoom)


def _overlay(ws, as_of):
    """The stored assessment in force on the date, when the assessment module has one."""
    try:
        from ..assessment import overlay_as_of
    except ImportError:
        return None
    return overlay_as_of(ws.ledger, as_of)


def cmd_snapshot(args) -> int:
    """Write the snapshot file; every argument is checked before anything is read."""
    from ..render import format_for, take_snapshot, write

    as_of = parse_date(args.date, "--date")
    layers = parse_layers(args.layers)
    fmt = format_for(args.out)
    view = _view(args)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise FileNotFoundError(f"folder {str(out.parent)!r} does not exist")
    ws = workspace(args)
    overlay = None if args.no_assessment else _overlay(ws, as_of)
    snap = take_snapshot(ws, as_of, layers, overlay=overlay, view=view, paper=args.paper)
    write(snap, out)
    counts = ", ".join(f"{n} {name}" for name, n in snap.counts().items())
    print(
        f"wrote {out} ({fmt}, {out.stat().st_size:,} bytes): {counts}; "
        f"{len(snap.sources)} source(s)",
        file=sys.stderr,
    )
    return 0
