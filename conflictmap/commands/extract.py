"""Reader commands: ``extract`` (mentions and candidate claims) and ``evaluate``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..ledger import parse_date


def register(sub: argparse._SubParsersAction) -> None:
    """Add the reader's commands to the parser."""
    p = sub.add_parser("extract", help="place mentions and candidate claims of report files")
    p.add_argument("files", nargs="+", metavar="FILE", help=".txt or .html report files")
    p.add_argument(
        "--published",
        help="publication date YYYY-MM-DD (default: from the "
        "file's metadata or dateline, else today)",
    )
    p.add_argument("--format", choices=["json", "text"], default="text")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("evaluate", help="score the reader against annotated reports")
    p.add_argument(
        "folder",
        nargs="?",
        type=Path,
        help="folder of annotated reports with its gold*.json (instead of --gold/--reports)",
    )
    p.add_argument("--gold", type=Path, help="gold.json (see ../shared/reports/README.md)")
    p.add_argument("--reports", type=Path, help="folder holding the annotated reports")
    p.add_argument("--format", choices=["json", "text"], default="text")
    p.set_defaults(func=cmd_evaluate)


def read_report(path: Path, published=None) -> dict:
    """One file read: its JSON object as ``extract --format json`` prints it."""
    from ..reader import extract, from_file

    article = from_file(path.name, path.read_bytes())
    day = published or article.published
    ex = extract(article.text, day, publisher=article.publisher)
    out = {"file": str(path), **ex.as_dict()}
    if article.title:
        out["title"] = article.title
    if article.url:
        out["url"] = article.url
    return out, ex


def cmd_extract(args) -> int:
    published = parse_date(args.published, "--published") if args.published else None
    results = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise FileNotFoundError(f"{name}: no such file")
        data, ex = read_report(path, published)
        results.append((data, ex))
    if args.format == "json":
        payload = results[0][0] if len(results) == 1 else [r[0] for r in results]
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    for data, ex in results:
        guessed = " - not found, days counted from today" if ex.published_from == "today" else ""
        print(f"== {data['file']} (published {data['published']}{guessed})")
        placed = [m for m in ex.mentions if m.place]
        unmapped = [m for m in ex.mentions if not m.place and m.identified]
        unresolved = [m for m in ex.mentions if not m.identified]
        names = sorted({m.place.name for m in placed})
        print(f"places: {', '.join(names) or '(none)'}")
        if unmapped:
            known = sorted({f"{m.identified.name} ({m.identified.identity})" for m in unmapped})
            print("known, not on the map yet: " + ", ".join(known))
        if unresolved:
            print("unresolved: " + ", ".join(sorted({m.text for m in unresolved})))
        for c in ex.claims:
            detail = (
                c.part
                and f" ({c.part})"
                or (c.fraction is not None and f" ({round(c.fraction * 100)}%)")
                or ""
            )
            print(
                f"  {c.date}  {c.place.name}: {c.claimant} ({c.claimant_org}) says "
                f"{c.controller} {c.extent or ''}{detail}"
            )
    return 0


def cmd_evaluate(args) -> int:
    from ..reader import evaluate, format_report

    gold, reports = args.gold, args.reports
    if args.folder is not None:
        reports = reports or args.folder
        if gold is None:
            found = sorted(args.folder.glob("gold*.json")) if args.folder.is_dir() else []
            if len(found) != 1:
                what = "no" if not found else "more than one"
                print(f"evaluate: {what} gold*.json in {args.folder}; use --gold", file=sys.stderr)
                return 2
            gold = found[0]
    if gold is None or reports is None:
        print("evaluate: give a folder, or --gold and --reports", file=sys.stderr)
        return 2
    total, per = evaluate(gold, reports)
    if args.format == "json":
        print(
            json.dumps(
                {"total": total.as_dict(), "reports": {k: v.as_dict() for k, v in per.items()}},
                indent=1,
            )
        )
    else:
        sys.stdout.write(format_report(total, per) + "\n")
    return 0
