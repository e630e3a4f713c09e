"""Core commands: build-gazetteer, geocode, control, claims import/export."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from ..ledger import CONTROL_COLUMNS as COLUMNS
from ..ledger import LAYERS, control_table, csv_text, os_author, parse_date


def register(sub: argparse._SubParsersAction) -> None:
    """Add the core commands to the parser."""
    p = sub.add_parser("build-gazetteer", help="regenerate geodata/places.tsv.gz from GeoNames")
    p.add_argument("--min-population", type=int, default=500)
    p.set_defaults(func=cmd_build_gazetteer)

    p = sub.add_parser("geocode", help="candidate places for a name, best first (JSON)")
    p.add_argument("name")
    p.add_argument("--context", default="", help="text around the name (e.g. 'Donetsk region')")
    p.set_defaults(func=cmd_geocode)

    p = sub.add_parser("control", help="control layers as of a date")
    p.add_argument("--date", required=True, help="YYYY-MM-DD")
    p.add_argument("--format", choices=["geojson", "csv"], default="geojson")
    p.add_argument(
        "--layers", default=",".join(LAYERS), help=f"comma-separated subset of {','.join(LAYERS)}"
    )
    p.set_defaults(func=cmd_control)

    claims = sub.add_parser("claims", help="import or export the claims ledger")
    csub = claims.add_subparsers(dest="claims_command", required=True, metavar="ACTION")
    p = csub.add_parser("import", help="import a CSV/GeoJSON/JSON file, all or nothing")
    p.add_argument("file")
    p.set_defaults(func=cmd_claims_import)
    p = csub.add_parser("export", help="export every claim")
    p.add_argument("--format", choices=["csv", "geojson"], default="csv")
    p.set_defaults(func=cmd_claims_export)


def workspace(args):
    """The Workspace for these arguments (imported late: keeps --help fast)."""
    from conflictmap.workspace import Workspace

    ws = Workspace(args.db)
    args.ledger_used = ws.ledger  # the command line reports the records it left out
    return ws


def parse_layers(text: str) -> tuple[str, ...]:
    """Validated layer names from 'ru,ua,...'."""
    layers = tuple(x.strip() for x in text.split(",") if x.strip())
    unknown = [x for x in layers if x not in LAYERS]
    if unknown or not layers:
        raise ValueError(
            f"unknown layer(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(LAYERS)}"
        )
    return layers


def cmd_build_gazetteer(args) -> int:
    from ..places import build_gazetteer as build

    n = build(min_population=args.min_population)
    print(f"wrote {n} places")
    return 0


def cmd_geocode(args) -> int:
    from ..places import Gazetteer

    cands = Gazetteer.load().candidates(args.name, args.context)
    print(json.dumps([c.as_dict() for c in cands], ensure_ascii=False, indent=1))
    if not cands:
        print(f"error: no place called {args.name!r} in the gazetteer", file=sys.stderr)
        return 1
    return 0


def cmd_control(args) -> int:
    as_of: date = parse_date(args.date, "--date")
    ws = workspace(args)
    table = control_table(ws.layers(as_of, parse_layers(args.layers)))
    if args.format == "csv":
        sys.stdout.write(csv_text(table.drop(columns="geometry").to_dict("records"), COLUMNS))
    else:
        data = json.loads(table.to_json(na="null", drop_id=True))
        data["as_of"] = as_of.isoformat()
        print(json.dumps(data, ensure_ascii=False))
    return 0


def cmd_claims_import(args) -> int:
    result = workspace(args).ledger.import_file(args.file, author=os_author())
    print(f"imported {len(result.added)} claim(s); {len(result.skipped)} already present")
    return 0


def cmd_claims_export(args) -> int:
    ledger = workspace(args).ledger
    if args.format == "csv":
        sys.stdout.write(ledger.export_csv())
    else:
        print(json.dumps(ledger.export_geojson(), ensure_ascii=False))
    return 0
