"""The ``changes`` command: what changed in the claims between two dates."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from ..ledger import parse_date


def register(sub: argparse._SubParsersAction) -> None:
    """Add the changes command to the parser."""
    p = sub.add_parser(
        "changes",
        help="each place whose claimed control changed between two dates",
        description="One row per place and claimant whose latest claim changed between "
        "--since and --until (a capture claim, a denial, a part conceded, a withdrawal), "
        "with the claims and sources behind it.",
    )
    p.add_argument("--since", required=True, help="YYYY-MM-DD: the state at the end of this day")
    p.add_argument(
        "--until",
        help="YYYY-MM-DD: compared with the state at the end of this day (default: today)",
    )
    p.add_argument("--format", choices=["text", "csv", "geojson"], default="text")
    p.set_defaults(func=cmd_changes)


def cmd_changes(args) -> int:
    """Print the changes as text, CSV or GeoJSON."""
    from ..render import changes_csv, changes_geojson, changes_text
    from .core import workspace

    since = parse_date(args.since, "--since")
    until = parse_date(args.until, "--until") if args.until else date.today()
    if until < since:
        raise ValueError(f"--until {until} is before --since {since}")
    ws = workspace(args)
    changes = ws.changes(since, until)
    if args.format == "csv":
        sys.stdout.write(changes_csv(changes, since, until).decode("utf-8"))
    elif args.format == "geojson":
        data = json.loads(changes_geojson(changes, since, until, ws.footprints))
        print(json.dumps(data, ensure_ascii=False))
    else:
        sys.stdout.write(changes_text(changes, since, until))
    return 0
