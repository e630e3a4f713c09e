"""Independent-assessment commands: import DeepStateMap files, list them, measure
shares of a place, compare every claim in force with the assessment."""

from __future__ import annotations

import argparse
import json
import math
import sys

from ..ledger import csv_text, os_author, parse_date


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``assessment import|list|share|compare`` to the parser."""
    grp = sub.add_parser(
        "assessment", help="independent assessment (DeepStateMap): import, shares, claims compared"
    )
    asub = grp.add_subparsers(dest="assessment_command", required=True, metavar="ACTION")

    p = asub.add_parser(
        "import",
        help="import DeepStateMap files (daily processed files or raw snapshots), all or nothing",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--date", help="YYYY-MM-DD: the assessment's date (overrides the file's)")
    p.set_defaults(func=cmd_import)

    p = asub.add_parser("list", help="stored assessments: date, kind, source, area")
    p.set_defaults(func=cmd_list)

    p = asub.add_parser("share", help="occupied and grey-zone shares of a place (JSON)")
    p.add_argument("place", metavar="PLACE", help="a place name or GeoNames id")
    p.add_argument("--date", required=True, help="YYYY-MM-DD: use the assessment in force then")
    p.add_argument(
        "--radius-km",
        type=float,
        help="measure a circle of this radius around the place instead of its footprint",
    )
    p.add_argument(
        "--at",
        metavar="LAT,LON",
        help="centre the circle here instead of at the gazetteer's coordinates",
    )
    p.add_argument("--context", default="", help="text naming the region, for ambiguous names")
    p.set_defaults(func=cmd_share)

    p = asub.add_parser("compare", help="verdict for every claim in force on a date")
    p.add_argument("--date", required=True, help="YYYY-MM-DD")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.set_defaults(func=cmd_compare)


def _workspace(args):
    from .core import workspace

    return workspace(args)


def _ledger(args):
    from ..ledger import Ledger

    args.ledger_used = Ledger(args.db)  # the command line reports the records it left out
    return args.ledger_used


def resolve_place(gazetteer, text: str, context: str = ""):
    """A gazetteer place from a name or a GeoNames id; LookupError when unresolved."""
    text = text.strip()
    if text.isdigit():
        if int(text) not in gazetteer:
            raise LookupError(f"{text} is not a GeoNames id in the gazetteer")
        return gazetteer.get(int(text))
    res = gazetteer.resolve(text, context)
    if res.place is None:
        options = "; ".join(
            f"{c.place.name} ({c.place.oblast}, {c.place.country}, id {c.place.geonames_id})"
            for c in res.candidates[:5]
        )
        raise LookupError(
            f"{text!r} is unresolved: {res.reason}"
            + (f" (candidates: {options}; give the id)" if options else "")
        )
    return res.place


def parse_lat_lon(text: str | None) -> tuple[float, float] | None:
    """(lat, lon) from "48.2837,37.1813"; None for None; ValueError when malformed.

    >>> parse_lat_lon("48.2837, 37.1813")
    (48.2837, 37.1813)
    """
    if text is None:
        return None
    try:
        lat, lon = (float(x) for x in text.split(","))
    except ValueError:
        raise ValueError(f"--at {text!r}: expected LAT,LON in degrees") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"--at {text!r}: latitude or longitude out of range")
    return lat, lon


def cmd_import(args) -> int:
    from ..assessment import import_files

    on = parse_date(args.date, "--date", required=False)
    results = import_files(_ledger(args), args.files, on=on, author=os_author())
    for r in results:
        print(r.describe())
    print(
        f"stored {sum(len(r.shapes) for r in results)} assessment geometr(y/ies) "
        f"from {len(results)} file(s)"
    )
    return 0


def cmd_list(args) -> int:
    from ..assessment import stored_summary

    table = stored_summary(_ledger(args))
    if not len(table):
        print("no assessments stored", file=sys.stderr)
        return 1
    sys.stdout.write(csv_text(table.to_dict("records"), list(table.columns)))
    return 0


def cmd_share(args) -> int:
    from ..assessment import place_shares

    as_of = parse_date(args.date, "--date")
    ws = _workspace(args)
    place = resolve_place(ws.gazetteer, args.place, args.context)
    result = place_shares(
        ws.ledger,
        ws.footprints,
        place.geonames_id,
        as_of,
        radius_km=args.radius_km,
        at=parse_lat_lon(args.at),
    )
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


def _plain(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    if str(value) in ("<NA>", "NaT"):
        return None
    return value


def cmd_compare(args) -> int:
    from ..assessment import COMPARE_COLUMNS, compare_claims

    as_of = parse_date(args.date, "--date")
    table = compare_claims(_workspace(args), as_of)
    records = [
        {k: _plain(v) for k, v in row.items()} for row in table.astype(object).to_dict("records")
    ]
    if args.format == "csv":
        sys.stdout.write(csv_text(records, COMPARE_COLUMNS))
    else:
        print(
            json.dumps(
                {"as_of": as_of.isoformat(), "claims": records}, ensure_ascii=False, indent=1
            )
        )
    return 0
