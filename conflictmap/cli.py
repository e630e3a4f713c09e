"""Command line: ``python -m conflictmap COMMAND ...``.

Each group of commands lives in its own module with a ``register(subparsers)``
function; this module only assembles them and turns domain errors into a message on
standard error and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = [
    "conflictmap.commands.core",
    "conflictmap.commands.extract",
    "conflictmap.commands.snapshot",
    "conflictmap.commands.changes",
    "conflictmap.commands.assessment",
    "conflictmap.commands.users",
]


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command group registered."""
    parser = argparse.ArgumentParser(
        prog="python -m conflictmap",
        description="Territorial-control claims in the war in Ukraine: places, claims, maps.",
    )
    parser.add_argument(
        "--db",
        help="SQLAlchemy URL or SQLite path (default: $CONFLICTMAP_DB or data/conflictmap.sqlite)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (CommandError, ValueError, LookupError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        ledger = getattr(args, "ledger_used", None)
        for note in ledger.unusable_records(scan=False) if ledger is not None else ():
            print(f"warning: {note}", file=sys.stderr)
