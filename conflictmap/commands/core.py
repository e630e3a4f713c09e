"""Core commands: build-gazetteer, geocode, control, and the claims ledger (import,
export, correct, retract, history, batches, undo)."""

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

    claims = sub.add_parser("claims", help="the claims ledger: import, export, correct, undo")
    csub = claims.add_subparsers(dest="claims_command", required=True, metavar="ACTION")
    p = csub.add_parser("import", help="import a CSV/GeoJSON/JSON file, all or nothing")
    p.add_argument("file")
    p.set_defaults(func=cmd_claims_import)
    p = csub.add_parser("export", help="export every claim in force")
    p.add_argument("--format", choices=["csv", "geojson"], default="csv")
    p.set_defaults(func=cmd_claims_export)
    p = csub.add_parser("correct", help="a new version of a claim with changed fields")
    p.add_argument("id")
    p.add_argument(
        "changes",
        nargs="+",
        metavar="FIELD=VALUE",
        help="e.g. fraction=0.2 controller=CONTESTED note='...' (an empty value clears it)",
    )
    p.add_argument("--reason", required=True, help="why it is corrected")
    p.set_defaults(func=cmd_claims_correct)
    p = csub.add_parser("retract", help="withdraw a claim (its history stays)")
    p.add_argument("id")
    p.add_argument("--reason", required=True, help="why it is withdrawn")
    p.set_defaults(func=cmd_claims_retract)
    p = csub.add_parser("history", help="every version of a claim, with who, when and why")
    p.add_argument("id")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_claims_history)
    p = csub.add_parser("batches", help="the activity log: every write, newest first")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_claims_batches)
    p = csub.add_parser("undo", help="take back a whole batch (its claims are withdrawn)")
    p.add_argument("batch", type=int)
    p.add_argument("--reason", default="", help="why")
    p.set_defaults(func=cmd_claims_undo)


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
    print(f"{args.file}: {result.summary()}")
    for c in result.corrected:
        print(f"  corrected {c.id}: {c.place} {c.claim_date} ({c.describe()})")
    return 0


def parse_changes(items: list[str]) -> dict:
    """{'fraction': '0.2'} from ['fraction=0.2']; ValueError naming a malformed one."""
    changes = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{item!r}: expected FIELD=VALUE")
        changes[name.strip()] = value
    return changes


def _version_line(v) -> str:
    state = "withdrawn" if v.withdrawn else v.claim.describe()
    why = f" because: {v.reason}" if v.reason else ""
    return (
        f"v{v.version} {v.created_at:%Y-%m-%d %H:%M} UTC by {v.author} ({v.kind}, batch "
        f"{v.batch}): {v.claim.place} {v.claim.claim_date} {v.claim.claimant} {state}{why}"
    )


def cmd_claims_correct(args) -> int:
    ledger = workspace(args).ledger
    claim = ledger.correct(
        args.id, parse_changes(args.changes), author=os_author(), reason=args.reason
    )
    print(f"corrected {claim.id}: {_version_line(ledger.get(claim.id))}")
    return 0


def cmd_claims_retract(args) -> int:
    ledger = workspace(args).ledger
    claim = ledger.retract(args.id, author=os_author(), reason=args.reason)
    print(f"withdrew {claim.id}: {_version_line(ledger.get(claim.id))}")
    return 0


def cmd_claims_history(args) -> int:
    versions = workspace(args).ledger.history(args.id)
    if args.format == "json":
        out = [
            {
                "version": v.version,
                "withdrawn": v.withdrawn,
                "author": v.author,
                "at": v.created_at.isoformat(),
                "reason": v.reason,
                "batch": v.batch,
                "kind": v.kind,
                "claim": v.claim.as_record(),
            }
            for v in versions
        ]
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print(f"claim {versions[0].claim_id}")
        for v in versions:
            print(_version_line(v))
    return 0


def cmd_claims_batches(args) -> int:
    batches = workspace(args).ledger.batches(args.limit)
    if args.format == "json":
        out = [
            {
                "batch": b.id,
                "kind": b.kind,
                "author": b.author,
                "at": b.created_at.isoformat(),
                "origin": b.origin,
                "reason": b.reason,
                "added": b.added,
                "changed": b.changed,
                "withdrawn": b.withdrawn,
                "assessments": b.assessments,
                "assessments_withdrawn": b.assessments_withdrawn,
            }
            for b in batches
        ]
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    for b in batches:
        why = f" because: {b.reason}" if b.reason else ""
        print(
            f"batch {b.id} {b.created_at:%Y-%m-%d %H:%M} UTC {b.kind} by {b.author} "
            f"from {b.origin or '-'}: {b.describe()}{why}"
        )
    return 0


def cmd_claims_undo(args) -> int:
    result = workspace(args).ledger.undo(args.batch, author=os_author(), reason=args.reason)
    print(f"undo of batch {args.batch}: {result.summary()}")
    return 0


def cmd_claims_export(args) -> int:
    ledger = workspace(args).ledger
    if args.format == "csv":
        sys.stdout.write(ledger.export_csv())
    else:
        print(json.dumps(ledger.export_geojson(), ensure_ascii=False))
    return 0
